/**
 * Escalation steps are delayed jobs in Redis: a Switchboard stopped before a step is due and
 * started again (same Redis prefix) still sends it, once.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../../src/main.ts';
import { waitFor } from '../executions/helpers.ts';
import { cleanupPrefix, writeConfigDir } from '../harness.ts';

const AM_TOKEN = 'am-token-0123456789abcdef';
const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });

describe('escalation across a restart', () => {
  const prefix = `sbt-${randomUUID().slice(0, 8)}`;
  const dir = writeConfigDir({
    files: {
      'switchboard.yaml': `
server: { port: 0 }
redis: { url: "redis://127.0.0.1:6379", prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [oncall] }
roles:
  oncall: { permissions: [] }
executions: { stalled_interval: 1, shutdown_grace: 1 }
`,
      'channels/am.yaml': `
name: am-prod
kind: alertmanager
token: \${AM_TOKEN}
notify: [pager]
escalate:
  - { after: 3s, notify: [pager-backup] }
`,
      'channels/outbox.yaml': `
name: outbox
kind: file
path: outbox/alerts.jsonl
`,
      'rules/r.yaml': `
rules:
  - name: all to the outbox
    channel: [pager, pager-backup]
    to: [{ channel: outbox }]
`,
    },
  });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, SB_TEST_PREFIX: prefix, AM_TOKEN };
  const lines = () =>
    existsSync(join(dir, 'outbox/alerts.jsonl'))
      ? readFileSync(join(dir, 'outbox/alerts.jsonl'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { alert?: { id: string; step?: number } })
      : [];
  let sb: Switchboard | undefined;
  afterAll(async () => {
    await sb?.stop();
    await cleanupPrefix('redis://127.0.0.1:6379', prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a step that fell due while no worker ran', async () => {
    const first = await startSwitchboard({ configDir: dir, role: 'all', env, port: 0, logDestination: quiet() });
    const res = await fetch(`http://127.0.0.1:${first.port}/ingress/alertmanager/am-prod`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        alerts: [{ status: 'firing', labels: { alertname: 'Restarted' }, startsAt: new Date().toISOString(), fingerprint: 'restart-1' }],
      }),
    });
    const id = ((await res.json()) as { alerts: { id: string }[] }).alerts[0]!.id;
    await waitFor(() => lines().some((l) => l.alert?.id === id), 'the first notification');
    await first.stop();
    expect(lines().filter((l) => l.alert?.step === 1)).toHaveLength(0);

    sb = await startSwitchboard({ configDir: dir, role: 'all', env, port: 0, logDestination: quiet() });
    await waitFor(() => lines().find((l) => l.alert?.id === id && l.alert.step === 1), 'step 1 after the restart', 20_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(lines().filter((l) => l.alert?.id === id && l.alert.step === 1)).toHaveLength(1);
  });
});
