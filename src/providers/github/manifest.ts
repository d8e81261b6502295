/** GitHub issues out. The pure half: config code imports this file only. */
import { z } from 'zod';
import { channelBase, secret } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

export const manifest = defineProvider({
  kind: 'github',
  channel: z
    .object({
      ...channelBase,
      kind: z.literal('github'),
      token: secret().describe("token with read and write access to the repository's issues"),
      repo: z
        .string()
        .regex(/^[^/\s]+\/[^/\s]+$/, 'expected owner/name')
        .describe('owner/name'),
      labels: z.array(z.string()).default([]).describe('labels put on the issues created'),
      close_on_success: z.boolean().default(false).describe('a success closes the open issue of that action and alias'),
      fingerprint: z
        .string()
        .optional()
        .describe(
          'what names "the same problem": fields joined by + (action, alias, status, user, channel, target, subject, data.KEY); default action+alias+status',
        ),
    })
    .strict(),
  load: () => import('./runtime.ts'),
});
