/**
 * The real Alertmanager the end-to-end test runs (alertmanager-server.ts), checked on its own
 * against a bare HTTP receiver: what it sends to a webhook receiver is what the intake parses
 * (payload version 4, `Authorization: Bearer`, one group per alertname, repeats, `resolved`).
 */
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertmanagerBinary, alertmanagerSkipReason, startAlertmanager, type RealAlertmanager } from './alertmanager-server.ts';

interface Received {
  authorization: string | undefined;
  body: {
    version: string;
    status: string;
    receiver: string;
    groupKey: string;
    alerts: { status: string; labels: Record<string, string>; fingerprint: string; endsAt: string }[];
  };
}

const title = alertmanagerBinary ? 'a real Alertmanager (test support)' : `a real Alertmanager (test support): ${alertmanagerSkipReason}`;

describe.skipIf(!alertmanagerBinary)(title, () => {
  let server: Server;
  let received: Received[];
  let am: RealAlertmanager;

  beforeEach(async () => {
    received = [];
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, body: JSON.parse(data) as Received['body'] });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    am = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${port}/ingress/alertmanager/am-prod`, token: 'am-test-token' });
  });
  afterEach(async () => {
    await am.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!ok()) throw new Error(`gave up waiting for ${what}; received ${JSON.stringify(received)}\n${am.log().slice(-3000)}`);
  };

  it('posts version-4 payloads with the bearer token, repeats a firing alert, and sends resolved', async () => {
    expect(am.version).toMatch(/^alertmanager, version \d+\.\d+/);
    const labels = { alertname: 'HighLatency', service: 'api', severity: 'critical' };
    await am.fire({ labels, annotations: { summary: 'p99 above 2s' } });
    await until('a repeat of the firing alert', () => received.filter((r) => r.body.status === 'firing').length >= 2);
    const first = received[0]!;
    expect(first.authorization).toBe('Bearer am-test-token');
    expect(first.body).toMatchObject({ version: '4', status: 'firing', receiver: 'switchboard' });
    expect(first.body.alerts).toEqual([expect.objectContaining({ status: 'firing', labels, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) })]);
    // a repeat is the same alert with the same fingerprint
    expect(received[1]!.body.alerts[0]!.fingerprint).toBe(first.body.alerts[0]!.fingerprint);

    await am.resolve({ labels });
    await until('the resolved notification', () => received.some((r) => r.body.status === 'resolved'));
    const resolved = received.find((r) => r.body.status === 'resolved')!;
    expect(resolved.body.alerts).toEqual([expect.objectContaining({ status: 'resolved', fingerprint: first.body.alerts[0]!.fingerprint })]);
    expect(await am.silences()).toEqual([]);
  });
});
