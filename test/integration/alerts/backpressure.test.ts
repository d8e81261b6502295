/**
 * Alert intake pushes back: while the bulk delivery backlog is at `deliveries.max_backlog`, a
 * webhook is answered 429 with Retry-After and nothing is recorded (Alertmanager retries).
 * The backlog is made by a file channel allowed one delivery an hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { waitFor } from '../executions/helpers.ts';

const AM_TOKEN = 'am-token-0123456789abcdef';
const KEY = 'alice-key-0123456789abcdef0123456789';

const body = (fp: string) =>
  JSON.stringify({
    version: '4',
    status: 'firing',
    alerts: [{ status: 'firing', labels: { alertname: 'Busy', fp }, annotations: {}, startsAt: new Date().toISOString(), fingerprint: fp }],
  });

describe('alert intake backpressure', () => {
  let t: TestSwitchboard;
  beforeAll(async () => {
    t = await startTestSwitchboard({
      env: { AM_TOKEN, KEY },
      files: {
        'switchboard.yaml': `
server: { port: 0 }
redis: { url: "redis://127.0.0.1:6379", prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [oncall] }
roles:
  oncall: { permissions: [executions.read_all] }
api_keys:
  - { name: alice, key: "\${KEY}", user: alice }
deliveries: { max_backlog: 3 }
executions: { stalled_interval: 1, shutdown_grace: 1 }
`,
        'channels/am.yaml': `
name: am-prod
kind: alertmanager
token: \${AM_TOKEN}
notify: [pager]
`,
        'channels/slow.yaml': `
name: slow
kind: file
path: outbox/slow.jsonl
rate_limit: { max: 1, per_seconds: 3600 }
`,
        'rules/r.yaml': `
rules:
  - name: page slowly
    channel: pager
    to: [{ channel: slow }]
`,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const post = (fp: string) =>
    t.request('/ingress/alertmanager/am-prod', {
      method: 'POST',
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json' },
      body: body(fp),
    });
  const count = async () =>
    ((await (await t.request('/api/v1/alerts?limit=200', { headers: { authorization: `Bearer ${KEY}` } })).json()) as { items: unknown[] }).items.length;

  it('answers 429 with Retry-After once the backlog is full, recording nothing', async () => {
    // one is sent, the others wait for the rate limit: the backlog grows to the bound
    let accepted = 0;
    for (let i = 0; i < 5; i++) {
      expect((await post(`fill-${i}`)).status).toBe(200);
      accepted++;
    }
    let n = 0;
    const refused = await waitFor(async () => {
      const res = await post(`over-${n++}`);
      if (res.status === 200) accepted++; // the gauge reads the queue at most every 250 ms
      return res.status === 429 ? res : undefined;
    }, 'a 429 once the gauge sees the backlog');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('backlog_full');
    expect(await count()).toBe(accepted);
  });
});
