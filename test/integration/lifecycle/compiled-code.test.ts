/**
 * Production runs compiled JavaScript (dist/, `npm run build`), with no TypeScript loader: a `module`
 * action written in TypeScript must still load there (src/executions/runners/import-user-module.ts registers
 * tsx's loader on the first such import). The module is compiled here, alone, the way
 * tsconfig.build.json compiles src/, into test-artifacts/ (inside the repository, so `tsx` resolves
 * from node_modules), and a plain `node` (no --import, no loader) imports a TypeScript action through it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../../..');
const out = join(root, 'test-artifacts', `compiled-${process.pid}`);
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const action = join(import.meta.dirname, 'fixtures', 'typed-action.ts');

/** runs `script` (an ES module body) in a plain node child, with the compiled module as `m` */
async function node(script: string): Promise<string> {
  const body = `const m = await import(${JSON.stringify(join(out, 'import-user-module.js'))});\n${script}`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', body], { cwd: out, env: { PATH: process.env.PATH } });
  return stdout.trim();
}

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  const flags = ['--outDir', out, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2023', '--types', 'node', '--skipLibCheck'];
  await run(
    process.execPath,
    [tsc, ...flags, '--rewriteRelativeImportExtensions', '--ignoreConfig', join(root, 'src/executions/runners/import-user-module.ts')],
    {
      cwd: root,
    },
  );
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('a TypeScript module action under compiled code', () => {
  it('loads through tsx, registered on the first TypeScript import (an enum: more than type stripping)', async () => {
    const got = await node(
      `const mod = await m.importUserModule(${JSON.stringify(action)});\nprocess.stdout.write(JSON.stringify(mod.combine({ a: 6, b: 7, mode: 'product' })));`,
    );
    expect(JSON.parse(got)).toEqual({ mode: 'product', value: 42 });
  });

  it('imports a JavaScript action without registering a loader (a TypeScript file imported directly then fails)', async () => {
    const js = join(import.meta.dirname, 'fixtures', 'plain-action.mjs');
    const got = await node(
      [
        `const mod = await m.importUserModule(${JSON.stringify(js)});`,
        `const direct = await import(${JSON.stringify(action)}).then(() => 'loaded', (e) => 'refused');`,
        'process.stdout.write(JSON.stringify({ value: mod.double({ n: 21 }).value, direct }));',
      ].join('\n'),
    );
    expect(JSON.parse(got)).toEqual({ value: 42, direct: 'refused' });
  });
});
