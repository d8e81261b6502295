import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.ts';
import { replaySpool } from '../../../src/spool/replay.ts';
import { openSpool, type CommandSpool } from '../../../src/spool/spool.ts';
import { isSpoolId, SpoolFullError, type SpoolEntry } from '../../../src/spool/types.ts';

const logger = createLogger({ level: 'silent' });
const command = (n: number, key?: string) => ({
  text: `fault ${n}`,
  source: 'api' as const,
  user: 'alice',
  origin: { source: 'api' as const, sender: 'test' },
  rerun: { alias: 'faults.fault', action: 'core.echo', params: { n: String(n) } },
  ...(key !== undefined && { idempotencyKey: key }),
});

let dir: string;
const opened: CommandSpool[] = [];
const open = async (maxMb = 1, segmentBytes?: number) => {
  const s = await openSpool({ dir, maxMb, logger, ...(segmentBytes !== undefined && { segmentBytes }) });
  opened.push(s);
  return s;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-spool-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const replayAll = async (run: (e: SpoolEntry) => Promise<void>) => replaySpool({ dir, logger, run });

describe('openSpool', () => {
  it('keeps each command with a provisional id and an idempotency key, and answers a repeated key with the same entry', async () => {
    const spool = await open();
    const a = await spool.append(command(1));
    const b = await spool.append(command(2, 'sms:SM1'));
    const again = await spool.append(command(2, 'sms:SM1'));
    expect(isSpoolId(a.id)).toBe(true);
    expect(a.command.idempotencyKey).toBe(`spool:${a.id}`);
    expect(again.id).toBe(b.id);
    expect(spool.pending(a.id)?.command.text).toBe('fault 1');
    expect(spool.size()).toBe(2);
  });

  it('refuses an append past max_mb with a clear message', async () => {
    const spool = await open(0.002); // 2 KiB: a few records
    let refused: unknown;
    for (let n = 0; n < 100 && !refused; n++) await spool.append(command(n)).catch((e: unknown) => (refused = e));
    expect(refused).toBeInstanceOf(SpoolFullError);
    expect((refused as Error).message).toMatch(/^spool full \(max_mb 0\.002\)/);
  });

  it('reports whether it accepts another command (/readyz): not within 4 KiB of max_mb, nor once closed', async () => {
    const spool = await open(0.01); // 10 KiB
    expect(await spool.usage()).toEqual({ usedBytes: 0, maxBytes: 10485, accepting: true });
    for (let n = 0; (await spool.usage()).accepting; n++) await spool.append(command(n));
    const full = await spool.usage();
    expect(full.usedBytes).toBeGreaterThan(10485 - 4096);
    expect(full.usedBytes).toBeLessThanOrEqual(10485);
    const other = await open(1);
    expect((await other.usage()).accepting).toBe(true);
    await other.close();
    expect((await other.usage()).accepting).toBe(false);
  });

  it('groups concurrent appends and keeps their order', async () => {
    const spool = await open();
    const entries = await Promise.all(Array.from({ length: 50 }, (_, n) => spool.append(command(n))));
    await spool.seal();
    const seen: string[] = [];
    await replayAll(async (e) => void seen.push(e.id));
    expect(seen).toEqual(entries.map((e) => e.id));
  });
});

describe('replaySpool', () => {
  it('runs every sealed entry once, in order, across segments, then deletes them', async () => {
    const spool = await open(1, 300); // a segment per record or two
    const ids: string[] = [];
    for (let n = 0; n < 10; n++) ids.push((await spool.append(command(n))).id);
    await spool.seal();
    const seen: string[] = [];
    const report = await replayAll(async (e) => void seen.push(e.id));
    expect(seen).toEqual(ids);
    expect(report).toEqual({ leased: true, replayed: 10, tails: 0 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('goes on after the last entry marked done when a replay stopped half way', async () => {
    const spool = await open();
    const ids: string[] = [];
    for (let n = 0; n < 6; n++) ids.push((await spool.append(command(n))).id);
    await spool.seal();
    const seen: string[] = [];
    await expect(
      replayAll(async (e) => {
        if (seen.length === 3) throw new Error('Redis went away');
        seen.push(e.id);
      }),
    ).rejects.toThrow('Redis went away');
    await replayAll(async (e) => void seen.push(e.id));
    expect(seen).toEqual(ids);
  });

  it('stops before the next entry when its signal is aborted (the gateway stops), keeping the rest for the next replay', async () => {
    const spool = await open(1, 300); // several segments
    const ids: string[] = [];
    for (let n = 0; n < 8; n++) ids.push((await spool.append(command(n))).id);
    await spool.seal();
    const stopping = new AbortController();
    const seen: string[] = [];
    const report = await replaySpool({
      dir,
      logger,
      signal: stopping.signal,
      run: async (e) => {
        seen.push(e.id);
        if (seen.length === 3) stopping.abort();
      },
    });
    expect(report).toEqual({ leased: true, replayed: 3, tails: 0 });
    expect(seen).toEqual(ids.slice(0, 3));
    // the lease was let go and the rest kept: the next replay runs each remaining entry once
    await replayAll(async (e) => void seen.push(e.id));
    expect(seen).toEqual(ids);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replays the records before a torn and damaged tail, keeps the tail apart and reports it', async () => {
    const spool = await open();
    const ids: string[] = [];
    for (let n = 0; n < 4; n++) ids.push((await spool.append(command(n))).id);
    await spool.close();
    const [segment] = readdirSync(dir);
    const path = join(dir, segment!);
    truncateSync(path, statSync(path).size - 7); // the last record torn
    appendFileSync(path, 'garbage\u0000#12 zz');
    const seen: string[] = [];
    const report = await replayAll(async (e) => void seen.push(e.id));
    expect(seen).toEqual(ids.slice(0, 3));
    expect(report.tails).toBe(1);
    const tail = readdirSync(dir).filter((f) => f.endsWith('.tail'));
    expect(tail).toHaveLength(1);
    expect(readFileSync(join(dir, tail[0]!), 'utf8')).toContain('garbage');
  });

  it('lets one of two replayers at a time hold the folder; together they run each entry once', async () => {
    const spool = await open(1, 400);
    for (let n = 0; n < 20; n++) await spool.append(command(n));
    await spool.seal();
    const runs = new Map<string, number>();
    const run = async (e: SpoolEntry) => {
      await new Promise((r) => setTimeout(r, 1));
      runs.set(e.id, (runs.get(e.id) ?? 0) + 1);
    };
    const [a, b] = await Promise.all([replayAll(run), replayAll(run)]);
    expect([a.leased, b.leased].sort()).toEqual([false, true]);
    expect(runs.size).toBe(20);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });

  it('seals and replays the open segment of a writer that stopped refreshing it', async () => {
    const spool = await open();
    const entry = await spool.append(command(1));
    const seen: string[] = [];
    // still fresh: not taken
    await replaySpool({ dir, logger, run: async (e) => void seen.push(e.id), staleMs: 60_000 });
    expect(seen).toEqual([]);
    await replaySpool({ dir, logger, run: async (e) => void seen.push(e.id), staleMs: 60_000, now: () => Date.now() + 120_000 });
    expect(seen).toEqual([entry.id]);
  });
});
