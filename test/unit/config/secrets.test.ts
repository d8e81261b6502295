import { describe, expect, it } from 'vitest';
import { runValidate } from '../../../src/cli/validate.ts';
import { collectSecrets, formatDiagnostic, inspectConfig, loadConfigOrThrow } from '../../../src/config/index.ts';
import { channelSchema } from '../../../src/config/schema.ts';
import { writeConfig } from './temp-config.ts';

const secrets = {
  slackToken: 'xoxb-SLACK-SECRET-1111',
  signing: 'SIGNING-SECRET-2222',
  apiKey: 'API-KEY-SECRET-3333',
  password: 'PASSWORD-SECRET-4444',
  smtpPass: 'SMTP-PASS-SECRET-5555',
  webhook: 'WEBHOOK-SECRET-6666',
};

/** Secrets everywhere, each also echoed where a careless message would quote it. */
const files = {
  'switchboard.yaml': [
    'users:',
    `  alice: { roles: [ops], password: "${secrets.password}" }`,
    'api_keys:',
    `  - { name: ci, key: "\${CI_KEY}", user: "${secrets.apiKey}" }`,
    '',
  ].join('\n'),
  'channels/slack.yaml': `name: slack-ops\nkind: slack\ntoken: \${SLACK_TOKEN}\nsigning_secret: "${secrets.signing}"\nbogus: "${secrets.slackToken}"\n`,
  'channels/mail.yaml': [
    'name: mail',
    'kind: email',
    'from: sb@example.com',
    `smtp: { host: smtp.example.com, auth: { user: sb, pass: "${secrets.smtpPass}" } }`,
    `webhook: "${secrets.smtpPass}"`,
    '',
  ].join('\n'),
  'channels/hook.yaml': `name: hook\nkind: webhook\nurl: "${secrets.webhook}"\nsecret: "${secrets.webhook}"\n`,
  'rules/r.yaml': `rules:\n  - { name: r, channel: x, to: [{ channel: "${secrets.signing}" }] }\n`,
  'aliases/a.yaml': `name: a\naction_ref: "${secrets.password}"\nformats: ["a"]\n`,
};
const env = { CI_KEY: secrets.apiKey, SLACK_TOKEN: secrets.slackToken };

describe('secrets', () => {
  it('collects every secret-marked value into config.secrets', async () => {
    const dir = await writeConfig({ ...files, 'channels/slack.yaml': `name: s\nkind: slack\ntoken: \${SLACK_TOKEN}\n` });
    const { config } = await inspectConfig(dir, { env });
    expect(new Set(config.secrets)).toEqual(new Set([secrets.password, secrets.apiKey, secrets.slackToken, secrets.smtpPass, secrets.webhook]));
  });

  it('finds secrets by the schema marks, in every union option', () => {
    const found = collectSecrets(channelSchema, { kind: 'github', token: 't-1', repo: 'o/r', name: 'n' });
    expect([...found]).toEqual(['t-1']);
  });

  it('never puts a secret value in a diagnostic, a ConfigError or validate output', async () => {
    const dir = await writeConfig(files);
    const { diagnostics } = await inspectConfig(dir, { env });
    expect(diagnostics.filter((d) => d.severity === 'error').length).toBeGreaterThanOrEqual(5);
    const error = await loadConfigOrThrow(dir, { env }).catch((e: Error) => e);
    const lines: string[] = [];
    await runValidate({ config: dir, env }, { out: (s) => lines.push(s), err: (s) => lines.push(s) });
    const texts = [...diagnostics.map(formatDiagnostic), String(error), (error as Error).message, ...lines].join('\n');
    for (const value of Object.values(secrets)) expect(texts).not.toContain(value);
    expect(texts).toContain('undefined action "***" used in alias "a"');
  });
});
