import { describe, expect, it } from 'vitest';
import type { AlertRef } from '../../../src/notify/types.ts';
import { withAnswerLine } from '../../../src/sinks/alert-text.ts';

const alert = (status: AlertRef['status'], code = '4821'): AlertRef => ({ id: 'al-1', code, fingerprint: 'f', status, channel: 'am' });

describe('withAnswerLine', () => {
  it.each([
    ['adds the line to a firing alert', 'HighLatency', alert('firing'), 'HighLatency\n\nReply ACK 4821 or SILENCE 4821 2h'],
    ['leaves a resolved alert alone', 'resolved', alert('resolved'), 'resolved'],
    ['leaves a message without an alert alone', 'done', undefined, 'done'],
    ['does not repeat a line the template wrote', 'Answer ack 4821 now', alert('firing'), 'Answer ack 4821 now'],
    ['is not fooled by a longer code', 'ACK 48210', alert('firing'), 'ACK 48210\n\nReply ACK 4821 or SILENCE 4821 2h'],
    ['is the line alone for an empty text', '', alert('firing'), 'Reply ACK 4821 or SILENCE 4821 2h'],
  ])('%s', (_, text, a, want) => {
    expect(withAnswerLine(text, a)).toBe(want);
  });
});
