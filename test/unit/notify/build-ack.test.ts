import { describe, expect, it } from 'vitest';
import { buildAck } from '../../../src/notify/index.ts';
import { makeAlias, makeExecution, render } from './helpers.ts';

describe('buildAck', () => {
  const execution = makeExecution({ status: 'queued' });

  it.each<[string, Record<string, unknown> | undefined, string | undefined]>([
    ['no ack block: StackStorm default text', undefined, "I'll take it from here! Your execution ID for reference is EX1"],
    ['ack without format: default text', { enabled: true }, "I'll take it from here! Your execution ID for reference is EX1"],
    ['format over the execution (StackStorm context)', { format: 'Restarting {{ execution.parameters.service }} on {{ env }}…' }, 'Restarting web on prod…'],
    ['the {~} split is kept for sinks', { format: 'ok{~}{{ execution.id }}' }, 'ok{~}EX1'],
    ['enabled: false sends nothing', { enabled: false, format: 'x' }, undefined],
  ])('%s', (_, ack, expected) => {
    const alias = makeAlias(ack ? { ack } : {});
    expect(buildAck({ execution, alias, render })?.message).toBe(expected);
  });

  it('sends nothing without an alias', () => {
    expect(buildAck({ execution, alias: undefined, render })).toBeUndefined();
  });

  it('is addressed to origin, as queued, with a deterministic id', () => {
    const n = buildAck({ execution: makeExecution({ status: 'running' }), alias: makeAlias({ ack: { format: 'a', extra: { k: '{{ user }}' } } }), render });
    expect(n).toMatchObject({
      id: 'EX1/ack/origin',
      name: 'origin',
      trigger: 'ack',
      status: 'queued',
      subject: 'ops.restart queued',
      data: { extra: { k: 'alice' } },
    });
    expect(n?.origin).toEqual({ source: 'sms', sender: '+15551230001' });
  });
});
