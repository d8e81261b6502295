import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../src/alerts/types.ts';
import { alertBody } from '../../../src/web/pages/alert.ts';
import { alertsBody } from '../../../src/web/pages/alerts.ts';

const NOW = Date.parse('2026-12-06T10:00:00Z');
const record = (over: Partial<AlertRecord> = {}): AlertRecord => ({
  id: 'al-23456789',
  code: '4821',
  channel: 'am-prod',
  kind: 'alertmanager',
  fingerprint: 'f00dfeed12345678',
  status: 'firing',
  labels: { alertname: 'HighLatency', severity: 'critical', instance: '<b>web-1</b>' },
  annotations: { summary: 'p99 above 1s', runbook_url: 'https://runbooks.example.com/latency', evil: 'javascript:alert(1)' },
  starts_at: '2026-12-06T09:50:00Z',
  received_at: '2026-12-06T09:50:01Z',
  updated_at: '2026-12-06T09:55:01Z',
  repeats: 2,
  escalation_step: 0,
  events: [{ at: '2026-12-06T09:50:01Z', kind: 'fired' }],
  deliveries: [{ id: 'd-1', channel: 'sms', target: '+15551230001', status: 'sent', attempts: 1, message: { text: 'FIRING: HighLatency' } }],
  ...over,
});
const text = async (m: unknown) => String(await m);

describe('alertBody', () => {
  it('shows ACK and Silence 1h forms posting to the alert while it fires unacknowledged', async () => {
    const out = await text(alertBody(record(), NOW));
    expect(out).toContain('action="/alerts/al-23456789/ack"');
    expect(out).toContain('action="/alerts/al-23456789/silence"');
    expect(out).toContain('method="post"');
  });

  it('shows who acknowledged it and until when it is silenced, without the buttons', async () => {
    const a = record({ acked_by: 'alice', acked_at: '2026-12-06T09:52:00Z', silence: { id: 's1', until: '2026-12-06T11:00:00Z', by: 'bob' } });
    const out = await text(alertBody(a, NOW));
    expect(out).not.toContain('/ack"');
    expect(out).not.toContain('/silence"');
    expect(out).toMatch(/data-acked-by>alice/);
    expect(out).toContain('2026-12-06 11:00:00');
  });

  it('offers no Silence button when the channel cannot create silences', async () => {
    const out = await text(alertBody(record(), NOW, undefined, { silenceable: false }));
    expect(out).toContain('/ack"');
    expect(out).not.toContain('/silence"');
  });

  it('offers nothing on a resolved alert', async () => {
    const out = await text(alertBody(record({ status: 'resolved' }), NOW));
    expect(out).not.toContain('<form');
  });

  it('escapes labels and links only http(s) values', async () => {
    const out = await text(alertBody(record(), NOW));
    expect(out).toContain('&lt;b&gt;web-1&lt;/b&gt;');
    expect(out).toContain('<a href="https://runbooks.example.com/latency"');
    expect(out).not.toContain('href="javascript:');
  });

  it('lists the timeline and the deliveries', async () => {
    const out = await text(
      alertBody(
        record({
          events: [
            { at: '2026-12-06T09:50:01Z', kind: 'fired' },
            { at: '2026-12-06T09:52:00Z', kind: 'acked', user: 'alice', source: 'sms' },
          ],
        }),
        NOW,
      ),
    );
    expect(out).toContain('data-event="acked"');
    expect(out).toMatch(/alice<span class="muted small"> via sms/);
    expect(out).toContain('data-delivery="d-1"');
    expect(out).toContain('FIRING: HighLatency');
  });

  it('shows the answer of a button, a refusal as an error', async () => {
    expect(await text(alertBody(record(), NOW, { ok: false, message: 'You may not acknowledge alerts of am-prod.' }))).toMatch(
      /class="error" role="alert" data-notice>You may not acknowledge alerts of am-prod\./,
    );
  });
});

describe('alertsBody', () => {
  it('lists status, code, name, severity, channel, acked by and a silence still in force', async () => {
    const rows = [record(), record({ id: 'al-3456789a', code: '5000', acked_by: 'bob', silence: { id: 's', until: '2026-12-06T09:00:00Z', by: 'bob' } })];
    const out = await text(alertsBody({ alerts: rows, status: 'firing', next_cursor: 'c2' }, NOW));
    expect(out).toContain('href="/alerts/al-23456789"');
    expect(out).toContain('HighLatency');
    expect(out).toContain('critical');
    expect(out).toMatch(/data-acked-by>bob/);
    // an expired silence is not shown
    expect(out).not.toContain('2026-12-06 09:00:00');
    expect(out).toContain('cursor=c2');
    expect(out).toMatch(/href="\/alerts\?status=firing" aria-current="true"/);
  });

  it('says so when nothing matches', async () => {
    expect(await text(alertsBody({ alerts: [], status: 'resolved' }, NOW))).toContain('No alerts match.');
  });
});
