import { describe, expect, it } from 'vitest';
import { plainText, splitAttachment } from '../../../src/sinks/render.ts';

describe('splitAttachment', () => {
  it.each([
    ['plain', { pretext: 'plain' }],
    ['Done{~}out', { pretext: 'Done', body: 'out' }],
    ['{~}only body\n', { pretext: '', body: 'only body' }],
    ['Done {~}\n  indented\n', { pretext: 'Done', body: '  indented' }],
  ])('splits %j', (text, parts) => expect(splitAttachment(text)).toEqual(parts));
});

describe('plainText', () => {
  it('joins the parts and drops code fences', () => {
    expect(plainText('Done{~}```\nout\n```')).toBe('Done\n\nout');
  });
});
