/**
 * Fault: Redis away with a local spool (`spool:`, src/spool/). A private redis-server is stopped
 * and started again while commands arrive:
 * - over the API, an authorised command is answered 202 `spooled` with a provisional id (never
 *   503); a bad one is still refused at once; a repeated Idempotency-Key gets the same id; an SMS
 *   gets TwiML saying it is kept, a Slack slash command an ephemeral answer saying it;
 * - when Redis is back, each spooled command runs exactly once, in the order it was accepted, and
 *   its provisional id answers with the execution it became;
 * - a full spool answers 503 `spool full (max_mb …)`;
 * - a torn, garbage-ended segment: the whole records before the damage run, the tail is reported
 *   and never run;
 * - two gateways sharing one spool folder (and one Redis): still once each; an entry replayed
 *   twice (a replay stopped before marking it done) still runs once.
 */
import { appendFileSync, copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { openSpool } from '../../src/spool/spool.ts';
import { startOwnRedis, type OwnRedis } from './redis-server.ts';
import {
  API_KEY,
  eventually,
  listExecutions,
  postApi,
  postSlack,
  postSms,
  slashBody,
  smsForm,
  startFaultWorld,
  type ExecutionJson,
  type FaultWorld,
} from './world.ts';

let redis: OwnRedis;
let spoolDir: string;
let a: FaultWorld;
let b: FaultWorld;
const prefix = `sbt-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  redis = await startOwnRedis();
  spoolDir = mkdtempSync(join(tmpdir(), 'sb-spool-'));
  // two gateways (with their workers) of one deployment: one Redis prefix, one spool folder
  const world = () =>
    startFaultWorld({
      redisUrl: redis.url,
      main: `spool: { dir: "${spoolDir}", max_mb: 1 }\n`,
      env: { SB_TEST_PREFIX: prefix },
      // a command to confirm: never kept in the spool (its code is checked in Redis)
      files: { 'aliases/careful.yaml': 'name: careful\npack: faults\naction_ref: core.echo\nformats: ["careful {{n}}"]\nconfirm: true\n' },
    });
  a = await world();
  b = await world();
}, 60_000);
afterAll(async () => {
  await a?.stop().catch(() => undefined);
  await b?.stop().catch(() => undefined);
  await redis?.destroy();
  rmSync(spoolDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${API_KEY}` };
type Answer = { status: number; body: { status?: string; id?: string; message?: string; error?: { code: string; message: string } } };
async function command(w: FaultWorld, text: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await postApi(w.t, text, API_KEY, headers);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}
const getExecution = async (w: FaultWorld, id: string) => {
  const res = await w.t.request(`/api/v1/executions/${id}`, { headers: auth });
  return { status: res.status, body: (await res.json()) as ExecutionJson & { status?: string } };
};
/** the executions of `fault N` for these N, oldest first (the listing is newest first, exactly ordered) */
const executionsOf = async (w: FaultWorld, ns: number[]) => {
  const wanted = new Set(ns);
  return (await listExecutions(w.t)).filter((e) => wanted.has(Number(e.params?.n))).reverse();
};

describe('a local spool while Redis is away', () => {
  it('answers 202 spooled, then runs each spooled command once, in order, and resolves its provisional id', async () => {
    expect((await command(a, 'fault 1')).status).toBe(202); // Redis up: queued as usual
    await redis.stop();

    const ns = [11, 12, 13, 14, 15, 16];
    const ids: string[] = [];
    for (const n of ns) {
      const r = await command(a, `fault ${n}`, n === 12 ? { 'idempotency-key': 'spool-k12' } : {});
      expect(r).toMatchObject({ status: 202, body: { status: 'spooled', message: 'Redis is unreachable; the command is kept and will run when it is back' } });
      expect(r.body.id).toMatch(/^sp-[a-z0-9]{12}$/);
      ids.push(r.body.id!);
    }
    // the same Idempotency-Key again: the same provisional id, nothing more kept
    expect((await command(a, 'fault 12', { 'idempotency-key': 'spool-k12' })).body.id).toBe(ids[1]);
    // matching and authorisation happen first: a bad command is refused at once, not spooled
    expect(await command(a, 'no such command')).toMatchObject({ status: 422, body: { error: { code: 'no_match' } } });
    // a command that must be confirmed is not kept: 503, as without a spool
    expect(await command(a, 'careful 1')).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
    // SMS: Twilio gets its 200 TwiML saying the command is kept
    const sms = await postSms(a.t, smsForm('fault 17'));
    expect(sms.status).toBe(200);
    expect(await sms.text()).toMatch(/<Message>Redis is unreachable; the command is kept and will run when it is back \(sp-[a-z0-9]{12}\)\.<\/Message>/);
    // Slack: the slash command's ephemeral answer says so
    const slash = await postSlack(a.t, '/ingress/slack/commands', slashBody('fault 18'), 'form');
    expect(slash.status).toBe(200);
    expect(((await slash.json()) as { text: string }).text).toMatch(
      /^Redis is unreachable; the command is kept and will run when it is back \(sp-[a-z0-9]{12}\)\.$/,
    );
    // followed while it waits
    expect(await getExecution(a, ids[0]!)).toMatchObject({ status: 202, body: { status: 'spooled', id: ids[0] } });

    await redis.start();
    for (const [i, id] of ids.entries()) {
      const exec = await eventually(async () => {
        const r = await getExecution(a, id);
        return r.status === 200 && r.body.status === 'succeeded' && r.body;
      }, `${id} resolved and run`);
      expect(exec.params?.n).toBe(String(ns[i]));
    }
    // exactly once each (the SMS too), and in the order they were accepted
    const all = await eventually(async () => {
      const e = await executionsOf(a, [...ns, 17, 18]);
      return e.length >= ns.length + 2 && e;
    }, 'the spooled executions listed');
    expect(all.map((e) => Number(e.params?.n))).toEqual([...ns, 17, 18]);
    // the other gateway resolves the provisional ids too (through Redis)
    expect((await getExecution(b, ids[2]!)).body.params?.n).toBe('13');
  });

  it('replays the whole records of a segment whose tail is torn and followed by garbage, and reports the tail', async () => {
    await redis.stop();
    const ns = [21, 22, 23, 24];
    const ids: string[] = [];
    for (const n of ns) ids.push((await command(a, `fault ${n}`)).body.id!);
    expect(ids.every((id) => id.startsWith('sp-'))).toBe(true);
    // the last record torn in the middle, and garbage after it
    const open = readdirSync(spoolDir).filter((f) => f.endsWith('.open'));
    expect(open).toHaveLength(1);
    const path = join(spoolDir, open[0]!);
    truncateSync(path, statSync(path).size - 20);
    appendFileSync(path, '\u0000\u0000garbage#99 0000');

    await redis.start();
    await eventually(async () => (await executionsOf(a, ns)).length === 3, 'the three whole records run');
    await eventually(() => a.t.logs.some((l) => l.includes('the tail was cut off')), 'the torn tail reported');
    // and the provisional id that was in it, named
    await eventually(() => a.t.logs.some((l) => l.includes('were in a damaged tail') && l.includes(ids[3]!)), 'the lost provisional id named');
    await eventually(() => readdirSync(spoolDir).every((f) => f.endsWith('.tail')), 'the replayed segment deleted, its tail kept apart');
    const run = await executionsOf(a, ns);
    expect(run.map((e) => Number(e.params?.n))).toEqual([21, 22, 23]);
    // the torn one never runs, and its id is not known any more
    expect((await getExecution(a, ids[3]!)).status).toBe(404);
  });

  it('runs each command once when two gateways spool into and replay the same folder', async () => {
    await redis.stop();
    const ns = Array.from({ length: 20 }, (_, i) => 31 + i);
    const answers = await Promise.all(ns.map((n) => command(n % 2 === 0 ? a : b, `fault ${n}`)));
    expect(answers.every((r) => r.status === 202 && r.body.status === 'spooled')).toBe(true);
    // both gateways' segments are in the one folder
    expect(
      new Set(
        readdirSync(spoolDir)
          .filter((f) => f.endsWith('.open'))
          .map((f) => f.split('-')[1]),
      ).size,
    ).toBe(2);

    await redis.start();
    const run = await eventually(async () => {
      const e = await executionsOf(a, ns);
      return e.length >= ns.length && readdirSync(spoolDir).every((f) => !f.endsWith('.log') && !f.endsWith('.open')) && e;
    }, 'every spooled command run, the folder replayed');
    expect(run.map((e) => Number(e.params?.n)).sort((x, y) => x - y)).toEqual(ns);
    for (const [i, r] of answers.entries()) {
      const exec = await eventually(async () => {
        const g = await getExecution(i % 2 === 0 ? b : a, r.body.id!);
        return g.status === 200 && g.body;
      }, `${r.body.id} resolved on the other gateway`);
      expect(exec.params?.n).toBe(String(ns[i]));
    }
  });

  it('runs an entry once when it is replayed twice (a replay that stopped before marking it done)', async () => {
    // the same records in two segments: as after a replayer that ran them and stopped before its .done line
    const scratch = mkdtempSync(join(tmpdir(), 'sb-spool-scratch-'));
    const spool = await openSpool({ dir: scratch, maxMb: 1, logger: createLogger({ level: 'silent' }) });
    const ns = [61, 62, 63];
    const entries = [];
    for (const n of ns) {
      entries.push(
        await spool.append({
          text: `fault ${n}`,
          source: 'api',
          user: 'alice',
          origin: { source: 'api', sender: 'test' },
          rerun: { alias: 'faults.fault', action: 'core.echo', params: { n: String(n) } },
        }),
      );
    }
    await spool.close();
    const [segment] = readdirSync(scratch);
    copyFileSync(join(scratch, segment!), join(spoolDir, `000000000000001-again1-0001.log`));
    copyFileSync(join(scratch, segment!), join(spoolDir, `000000000000002-again2-0001.log`));
    rmSync(scratch, { recursive: true, force: true });

    await eventually(() => readdirSync(spoolDir).every((f) => f.endsWith('.tail')), 'both copies replayed');
    const run = await eventually(async () => {
      const e = await executionsOf(a, ns);
      return e.length >= ns.length && e;
    }, 'the entries run');
    expect(run.map((e) => Number(e.params?.n))).toEqual(ns);
    for (const [i, entry] of entries.entries()) expect((await getExecution(b, entry.id)).body.id).toBe(run[i]!.id);
  });

  it('answers 503 "spool full" when the folder holds max_mb', async () => {
    await redis.stop();
    let full: Answer | undefined;
    // 1 MiB of commands: each record is ~400 bytes; long texts fill it sooner
    const pad = 'x'.repeat(3000);
    for (let i = 0; i < 2000 && !full; i++) {
      const r = await command(a, `fault ${pad}${i}`);
      if (r.status === 503) full = r;
      else expect(r.body.status).toBe('spooled');
    }
    expect(full?.body.error?.code).toBe('unavailable');
    expect(full?.body.error?.message).toMatch(/^spool full \(max_mb 1\)/);
    await redis.start();
    await eventually(() => readdirSync(spoolDir).every((f) => f.endsWith('.tail')), 'the full spool replayed', 60_000);
  }, 90_000);
});
