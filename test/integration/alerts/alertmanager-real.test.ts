/**
 * Issue 15's proof with a real Prometheus Alertmanager (alertmanager-server.ts): its webhook
 * receiver points at Switchboard's `/ingress/alertmanager/am-prod` (bearer token, send_resolved),
 * group_interval 1s and repeat_interval 2s so it repeats within the test. The on-call person
 * (alice, role oncall) is paged by SMS through the fake Twilio API once despite the repeats; her
 * Twilio-signed `ACK <code>` stops that alert's escalation; an alert nobody acknowledges escalates
 * to the backup (bob); `SILENCE <code> 1h` creates a silence in Alertmanager matching the alert's
 * labels (and mutes it there); resolving the alert in Alertmanager texts alice the follow-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, eventually, text } from '../ingress/twilio-sms-helpers.ts';
import { alertmanagerBinary, alertmanagerSkipReason, freePort, startAlertmanager, type RealAlertmanager } from './alertmanager-server.ts';
import { AM_TOKEN, ESCALATE_AFTER, getAlert, listAlerts, sleep, smsAbout, startAlertsWorld, type AlertJson, type AlertsWorld } from './alerts-helpers.ts';

const title = alertmanagerBinary
  ? 'alerts from a real Alertmanager, answered by SMS'
  : `alerts from a real Alertmanager, answered by SMS: ${alertmanagerSkipReason}`;

/** two alerts in two Alertmanager groups (group_by alertname): one acknowledged, one left alone */
const latency = { alertname: 'HighLatency', service: 'api', severity: 'critical' };
const disk = { alertname: 'DiskFull', instance: 'db-1:9100', severity: 'warning' };

describe.skipIf(!alertmanagerBinary)(title, () => {
  let w: AlertsWorld;
  let am: RealAlertmanager;
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  const mark = (what: string) => (timings[what] = Date.now() - t0);

  beforeAll(async () => {
    const amPort = await freePort();
    w = await startAlertsWorld({ amUrl: `http://127.0.0.1:${amPort}` });
    am = await startAlertmanager({ port: amPort, webhookUrl: `${w.t.url}/ingress/alertmanager/am-prod`, token: AM_TOKEN });
    mark('started');
  });
  afterAll(async () => {
    await am?.stop();
    await w?.stop();
    console.log(`[alertmanager-real] ${am?.version}; ms since start: ${JSON.stringify(timings)}`);
  });

  /** the record of the alert with these labels, once it satisfies `ok` */
  const alertWith = (labels: Record<string, string>, ok: (a: AlertJson) => boolean, what: string) =>
    eventually(
      async () => {
        const found = (await listAlerts(w.t)).find((a) => a.labels.alertname === labels.alertname && a.channel === 'am-prod');
        return found && ok(found) ? found : undefined;
      },
      `${labels.alertname}: ${what}`,
      400,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nSMS sent: ${JSON.stringify(w.twilio.messages)}\nAlertmanager log tail:\n${am.log().slice(-2000)}`);
    });

  it('pages once despite repeats, stops escalation on ACK, escalates the other, silences in Alertmanager, and follows up on resolve', async () => {
    await am.fire({ labels: latency, annotations: { summary: 'p99 latency above 2s' } }, { labels: disk, annotations: { summary: 'disk 95% full' } });

    // both reach alice by SMS, each with its short code
    const a = await alertWith(latency, (r) => r.status === 'firing', 'recorded');
    const b = await alertWith(disk, (r) => r.status === 'firing', 'recorded');
    expect(a).toMatchObject({ kind: 'alertmanager', labels: latency, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(a.code).toMatch(/^\d{4,}$/);
    expect(b.code).not.toBe(a.code);
    await eventually(() => (smsAbout(w.twilio, ALICE, a).length > 0 && smsAbout(w.twilio, ALICE, b).length > 0 ? true : undefined), 'both pages to alice');
    const page = smsAbout(w.twilio, ALICE, a)[0]!.body;
    expect(page).toContain(latency.alertname);
    expect(page).toContain(`ACK ${a.code}`);
    mark('paged');

    // alice acknowledges the first by a signed SMS reply (before the escalation is due)
    const ack = await text(w.t, ALICE, `ACK ${a.code}`);
    expect(ack.status).toBe(200);
    expect(ack.message).toMatch(/acknowledged/i);
    expect(ack.message).toContain(a.code);
    const acked = await getAlert(w.t, a.id);
    expect(acked.acked_by).toBe('alice');
    expect(acked.events).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'acked', user: 'alice', source: 'sms' })]));
    mark('acked');

    // the other, unacknowledged, escalates to bob
    await alertWith(disk, (r) => r.escalation_step >= 1, `escalated after ${ESCALATE_AFTER}s`);
    await eventually(() => (smsAbout(w.twilio, BOB, b).length > 0 ? true : undefined), "bob's page for the unacknowledged alert");
    mark('escalated');

    // Alertmanager keeps repeating both groups; Switchboard counts the repeats and pages nobody again
    await alertWith(latency, (r) => r.repeats > 0, 'a repeat counted');
    await alertWith(disk, (r) => r.repeats > 0, 'a repeat counted');
    // both escalations were due at the same moment: give the acknowledged one's step time to (wrongly) fire
    await sleep(1500);
    expect(smsAbout(w.twilio, ALICE, a)).toHaveLength(1);
    expect(smsAbout(w.twilio, ALICE, b)).toHaveLength(1);
    expect(smsAbout(w.twilio, BOB, a)).toEqual([]);
    const quiet = await getAlert(w.t, a.id);
    expect(quiet.escalation_step).toBe(0);
    expect(quiet.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['fired', 'acked', 'repeated']));
    expect(quiet.events.map((e) => e.kind)).not.toContain('escalated');
    expect(smsAbout(w.twilio, BOB, b)).toHaveLength(1);
    mark('repeats-checked');

    // SILENCE <code> 1h from alice: a silence in Alertmanager matching the alert's labels
    const before = Date.now();
    const silence = await text(w.t, ALICE, `SILENCE ${b.code} 1h`);
    expect(silence.status).toBe(200);
    expect(silence.message).toMatch(/silenced/i);
    const silences = await am.silences();
    expect(silences).toHaveLength(1);
    const s = silences[0]!;
    expect(silence.message).toContain(s.id);
    expect(s.createdBy).toContain('alice');
    expect(s.status.state).toBe('active');
    expect(s.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex })).sort((x, y) => x.name.localeCompare(y.name))).toEqual(
      Object.entries(disk)
        .map(([name, value]) => ({ name, value, isRegex: false }))
        .sort((x, y) => x.name.localeCompare(y.name)),
    );
    const ends = Date.parse(s.endsAt);
    expect(ends).toBeGreaterThanOrEqual(before + 3_600_000 - 60_000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 3_600_000 + 60_000);
    const silenced = await getAlert(w.t, b.id);
    expect(silenced.silence).toMatchObject({ id: s.id, by: 'alice' });
    // and it mutes that alert in Alertmanager (and only that one)
    const muted = await eventually(async () => {
      const held = await am.alerts();
      const diskAlert = held.find((x) => x.fingerprint === b.fingerprint);
      return diskAlert?.status.state === 'suppressed' ? held : undefined;
    }, 'the DiskFull alert suppressed in Alertmanager');
    expect(muted.find((x) => x.fingerprint === b.fingerprint)!.status.silencedBy).toEqual([s.id]);
    expect(muted.find((x) => x.fingerprint === a.fingerprint)!.status.silencedBy).toEqual([]);
    mark('silenced');

    // resolving the first in Alertmanager texts alice the follow-up, once
    await am.resolve({ labels: latency });
    await alertWith(latency, (r) => r.status === 'resolved', 'resolved');
    const followUp = await eventually(() => smsAbout(w.twilio, ALICE, a).find((m) => /resolved/i.test(m.body)), "alice's resolved follow-up");
    expect(followUp.body).toContain(latency.alertname);
    await sleep(1500); // Alertmanager may send the resolved group again; Switchboard follows up once
    expect(smsAbout(w.twilio, ALICE, a)).toHaveLength(2);
    expect(smsAbout(w.twilio, BOB, a)).toEqual([]);
    mark('resolved');
  }, 60_000);
});
