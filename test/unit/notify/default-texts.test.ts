import { describe, expect, it } from 'vitest';
import { defaultResultText, formatResult } from '../../../src/notify/index.ts';

describe('formatResult', () => {
  it.each<[string, unknown, string]>([
    ['nothing', undefined, ''],
    ['null', null, ''],
    ['a string, trimmed', ' hi \n', 'hi'],
    ['a number', 3, '3'],
    ['shell success: stdout', { stdout: 'ok\n', stderr: 'warn', return_code: 0 }, 'ok'],
    ['shell failure: stdout then stderr', { stdout: 'part\n', stderr: 'boom\n', return_code: 1 }, 'part\nboom'],
    ['http: the body', { status_code: 200, headers: {}, body: { a: 1 } }, '{\n  "a": 1\n}'],
    ['http: a text body', { status_code: 500, headers: {}, body: 'down\n' }, 'down'],
    ['anything else: JSON', { message: 'hi' }, '{\n  "message": "hi"\n}'],
  ])('%s', (_, result, expected) => {
    expect(formatResult(result)).toBe(expected);
  });

  it('puts the headline before the result, alone when there is none', () => {
    expect(defaultResultText({ result: 'x' }, 'h')).toBe('h\nx');
    expect(defaultResultText({}, 'h')).toBe('h');
  });
});
