import { describe, expect, it } from 'vitest';
import { refusalReply, slowDownReply } from '../../../src/providers/email/replies.ts';

describe('refusalReply', () => {
  it.each([
    [{ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, 'You are not allowed to run ops.restart. Nothing was run.'],
    [{ kind: 'none', text: 'restart', suggestions: ['restart {{service}}'] }, 'No command matches "restart". Did you mean:\n\n  restart {{service}}'],
    [{ kind: 'none', text: 'hello', suggestions: [] }, 'No command matches "hello".\nSend "help" for the commands you may run.'],
    [
      { kind: 'invalid', text: 'restart db', error: 'bad value for service', alias: 'ops.restart', parameter: 'service' },
      'Cannot run ops.restart: bad value for service',
    ],
    [
      { kind: 'ambiguous', text: 'deploy', candidates: [{ alias: 'a.deploy', format: 'deploy' }] },
      '"deploy" matches several commands; be more specific:\n\n  a.deploy: deploy',
    ],
    [
      {
        kind: 'question',
        text: 'restart web',
        alias: 'ops.restart',
        parameter: 'env',
        question: 'Which env? staging, prod (reply "cancel" to stop)',
        command: 'restart web',
      },
      'Which env? staging, prod (reply "cancel" to stop)\n\nReply with the answer alone, within 10 minutes.',
    ],
    [{ kind: 'answered', text: 'cancel', alias: 'ops.restart', message: 'Cancelled: restart web.' }, 'Cancelled: restart web.'],
  ] as const)('answers %j', (outcome, text) => {
    expect(refusalReply(outcome as never)).toBe(text);
  });

  it('says nothing to an unknown sender (no backscatter)', () => {
    expect(refusalReply({ kind: 'unknown_user', text: 'ping' })).toBeUndefined();
  });

  it('tells when to try again', () => {
    expect(slowDownReply({ allowed: false, count: 3, retryAfterSeconds: 12 })).toMatch(/Try again in 12s/);
  });
});
