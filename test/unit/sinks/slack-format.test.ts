import { describe, expect, it } from 'vitest';
import { FOLD_LINES, SECTION_LIMIT, foldOutput, formatSlackMessage } from '../../../src/providers/slack/format.ts';

describe('foldOutput', () => {
  it('wraps multi-line text in a code block', () => {
    expect(foldOutput('a\nb')).toBe('```\na\nb\n```');
  });
  it('leaves one line and already-fenced text alone', () => {
    expect(foldOutput('one line')).toBe('one line');
    expect(foldOutput('x\n```\ny\n```')).toBe('x\n```\ny\n```');
  });
});

describe('formatSlackMessage', () => {
  it('sends a plain message as one mrkdwn section with the subject as fallback text', () => {
    const post = formatSlackMessage({ id: 'd1', subject: 'ops.ping done', text: '*pong* from `web-1`' });
    expect(post.text).toBe('ops.ping done');
    expect(post.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*pong* from `web-1`' } }]);
    expect(post.attachments).toBeUndefined();
    expect(post.upload).toBeUndefined();
  });

  it('splits at {~}: the text before is the pretext, the text after the attachment body', () => {
    const post = formatSlackMessage({ id: 'd1', subject: 's', text: 'Restart failed{~}exit 1\nno such unit', status: 'failed' });
    expect(post.attachments).toHaveLength(1);
    expect(post.attachments?.[0]).toMatchObject({ pretext: 'Restart failed', text: '```\nexit 1\nno such unit\n```', color: 'danger' });
  });

  it('folds a long plain message after its first line', () => {
    const lines = Array.from({ length: FOLD_LINES + 5 }, (_, i) => `line ${i}`);
    const post = formatSlackMessage({ id: 'd1', subject: 's', text: lines.join('\n') });
    expect(post.blocks).toHaveLength(2);
    const folded = post.blocks?.[1] as { text: { text: string } } | undefined;
    expect(folded?.text.text.startsWith('```\nline 1\n')).toBe(true);
  });

  it('previews output beyond a section block and returns the whole of it as an upload', () => {
    const body = Array.from({ length: 400 }, (_, i) => `row ${i} ${'x'.repeat(20)}`).join('\n');
    const post = formatSlackMessage({ id: 'delivery:1', subject: 'logs', text: `Here are the logs{~}${body}` });
    const shown = post.attachments?.[0]?.text as string;
    expect(shown.length).toBeLessThanOrEqual(SECTION_LIMIT);
    expect(shown).toContain('the full text is in the file output-delivery_1.txt');
    expect(post.upload).toEqual({ filename: 'output-delivery_1.txt', title: 'logs', content: body });
  });

  it('previews a single over-long line and uploads it', () => {
    const text = 'y'.repeat(SECTION_LIMIT + 100);
    const post = formatSlackMessage({ id: 'd2', subject: 's', text });
    expect(post.upload?.content).toBe(text);
    expect(JSON.stringify(post.blocks).length).toBeLessThan(SECTION_LIMIT + 200);
  });
});
