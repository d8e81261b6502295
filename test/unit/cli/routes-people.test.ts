import { describe, expect, it } from 'vitest';
import { runRoutes, type RoutesArgs } from '../../../src/cli/routes.ts';
import { writeConfig } from '../config/temp-config.ts';

const files = {
  'switchboard.yaml': `users:
  alice:
    roles: [oncall]
    phone: "+15551230001"
    quiet: { hours: "22:00-07:00", tz: Europe/Berlin, except: { data.severity: critical } }
  bob: { roles: [oncall, backup], phone: "+15551230002" }
`,
  'channels/sms.yaml': 'name: sms\nkind: sms\naccount_sid: AC1\nauth_token: t\nfrom: "+15550000000"\n',
  'channels/am.yaml':
    'name: am-prod\nkind: alertmanager\ntoken: am-token-0123456789\nnotify: [page]\nescalate:\n  - { after: 5m, notify: [page-backup] }\n  - { after: 15m, notify: [page] }\n',
  'actions/check.yaml': 'name: check\nrunner: builtin\nbuiltin: noop\nnotify:\n  on_failure: { message: "check failed", channels: [page] }\n',
  'rules/page.yaml': `rules:
  - name: page oncall
    channel: page
    to: [{ channel: sms, role: oncall }]
  - name: page the backup
    channel: page-backup
    to: [{ channel: sms, role: backup }]
`,
};

async function run(args: Omit<RoutesArgs, 'config'>) {
  const config = await writeConfig(files);
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRoutes({ config, env: {}, ...args }, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

// 23:30 in Berlin: alice is in her quiet hours
const night = new Date('2026-12-06T22:30:00Z');

describe('switchboard routes: people, quiet hours, escalation', () => {
  it('shows the person of each delivery and the ones held now', async () => {
    const r = await run({ status: 'failed', action: 'check', now: night });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      / {4}sms \(sms\) \+15551230001 {2}user alice {2}\[d-[0-9a-f]{32}\]\n {6}held now until 07:00 Europe\/Berlin \(quiet hours; except data\.severity=critical\)/,
    );
    expect(r.out).toMatch(/ {4}sms \(sms\) \+15551230002 {2}user bob {2}\[d-[0-9a-f]{32}\]\n(?! {6}held)/);
  });

  it('holds nothing in the daytime, nor what matches except', async () => {
    expect((await run({ status: 'failed', action: 'check', now: new Date('2026-12-07T12:00:00Z') })).out).not.toContain('held now');
    expect((await run({ status: 'failed', action: 'check', now: night, data: { severity: 'critical' } })).out).not.toContain('held now');
  });

  it('shows an alert channel’s deliveries and its escalation steps', async () => {
    const r = await run({ status: 'failed', action: 'check', now: night });
    expect(r.out).toContain('alerts from am-prod (alertmanager): notify page');
    expect(r.out).toContain('  escalation: after 5m: notify page-backup → after 15m: notify page (until someone acknowledges)');
    const alerts = r.out.slice(r.out.indexOf('alerts from am-prod'));
    expect(alerts).toMatch(/ {2}firing -> page\n {4}sms \(sms\) \+15551230001 {2}user alice .*\n {6}held now until 07:00 Europe\/Berlin/);
    expect(alerts).toMatch(/ {2}after 5m -> page-backup\n {4}sms \(sms\) \+15551230002 {2}user bob /);
    expect(alerts).toContain('  after 15m -> page\n');
  });

  it('--json carries the person, the hold and the alert plans', async () => {
    const r = await run({ status: 'failed', action: 'check', now: night, json: true });
    const j = JSON.parse(r.out) as {
      notifications: { plan: { deliveries: { user?: string; held?: { until: string } }[] } }[];
      alerts: { channel: string; escalate: { after: string }[]; plans: { step: number; name: string }[] }[];
    };
    expect(j.notifications[0]!.plan.deliveries.map((d) => [d.user, d.held?.until])).toEqual([
      ['alice', '2026-12-07T06:00:00.000Z'],
      ['bob', undefined],
    ]);
    expect(j.alerts[0]!.escalate.map((s) => s.after)).toEqual(['5m', '15m']);
    expect(j.alerts[0]!.plans.map((p) => `${p.step}:${p.name}`)).toEqual(['0:page', '1:page-backup', '2:page']);
  });
});
