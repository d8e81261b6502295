import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../src/config/load.ts';
import { buildNotifications } from '../../../src/notify/index.ts';
import { makeExecution, pairs, render } from './helpers.ts';

const dir = fileURLToPath(new URL('../../fixtures/routes/', import.meta.url));

describe('buildNotifications: StackStorm spellings through the loader', () => {
  it.each([
    ['failed', ['on_failure:ops', 'on_complete:audit']],
    ['succeeded', ['on_complete:audit']],
  ] as const)('`on-failure` / `on-complete` and `routes` work for %s', async (status, expected) => {
    const { config, diagnostics } = await loadConfig(dir, { env: {} });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const action = config!.actions.get('db.backup');
    const ns = buildNotifications({ execution: makeExecution({ status, action: 'db.backup', alias: undefined }), action, alias: undefined, render });
    expect(pairs(ns)).toEqual(expected);
  });
});
