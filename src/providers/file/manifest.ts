/** file: one JSON line per delivery appended to a file. The pure half: config code imports this file only. */
import { z } from 'zod';
import { channelBase } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

export const manifest = defineProvider({
  kind: 'file',
  channel: z
    .object({
      ...channelBase,
      kind: z.literal('file'),
      path: z.string().default('outbox/deliveries.jsonl').describe('the file appended to (relative to the config folder)'),
    })
    .strict(),
  load: () => import('./runtime.ts'),
});
