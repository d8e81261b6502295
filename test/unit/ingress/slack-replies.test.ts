import { describe, expect, it } from 'vitest';
import type { CommandOutcome } from '../../../src/commands/run-command.ts';
import type { ExecutionRecord } from '../../../src/executions/types.ts';
import { outcomeReply } from '../../../src/providers/slack/replies.ts';

const exec = (id: string) => ({ execution: { id } as ExecutionRecord, created: true });

describe('outcomeReply', () => {
  it.each<[string, CommandOutcome, string | undefined]>([
    [
      'queued',
      { kind: 'queued', alias: 'ops.restart', action: 'ops.restart', text: 'restart web', executions: [exec('ab12cd34')], ...exec('ab12cd34') },
      'Queued ab12cd34: ops.restart',
    ],
    [
      'queued several',
      { kind: 'queued', alias: 'ops.restart', action: 'ops.restart', text: 'restart web,api', executions: [exec('a1'), exec('a2')], ...exec('a1') },
      'Queued a1, a2: ops.restart',
    ],
    [
      'no match with suggestions',
      { kind: 'none', text: 'restrat web', suggestions: ['restart {{service}}'] },
      'No command matches `restrat web`. Did you mean:\n• `restart {{service}}`',
    ],
    ['no match at all', { kind: 'none', text: 'hello', suggestions: [] }, 'No command matches `hello`. Try `help`.'],
    ['forbidden', { kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, 'You are not allowed to run `ops.restart`.'],
    [
      'bad parameter',
      { kind: 'invalid', text: 'restart db', alias: 'ops.restart', parameter: 'service', error: 'bad value for service: expected one of web, api, got "db"' },
      'Cannot run `ops.restart`: bad value for service: expected one of web, api, got "db"',
    ],
    ['unknown user', { kind: 'unknown_user', text: 'restart web' }, undefined],
  ])('answers %s', (_name, outcome, text) => {
    expect(outcomeReply(outcome, null)).toBe(text);
  });

  it('lists every candidate of an ambiguous command', () => {
    const text = outcomeReply(
      {
        kind: 'ambiguous',
        text: 'deploy x',
        candidates: [
          { alias: 'a', format: 'deploy {{app}}' },
          { alias: 'b', format: 'deploy {{thing}}' },
        ],
      },
      null,
    );
    expect(text).toBe('`deploy x` matches several commands; be more specific:\n• a: `deploy {{app}}`\n• b: `deploy {{thing}}`');
  });

  it('answers an unknown sender with the configured reply', () => {
    expect(outcomeReply({ kind: 'unknown_user', text: 'x' }, 'Ask #ops for access')).toBe('Ask #ops for access');
  });

  it('escapes what the sender wrote', () => {
    expect(outcomeReply({ kind: 'none', text: '<!channel> hi', suggestions: [] }, null)).toContain('`&lt;!channel&gt; hi`');
  });
});
