import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.ts';
import { logSink } from '../../../src/providers/log/sink.ts';
import { createMemorySinkState } from '../../../src/sinks/memory-state.ts';

describe('logSink', () => {
  it('writes one JSON line per delivery', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
    const logger = createLogger({ destination: out });
    const sink = logSink.create(logSink.settings.parse({ name: 'log', kind: 'log' }), { logger, state: createMemorySinkState(), configDir: '/' });
    const r = await sink.send({ id: 'd1', channel: 'log', subject: 'ops.ping done', text: 'pong', data: { n: 1 } }, new AbortController().signal);
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.externalId).toBe('d1');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'notification', delivery: 'd1', subject: 'ops.ping done', text: 'pong', data: { n: 1 }, sink: 'log' });
  });
});
