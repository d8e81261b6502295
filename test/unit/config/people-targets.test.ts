import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadConfig } from '../../../src/config/index.ts';
import { writeConfig } from './temp-config.ts';

const main = `users:
  alice: { roles: [oncall], phone: "+15551230001", email: alice@example.com }
  bob: { roles: [oncall], email: bob@example.com }
  carol: { roles: [ops], email: carol@example.com }
`;
const channels = {
  'channels/sms.yaml': 'name: sms\nkind: sms\naccount_sid: AC1\nauth_token: t\nfrom: "+15550000000"\n',
  'channels/log.yaml': 'name: log\nkind: log\n',
  'channels/email.yaml': 'name: mail\nkind: email\nfrom: sb@example.com\n',
};

/** Every diagnostic of a config whose rules file is `rules`, as `validate` prints it. */
async function report(rules: string, mainText = main, all = false): Promise<string[]> {
  const dir = await writeConfig({ 'switchboard.yaml': mainText, ...channels, 'rules/page.yaml': rules });
  const { diagnostics } = await loadConfig(dir, { env: {} });
  // the sms channel without server.public_url warns whatever the rules say, and roles no alias allows grant nothing
  return diagnostics.map(formatDiagnostic).filter((d) => !d.includes('public_url') && (all || !d.includes('grants nothing')));
}

describe('rule targets naming people', () => {
  it('accepts users, roles and a user without a channel', async () => {
    expect(
      await report(`rules:
  - name: page oncall
    channel: page
    to: [{ channel: sms, user: alice }, { user: carol }]
    fallback: [{ channel: log }]
`),
    ).toEqual([]);
  });

  it.each([
    [
      'a single user without an id in the medium',
      '    to: [{ channel: sms, user: bob }]\n',
      'rules/page.yaml:4:32  rules.0.to.0.user: rule "page oncall": bob has no phone for channel sms (kind sms)',
    ],
    [
      'an unknown user, with a suggestion',
      '    to: [{ channel: sms, user: alce }]\n',
      'rules/page.yaml:4:32  rules.0.to.0.user: undefined user "alce" used in rule "page oncall" (did you mean "alice"?)',
    ],
    [
      'a role held by nobody, with a suggestion',
      '    to: [{ channel: sms, role: oncal }]\n',
      'rules/page.yaml:4:32  rules.0.to.0.role: role "oncal" used in rule "page oncall" is held by no user (did you mean "oncall"?)',
    ],
    [
      'target and user together',
      '    to: [{ channel: sms, user: alice, target: "+1555" }]\n',
      "rules/page.yaml:4:47  rules.0.to.0.target: target and user exclude each other: a person's target is their own id in the channel's medium",
    ],
    [
      'user and role together',
      '    to: [{ channel: sms, user: alice, role: oncall }]\n',
      'rules/page.yaml:4:45  rules.0.to.0.role: give user or role, not both (one `to` entry each)',
    ],
    [
      'neither a channel nor a person',
      '    to: [{ labels: [x] }]\n',
      'rules/page.yaml:4:10  rules.0.to.0.channel: required (or name a user or role: each channel they have an id for)',
    ],
    [
      'a channel kind without person ids',
      '    to: [{ channel: log, role: oncall }]\n',
      'rules/page.yaml:4:32  rules.0.to.0.role: rule "page oncall": channel log (kind log) cannot reach a person: it has no user ids (sms: phone, email, slack...)',
    ],
  ])('refuses %s', async (_, to, message) => {
    expect(await report(`rules:\n  - name: page oncall\n    channel: page\n${to}`)).toEqual([message]);
  });

  it('warns about role members who cannot be reached; they are skipped', async () => {
    expect(await report('rules:\n  - name: page oncall\n    channel: page\n    to: [{ channel: sms, role: oncall }]\n')).toEqual([
      'rules/page.yaml:4:32  rules.0.to.0.role: warning: rule "page oncall": role "oncall": bob has no phone for channel sms (kind sms); they are skipped',
    ]);
  });

  it('counts a role named by a rule as used (no "grants nothing" warning)', async () => {
    const unused = await report('rules:\n  - name: page oncall\n    channel: page\n    to: [{ channel: sms, user: alice }]\n', main, true);
    expect(unused.filter((d) => d.includes('grants nothing'))).toHaveLength(2);
    const paged = await report('rules:\n  - name: page\n    channel: page\n    to: [{ role: ops }, { channel: sms, role: oncall }]\n', main, true);
    expect(paged).toEqual([expect.stringContaining('bob has no phone')]);
  });
});

describe('users.NAME.quiet', () => {
  const withQuiet = (quiet: string) => `users:\n  alice: { roles: [oncall], phone: "+15551230001", quiet: ${quiet} }\n`;
  const rules = 'rules:\n  - name: page\n    channel: page\n    to: [{ channel: sms, user: alice }]\n';

  it('accepts hours across midnight, a time zone, days and except conditions', async () => {
    expect(
      await report(rules, withQuiet('{ hours: "22:00-07:00", tz: Europe/Berlin, days: [mon, fri], except: { "data.severity": critical, trigger: alert } }')),
    ).toEqual([]);
  });

  it.each([
    ['{ hours: "22-7", tz: UTC }', 'switchboard.yaml:2:68  users.alice.quiet.hours: expected HH:MM-HH:MM (24-hour clock), e.g. "22:00-07:00", got "22-7"'],
    [
      '{ hours: "22:00-07:00", tz: Europe/Berlinn }',
      'switchboard.yaml:2:87  users.alice.quiet.tz: unknown time zone "Europe/Berlinn": expected an IANA name such as Europe/Berlin, America/New_York or UTC',
    ],
    [
      '{ hours: "22:00-07:00", tz: UTC, days: [monday] }',
      'switchboard.yaml:2:99  users.alice.quiet.days.0: expected one of mon | tue | wed | thu | fri | sat | sun, got "monday"',
    ],
    [
      '{ hours: "22:00-07:00", tz: UTC, except: { severity: x } }',
      'switchboard.yaml:2:102  users.alice.quiet.except.severity: unknown key "severity" (did you mean "data.severity"?)',
    ],
    ['{ hours: "22:00-07:00", tz: UTC, until: "08:00" }', 'switchboard.yaml:2:92  users.alice.quiet.until: unknown key "until"'],
  ])('refuses %s', async (quiet, message) => {
    expect(await report(rules, withQuiet(quiet))).toEqual([message]);
  });
});
