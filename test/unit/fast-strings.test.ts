/**
 * keepStringMethodsFast (src/fast-strings.ts): nunjucks and ioredis leave String.prototype in V8's
 * slow dictionary mode when they load; after the call it is fast again, and stays fast when
 * nunjucks' trick is played again. Checked in a child process with V8's own `%HasFastProperties`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(os.tmpdir(), 'sb-fast-strings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keepStringMethodsFast', () => {
  it('makes String.prototype fast again after nunjucks and ioredis slowed it, and it stays fast', () => {
    const module = pathToFileURL(join(import.meta.dirname, '../../src/fast-strings.ts')).href;
    const script = join(dir, 'probe.mts');
    writeFileSync(
      script,
      `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(join(import.meta.dirname, '../../package.json'))});
const fast = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
const start = fast(String.prototype);
require('nunjucks');
require('ioredis');
const slowed = fast(String.prototype);
const { keepStringMethodsFast } = await import(${JSON.stringify(module)});
keepStringMethodsFast();
const after = fast(String.prototype);
// what nunjucks does, again
Object.create(String.prototype, { x: { value: 1 } });
const again = fast(String.prototype);
keepStringMethodsFast();
console.log(JSON.stringify({ start, slowed, after, again, still: fast(String.prototype) }));
`,
    );
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', script], { encoding: 'utf8' });
    // the libraries do slow it (else this test proves nothing), and the call makes it fast for good
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ start: true, slowed: false, after: true, again: true, still: true });
  });
});
