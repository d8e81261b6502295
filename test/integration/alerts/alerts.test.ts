/**
 * Alerts in, answers back, through a whole Switchboard (gateway + workers) on a free port:
 * Alertmanager/Grafana payloads to the ingress → alert records → one delivery per routed name to a
 * `file` channel; repeats deduplicated; resolved followed up once; ACK over the API and as a
 * command; forged tokens refused; escalation with a short `after`; SILENCE against a local HTTP
 * server speaking Alertmanager's /api/v2/silences.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../src/alerts/types.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { waitFor } from '../executions/helpers.ts';

const AM_TOKEN = 'am-token-0123456789abcdef';
const GRAFANA_TOKEN = 'grafana-token-0123456789abcdef';
const ALICE_KEY = 'alice-key-0123456789abcdef0123456789';
const BOB_KEY = 'bob-key-0123456789abcdef0123456789ab';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/alerts/${name}`, import.meta.url), 'utf8');

interface OutboxLine {
  id: string;
  channel: string;
  target?: string;
  subject?: string;
  text: string;
  data: Record<string, unknown>;
  alert?: { id: string; code: string; status: string; step?: number };
  thread?: string;
}

/** Alertmanager's /api/v2/silences, recording what it was sent. */
function startSilencesFake(): Promise<{ server: Server; url: string; posts: { auth?: string; body: Record<string, unknown> }[]; fail: { status?: number } }> {
  const posts: { auth?: string; body: Record<string, unknown> }[] = [];
  const fail: { status?: number } = {};
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v2/silences') {
        res.writeHead(404).end();
        return;
      }
      if (fail.status) {
        res.writeHead(fail.status, { 'content-type': 'text/plain' }).end('boom');
        return;
      }
      posts.push({ ...(req.headers.authorization !== undefined && { auth: req.headers.authorization }), body: JSON.parse(raw) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ silenceID: `sil-${posts.length}` }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts, fail })),
  );
}

function payload(alerts: { fingerprint: string; status?: 'firing' | 'resolved'; alertname?: string; severity?: string; endsAt?: string }[]): string {
  return JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname="x"}',
    status: 'firing',
    receiver: 'switchboard',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname: a.alertname ?? 'DiskFull', instance: `db-${a.fingerprint}`, severity: a.severity ?? 'critical' },
      annotations: { summary: `disk of ${a.fingerprint} is full` },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: a.fingerprint,
    })),
  });
}

describe('alerts in, answers back', () => {
  let t: TestSwitchboard;
  let am: Awaited<ReturnType<typeof startSilencesFake>>;
  const outbox = () => join(t.dir, 'outbox/alerts.jsonl');
  const lines = (): OutboxLine[] =>
    existsSync(outbox())
      ? readFileSync(outbox(), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as OutboxLine)
      : [];
  const linesOf = (alertId: string) => lines().filter((l) => l.alert?.id === alertId);
  const post = (path: string, body: string, token: string | null = AM_TOKEN) =>
    t.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }) }, body });
  const api = (path: string, key = ALICE_KEY, init: RequestInit = {}) =>
    t.request(`/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    });
  const getAlert = async (id: string) => (await (await api(`/alerts/${id}`)).json()) as AlertRecord;
  const fire = async (fp: string, path = '/ingress/alertmanager/am-prod', extra: Parameters<typeof payload>[0][number] = { fingerprint: fp }) => {
    const res = await post(path, payload([{ ...extra, fingerprint: fp }]));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { alerts: { id: string; code: string; outcome: string }[] };
    return body.alerts[0]!;
  };

  beforeAll(async () => {
    am = await startSilencesFake();
    t = await startTestSwitchboard({
      env: { AM_TOKEN, GRAFANA_TOKEN, ALICE_KEY, BOB_KEY, AM_API: am.url },
      files: {
        'switchboard.yaml': `
server: { port: 0 }
redis: { url: "redis://127.0.0.1:6379", prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [oncall], phone: "+15550000001" }
  bob: { roles: [viewer], phone: "+15550000002" }
roles:
  oncall: { permissions: [executions.read_all] }
  viewer: { permissions: [] }
api_keys:
  - { name: alice, key: "\${ALICE_KEY}", user: alice }
  - { name: bob, key: "\${BOB_KEY}", user: bob }
executions: { concurrency: 2, stalled_interval: 1, shutdown_grace: 2 }
`,
        'channels/am-prod.yaml': `
name: am-prod
kind: alertmanager
token: \${AM_TOKEN}
notify: [oncall, ops-log]
api_url: \${AM_API}
api_token: am-api-secret-0123456789
allow: [oncall]
`,
        'channels/am-esc.yaml': `
name: am-esc
kind: alertmanager
token: \${AM_TOKEN}
notify: [oncall]
escalate:
  - { after: 1s, notify: [backup] }
  - { after: 2s, notify: [manager] }
`,
        'channels/grafana.yaml': `
name: grafana-main
kind: grafana
token: \${GRAFANA_TOKEN}
notify: [oncall]
`,
        'channels/outbox.yaml': `
name: outbox
kind: file
path: outbox/alerts.jsonl
`,
        'rules/alerts.yaml': `
rules:
  - name: alerts to the outbox
    channel: [oncall, backup, manager]
    to: [{ channel: outbox, target: pager }]
  - name: only critical to the ops log
    channel: [ops-log]
    when: { "data.severity": critical }
    to: [{ channel: outbox, target: ops-log }]
`,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise((r) => am?.server.close(r));
  });

  it('records a firing alert and delivers it once per routed name; a repeat delivers nothing new', async () => {
    const first = await fire('fp-repeat');
    expect(first.outcome).toBe('fired');
    expect(first.code).toMatch(/^\d{4}$/);
    const sent = await waitFor(() => (linesOf(first.id).length === 2 ? linesOf(first.id) : undefined), 'two deliveries');
    expect(sent.map((l) => l.target).sort()).toEqual(['ops-log', 'pager']);
    const line = sent[0]!;
    expect(line.subject).toBe('[FIRING] DiskFull');
    expect(line.text).toContain(`Reply ACK ${first.code} or SILENCE ${first.code} 2h`);
    expect(line.thread).toBe(`alert:${first.id}`);
    expect(line.data).toMatchObject({ severity: 'critical', code: first.code, status: 'firing' });

    const again = await fire('fp-repeat');
    expect(again).toMatchObject({ id: first.id, code: first.code, outcome: 'repeated' });
    const rec = await waitFor(async () => {
      const r = await getAlert(first.id);
      return r.deliveries.length === 2 && r.deliveries.every((d) => d.status === 'sent') ? r : undefined;
    }, 'both deliveries sent on the alert record');
    expect(rec).toMatchObject({ status: 'firing', repeats: 1, channel: 'am-prod', kind: 'alertmanager' });
    expect(rec.events.map((e) => e.kind)).toEqual(['fired', 'repeated']);
    await new Promise((r) => setTimeout(r, 300));
    expect(linesOf(first.id)).toHaveLength(2);
  });

  it('routes by labels: a warning skips the critical-only rule', async () => {
    const a = await fire('fp-warning', undefined, { fingerprint: 'fp-warning', severity: 'warning' });
    const sent = await waitFor(() => (linesOf(a.id).length >= 1 ? linesOf(a.id) : undefined), 'the pager delivery');
    await new Promise((r) => setTimeout(r, 300));
    expect(linesOf(a.id).map((l) => l.target)).toEqual(['pager']);
    expect(sent[0]!.data.severity).toBe('warning');
  });

  it('follows up a resolution once, in the same thread; a firing after that is a new alert', async () => {
    const a = await fire('fp-resolve');
    await waitFor(() => (linesOf(a.id).length === 2 ? true : undefined), 'firing deliveries');
    const resolved = { fingerprint: 'fp-resolve', status: 'resolved' as const, endsAt: new Date().toISOString() };
    for (let i = 0; i < 2; i++) {
      const res = await post('/ingress/alertmanager/am-prod', payload([resolved]));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { alerts: { outcome: string }[] };
      expect(body.alerts[0]!.outcome).toBe(i === 0 ? 'resolved' : 'ignored');
    }
    const follow = await waitFor(() => {
      const r = linesOf(a.id).filter((l) => l.alert?.status === 'resolved');
      return r.length === 2 ? r : undefined;
    }, 'resolved follow-ups');
    expect(follow[0]!.subject).toBe('[RESOLVED] DiskFull');
    expect(follow[0]!.text).toMatch(/^Resolved: DiskFull \(critical\) \(was firing for 1m/);
    expect(follow[0]!.thread).toBe(`alert:${a.id}`);
    const rec = await getAlert(a.id);
    expect(rec.status).toBe('resolved');
    expect(rec.ends_at).toBe(resolved.endsAt);
    // the code is free again, and ACK says so
    const ack = await api(`/alerts/${a.id}/ack`, ALICE_KEY, { method: 'POST' });
    expect(ack.status).toBe(409);
    const again = await fire('fp-resolve');
    expect(again.outcome).toBe('fired');
    expect(again.id).not.toBe(a.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(linesOf(a.id).filter((l) => l.alert?.status === 'resolved')).toHaveLength(2);
  });

  it('refuses a missing or wrong token (401), an unknown channel (404) and a bad payload (400), recording nothing', async () => {
    const before = ((await (await api('/alerts?limit=200')).json()) as { items: unknown[] }).items.length;
    expect((await post('/ingress/alertmanager/am-prod', payload([{ fingerprint: 'fp-forged' }]), null)).status).toBe(401);
    const forged = await post('/ingress/alertmanager/am-prod', payload([{ fingerprint: 'fp-forged' }]), 'wrong-token');
    expect(forged.status).toBe(401);
    expect(JSON.stringify(await forged.json())).not.toContain(AM_TOKEN);
    expect((await post('/ingress/grafana/am-prod', payload([{ fingerprint: 'fp-forged' }]))).status).toBe(404); // kind mismatch
    expect((await post('/ingress/alertmanager/nope', payload([{ fingerprint: 'fp-forged' }]))).status).toBe(404);
    const bad = await post('/ingress/alertmanager/am-prod', '{"version":"4","alerts":[{"status":"firing"}]}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe('alerts[0].labels: expected an object of strings');
    expect((await post('/ingress/alertmanager/am-prod', 'not json')).status).toBe(400);
    const after = ((await (await api('/alerts?limit=200')).json()) as { items: unknown[] }).items.length;
    expect(after).toBe(before);
  });

  it('takes Grafana’s webhook payload', async () => {
    const res = await post('/ingress/grafana/grafana-main', fixture('grafana-webhook.json'), GRAFANA_TOKEN);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { alerts: { id: string; outcome: string }[] };
    expect(body.alerts.map((a) => a.outcome)).toEqual(['fired', 'fired']);
    const sent = await waitFor(() => (linesOf(body.alerts[0]!.id).length === 1 ? linesOf(body.alerts[0]!.id) : undefined), 'the grafana delivery');
    expect(sent[0]!.subject).toBe('[FIRING] High memory usage');
    expect(sent[0]!.text).toContain('This alert was triggered for zone us-1');
    const rec = await getAlert(body.alerts[0]!.id);
    expect(rec).toMatchObject({ kind: 'grafana', channel: 'grafana-main', fingerprint: 'c6eadffa33fcdf37' });
  });

  it('ACK over the API records who acknowledged; a person without the allow role is refused', async () => {
    const a = await fire('fp-ack-api');
    const refused = await api(`/alerts/${a.id}/ack`, BOB_KEY, { method: 'POST' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('You may not acknowledge alerts of am-prod.');
    const ok = await api(`/alerts/${a.id}/ack`, ALICE_KEY, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { message: string }).message).toBe(`Acknowledged DiskFull (${a.code}).`);
    const rec = await getAlert(a.id);
    expect(rec.acked_by).toBe('alice');
    expect(rec.events.map((e) => [e.kind, e.user])).toEqual([
      ['fired', undefined],
      ['refused', 'bob'],
      ['acked', 'alice'],
    ]);
  });

  it('ACK as a command (the pipeline every medium shares): by code, and "No open alert" for an unknown one', async () => {
    const a = await fire('fp-ack-cmd');
    const res = await api('/commands', ALICE_KEY, { method: 'POST', body: JSON.stringify({ text: `ack #${a.code}` }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { message: string }).message).toBe(`Acknowledged DiskFull (${a.code}).`);
    expect((await getAlert(a.id)).acked_by).toBe('alice');
    const unknownCode = a.code === '0000' ? '0001' : '0000';
    const none = await api('/commands', ALICE_KEY, { method: 'POST', body: JSON.stringify({ text: `ACK ${unknownCode}` }) });
    // (a code held by another open alert of this run would answer; 0000/0001 are unlikely but not impossible)
    if (none.status !== 200) expect(((await none.json()) as { error: { message: string } }).error.message).toBe(`No open alert ${unknownCode}.`);
    const bad = await api('/commands', ALICE_KEY, { method: 'POST', body: JSON.stringify({ text: `SILENCE ${a.code} soon` }) });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/needs a duration like 2h/);
  });

  it('lists alerts newest first with filters and a cursor', async () => {
    const page = (await (await api('/alerts?channel=am-prod&status=firing&limit=2')).json()) as { items: AlertRecord[]; next_cursor: string | null };
    expect(page.items).toHaveLength(2);
    expect(page.items.every((a) => a.channel === 'am-prod' && a.status === 'firing')).toBe(true);
    expect(page.items[0]!.received_at >= page.items[1]!.received_at).toBe(true);
    expect(page.next_cursor).not.toBeNull();
    const next = (await (await api(`/alerts?channel=am-prod&status=firing&limit=2&cursor=${page.next_cursor}`)).json()) as { items: AlertRecord[] };
    expect(next.items.map((a) => a.id)).not.toContain(page.items[0]!.id);
    expect((await api('/alerts?status=burning')).status).toBe(400);
    expect((await api('/alerts/al-nothere')).status).toBe(404);
  });

  it('SILENCE creates an Alertmanager silence matching the labels and acknowledges; a failing API records nothing', async () => {
    const a = await fire('fp-silence');
    am.fail.status = 503;
    const failed = await api('/commands', ALICE_KEY, { method: 'POST', body: JSON.stringify({ text: `SILENCE ${a.code} 2h` }) });
    expect(failed.status).toBe(422);
    const failMessage = ((await failed.json()) as { error: { message: string } }).error.message;
    expect(failMessage).toBe(`Could not silence DiskFull (${a.code}): the silences API answered 503: boom. Nothing was silenced.`);
    expect(failMessage).not.toContain('am-api-secret');
    expect((await getAlert(a.id)).silence).toBeUndefined();
    delete am.fail.status;

    const res = await api(`/alerts/${a.id}/silence`, ALICE_KEY, { method: 'POST', body: JSON.stringify({ duration: '2h' }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { message: string }).message).toMatch(
      new RegExp(`^Silenced DiskFull \\(${a.code}\\) for 2h until .* UTC \\(silence sil-1\\); acknowledged\\.$`),
    );
    expect(am.posts).toHaveLength(1);
    const { auth, body } = am.posts[0]!;
    expect(auth).toBe('Bearer am-api-secret-0123456789');
    expect(body.matchers).toEqual([
      { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
      { name: 'instance', value: 'db-fp-silence', isRegex: false, isEqual: true },
      { name: 'severity', value: 'critical', isRegex: false, isEqual: true },
    ]);
    expect(Date.parse(body.endsAt as string) - Date.parse(body.startsAt as string)).toBe(7_200_000);
    expect(body).toMatchObject({ createdBy: 'alice', comment: `Switchboard alert ${a.code} (DiskFull) silenced by alice via api` });
    const rec = await getAlert(a.id);
    expect(rec.silence).toMatchObject({ id: 'sil-1', by: 'alice' });
    expect(rec.acked_by).toBe('alice');
    expect(rec.events.at(-1)).toMatchObject({ kind: 'silenced', user: 'alice', detail: 'silenced for 2h (silence sil-1)' });
  });

  it('SILENCE without api_url says so', async () => {
    const a = await fire('fp-noapi', '/ingress/alertmanager/am-esc');
    const res = await api(`/alerts/${a.id}/silence`, ALICE_KEY, { method: 'POST', body: '{}' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(`am-esc has no api_url: cannot silence DiskFull (${a.code}).`);
    await api(`/alerts/${a.id}/ack`, ALICE_KEY, { method: 'POST' });
  });

  it('escalates an unacknowledged alert step by step, and not once acknowledged', async () => {
    const open = await fire('fp-esc-open', '/ingress/alertmanager/am-esc');
    const acked = await fire('fp-esc-acked', '/ingress/alertmanager/am-esc');
    const ack = await api(`/alerts/${acked.id}/ack`, ALICE_KEY, { method: 'POST' });
    expect(((await ack.json()) as { message: string }).message).toBe(`Acknowledged DiskFull (${acked.code}); escalation stopped.`);

    const steps = await waitFor(() => {
      const s = linesOf(open.id).filter((l) => l.alert?.step !== undefined);
      return s.length === 2 ? s : undefined;
    }, 'both escalation steps');
    expect(steps.map((l) => l.alert?.step)).toEqual([1, 2]);
    expect(steps[0]!.text).toMatch(/^ESCALATED \(step 1, nobody acknowledged\): DiskFull/);
    const rec = await getAlert(open.id);
    expect(rec.escalation_step).toBe(2);
    expect(rec.events.filter((e) => e.kind === 'escalated').map((e) => e.detail)).toEqual(['step 1: notify backup', 'step 2: notify manager']);
    // the acknowledged one: its first notification only
    expect(linesOf(acked.id).filter((l) => l.alert?.step !== undefined)).toHaveLength(0);
    expect((await getAlert(acked.id)).escalation_step).toBe(0);

    // resolving follows up to everyone notified so far (oncall + backup + manager)
    await post('/ingress/alertmanager/am-esc', payload([{ fingerprint: 'fp-esc-open', status: 'resolved', endsAt: new Date().toISOString() }]));
    const follow = await waitFor(() => {
      const r = linesOf(open.id).filter((l) => l.alert?.status === 'resolved');
      return r.length === 3 ? r : undefined;
    }, 'the resolved follow-ups: one per name notified (oncall, backup, manager)');
    expect(follow.every((l) => l.thread === `alert:${open.id}`)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(linesOf(open.id).filter((l) => l.alert?.status === 'resolved')).toHaveLength(3);
  });

  it('UNACK goes on escalating from the next step', async () => {
    const a = await fire('fp-unack', '/ingress/alertmanager/am-esc');
    expect((await api(`/alerts/${a.id}/ack`, ALICE_KEY, { method: 'POST' })).status).toBe(200);
    const notAcked = await api('/commands', ALICE_KEY, { method: 'POST', body: JSON.stringify({ text: `UNACK ${a.code}` }) });
    expect(((await notAcked.json()) as { message: string }).message).toBe(`Unacknowledged DiskFull (${a.code}); escalation goes on.`);
    const step = await waitFor(() => linesOf(a.id).find((l) => l.alert?.step === 1), 'step 1 after the UNACK');
    expect(step.text).toMatch(/^ESCALATED \(step 1/);
    const rec = await getAlert(a.id);
    expect(rec.acked_by).toBeUndefined();
    expect(rec.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['fired', 'acked', 'escalated']));
    await api(`/alerts/${a.id}/ack`, ALICE_KEY, { method: 'POST' });
  });
});
