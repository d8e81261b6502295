#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ to dist/ with the project's TypeScript (tsconfig.build.json: `.ts`
 * import specifiers rewritten to `.js`, no type check: `npm run typecheck` does that), copies the
 * files src/ reads at run time beside its own code (src/web/assets: `new URL('./assets/…',
 * import.meta.url)`), and writes dist/build.json last. bin/switchboard.js runs dist/ only while
 * build.json's `src_stamp_ms` (taken before compiling) is newer than every file and folder under src/
 * (bin/code.js), so an edit after a build falls back to the sources through tsx.
 * `--if-stale` (what `npm start` runs first) does nothing while dist/ is current.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseCode } from '../bin/code.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

/** Non-TypeScript files src/ loads at run time, relative to src/ (each is looked up relative to its module). */
const ASSETS = ['web/assets'];

const started = Date.now();
// `--if-stale` (prestart): nothing to do while dist/ is current
const ifStale = process.argv.includes('--if-stale');
if (ifStale && chooseCode({}) === 'dist') {
  process.stdout.write('build: dist/ is current\n');
  process.exit(0);
}

let tsc;
try {
  tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  // an install without devDependencies: bin/switchboard.js keeps running src/ through tsx
  process.stderr.write('build: typescript (a devDependency) is not installed (npm ci without --omit=dev); src/ runs through tsx\n');
  process.exit(ifStale ? 0 : 1);
}
rmSync(dist, { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) {
  process.stderr.write(`build: tsc exited with ${run.status ?? run.signal}; dist/ left without build.json (bin/switchboard.js keeps running src/)\n`);
  process.exit(1);
}

for (const asset of ASSETS) {
  const from = join(src, asset);
  if (!existsSync(from)) {
    process.stderr.write(`build: ${relative(root, from)} is missing\n`);
    process.exit(1);
  }
  cpSync(from, join(dist, asset), { recursive: true });
}

let files = 0;
const count = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) count(join(dir, e.name));
    else if (e.name.endsWith('.js')) files++;
  }
};
count(dist);
if (!existsSync(join(dist, 'cli', 'index.js'))) {
  process.stderr.write('build: tsc wrote no dist/cli/index.js\n');
  process.exit(1);
}

const stamp = {
  built_at: new Date().toISOString(),
  // bin/code.js: dist/ is current while nothing under src/ changed after this instant
  src_stamp_ms: started,
  node: process.version,
  modules: files,
};
writeFileSync(join(dist, 'build.json'), `${JSON.stringify(stamp, null, 2)}\n`);
process.stdout.write(`build: ${files} modules in dist/ (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
