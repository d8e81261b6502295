import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelsFingerprint } from '../../../src/alerts/payload.ts';
import { parseAlertmanagerPayload } from '../../../src/providers/alertmanager/payload.ts';
import { parseGrafanaPayload } from '../../../src/providers/grafana/payload.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/alerts/${name}`, import.meta.url), 'utf8');

describe('parseAlertmanagerPayload', () => {
  it('reads a version 4 payload', () => {
    const r = parseAlertmanagerPayload(fixture('alertmanager-v4.json'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.alerts).toHaveLength(2);
    expect(r.alerts[0]).toEqual({
      fingerprint: '6e3a1f2b9c0d4e5f',
      status: 'firing',
      labels: { alertname: 'HighLatency', instance: 'web-1:9100', job: 'api', severity: 'critical' },
      annotations: { summary: 'p99 latency above 1s', description: 'web-1 answers in 1.4s (p99) for 5 minutes' },
      startsAt: '2026-12-06T03:00:00.000Z',
      generatorURL: expect.stringContaining('http://prometheus.example.com:9090/graph'),
      links: { external_url: 'http://alertmanager.example.com:9093' },
    });
  });

  it('keeps endsAt of a resolved alert (the zero time of a firing one is dropped)', () => {
    const body = JSON.parse(fixture('alertmanager-v4.json'));
    body.alerts[0].status = 'resolved';
    body.alerts[0].endsAt = '2026-12-06T03:12:00Z';
    const r = parseAlertmanagerPayload(JSON.stringify(body));
    expect(r.ok && r.alerts[0]).toMatchObject({ status: 'resolved', endsAt: '2026-12-06T03:12:00Z' });
    expect(r.ok && r.alerts[1]!.endsAt).toBeUndefined();
  });

  it.each([
    ['not json', 'the body is not JSON (an Alertmanager webhook payload, version 4)'],
    ['{}', 'version: expected "4" (Alertmanager\'s webhook payload version), got undefined'],
    ['{"version":"3","alerts":[]}', 'version: expected "4" (Alertmanager\'s webhook payload version), got "3"'],
    ['{"version":"4"}', 'alerts: expected an array of alerts'],
    ['{"version":"4","alerts":[{"status":"firing","labels":{"a":1},"startsAt":"x","fingerprint":"f"}]}', 'alerts[0].labels.a: expected a string'],
    [
      '{"version":"4","alerts":[{"status":"burning","labels":{},"startsAt":"x","fingerprint":"f"}]}',
      'alerts[0].status: expected "firing" or "resolved", got "burning"',
    ],
    ['{"version":"4","alerts":[{"status":"firing","labels":{},"startsAt":"x"}]}', 'alerts[0].fingerprint: is required (Alertmanager sends one per alert)'],
  ])('refuses %s with a specific message', (body, error) => {
    expect(parseAlertmanagerPayload(body)).toEqual({ ok: false, error });
  });

  it('never throws on any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
        const r = parseAlertmanagerPayload(s);
        return typeof r.ok === 'boolean';
      }),
    );
  });
});

describe('parseGrafanaPayload', () => {
  it("reads Grafana's documented example", () => {
    const r = parseGrafanaPayload(fixture('grafana-webhook.json'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.alerts).toHaveLength(2);
    expect(r.alerts[0]).toMatchObject({
      fingerprint: 'c6eadffa33fcdf37',
      status: 'firing',
      labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
      annotations: { summary: 'This alert was triggered for zone us-1', value_string: "[ metric='' labels={} value=44.23943737541908 ]" },
      generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
      links: { silence_url: expect.stringContaining('https://play.grafana.org/alerting/silence/new'), external_url: 'https://play.grafana.org/' },
    });
    expect(r.alerts[0]!.links).not.toHaveProperty('dashboard_url'); // empty ones are left out
  });

  it('fingerprints the labels when Grafana sends none', () => {
    const body = JSON.parse(fixture('grafana-webhook.json'));
    delete body.alerts[0].fingerprint;
    const r = parseGrafanaPayload(JSON.stringify(body));
    expect(r.ok && r.alerts[0]!.fingerprint).toBe(labelsFingerprint({ zone: 'us-1', alertname: 'High memory usage', team: 'blue' }));
  });

  it('refuses a payload without alerts', () => {
    expect(parseGrafanaPayload('{"receiver":"x"}')).toEqual({ ok: false, error: 'alerts: expected an array of alerts' });
  });
});
