import { describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import { HELP_PAGE_SIZE, helpEntries, helpText } from '../../../src/commands/help.ts';
import { toAliasSpecs } from '../../../src/config/index.ts';
import { buildConfig } from './fixture.ts';

const config = buildConfig();
const { matcher } = compileAliases(toAliasSpecs(config));
const deps = { config, matcher };

describe('helpEntries', () => {
  it('lists the enabled aliases a user may run, in declaration order', () => {
    const alice = helpEntries(deps, 'alice').map((e) => e.id);
    const bob = helpEntries(deps, 'bob').map((e) => e.id);
    expect(alice).toContain('ops.restart');
    expect(bob).toEqual(alice.filter((id) => !id.startsWith('ops.')));
    expect(alice).not.toContain('test.off');
  });

  it('filters by id, description or format, case-insensitively', () => {
    expect(helpEntries(deps, 'alice', 'RESTART').map((e) => e.id)).toEqual(['ops.restart']);
    expect(helpEntries(deps, 'alice', 'echo a').map((e) => e.id)).toEqual(['test.say']);
  });

  it('lists nothing for an unknown user', () => {
    expect(helpEntries(deps, undefined)).toEqual([]);
    expect(helpEntries(deps, 'mallory')).toEqual([]);
  });
});

describe('helpText', () => {
  it('renders one line per format, with the description', async () => {
    const page = await helpText(deps, 'alice', 'restart', 1);
    expect(page.text).toBe('restart {{service}} - Restart a service');
    expect(page).toMatchObject({ page: 1, pages: 1, total: 1 });
  });

  it('pages the listing and clamps the page number', async () => {
    const total = helpEntries(deps, 'alice').length;
    const pages = Math.ceil(total / HELP_PAGE_SIZE);
    const last = await helpText(deps, 'alice', undefined, 99);
    expect(last.page).toBe(pages);
    expect((await helpText(deps, 'alice', undefined, 0)).page).toBe(1);
  });

  it('says so when nothing matches the filter', async () => {
    expect((await helpText(deps, 'bob', 'zzz', 1)).text).toBe('no commands match "zzz"');
  });
});
