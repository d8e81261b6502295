/**
 * Alertmanager's webhook payload, version 4
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). Pure.
 */
import { z } from 'zod';
import { alertSchema, firstIssue, parseJson, toIncoming, type ParsedPayload } from '../../alerts/payload.ts';

const stringMap = z.record(z.string(), z.string({ error: 'expected a string' }), { error: 'expected an object of strings' });

export const alertmanagerPayloadSchema = z.looseObject({
  version: z.literal('4', { error: (i) => `expected "4" (Alertmanager's webhook payload version), got ${JSON.stringify(i.input)}` }),
  groupKey: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().optional(),
  groupLabels: stringMap.optional(),
  commonLabels: stringMap.optional(),
  commonAnnotations: stringMap.optional(),
  externalURL: z.string().optional(),
  alerts: z.array(alertSchema.extend({ fingerprint: z.string({ error: 'is required (Alertmanager sends one per alert)' }).min(1, { error: 'is empty' }) }), {
    error: 'expected an array of alerts',
  }),
});

/**
 * @example
 * parseAlertmanagerPayload('{"version":"4","alerts":[…]}') // { ok: true, alerts: [{ fingerprint, status, labels, … }] }
 * parseAlertmanagerPayload('{}') // { ok: false, error: 'version: expected "4" …' }
 */
export function parseAlertmanagerPayload(body: string): ParsedPayload {
  const json = parseJson(body);
  if (json === undefined) return { ok: false, error: 'the body is not JSON (an Alertmanager webhook payload, version 4)' };
  const r = alertmanagerPayloadSchema.safeParse(json);
  if (!r.success) return { ok: false, error: firstIssue(r.error) };
  const p = r.data;
  return {
    ok: true,
    alerts: p.alerts.map((a) => toIncoming(a, { external_url: p.externalURL })),
    ...(p.groupKey !== undefined && { groupKey: p.groupKey }),
  };
}
