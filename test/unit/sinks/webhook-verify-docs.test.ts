/**
 * The verification snippets of docs/providers/webhooks.md, run as written against our own signer
 * (src/providers/webhook/signature.ts): a receiver copying them accepts what we send and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../../src/providers/webhook/signature.ts';

const doc = readFileSync(join(import.meta.dirname, '../../../docs/providers/webhooks.md'), 'utf8');
const block = (lang: string): string => {
  const m = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!m?.[1]) throw new Error(`docs/providers/webhooks.md has no \`\`\`${lang} block`);
  return m[1];
};
const dir = mkdtempSync(join(tmpdir(), 'sb-webhook-docs-'));

type Verify = (secret: string, raw: Buffer | string, headers: Record<string, string>, now?: number) => boolean;

const secret = 'whsec-7f1c2e9a';
const now = 1_767_268_800;
const body = JSON.stringify({ id: 'd1', text: 'déploiement fini ✓', data: { a: 1 } });
const signed = (ts: number, b = body) => ({
  'x-switchboard-timestamp': String(ts),
  'x-switchboard-signature': signWebhook(secret, String(ts), b),
});

/** The cases every snippet must agree on: [what, raw body, headers, now, expected]. */
const cases: [string, string, Record<string, string>, number, boolean][] = [
  ['a fresh signed request', body, signed(now), now, true],
  ['signed 299 s ago', body, signed(now - 299), now, true],
  ['signed 301 s ago (a replay)', body, signed(now - 301), now, false],
  ['a body changed by one byte', body.replace('1', '2'), signed(now), now, false],
  ['another secret', body, { ...signed(now), 'x-switchboard-signature': signWebhook('other', String(now), body) }, now, false],
  ['a timestamp changed after signing', body, { ...signed(now), 'x-switchboard-timestamp': String(now + 1) }, now + 1, false],
  ['no signature header', body, { 'x-switchboard-timestamp': String(now) }, now, false],
  ['a truncated signature', body, { ...signed(now), 'x-switchboard-signature': signWebhook(secret, String(now), body).slice(0, -1) }, now, false],
  ['a non-numeric timestamp', body, { 'x-switchboard-timestamp': 'abc', 'x-switchboard-signature': signWebhook(secret, 'abc', body) }, now, false],
];

describe('docs/providers/webhooks.md: the Node.js snippet', () => {
  let verify: Verify;
  beforeAll(async () => {
    const file = join(dir, 'verify.mjs');
    writeFileSync(file, block('js'));
    verify = ((await import(pathToFileURL(file).href)) as { verifySwitchboardWebhook: Verify }).verifySwitchboardWebhook;
  });

  it.each(cases)('%s', (_what, raw, headers, at, expected) => {
    expect(verify(secret, Buffer.from(raw, 'utf8'), headers, at)).toBe(expected);
    expect(verify(secret, raw, headers, at)).toBe(expected);
  });

  it('accepts a signature made just now with the default clock', () => {
    const ts = Math.floor(Date.now() / 1000);
    expect(verify(secret, body, signed(ts))).toBe(true);
  });
});

const python = (() => {
  try {
    execFileSync('python3', ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)']);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!python)('docs/providers/webhooks.md: the Python snippet (python3 >= 3.10)', () => {
  it('agrees with our signer on every case', () => {
    const file = join(dir, 'verify.py');
    writeFileSync(
      file,
      `${block('python')}\n\nimport json, sys\nout = []\nfor raw, headers, now in json.load(sys.stdin):\n    h = {"X-Switchboard-Timestamp": headers.get("x-switchboard-timestamp"), "X-Switchboard-Signature": headers.get("x-switchboard-signature")}\n    out.append(verify_switchboard_webhook(${JSON.stringify(secret)}, raw.encode(), {k: v for k, v in h.items() if v is not None}, now))\nprint(json.dumps(out))\n`,
    );
    const input = JSON.stringify(cases.map(([, raw, headers, at]) => [raw, headers, at]));
    const out = JSON.parse(execFileSync('python3', [file], { input, encoding: 'utf8' })) as boolean[];
    expect(out).toEqual(cases.map((c) => c[4]));
  });
});
