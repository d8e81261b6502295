/** Jira issues out. The pure half: config code imports this file only. */
import { z } from 'zod';
import { channelBase, secret } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

export const manifest = defineProvider({
  kind: 'jira',
  channel: z
    .object({
      ...channelBase,
      kind: z.literal('jira'),
      token: secret().describe('an Atlassian API token (with `email`: Basic auth); without `email` it is sent as a Bearer token'),
      email: z.string().optional().describe('the Atlassian account the API token belongs to'),
      project: z.string().describe('project key'),
      issue_type: z.string().default('Task').describe('issue type of the issues created'),
      close_on_success: z.boolean().default(false).describe('a success closes the open issue of that action and alias'),
      fingerprint: z
        .string()
        .optional()
        .describe(
          'what names "the same problem": fields joined by + (action, alias, status, user, channel, target, subject, data.KEY); default action+alias+status',
        ),
    })
    .strict()
    .superRefine((c, ctx) => {
      if (c.api_url === undefined) ctx.addIssue({ code: 'custom', path: ['api_url'], message: 'required: the Jira site, e.g. https://example.atlassian.net' });
    }),
  load: () => import('./runtime.ts'),
});
