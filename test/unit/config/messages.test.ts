/** Exact `file:line:col  path: message` lines for small configs written on the fly. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, inspectConfig } from '../../../src/config/index.ts';
import { suggest } from '../../../src/config/did-you-mean.ts';
import { writeConfig } from './temp-config.ts';

/** every config folder needs a switchboard.yaml: a minimal one unless the case brings its own */
async function lines(files: Record<string, string>): Promise<string[]> {
  const { diagnostics } = await inspectConfig(await writeConfig({ 'switchboard.yaml': 'server: { port: 8080 }\n', ...files }), { env: {} });
  return diagnostics.map(formatDiagnostic);
}

describe('suggest', () => {
  it.each([
    ['formations', ['name', 'formats', 'format'], 'formats'],
    ['formaat', ['enabled', 'format', 'append_url'], 'format'],
    ['acton_ref', ['action_ref', 'ack'], 'action_ref'],
    ['colour', ['formats', 'result'], undefined],
  ])('suggests for %s among %j: %s', (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected);
  });
});

describe('diagnostic messages', () => {
  it.each<[string, Record<string, string>, string[]]>([
    [
      'an enum value, with did-you-mean',
      { 'actions/a.yaml': 'name: a\nrunner: shel\ncommand: [x]\n' },
      ['actions/a.yaml:2:9  runner: expected one of shell | http | module | builtin, got "shel" (did you mean "shell"?)'],
    ],
    [
      'a value of neither union type',
      { 'rules/r.yaml': 'rules:\n  - name: r\n    channel: 3\n    to: [{ channel: x }]\n' },
      // an invalid rules file is not cross-checked: its own error says enough
      ['rules/r.yaml:3:14  rules.0.channel: expected string or array, got integer'],
    ],
    [
      'an empty list where one entry is needed',
      { 'rules/r.yaml': 'rules:\n  - { name: r, channel: a, to: [] }\n' },
      ['rules/r.yaml:2:32  rules.0.to: too small: expected array to have >=1 items'],
    ],
    [
      'a duplicate action ref',
      { 'actions/a.yaml': 'name: ops.a\nrunner: builtin\nbuiltin: noop\n', 'actions/ops/a.yaml': 'name: a\nrunner: builtin\nbuiltin: ping\n' },
      ['actions/ops/a.yaml:1:7  name: duplicate action ref "ops.a" (first defined in actions/a.yaml:1)'],
    ],
    [
      'an action file redefining a built-in (StackStorm ships core.noop)',
      { 'actions/core/noop.yaml': 'name: noop\npack: core\nrunner_type: noop\n' },
      ['actions/core/noop.yaml:1:7  name: warning: action "core.noop" is built in; this file is ignored'],
    ],
    [
      'an unknown action key, as an error',
      { 'actions/a.yaml': 'name: a\nrunner: builtin\nbuiltin: noop\ntimout: 5\n' },
      ['actions/a.yaml:4:1  timout: unknown key "timout" (did you mean "timeout"?)'],
    ],
    [
      "an unknown channel key, as an error, suggesting among that kind's keys",
      { 'channels/s.yaml': 'name: s\nkind: sms\naccount_sid: AC1\nauth_token: t0k3n-value\nfrom_number: "+1555"\n' },
      // the misspelt key also leaves the channel without a sender: both are said
      [
        'channels/s.yaml:1:1  from: required to send: from (a Twilio number) or messaging_service_sid',
        'channels/s.yaml:5:1  from_number: unknown key "from_number" (did you mean "from"?)',
      ],
    ],
    ['a file that is a list', { 'channels/c.yaml': '- name: a\n  kind: log\n' }, ['channels/c.yaml:1:1  expected a mapping, got a list']],
  ])('reports %s', async (_what, files, expected) => {
    expect(await lines(files)).toEqual(expected);
  });

  it('reads .yml files and PACK folders, and ignores deeper folders and other files', async () => {
    const alias = (name: string) => `name: ${name}\naction_ref: core.ping\nformats: ["${name}"]\n`;
    const { config } = await inspectConfig(
      await writeConfig({
        'aliases/a.yml': alias('a'),
        'aliases/p/b.yaml': alias('b'),
        'aliases/p/deep/c.yaml': alias('c'),
        'aliases/README.md': 'not config',
      }),
      { env: {} },
    );
    expect(config.aliases.map((a) => a.id)).toEqual(['a', 'p.b']);
  });
});
