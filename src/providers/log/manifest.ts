/** log: one JSON line per delivery on the process logger. The pure half: config code imports this file only. */
import { z } from 'zod';
import { channelBase } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

export const manifest = defineProvider({
  kind: 'log',
  channel: z.object({ ...channelBase, kind: z.literal('log') }).strict(),
  load: () => import('./runtime.ts'),
});
