/** Shared helpers for sink tests: sample messages, deps with an in-memory state, secret checks. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { createMemorySinkState } from '../../../src/sinks/memory-state.ts';
import { SinkError, type OutboundMessage, type SinkDeps } from '../../../src/sinks/sink.ts';

let n = 0;

/** A failed-execution notification; each call has a fresh delivery id and its own action. */
export function sampleMessage(over: Partial<OutboundMessage> = {}): OutboundMessage {
  n += 1;
  return {
    id: `delivery-${n}-${randomUUID().slice(0, 8)}`,
    channel: 'test-channel',
    subject: 'ops.restart failed',
    text: 'Restart of web failed{~}exit code 1\nunit web.service not found',
    data: {},
    execution: { id: `ex${n}abc`, status: 'failed', action: `ops.restart${n}`, alias: 'ops.restart', user: 'alice' },
    ...over,
  };
}

export function testDeps(over: Partial<SinkDeps> = {}): SinkDeps & { state: ReturnType<typeof createMemorySinkState> } {
  return { logger: silentLogger, state: createMemorySinkState(), configDir: process.cwd(), ...over } as never;
}

/** Awaits a rejection and returns it as a SinkError (fails the test otherwise). */
export async function sinkFailure(p: Promise<unknown>): Promise<SinkError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SinkError);
    return err as SinkError;
  }
  throw new Error('expected the send to fail with a SinkError');
}

/** No secret value appears in the error's message, its string form or its JSON. */
export function expectNoSecret(err: unknown, secrets: readonly string[]): void {
  const texts = [String(err), (err as Error).message ?? '', JSON.stringify(err) ?? '', (err as Error).stack ?? ''];
  for (const s of secrets) for (const t of texts) expect(t).not.toContain(s);
}
