/** Grafana alerts in (its webhook contact point). The pure half: config code imports this file only. */
import { z } from 'zod';
import { alertChannelFields } from '../../alerts/channel.ts';
import { defineProvider } from '../provider.ts';

export const manifest = defineProvider({
  kind: 'grafana',
  channel: z
    .object(alertChannelFields('grafana', "Grafana's Alertmanager-compatible API base for silences, e.g. https://grafana.example.com/api/alertmanager/grafana"))
    .strict(),
  load: () => import('./runtime.ts'),
});
