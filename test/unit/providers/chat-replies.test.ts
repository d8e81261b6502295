import { describe, expect, it } from 'vitest';
import type { CommandOutcome } from '../../../src/commands/run-command.ts';
import type { ExecutionRecord } from '../../../src/executions/types.ts';
import { chatOutcomeReply, queuedLine, type ReplyStyle } from '../../../src/providers/chat-replies.ts';

const exec = (id: string) => ({ execution: { id } as ExecutionRecord, created: true });

/** Every hook leaves a distinct mark, so each answer shows which hook wrote which part. */
const STYLE: ReplyStyle = {
  said: (t) => `S(${t})`,
  code: (t) => `C(${t})`,
  name: (t) => `N(${t})`,
  escape: (t) => `E(${t})`,
  bullet: '* ',
  lineBreak: ' | ',
  help: 'HELP',
};

describe('chatOutcomeReply', () => {
  it.each<[string, CommandOutcome, string | undefined]>([
    [
      'queued',
      { kind: 'queued', alias: 'ops.restart', action: 'ops.restart', text: 'restart web,api', executions: [exec('a1'), exec('a2')], ...exec('a1') },
      'Queued a1, a2: N(ops.restart)',
    ],
    ['no match', { kind: 'none', text: 'hello', suggestions: [] }, 'No command matches S(hello). Try HELP.'],
    [
      'suggestions',
      { kind: 'none', text: 'restrat', suggestions: ['restart {{s}}', 'status'] },
      'No command matches S(restrat). Did you mean: | * C(restart {{s}}) | * C(status)',
    ],
    [
      'ambiguous',
      { kind: 'ambiguous', text: 'deploy x', candidates: [{ alias: 'a', format: 'deploy {{app}}' }] },
      'S(deploy x) matches several commands; be more specific: | * N(a): C(deploy {{app}})',
    ],
    ['invalid', { kind: 'invalid', text: 'restart db', alias: 'ops.restart', error: 'bad value' }, 'Cannot run C(ops.restart): E(bad value)'],
    ['invalid, no alias', { kind: 'invalid', text: 'x', error: 'too long' }, 'E(too long)'],
    ['forbidden', { kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, 'You are not allowed to run C(ops.restart).'],
    ['unknown user', { kind: 'unknown_user', text: 'x' }, undefined],
    [
      'question',
      {
        kind: 'question',
        text: 'restart web',
        alias: 'ops.restart',
        parameter: 'env',
        question: 'Which env? staging, prod (reply "cancel" to stop)',
        command: 'restart web',
      },
      'E(Which env? staging, prod (reply "cancel" to stop))',
    ],
    ['answered', { kind: 'answered', text: 'cancel', alias: 'ops.restart', message: 'Cancelled: restart web.' }, 'E(Cancelled: restart web.)'],
    ['pending without prompt', { kind: 'pending', alias: 'a', action: 'a', text: 'x', executions: [], ...exec('p1') }, undefined],
    ['pending', { kind: 'pending', alias: 'a', action: 'a', text: 'x', executions: [], prompt: 'Reply YES 1', ...exec('p1') }, 'E(Reply YES 1)'],
    ['confirmation', { kind: 'confirmation', text: 'no', result: { answer: 'refused', message: 'Cancelled.' } as never }, 'E(Cancelled.)'],
  ])('answers %s with the style hooks', (_name, outcome, text) => {
    expect(chatOutcomeReply(outcome, null, STYLE)).toBe(text);
  });

  it('uses the configured unknown-sender reply as given', () => {
    expect(chatOutcomeReply({ kind: 'unknown_user', text: 'x' }, 'Ask #ops', STYLE)).toBe('Ask #ops');
  });

  it('lets a style answer a queued command its own way', () => {
    const outcome: CommandOutcome = { kind: 'queued', alias: 'b', action: 'b', text: 'b', executions: [exec('q1')], confirmed: true, ...exec('q1') };
    expect(chatOutcomeReply(outcome, null, { ...STYLE, queued: () => undefined })).toBeUndefined();
    expect(chatOutcomeReply(outcome, null, { ...STYLE, queued: (o) => `Confirmed. ${queuedLine(o, STYLE)}` })).toBe('Confirmed. Queued q1: N(b)');
  });
});
