import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../../src/cli/validate.ts';

const fixture = (name: string) => join(import.meta.dirname, '../../fixtures', name);

async function validate(name: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runValidate({ config: fixture(name), env: {} }, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

describe('runValidate', () => {
  it('prints a summary and exits 0 for a valid config', async () => {
    expect(await validate('valid')).toEqual({ code: 0, out: ['config OK: 2 aliases, 2 actions, 2 channels, 2 rules'], err: [] });
  });

  it('prints every diagnostic then the counts, and exits 1 on an error', async () => {
    expect(await validate('alias-unknown-action')).toEqual({
      code: 1,
      out: [
        'aliases/ops.yaml:3:13  action_ref: undefined action "ops.restrat" used in alias "ops.restart" (did you mean "ops.restart"?)',
        '1 error, 0 warnings',
      ],
      err: [],
    });
  });

  it('prints warnings and still exits 0 when there is no error', async () => {
    expect(await validate('alias-role-held-by-no-user')).toEqual({
      code: 0,
      out: ['aliases/ops.yaml:4:14  allow.1: warning: role "admins" is held by no user', 'config OK: 1 alias, 0 actions, 0 channels, 0 rules'],
      err: [],
    });
  });

  it('exits 1 for a folder without switchboard.yaml rather than report 0 aliases', async () => {
    expect(await validate('no-switchboard-yaml')).toEqual({
      code: 1,
      out: [`switchboard.yaml:1:1  switchboard.yaml not found in ${fixture('no-switchboard-yaml')} (is --config the right folder?)`, '1 error, 0 warnings'],
      err: [],
    });
  });

  it.each([
    ['alias-allow-typo', 'aliases/restart.yaml:5:1  alow: unknown key "alow" (did you mean "allow"?)'],
    ['rule-when-typo', 'rules/failures.yaml:5:7  rules.0.when.stauts: unknown key "stauts" (did you mean "status"?)'],
  ])('refuses the %s typo that "config OK" used to accept', async (name, first) => {
    const { code, out } = await validate(name);
    expect(code).toBe(1);
    expect(out[0]).toBe(first);
    expect(out.some((l) => l.startsWith('config OK'))).toBe(false);
  });

  it('exits 1 for a folder that does not exist', async () => {
    const { code, out } = await validate('no-such-folder');
    expect(code).toBe(1);
    expect(out.at(-1)).toBe('1 error, 0 warnings');
  });
});
