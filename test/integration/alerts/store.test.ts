/**
 * The alert store's scripts against real Redis: concurrent intakes of one fingerprint make one
 * record; codes stay unique among open alerts even in a crowded code space; a resolution closes a
 * record once and frees its code.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertKeys } from '../../../src/alerts/keys.ts';
import { createAlertStore, type AlertStore } from '../../../src/alerts/store.ts';
import type { IncomingAlert } from '../../../src/alerts/types.ts';
import { cleanupPrefix } from '../harness.ts';

const URL = 'redis://127.0.0.1:6379';
const alert = (fingerprint: string, status: 'firing' | 'resolved' = 'firing'): IncomingAlert => ({
  fingerprint,
  status,
  labels: { alertname: 'X', fp: fingerprint },
  annotations: {},
  startsAt: new Date().toISOString(),
});

describe('alert store', () => {
  let redis: Redis;
  let store: AlertStore;
  const prefix = `sbt-${randomUUID().slice(0, 8)}`;
  const keys = alertKeys(prefix);
  beforeAll(() => {
    redis = new Redis(URL);
    store = createAlertStore(redis, keys, 3600);
  });
  afterAll(async () => {
    await cleanupPrefix(URL, prefix);
    redis.disconnect();
  });

  it('makes one record of concurrent firings of one fingerprint', async () => {
    const rs = await Promise.all(
      Array.from({ length: 20 }, () => store.intake({ channel: 'am', kind: 'alertmanager', alert: alert('same'), digits: 4, now: Date.now() })),
    );
    expect(rs.filter((r) => r.outcome === 'fired')).toHaveLength(1);
    expect(rs.filter((r) => r.outcome === 'repeated')).toHaveLength(19);
    expect(new Set(rs.map((r) => r.id)).size).toBe(1);
    const rec = await store.get(rs[0]!.id!);
    expect(rec?.repeats).toBe(19);
    // repeats fold into one event
    expect(rec?.events.map((e) => e.kind)).toEqual(['fired', 'repeated']);
  });

  it('keeps codes unique among open alerts, and reuses a code only once it is freed', async () => {
    const rs = await Promise.all(
      Array.from({ length: 300 }, (_, i) => store.intake({ channel: 'crowded', kind: 'grafana', alert: alert(`c${i}`), digits: 3, now: Date.now() })),
    );
    const codes = rs.map((r) => r.code);
    expect(rs.every((r) => r.outcome === 'fired')).toBe(true);
    expect(new Set(codes).size).toBe(300);
    for (const r of rs.slice(0, 5)) expect(await store.idOfCode(r.code!)).toBe(r.id);

    const first = rs[0]!;
    const closed = await store.intake({ channel: 'crowded', kind: 'grafana', alert: alert('c0', 'resolved'), digits: 3, now: Date.now() });
    expect(closed).toEqual({ outcome: 'resolved', id: first.id, code: first.code });
    expect(await store.idOfCode(first.code!)).toBeUndefined();
    const again = await store.intake({ channel: 'crowded', kind: 'grafana', alert: alert('c0', 'resolved'), digits: 3, now: Date.now() });
    expect(again.outcome).toBe('ignored');
    expect((await store.get(first.id!))?.status).toBe('resolved');
  });

  it('acks once, refuses on a resolved alert, and escalates a step once', async () => {
    const r = await store.intake({ channel: 'am', kind: 'alertmanager', alert: alert('ack-me'), digits: 4, now: Date.now() });
    const ev = { at: new Date().toISOString(), kind: 'escalated' as const };
    expect(await store.update(r.id!, { op: 'escalate', step: 1 }, ev, Date.now())).toBe(1);
    expect(await store.update(r.id!, { op: 'escalate', step: 1 }, ev, Date.now())).toBe(2);
    expect(await store.update(r.id!, { op: 'ack', user: 'alice' }, { at: ev.at, kind: 'acked', user: 'alice' }, Date.now())).toBe(1);
    expect(await store.update(r.id!, { op: 'ack', user: 'bob' }, { at: ev.at, kind: 'acked', user: 'bob' }, Date.now())).toBe(2);
    expect(await store.update(r.id!, { op: 'escalate', step: 2 }, ev, Date.now())).toBe(2);
    await store.intake({ channel: 'am', kind: 'alertmanager', alert: alert('ack-me', 'resolved'), digits: 4, now: Date.now() });
    expect(await store.update(r.id!, { op: 'unack', user: 'alice' }, { at: ev.at, kind: 'acked' }, Date.now())).toBe(0);
    expect(await store.update('al-nothere', { op: 'ack', user: 'alice' }, { at: ev.at, kind: 'acked' }, Date.now())).toBe(-1);
    const rec = await store.get(r.id!);
    expect(rec).toMatchObject({ acked_by: 'alice', escalation_step: 1, status: 'resolved' });
  });
});
