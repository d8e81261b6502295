/**
 * The channel schema shared by the `alertmanager` and `grafana` kinds (inbound only: no sink).
 * Pure zod, imported by their manifests (src/providers/alertmanager, src/providers/grafana).
 */
import { z } from 'zod';
import { channelBase, secret } from '../config/channel-base.ts';
import { DURATION_EXAMPLES, parseDuration } from './duration.ts';

/** `5m`, `2h`, `1h30m`, `1d`, or a number of seconds. */
export const durationField = () =>
  z
    .union([z.string(), z.number()], { error: `expected a duration (${DURATION_EXAMPLES})` })
    .refine((v) => parseDuration(String(v)) !== undefined, { error: (i) => `expected a duration (${DURATION_EXAMPLES}), got ${JSON.stringify(i.input)}` });

/** The fields of an alert intake channel; `api_url` is what silences are created through. */
export function alertChannelFields<const K extends 'alertmanager' | 'grafana'>(kind: K, apiUrlHelp: string) {
  return {
    ...channelBase,
    kind: z.literal(kind),
    token: secret()
      .min(1, { error: 'is empty' })
      .describe(
        `the bearer token ${kind === 'grafana' ? "Grafana's webhook contact point" : "Alertmanager's webhook_configs http_config.authorization"} sends (\`Authorization: Bearer …\`)`,
      ),
    notify: z
      .array(z.string().min(1))
      .min(1, { error: 'needs at least one notify channel name (what your rules route, like an action notify channel)' })
      .describe("notify channel names each alert goes to through the rules, like an action's notify channels"),
    api_url: z.string().url().optional().describe(apiUrlHelp),
    api_token: secret().optional().describe('bearer token for api_url (creating silences)'),
    allow: z.array(z.string().min(1)).optional().describe('roles whose holders may ACK or SILENCE these alerts; absent = any configured user'),
    escalate: z
      .array(
        z
          .object({
            after: durationField().describe('time since the alert first fired (5m, 2h, 1h30m, or seconds) after which this step notifies, unless acknowledged'),
            notify: z.array(z.string().min(1)).min(1, { error: 'needs at least one notify channel name' }).describe('notify channel names of this step'),
          })
          .strict(),
      )
      .default([])
      .describe('steps while nobody acknowledged: each notifies its names `after` the first firing'),
    code_digits: z.number().int().min(3).max(8).default(4).describe('digits of the short code replies name (ACK 4821)'),
  };
}
