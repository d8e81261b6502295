/** Prometheus Alertmanager alerts in (webhook payload version 4). The pure half: config code imports this file only. */
import { z } from 'zod';
import { alertChannelFields } from '../../alerts/channel.ts';
import { defineProvider } from '../provider.ts';

export const manifest = defineProvider({
  kind: 'alertmanager',
  channel: z.object(alertChannelFields('alertmanager', "Alertmanager's API base URL for silences, e.g. http://alertmanager:9093")).strict(),
  load: () => import('./runtime.ts'),
});
