/**
 * Grafana's webhook contact point runs the same path as Alertmanager: the example body from
 * Grafana's documentation (test/fixtures/corpus/grafana/webhook-firing.json, two firing alerts),
 * POSTed to `/ingress/grafana/grafana-prod` with the channel's bearer token, becomes two alert
 * records and pages the on-call person by SMS once each; her signed `ACK <code>` acknowledges
 * one; the same body again only counts repeats; the resolved body (derived from the example)
 * follows up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vendoredCorpus } from '../../corpus.ts';
import { ALICE, BOB, eventually, text } from '../ingress/twilio-sms-helpers.ts';
import { freePort } from './alertmanager-server.ts';
import { GRAFANA_TOKEN, getAlert, listAlerts, sleep, smsAbout, startAlertsWorld, type AlertJson, type AlertsWorld } from './alerts-helpers.ts';

const fixture = (name: string) => readFileSync(join(vendoredCorpus, 'grafana', name), 'utf8');
const firing = fixture('webhook-firing.json');
const resolved = fixture('webhook-resolved.json');
const docAlerts = (JSON.parse(firing) as { alerts: { labels: Record<string, string>; fingerprint: string }[] }).alerts;

let w: AlertsWorld;
beforeEach(async () => {
  // no Alertmanager here: the alertmanager channel's api_url names a port nothing listens on
  w = await startAlertsWorld({ amUrl: `http://127.0.0.1:${await freePort()}` });
});
afterEach(async () => {
  await w?.stop();
});

const post = (body: string, token = GRAFANA_TOKEN) =>
  w.t.request('/ingress/grafana/grafana-prod', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });

const grafanaAlerts = async () => (await listAlerts(w.t)).filter((a) => a.channel === 'grafana-prod');

describe('POST /ingress/grafana/:channel (the documented webhook body)', () => {
  it('refuses a wrong bearer token and records nothing', async () => {
    const res = await post(firing, 'not-the-token');
    expect(res.status).toBe(401);
    expect(await grafanaAlerts()).toEqual([]);
    expect(w.t.logs.join('\n')).not.toContain(GRAFANA_TOKEN);
  });

  it('records both alerts, pages alice once each, takes her ACK, counts a repeat, and follows up on resolve', async () => {
    expect((await post(firing)).status).toBeLessThan(300);
    const records = await eventually(async () => {
      const found = await grafanaAlerts();
      return found.length === 2 ? found : undefined;
    }, 'two alert records');
    const byFp = new Map(records.map((r) => [r.fingerprint, r]));
    for (const doc of docAlerts) expect(byFp.get(doc.fingerprint)).toMatchObject({ kind: 'grafana', status: 'firing', labels: doc.labels });
    const [memory, cpu] = docAlerts.map((d) => byFp.get(d.fingerprint)!) as [AlertJson, AlertJson];
    await eventually(() => (smsAbout(w.twilio, ALICE, memory).length > 0 && smsAbout(w.twilio, ALICE, cpu).length > 0 ? true : undefined), 'both pages');
    expect(smsAbout(w.twilio, ALICE, memory)[0]!.body).toContain('High memory usage');

    const ack = await text(w.t, ALICE, `ACK ${memory.code}`);
    expect(ack.message).toMatch(/acknowledged/i);
    expect(await getAlert(w.t, memory.id)).toMatchObject({ acked_by: 'alice' });
    // bob holds no role in grafana-prod's `allow`: his ACK is refused and changes nothing
    const refused = await text(w.t, BOB, `ACK ${cpu.code}`);
    expect(refused.message).not.toMatch(/^acknowledged/i);
    expect((await getAlert(w.t, cpu.id)).acked_by).toBeUndefined();

    // Grafana sends the group again: counted, nobody paged twice
    expect((await post(firing)).status).toBeLessThan(300);
    await eventually(async () => ((await getAlert(w.t, memory.id)).repeats > 0 ? true : undefined), 'the repeat counted');
    expect(await grafanaAlerts()).toHaveLength(2);

    expect((await post(resolved)).status).toBeLessThan(300);
    for (const r of [memory, cpu]) {
      await eventually(async () => ((await getAlert(w.t, r.id)).status === 'resolved' ? true : undefined), `${r.labels.alertname} resolved`);
      await eventually(() => smsAbout(w.twilio, ALICE, r).find((m) => /resolved/i.test(m.body)), `${r.labels.alertname}'s follow-up`);
    }
    await sleep(500);
    expect(smsAbout(w.twilio, ALICE, memory)).toHaveLength(2);
    expect(smsAbout(w.twilio, ALICE, cpu)).toHaveLength(2);
  }, 40_000);
});
