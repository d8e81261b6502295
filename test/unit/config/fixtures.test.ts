import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadConfig } from '../../../src/config/index.ts';

const fixture = (name: string) => join(import.meta.dirname, '../../fixtures', name);

/** Every diagnostic of a fixture, as `validate` prints it. */
async function report(name: string): Promise<string[]> {
  const { diagnostics } = await loadConfig(fixture(name), { env: {} });
  return diagnostics.map(formatDiagnostic);
}

describe('loadConfig', () => {
  it('loads the valid fixture with no diagnostic', async () => {
    const { config, diagnostics } = await loadConfig(fixture('valid'), { env: {} });
    expect(diagnostics).toEqual([]);
    expect(config?.aliases.map((a) => a.id)).toEqual(['ops.restart', 'status']);
  });

  // one fault per fixture, named after it; each reports exactly this
  it.each([
    ['alias-unknown-action', 'aliases/ops.yaml:3:13  action_ref: undefined action "ops.restrat" used in alias "ops.restart" (did you mean "ops.restart"?)'],
    ['yaml-syntax-error', 'aliases/ops.yaml:5:1  yaml: All mapping items must start at the same column'],
    // the alias naming the broken action is not reported again
    ['action-yaml-syntax-error', 'actions/restart.yaml:2:14  yaml: Nested mappings are not allowed in compact mappings (quote a value that contains ": ")'],
    ['missing-env-var', 'channels/slack.yaml:3:8  token: environment variable SLACK_BOT_TOKEN is not set (write ${SLACK_BOT_TOKEN:-default} for a default)'],
    ['rule-unknown-channel', 'rules/default.yaml:6:20  rules.0.to.1.channel: undefined channel "slack-ops" used in rule "failures reach ops"'],
    // alert intake channels only receive (src/alerts/)
    [
      'rule-to-alert-channel',
      'rules/default.yaml:6:20  rules.0.to.1.channel: channel "am-prod" used in rule "page" is an alertmanager channel: it only receives alerts and cannot be sent to; name a channel that sends (slack, email, sms...)',
    ],
    [
      'alert-channel-notify-without-rule',
      'channels/am.yaml:6:27  escalate.0.notify.0: notify channel "pagr-backup" is handled by no rule: the alerts of am-prod would go nowhere',
    ],
    ['alert-channel-bad-duration', 'channels/am.yaml:6:14  escalate.0.after: expected a duration (90s, 5m, 2h, 1h30m, 1d or a number of seconds), got "soon"'],
    ['notify-channel-without-rule', 'actions/restart.yaml:7:22  notify.on-failure.routes.1: notify channel "pager" is handled by no rule'],
    // origin and chatops need no rule
    ['alias-notify-channel-without-rule', 'aliases/a.yaml:5:44  notify.on-complete.routes.2: notify channel "ops-room" is handled by no rule'],
    [
      'channel-bad-kind',
      'channels/chat.yaml:2:7  kind: unknown kind "slak" (did you mean "slack"?); expected one of log | file | slack | email | sms | github | gitlab | jira | webhook | teams | mattermost | telegram | discord | alertmanager | grafana',
    ],
    ['channel-missing-token', 'channels/slack.yaml:1:1  token: required (expected string)'],
    ['duplicate-alias-id', 'aliases/ping.yaml:2:7  name: duplicate alias id "ops.ping" (first defined in aliases/ops/ping.yaml:1)'],
    ['duplicate-channel-name', 'channels/b.yaml:1:7  name: duplicate channel name "out" (first defined in channels/a.yaml:1)'],
    ['format-does-not-compile', 'aliases/vyatta.yaml:5:5  formats.1: parameter "east" appears more than once in the format'],
    ['shell-action-without-command', 'actions/restart.yaml:3:9  command: required by runner shell'],
    ['http-action-without-url', 'actions/status.yaml:2:9  url: required by runner http'],
    ['action-without-runner', 'actions/restart.yaml:1:1  runner: required (one of shell | http | module | builtin)'],
    ['api-key-unknown-user', 'switchboard.yaml:4:49  api_keys.0.user: undefined user "alce" used in api key "ci" (did you mean "alice"?)'],
    [
      'role-unknown-permission',
      'switchboard.yaml:4:45  roles.ops.permissions.1: unknown permission "executions.cancelall" in role "ops" (did you mean "executions.cancel_all"?); expected one of executions.read_all | executions.cancel_all | notify | queues | config.read | *',
    ],
    ['bad-port-type', 'switchboard.yaml:2:9  server.port: expected number, got string'],
    ['switchboard-unknown-key', 'switchboard.yaml:2:3  server.prot: unknown key "prot" (did you mean "port"?)'],
    [
      'notify-template-syntax-error',
      'actions/restart.yaml:5:26  notify.on_failure.message: template does not compile: expected variable end (template line 1, column 11)',
    ],
    ['empty-file', 'aliases/empty.yaml:1:1  expected a mapping, got an empty file'],
    ['sms-channel-without-sender', 'channels/sms.yaml:1:1  from: required to send: from (a Twilio number) or messaging_service_sid'],
    ['jira-channel-without-site', 'channels/jira.yaml:1:1  api_url: required: the Jira site, e.g. https://example.atlassian.net'],
    // strict keys (docs/contracts.md section 2): a typo never silently opens an alias to everyone
    ['alias-allow-typo', 'aliases/restart.yaml:5:1  alow: unknown key "alow" (did you mean "allow"?)'],
    ['api-key-duplicate-name', 'switchboard.yaml:6:13  api_keys.1.name: duplicate api key name "ci" (first defined in switchboard.yaml:5)'],
    // the value itself is never printed
    [
      'api-key-duplicate-value',
      'switchboard.yaml:6:26  api_keys.1.key: api key "ci-bob" has the same value as api key "ci-alice": give each key its own value',
    ],
    ['no-switchboard-yaml', `switchboard.yaml:1:1  switchboard.yaml not found in ${fixture('no-switchboard-yaml')} (is --config the right folder?)`],
  ])('reports %s as exactly one error', async (name, line) => {
    const { config, diagnostics } = await loadConfig(fixture(name), { env: {} });
    expect(diagnostics.map(formatDiagnostic)).toEqual([line]);
    expect(diagnostics[0]?.severity).toBe('error');
    expect(config).toBeUndefined();
  });

  it.each([
    [
      'alias-key-typo',
      [
        'aliases/ops.yaml:4:3  formaats: unknown key "formaats" (did you mean "formats"?)',
        'aliases/ops.yaml:7:5  result.formaat: unknown key "formaat" (did you mean "format"?)',
      ],
    ],
    [
      // a typo in `when` would make the rule never fire; a bare data key gets the `data.` spelling
      'rule-when-typo',
      [
        'rules/failures.yaml:5:7  rules.0.when.stauts: unknown key "stauts" (did you mean "status"?)',
        'rules/failures.yaml:6:7  rules.0.when.severity: unknown key "severity" (did you mean "data.severity"?)',
      ],
    ],
    [
      // nested objects: a parameter, a format object (one option of a union), ack, a rule target
      'nested-key-typos',
      [
        'actions/restart.yaml:5:28  parameters.service.requird: unknown key "requird" (did you mean "required"?)',
        'aliases/restart.yaml:6:5  formats.0.representaton: unknown key "representaton" (did you mean "representation"?)',
        'aliases/restart.yaml:7:23  ack.formt: unknown key "formt" (did you mean "format"?)',
        'rules/all.yaml:4:26  rules.0.to.0.targt: unknown key "targt" (did you mean "target"?)',
      ],
    ],
  ])('reports every unknown key of %s as an error at the key', async (name, lines) => {
    const { config, diagnostics } = await loadConfig(fixture(name), { env: {} });
    expect(diagnostics.map(formatDiagnostic)).toEqual(lines);
    expect(diagnostics.every((d) => d.severity === 'error')).toBe(true);
    expect(config).toBeUndefined();
  });

  it.each([
    [
      'formats-overlap',
      [
        'aliases/b.yaml:6:22  formats.1.representation.0: warning: can match the same text as alias "restart" format "restart {{service}}" (e.g. "restart alpha")',
      ],
    ],
    ['alias-role-held-by-no-user', ['aliases/ops.yaml:4:14  allow.1: warning: role "admins" is held by no user']],
    [
      'role-grants-nothing',
      [
        'switchboard.yaml:2:20  users.alice.roles.0: warning: role "opps" is named by no alias allow and not declared under roles: it grants nothing (did you mean "ops"?)',
      ],
    ],
    [
      'user-unreachable',
      ['switchboard.yaml:3:3  users.ghost: warning: user "ghost" has no phone, email, slack, password_hash nor api key: nobody can act as them or reach them'],
    ],
    [
      'sms-channel-without-public-url',
      [
        'channels/sms.yaml:2:7  kind: warning: server.public_url is not set: texts to this number are refused (Twilio signs its webhooks over that URL); sending still works',
      ],
    ],
    [
      'stackstorm-action-without-runner',
      ['actions/ops/local.yaml:3:14  runner_type: warning: StackStorm runner "local-shell-cmd" cannot run here; set runner: shell | http | module | builtin'],
    ],
  ])('loads %s with warnings only', async (name, lines) => {
    const { config, diagnostics } = await loadConfig(fixture(name), { env: {} });
    expect(diagnostics.map(formatDiagnostic)).toEqual(lines);
    expect(config).toBeDefined();
  });

  it('reports every problem of every file at once', async () => {
    const names = ['alias-unknown-action', 'bad-port-type', 'rule-unknown-channel'];
    const all = (await Promise.all(names.map(report))).flat();
    expect(all).toHaveLength(3);
  });

  it('reports a missing config folder', async () => {
    const { config, diagnostics } = await loadConfig(fixture('no-such-folder'), { env: {} });
    expect(config).toBeUndefined();
    expect(diagnostics[0]?.message).toMatch(/^config folder .*no-such-folder does not exist$/);
  });
});
