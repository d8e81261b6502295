/**
 * Which code the `switchboard` command (and the container's healthcheck) runs: dist/, compiled by
 * `npm run build`, while it is current; else the TypeScript sources in src/ through tsx's loader, so
 * tests and developers need no build step. dist/ is current when dist/build.json exists and nothing
 * under src/ (file or folder: an added or deleted file changes its folder) changed after the instant
 * the build started (`src_stamp_ms`); an image without src/ runs dist/.
 * `SWITCHBOARD_CODE=src` or `=dist` forces one (dist without a build is an error).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const srcDir = fileURLToPath(new URL('src/', root));
const buildFile = fileURLToPath(new URL('dist/build.json', root));

/** An error in choosing the code (a bad SWITCHBOARD_CODE, dist/ forced without a build). */
const codeError = (message) => Object.assign(new Error(message), { code: 'ERR_SWITCHBOARD_CODE' });

/** The instant dist/ was built from, or undefined without a (complete) build. */
function buildStamp() {
  try {
    const stamp = JSON.parse(readFileSync(buildFile, 'utf8')).src_stamp_ms;
    return Number.isFinite(stamp) ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** Whether anything under dir (the folder itself included) was modified after ms; a missing dir is not. */
function changedAfter(dir, ms) {
  let entries;
  try {
    if (statSync(dir).mtimeMs > ms) return true;
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOENT') return false;
    throw e;
  }
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory() ? changedAfter(path, ms) : statSync(path).mtimeMs > ms) return true;
  }
  return false;
}

/** 'dist' or 'src'. */
export function chooseCode(env = process.env) {
  const forced = env.SWITCHBOARD_CODE;
  if (forced === 'src' || forced === 'dist') return forced;
  if (forced !== undefined && forced !== '') throw codeError(`SWITCHBOARD_CODE must be "src" or "dist", not ${JSON.stringify(forced)}`);
  const stamp = buildStamp();
  return stamp !== undefined && !changedAfter(srcDir, stamp) ? 'dist' : 'src';
}

/** Imports module `rel` (as 'cli/index') from the chosen code. */
export async function importCode(rel, env = process.env) {
  const code = chooseCode(env);
  if (code === 'dist') {
    if (buildStamp() === undefined) throw codeError('SWITCHBOARD_CODE=dist but dist/ has no build.json: run `npm run build` first');
    return import(new URL(`dist/${rel}.js`, root).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(new URL(`src/${rel}.ts`, root).href);
}
