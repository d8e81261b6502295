import { describe, expect, it } from 'vitest';
import { inspectConfig } from '../../../src/config/index.ts';
import { createLogger } from '../../../src/log.ts';
import { redactedJson } from '../../../src/web/bull-board.ts';
import { writeConfig } from './temp-config.ts';

const env = {
  HOOK_TOKEN: 'hook-token-SECRET-1111',
  API_TOKEN: 'api-token-SECRET-2222',
  DB_PASS: 'db-pass-SECRET-3333',
  URL_KEY: 'url-key-SECRET-4444',
  PLAIN: 'not-used-anywhere-5555',
};

describe('secrets put into action headers, env and url, and channel headers (finding #22)', () => {
  it('are collected from `${VAR}`, and the literals around them are not', async () => {
    const dir = await writeConfig({
      'switchboard.yaml': 'users:\n  alice: { roles: [ops] }\n',
      'actions/call.yaml': [
        'name: ops.call',
        'runner: http',
        'url: "https://api.example/v1?key=${URL_KEY}"',
        'headers: { authorization: "Bearer ${API_TOKEN}", accept: application/json }',
        '',
      ].join('\n'),
      'actions/run.yaml': 'name: ops.run\nrunner: shell\ncommand: [env]\nenv: { PGPASSWORD: "${DB_PASS}", MODE: fast }\n',
      'channels/hook.yaml': 'name: hook\nkind: webhook\nurl: https://hooks.example/in\nheaders: { x-token: "${HOOK_TOKEN}", x-team: ops }\n',
    });
    const { config } = await inspectConfig(dir, { env });
    const found = new Set(config.secrets);
    for (const k of ['HOOK_TOKEN', 'API_TOKEN', 'DB_PASS', 'URL_KEY'] as const) expect(found.has(env[k]), k).toBe(true);
    expect(found.has(env.PLAIN)).toBe(false);
    for (const literal of ['Bearer', 'application/json', 'fast', 'ops']) expect([...found].some((s) => s.includes(literal))).toBe(false);
  });
});

describe('log redaction of secrets that JSON-escape (finding #14)', () => {
  it('redacts a secret holding `"`, `\\` and a control character in the serialized line', () => {
    const secret = 'bob"Pa55\\word\tx';
    const lines: string[] = [];
    const log = createLogger({ secrets: [secret], destination: { write: (l: string) => lines.push(l) } as never });
    log.info({ text: `said: ${secret}`, nested: JSON.stringify({ again: secret }) }, 'said');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"text":"said: [redacted]"');
    expect(lines[0]).not.toContain('Pa55');
  });
});

describe('Bull Board JSON answers (finding #22)', () => {
  it('redact failedReason, stacktrace and every other field, JSON-escaped forms included', async () => {
    const secret = 'tok"en-SECRET-9999';
    const job = { id: '1', failedReason: `HTTP 401 for token ${secret}`, stacktrace: [`Error: ${secret}\n at x`], opts: { note: JSON.stringify({ secret }) } };
    const res = await redactedJson(new Response(JSON.stringify({ jobs: [job] }), { headers: { 'content-type': 'application/json' } }), [secret]);
    const text = await res.text();
    expect(text).not.toContain('SECRET-9999');
    expect(JSON.parse(text)).toEqual({
      jobs: [{ id: '1', failedReason: 'HTTP 401 for token [redacted]', stacktrace: ['Error: [redacted]\n at x'], opts: { note: '{"secret":"[redacted]"}' } }],
    });
  });
});
