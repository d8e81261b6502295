/**
 * A whole Switchboard (startTestSwitchboard) set up to page people: an `alertmanager` channel
 * (`am-prod`) and a `grafana` channel (`grafana-prod`) whose alerts notify `pager`; rules send
 * `pager` to the on-call person's phone (`{channel: sms, role: oncall}`) and the escalation step's
 * `pager-backup` to the backup's; an sms channel pointed at the fake Twilio REST API. Replies are
 * Twilio-signed inbound SMS webhooks (../ingress/twilio-sms-helpers.ts).
 */
import { startTwilioFake, type TwilioFake, type TwilioSent } from '../../../src/providers/sms/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { ACCOUNT_SID, ALICE, AUTH_TOKEN, BOB, OUR_NUMBER, PUBLIC_URL } from '../ingress/twilio-sms-helpers.ts';

export const AM_TOKEN = 'am-test-bearer-token-0000000001';
export const GRAFANA_TOKEN = 'grafana-test-bearer-token-00001';
export const API_KEY = 'alerts-test-api-key-00000000001';
/** seconds before an unacknowledged alert escalates to the backup */
export const ESCALATE_AFTER = 4;

function files(amUrl: string): Record<string, string> {
  return {
    'switchboard.yaml': `
server: { port: 0, public_url: "${PUBLIC_URL}" }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [oncall], phone: "${ALICE}" }
  bob:   { roles: [oncall-backup], phone: "${BOB}" }
  ops:   { roles: [admin] }
roles:
  admin: { permissions: ["*"] }
api_keys:
  - { name: test, key: "${API_KEY}", user: ops }
limits: { per_sender_per_minute: 60 }
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: info }
`,
    'channels/sms.yaml': `
name: sms
kind: sms
account_sid: ${ACCOUNT_SID}
auth_token: ${AUTH_TOKEN}
from: "${OUR_NUMBER}"
api_url: \${TWILIO_URL}
`,
    'channels/am-prod.yaml': `
name: am-prod
kind: alertmanager
token: \${AM_TOKEN}
notify: [pager]
api_url: "${amUrl}"
allow: [oncall, oncall-backup]
escalate:
  - { after: ${ESCALATE_AFTER}s, notify: [pager-backup] }
`,
    'channels/grafana-prod.yaml': `
name: grafana-prod
kind: grafana
token: \${GRAFANA_TOKEN}
notify: [pager]
allow: [oncall]
`,
    'rules/alerts.yaml': `
rules:
  - name: page the on-call person
    channel: pager
    to: [{ channel: sms, role: oncall }]
  - name: then the backup
    channel: pager-backup
    to: [{ channel: sms, role: oncall-backup }]
`,
  };
}

export interface AlertsWorld {
  t: TestSwitchboard;
  twilio: TwilioFake;
  stop(): Promise<void>;
}

/** `amUrl`: the Alertmanager API base the alertmanager channel's `api_url` names (for SILENCE). */
export async function startAlertsWorld(opts: { amUrl: string }): Promise<AlertsWorld> {
  const twilio = await startTwilioFake({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  try {
    const t = await startTestSwitchboard({
      files: files(opts.amUrl),
      env: { TWILIO_URL: twilio.url, AM_TOKEN, GRAFANA_TOKEN },
    });
    return {
      t,
      twilio,
      async stop() {
        await t.stop();
        await twilio.close();
      },
    };
  } catch (err) {
    await twilio.close();
    throw err;
  }
}

/** An alert record as `GET /api/v1/alerts/:id` shows it (src/alerts/types.ts AlertRecord, the fields the tests read). */
export interface AlertJson {
  id: string;
  code: string;
  channel: string;
  kind: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  repeats: number;
  acked_by?: string;
  silence?: { id: string; until: string; by: string };
  escalation_step: number;
  events: { kind: string; user?: string; source?: string; detail?: string }[];
  deliveries: { channel: string; target?: string; status: string }[];
}

const auth = { authorization: `Bearer ${API_KEY}` };

export async function listAlerts(t: TestSwitchboard): Promise<AlertJson[]> {
  const res = await t.request('/api/v1/alerts?limit=200', { headers: auth });
  if (res.status !== 200) throw new Error(`GET /api/v1/alerts: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { items: AlertJson[] }).items;
}

export async function getAlert(t: TestSwitchboard, id: string): Promise<AlertJson> {
  const res = await t.request(`/api/v1/alerts/${id}`, { headers: auth });
  if (res.status !== 200) throw new Error(`GET /api/v1/alerts/${id}: ${res.status} ${await res.text()}`);
  return (await res.json()) as AlertJson;
}

/** the SMS Twilio was asked to send to `to` that are about `alert` (they name its code) */
export const smsAbout = (twilio: TwilioFake, to: string, alert: { code: string }): TwilioSent[] =>
  twilio.messages.filter((m) => m.to === to && new RegExp(`\\b${alert.code}\\b`).test(m.body));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
