import { describe, expect, it } from 'vitest';
import { adfText, toAdf } from '../../../src/providers/jira/adf.ts';

describe('toAdf', () => {
  it('makes paragraphs with hard breaks and code blocks from fences', () => {
    expect(toAdf('Failed on web\nexit 1\n\n```\nstack\ntrace\n```')).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Failed on web' }, { type: 'hardBreak' }, { type: 'text', text: 'exit 1' }] },
        { type: 'codeBlock', content: [{ type: 'text', text: 'stack\ntrace' }] },
      ],
    });
  });
  it('adds an emphasised footer and never yields an empty document', () => {
    expect(toAdf('', 'marker').content).toEqual([{ type: 'paragraph', content: [{ type: 'text', text: 'marker', marks: [{ type: 'em' }] }] }]);
    expect(toAdf('').content).toEqual([{ type: 'paragraph', content: [] }]);
  });
});

describe('adfText', () => {
  it('collects all text of a document', () => {
    expect(adfText(toAdf('a\n\nb', 'fp:1'))).toContain('fp:1');
    expect(adfText(null)).toBe('');
  });
});
