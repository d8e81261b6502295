/**
 * Fault: Redis restarted while commands arrive (a private redis-server, `--appendonly yes`,
 * stopped with SIGTERM and started again on the same port and folder). Commands keep arriving
 * through the JSON API and signed Twilio webhooks the whole time:
 * - while Redis is away the gateway answers 503 (never a 500, never a hang), and nothing is queued;
 * - it recovers by itself: without any restart of Switchboard, commands are accepted again;
 * - every command acknowledged (202 or TwiML 200), before or after the restart, runs exactly once
 *   and gets its two deliveries (each delivery id answered at least once; repeats carry the same id);
 * - a command answered 503 runs nothing, except the few in flight at the instant Redis went away,
 *   whose outcome is ambiguous as with any lost reply: ended `failed` by the orphan sweep, or run once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionKeys } from '../../src/executions/keys.ts';
import { createRecordStore } from '../../src/executions/records.ts';
import { ORPHAN_ERROR } from '../../src/executions/worker.ts';
import { startOwnRedis, type OwnRedis } from './redis-server.ts';
import { eventually, listExecutions, postApi, postSms, smsForm, startFaultWorld, type FaultWorld } from './world.ts';

let redis: OwnRedis;
let w: FaultWorld;
beforeAll(async () => {
  redis = await startOwnRedis();
  w = await startFaultWorld({ redisUrl: redis.url });
});
afterAll(async () => {
  await w?.stop().catch(() => undefined);
  await redis?.destroy();
});

type Phase = 'before' | 'down' | 'after';
interface Outcome {
  n: number;
  via: 'api' | 'sms';
  status: number;
  phase: Phase;
}

describe('Redis restarted while commands arrive', () => {
  it('answers 503 while Redis is away, recovers by itself, and loses or repeats no acknowledged command', async () => {
    const outcomes: Outcome[] = [];
    let phase: Phase = 'before';
    let stop = false;
    const send = async (n: number, via: 'api' | 'sms') => (via === 'api' ? postApi(w.t, `fault ${n}`) : postSms(w.t, smsForm(`fault ${n}`)));
    const lane = async () => {
      for (let i = 0; i < 3000 && !stop; i++) {
        const n = w.next();
        const via = n % 2 === 0 ? 'api' : 'sms';
        const at = phase;
        let status = -1;
        try {
          const res = await send(n, via);
          status = res.status;
          await res.body?.cancel();
        } catch {
          status = -1;
        }
        outcomes.push({ n, via, status, phase: at });
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const accepted = (o: Outcome) => o.status === 200 || o.status === 202;
    const lanes = Promise.all(Array.from({ length: 4 }, lane));

    await eventually(() => outcomes.filter(accepted).length >= 30, 'commands accepted before the restart');
    phase = 'down';
    await redis.stop();
    await eventually(() => outcomes.filter((o) => o.phase === 'down' && o.status === 503).length >= 20, '503 answers while Redis is away');
    expect((await w.t.request('/readyz')).status).toBe(503);
    await redis.start();
    phase = 'after';
    await eventually(() => outcomes.filter((o) => o.phase === 'after' && accepted(o)).length >= 30, 'commands accepted again after the restart', 60_000);
    stop = true;
    await lanes;

    // answers: accepted or 503, nothing else (no 500, no dropped connection)
    expect(outcomes.filter((o) => !accepted(o) && o.status !== 503)).toEqual([]);
    const acked = outcomes.filter(accepted);
    expect(acked.filter((o) => o.via === 'sms').length).toBeGreaterThan(0);
    expect(acked.filter((o) => o.via === 'api').length).toBeGreaterThan(0);

    // every acknowledged command: one execution, two deliveries
    await eventually(() => acked.every((o) => (w.deliveredPerCommand().get(o.n) ?? 0) >= 2), 'every acknowledged command delivered', 90_000);
    // A command answered 503 is not accepted, but it may not be a clean "nothing happened" either,
    // only for the commands in flight at the instant Redis went away (4 lanes: at most 4):
    // - its record was written and its job was not: the worker's orphan sweep ends it `failed`,
    //   never run, nothing delivered;
    // - or Redis applied the writes and shut down before sending the reply (the reply was lost): it
    //   runs once, like any request whose answer was lost; a retry with the same idempotency key
    //   (MessageSid, Idempotency-Key) would get this same execution. See RELIABILITY.md, window 3.
    const executions = await eventually(
      async () => {
        const all = await listExecutions(w.t);
        return all.every((e) => e.status === 'succeeded' || e.status === 'failed') && all;
      },
      'every execution terminal (orphans swept)',
      60_000,
    );
    const perN = executions.reduce((m, e) => m.set(Number(e.params?.n), (m.get(Number(e.params?.n)) ?? 0) + 1), new Map<number, number>());
    for (const o of acked) expect({ n: o.n, executions: perN.get(o.n) }).toEqual({ n: o.n, executions: 1 });
    const ackedNs = new Set(acked.map((o) => o.n));
    const refusedNs = new Set(outcomes.filter((o) => o.status === 503).map((o) => o.n));
    const unacked = executions.filter((e) => !ackedNs.has(Number(e.params?.n)));
    for (const e of executions) {
      const n = Number(e.params?.n);
      expect(perN.get(n)).toBe(1);
      if (ackedNs.has(n)) expect(e.status).toBe('succeeded');
      else {
        expect(refusedNs.has(n)).toBe(true);
        if (e.status === 'failed') {
          expect(e.error).toBe(ORPHAN_ERROR);
          expect(w.deliveredPerCommand().get(n)).toBeUndefined();
        } else {
          await eventually(() => w.deliveredPerCommand().get(n) === 2, `the deliveries of fault ${n} (answered 503, reply lost)`);
        }
      }
    }
    expect(unacked.length).toBeLessThanOrEqual(4);
    // deliveries: each id answered 2xx; a repeat (worker lost Redis between send and record) keeps its id
    const perId = w.deliveredPerId();
    expect(perId.size).toBe(2 * (acked.length + unacked.filter((e) => e.status === 'succeeded').length));
    const repeats = [...perId.values()].filter((c) => c > 1).length;
    expect(repeats).toBeLessThanOrEqual(20);
  });
});

describe('a record whose job was never added (Redis failed between the two writes of a submit)', () => {
  it('is ended failed by the worker, never run, and notifies nothing', async () => {
    const config = w.t.sb.config;
    const conn = new Redis(config.main.redis.url);
    try {
      const store = createRecordStore(conn, executionKeys(config.main.redis.prefix), 3600);
      const n = w.next();
      const id = 'orphan2a';
      const res = await store.create(
        id,
        { action: 'core.echo', alias: 'faults.fault', params: { n: String(n) }, user: 'alice' },
        new Date(Date.now() - 60_000),
      );
      expect(res).toMatchObject({ created: true });
      const rec = await eventually(
        async () => {
          const r = await store.get(id);
          return r?.status === 'failed' && r;
        },
        'the orphan ended',
        60_000,
      );
      expect(rec).toMatchObject({ status: 'failed', error: ORPHAN_ERROR });
      expect(w.deliveredPerCommand().get(n)).toBeUndefined();
    } finally {
      conn.disconnect();
    }
  });
});
