/**
 * Alerts in, answers back (docs/contracts.md section 7): the shapes shared by the intake
 * (src/providers/alertmanager, src/providers/grafana), the alert store and service (src/alerts/),
 * the reply handling (`ACK 4821`, `SILENCE 4821 2h`), the API (`/api/v1/alerts`) and the dashboard.
 */
import type { Source } from '../aliases/index.ts';
import type { DeliveryRecord } from '../executions/types.ts';
import type { AlertStatus } from '../notify/types.ts';

/** One alert as either intake parsed it (pure data, before it is stored). */
export interface IncomingAlert {
  /** Alertmanager's `fingerprint`; Grafana's too (or a hash of the labels when absent) */
  fingerprint: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ISO time */
  startsAt: string;
  /** ISO time; Alertmanager sends `0001-01-01T00:00:00Z` while firing */
  endsAt?: string;
  generatorURL?: string;
  /** Grafana's silence/dashboard/panel URLs, Alertmanager's externalURL... */
  links?: Record<string, string>;
}

/** Something a person (or Switchboard) did about an alert, in order. */
export interface AlertEvent {
  at: string;
  kind: 'fired' | 'repeated' | 'acked' | 'silenced' | 'escalated' | 'resolved' | 'refused';
  /** the configured user name, when a person acted */
  user?: string;
  /** the medium they acted from (sms, email, slack, web, api) */
  source?: Source | 'web';
  /** free text: `silenced for 2h (silence 3f2a…)`, `step 1: notify oncall-backup` */
  detail?: string;
}

/** An alert as stored (`{sb}:alert:<id>`) and shown by `GET /api/v1/alerts/:id` and the dashboard. */
export interface AlertRecord {
  id: string;
  /** the short numeric code replies name (`ACK 4821`); unique among open alerts */
  code: string;
  /** the alertmanager/grafana channel it came in on */
  channel: string;
  kind: 'alertmanager' | 'grafana';
  fingerprint: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  starts_at: string;
  ends_at?: string;
  generator_url?: string;
  /** when Switchboard first received it / last heard it again */
  received_at: string;
  updated_at: string;
  /** how many times the same firing alert was received (Alertmanager's repeats and regroupings) */
  repeats: number;
  acked_by?: string;
  acked_at?: string;
  silence?: { id: string; until: string; by: string };
  /** escalation steps already sent (0 = none) */
  escalation_step: number;
  events: AlertEvent[];
  /** the deliveries of its notifications, as on an execution record */
  deliveries: (DeliveryRecord & { id: string })[];
}

/** What a reply or a button asked for. */
export type AlertAction = { kind: 'ack' } | { kind: 'silence'; durationMs: number } | { kind: 'unack' };

/** The answer to an ACK/SILENCE, as text for the medium it came from. */
export interface AlertActionResult {
  ok: boolean;
  /** `Acknowledged HighLatency (4821); escalation stopped.`, `No open alert 4821.`, `You may not acknowledge alerts of am-prod.` */
  message: string;
  alert?: AlertRecord;
  /**
   * why it did nothing (absent when ok): no such open alert, the person may not, the alert is
   * resolved, nothing to change (not acknowledged...), no `api_url`, the silences API failed, a bad reply
   */
  reason?: 'not_found' | 'forbidden' | 'resolved' | 'unchanged' | 'no_api_url' | 'upstream' | 'invalid';
}
