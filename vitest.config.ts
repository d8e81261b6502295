/**
 * Four test tiers, one Vitest project each (`npm test` runs them all; `npm run test:<tier>` one):
 * - unit: test/unit, pure code and in-memory stand-ins; needs no Redis (no global set-up).
 * - integration: test/integration, real Redis (started for the run when none answers), real servers.
 * - faults: test/faults, worker kills, Redis restarts, outages, floods, fuzzing.
 * - browser: the dashboard through headless Chromium; a test file is a browser test when it imports
 *   test/integration/web/browser.ts (or is named *.browser.test.ts), wherever it lives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;
const usesBrowser = /from '(?:\.\.?\/)+(?:[\w-]+\/)*browser\.ts'/;

function browserTests(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.browser.test.ts')) found.push(path);
      else if (entry.name.endsWith('.test.ts') && usesBrowser.test(readFileSync(path, 'utf8'))) found.push(path);
    }
  };
  walk(join(root, 'test'));
  return found.map((p) => relative(root, p)).sort();
}

const browser = browserTests();
const withRedis = ['test/global-setup.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // no config load snapshots in ~/.cache from test folders (a new one per run: their paths differ);
    // the cache's own tests give their folder
    env: { SWITCHBOARD_CACHE_DIR: 'off' },
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], exclude: browser } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], exclude: browser, globalSetup: withRedis } },
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'], exclude: browser, globalSetup: withRedis } },
      // a browser test drives Chromium, a gateway and its worker at once: under a loaded CI host one
      // test of a few page steps took over 20 s (dashboard-confirm, 2026-12-06; 2-6 s when alone)
      {
        extends: true,
        test: { name: 'browser', include: browser.length > 0 ? browser : ['test/**/*.browser.test.ts'], globalSetup: withRedis, testTimeout: 60_000 },
      },
    ],
  },
});
