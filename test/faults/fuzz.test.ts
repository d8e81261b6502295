/**
 * Fault: fuzzed input (fast-check), over the wire and on disk.
 * - Commands of any shape (quotes, braces, key=value, Unicode blanks, 4 KB+, control characters)
 *   through the JSON API and signed Twilio webhooks of a running gateway: every answer is a typed
 *   one (202/422/403/400 JSON, TwiML 200), never a 500, never a hang, and the gateway stays ready.
 * - Config folders built from a valid one with fields replaced by arbitrary JSON/YAML values, and
 *   files of arbitrary bytes: `loadConfig` answers with diagnostics carrying file:line:col, or a
 *   config; `loadConfigOrThrow` throws only ConfigError.
 * Run counts are fixed (no timing asserted); seeds are printed by fast-check on failure.
 */
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig, loadConfigOrThrow } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { writeConfig } from '../unit/config/temp-config.ts';
import { postApi, postSms, smsForm, startFaultWorld, type FaultWorld } from './world.ts';

/** command-like text: words of the alias grammar mixed with hostile pieces */
const piece = fc.oneof(
  fc.constantFrom(
    'fault',
    'FAULT',
    'help',
    'status',
    'n=1',
    'x="a b"',
    "'q'",
    '{"a":1}',
    '{{n}}',
    '{%',
    '}}',
    '\\',
    '=',
    '"',
    '\u00a0',
    '\u2003',
    '\r\n',
    '\t',
    '@switchboard',
    '<@U0BOT>',
    '/sb',
    '\u0000',
    '\u202e',
    '💥',
    '%s',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const commandText = fc.oneof(
  { weight: 6, arbitrary: fc.array(piece, { maxLength: 12 }).map((xs) => xs.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 4000, maxLength: 5000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 99 }).map((n) => `fault ${'x'.repeat(n)} n=${n}`) },
);

describe('fuzzed commands through a running gateway', () => {
  let w: FaultWorld;
  beforeAll(async () => {
    w = await startFaultWorld();
  });
  afterAll(async () => {
    await w?.stop();
  });

  it('answers every API command with a typed status and JSON error, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(commandText, async (text) => {
        const res = await postApi(w.t, text);
        expect([202, 400, 403, 413, 422]).toContain(res.status);
        const body = (await res.json()) as { execution?: unknown; error?: { code?: unknown; message?: unknown } };
        if (res.status !== 202) expect(typeof body.error?.code).toBe('string');
      }),
      { numRuns: 150 },
    );
    expect((await w.t.request('/readyz')).status).toBe(200);
  });

  it('answers every signed SMS with TwiML, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(commandText, async (text) => {
        const res = await postSms(w.t, smsForm(text));
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('<Response');
      }),
      { numRuns: 100 },
    );
    expect((await w.t.request('/readyz')).status).toBe(200);
  });

  it('answers arbitrary request bodies on every ingress with 4xx, never a 500', async () => {
    const paths = [
      '/api/v1/commands',
      '/ingress/twilio/sms',
      '/ingress/slack/commands',
      '/ingress/slack/events',
      '/ingress/email/mailgun',
      '/api/v1/aliases/match',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x'),
        fc.string({ unit: 'binary', maxLength: 300 }),
        async (path, type, body) => {
          const res = await w.t.request(path, { method: 'POST', headers: { 'content-type': type, authorization: 'Bearer faults-api-key-000000000001' }, body });
          await res.body?.cancel();
          expect(res.status).toBeGreaterThanOrEqual(200);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});

// ---------------------------------------------------------------- config files

const validFiles = (): Record<string, Record<string, unknown>> => ({
  'switchboard.yaml': {
    server: { port: 8080, public_url: 'https://sb.example.com' },
    redis: { url: 'redis://127.0.0.1:6379', prefix: 'sb', start_local: false },
    users: { alice: { roles: ['ops'], phone: '+15551230001' } },
    api_keys: [{ name: 'ci', key: 'k-0123456789', user: 'alice' }],
  },
  'actions/restart.yaml': {
    name: 'ops.restart',
    runner: 'shell',
    command: ['echo', '{{ service }}'],
    parameters: { service: { type: 'string', required: true, enum: ['web'] } },
    timeout: 60,
  },
  'aliases/restart.yaml': {
    name: 'restart',
    pack: 'ops',
    action_ref: 'ops.restart',
    formats: ['restart {{service}}', { display: 'r <s>', representation: ['r {{service}}'] }],
    ack: { format: 'ok {{ execution.parameters.service }}' },
  },
  'channels/log.yaml': { name: 'out', kind: 'log' },
  'rules/r.yaml': { rules: [{ name: 'all', channel: ['origin', 'ops'], to: [{ channel: 'out' }] }] },
});

/** every path to a value in `v` */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
    return [prefix, ...entries.flatMap(([k, x]) => paths(x, [...prefix, k]))];
  }
  return [prefix];
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
}

const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('${NOPE}', '${X:-', '{{', '{{ bad', '{% for %}', '(?P<x', '[', '\u0000', 'x'.repeat(5000), -1, 0, 1e309, null, [], {}),
);

describe('fuzzed config folders', () => {
  const mutation = fc.tuple(fc.constantFrom(...Object.keys(validFiles())), fc.nat(), oddValue, fc.boolean());

  it('answers any mutated config with a config or file:line:col diagnostics, and only ConfigError when it throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const docs = validFiles();
        for (const [file, pick, value, asText] of mutations) {
          const doc = docs[file]!;
          const all = paths(doc).filter((p) => p.length > 0);
          const path = all[pick % all.length]!;
          if (asText) setAt(doc, path, typeof value === 'string' ? value : JSON.stringify(value));
          else setAt(doc, path, value);
        }
        const dir = await writeConfig(Object.fromEntries(Object.entries(docs).map(([f, d]) => [f, stringify(d)])));
        try {
          const { config, diagnostics } = await loadConfig(dir, { env: {}, overlaps: false });
          for (const d of diagnostics) {
            expect(typeof d.file).toBe('string');
            expect(Number.isInteger(d.line) && d.line >= 0).toBe(true);
            expect(typeof d.message).toBe('string');
          }
          const errors = diagnostics.filter((d) => d.severity !== 'warning');
          if (errors.length === 0) expect(config).toBeDefined();
          await loadConfigOrThrow(dir, { env: {}, overlaps: false }).catch((e: unknown) => {
            expect(e).toBeInstanceOf(ConfigError);
          });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 120 },
    );
  });

  it('answers files of arbitrary text with diagnostics, never another exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(validFiles())), fc.string({ unit: 'binary', maxLength: 400 }), async (file, text) => {
        const files = Object.fromEntries(Object.entries(validFiles()).map(([f, d]) => [f, stringify(d)]));
        files[file] = text;
        const dir = await writeConfig(files);
        try {
          await loadConfigOrThrow(dir, { env: {}, overlaps: false }).catch((e: unknown) => {
            expect(e).toBeInstanceOf(ConfigError);
            expect((e as ConfigError).diagnostics.length).toBeGreaterThan(0);
          });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 120 },
    );
  });
});
