/**
 * Grafana's webhook contact point payload
 * (https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/):
 * Alertmanager's shape plus Grafana's own fields per alert (values, valueString, silenceURL,
 * dashboardURL, panelURL, imageURL). Pure.
 */
import { z } from 'zod';
import { alertSchema, firstIssue, parseJson, toIncoming, type ParsedPayload } from '../../alerts/payload.ts';

export const grafanaPayloadSchema = z.looseObject({
  receiver: z.string().optional(),
  status: z.string().optional(),
  orgId: z.number().optional(),
  groupKey: z.string().optional(),
  externalURL: z.string().optional(),
  alerts: z.array(
    alertSchema.extend({
      values: z.record(z.string(), z.unknown()).nullable().optional(),
      valueString: z.string().optional(),
      silenceURL: z.string().optional(),
      dashboardURL: z.string().optional(),
      panelURL: z.string().optional(),
      imageURL: z.string().optional(),
    }),
    { error: 'expected an array of alerts' },
  ),
});

/**
 * @example
 * parseGrafanaPayload(bodyText) // { ok: true, alerts: [{ fingerprint, status, labels, annotations, links: { silence_url, … } }] }
 */
export function parseGrafanaPayload(body: string): ParsedPayload {
  const json = parseJson(body);
  if (json === undefined) return { ok: false, error: "the body is not JSON (Grafana's webhook contact point payload)" };
  const r = grafanaPayloadSchema.safeParse(json);
  if (!r.success) return { ok: false, error: firstIssue(r.error) };
  const p = r.data;
  return {
    ok: true,
    alerts: p.alerts.map((a) => {
      const incoming = toIncoming(a, {
        silence_url: a.silenceURL,
        dashboard_url: a.dashboardURL,
        panel_url: a.panelURL,
        image_url: a.imageURL,
        external_url: p.externalURL,
      });
      // Grafana's "[ var='A' labels={} value=3 ]": shown with the alert, never a label
      return a.valueString !== undefined && a.valueString !== ''
        ? { ...incoming, annotations: { value_string: a.valueString, ...incoming.annotations } }
        : incoming;
    }),
    ...(p.groupKey !== undefined && { groupKey: p.groupKey }),
  };
}
