import { describe, expect, it } from 'vitest';
import type { ParameterSpec } from '../../../src/config/schema.ts';
import { askText, isCancel, refusedText } from '../../../src/conversations/question.ts';

const env = { type: 'string', enum: ['staging', 'prod'] } as ParameterSpec;

describe('askText', () => {
  it.each([
    ['env', env, 'Which env? staging, prod (reply "cancel" to stop)'],
    ['count', { type: 'integer', enum: [1, 2, 3] } as ParameterSpec, 'Which count? 1, 2, 3 (reply "cancel" to stop)'],
    [
      'version',
      { type: 'string', description: 'the release tag to deploy' } as ParameterSpec,
      'Which version? (the release tag to deploy) (reply "cancel" to stop)',
    ],
    ['host', { type: 'string', description: '  ' } as ParameterSpec, 'Which host? (reply "cancel" to stop)'],
    ['host', undefined, 'Which host? (reply "cancel" to stop)'],
  ])('asks for %s', (name, spec, text) => {
    expect(askText(name, spec)).toBe(text);
  });
});

describe('refusedText', () => {
  it('says what was wrong, then asks again', () => {
    expect(refusedText(' prodd ', 'one of staging, prod', 'env', env)).toBe(
      '"prodd" is not one of staging, prod. Which env? staging, prod (reply "cancel" to stop)',
    );
  });
});

describe('isCancel', () => {
  it.each(['cancel', 'CANCEL', ' Cancel. ', 'nevermind', 'never mind!', 'abort'])('takes %j as cancel', (t) => {
    expect(isCancel(t)).toBe(true);
  });
  it.each(['stop', 'cancel it', 'prod', 'cancelled', ''])('does not take %j as cancel', (t) => {
    expect(isCancel(t)).toBe(false);
  });
});
