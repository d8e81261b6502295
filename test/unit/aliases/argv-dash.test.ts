import { describe, expect, it } from 'vitest';
import { castParams, compileAliases } from '../../../src/aliases/index.ts';
import { optionFromValue } from '../../../src/executions/runners/shell.ts';

const dirSpec = { dir: { type: 'string' as const } };

describe('shell arguments from typed values (allow_dash)', () => {
  it('refuses a typed value starting with "-" for a shell action, naming the parameter', () => {
    expect(castParams({ dir: '--version' }, dirSpec, {}, { argv: true })).toEqual({
      ok: false,
      parameter: 'dir',
      error:
        'bad value for dir: expected a value not starting with "-" (it would be an option of the command; the parameter may say allow_dash: true), got "--version"',
    });
    // array items too
    expect(castParams({ files: 'a,-rf' }, { files: { type: 'array' } }, {}, { argv: true })).toMatchObject({ ok: false, parameter: 'files' });
  });

  it('lets it through with allow_dash: true, for non-shell actions, and for config values (immutables, defaults)', () => {
    expect(castParams({ dir: '-la' }, { dir: { type: 'string', allow_dash: true } }, {}, { argv: true })).toEqual({ ok: true, params: { dir: '-la' } });
    expect(castParams({ dir: '--version' }, dirSpec, {}, {})).toEqual({ ok: true, params: { dir: '--version' } });
    expect(castParams({}, { flags: { type: 'string', default: '-l' } }, { mode: '-x' }, { argv: true })).toEqual({
      ok: true,
      params: { flags: '-l', mode: '-x' },
    });
    // numbers stay numbers: a negative integer is not refused
    expect(castParams({ n: '-5' }, { n: { type: 'integer' } }, {}, { argv: true })).toEqual({ ok: true, params: { n: -5 } });
    // a dash inside a value is fine
    expect(castParams({ dir: 'a-b' }, dirSpec, {}, { argv: true })).toEqual({ ok: true, params: { dir: 'a-b' } });
  });

  it('answers `ls --version` with a bad value before anything runs', () => {
    const { matcher } = compileAliases([
      { id: 'fs.ls', action: 'fs.ls', enabled: true, formats: ['ls {{dir}}'], immutableParameters: {}, parameters: dirSpec, argv: true },
    ]);
    expect(matcher.match('ls --version')).toMatchObject({
      kind: 'invalid',
      alias: 'fs.ls',
      parameter: 'dir',
      error: expect.stringMatching(/^bad value for dir: expected a value not starting with "-"/),
    });
    expect(matcher.match('ls /tmp')).toMatchObject({ kind: 'matched', params: { dir: '/tmp' } });
  });

  it('the shell runner refuses an argv element that a value made into an option (last line of defence)', () => {
    const command = ['ls', '{{ dir }}', '--color={{ when }}', '-{{ flags }}'];
    expect(optionFromValue(command, ['ls', '--version', '--color=auto', '-l'], { dir: '--version', when: 'auto', flags: 'l' }, {})).toBe('dir');
    expect(optionFromValue(command, ['ls', '--version', '--color=auto', '-l'], { dir: '--version' }, { dir: { allow_dash: true } })).toBeUndefined();
    expect(optionFromValue(command, ['ls', '/tmp', '--color=auto', '-l'], { dir: '/tmp' }, {})).toBeUndefined();
    // a default or an immutable (config) may start with a dash
    expect(optionFromValue(command, ['ls', '-la', '--color=x', '-l'], { dir: '-la' }, {}, (k, v) => k === 'dir' && v === '-la')).toBeUndefined();
  });
});
