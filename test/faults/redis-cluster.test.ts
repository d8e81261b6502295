/**
 * Redis Cluster: three masters (`--cluster-enabled yes`, every slot assigned, no replicas) and a
 * whole Switchboard on `redis: { cluster: [...] }`. The main paths work (a command is accepted,
 * runs, is listed and notifies; an alert webhook is taken in and pages), every key of the prefix
 * lives on one node (the `{prefix}` hash tag: one slot, so the Lua scripts and BullMQ's multi-key
 * scripts are legal), and a throughput figure is printed (commands accepted per second over ~10 s,
 * and the rate at which they had all run).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { vendoredCorpus } from '../corpus.ts';
import { API_KEY, GRAFANA_TOKEN, startRedisCluster, startRedisWorld, type OwnCluster, type RedisWorld } from './redis-topologies.ts';
import { eventually } from './world.ts';

let cluster: OwnCluster;
let w: RedisWorld;
beforeAll(async () => {
  cluster = await startRedisCluster(3);
  w = await startRedisWorld(`cluster: [${cluster.nodes.map((u) => `"${u}"`).join(', ')}]`);
}, 60_000);
afterEach((ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  for (const l of w.t.logs.filter((l) => /redis|"warn"|"error"|"fatal"/i.test(l)).slice(0, 30)) console.log(l.slice(0, 400));
});
afterAll(async () => {
  await w?.stop().catch(() => undefined);
  await cluster?.stop();
});

const auth = { authorization: `Bearer ${API_KEY}` };
const delivered = (path: string) => w.hook.requests.filter((r) => r.path === path && (r.answeredWith ?? 500) < 300);

describe('Redis Cluster (three masters)', () => {
  it('runs, lists and notifies a command, takes an alert in, and keeps every key of the prefix on one node', async () => {
    const res = await w.submit(1);
    expect(res.status).toBe(202);
    const { execution } = (await res.json()) as { execution: { id: string } };
    const record = await eventually(async () => {
      const r = await w.t.request(`/api/v1/executions/${execution.id}`, { headers: auth });
      const body = (await r.json()) as { status: string };
      return body.status === 'succeeded' ? body : undefined;
    }, 'the execution to succeed');
    expect(record).toMatchObject({ status: 'succeeded' });
    expect(w.runs()).toEqual(['1']);
    // the same Idempotency-Key: the same execution, not a second run
    const again = await w.submit(1);
    expect(((await again.json()) as { execution: { id: string } }).execution.id).toBe(execution.id);
    const listed = (await (await w.t.request('/api/v1/executions?limit=10', { headers: auth })).json()) as { items: { id: string }[] };
    expect(listed.items.map((e) => e.id)).toContain(execution.id);
    await eventually(() => delivered('/a').find((r) => String(r.parsed?.text ?? '').startsWith('mark 1 done')), 'the notification of mark 1');

    // alerts intake: Grafana's documented webhook body, two alerts, each paged
    const firing = readFileSync(join(vendoredCorpus, 'grafana', 'webhook-firing.json'), 'utf8');
    const intake = await w.t.request('/ingress/grafana/grafana-prod', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GRAFANA_TOKEN}` },
      body: firing,
    });
    expect(intake.status).toBeLessThan(300);
    await eventually(async () => {
      const list = (await (await w.t.request('/api/v1/alerts?limit=50', { headers: auth })).json()) as { items: { channel: string }[] };
      return list.items.filter((a) => a.channel === 'grafana-prod').length === 2;
    }, 'two alert records');
    await eventually(() => delivered('/alerts').length >= 2, 'both pages delivered');

    // one slot: every key of the prefix is on one node (and there are keys)
    const perNode = await Promise.all(
      cluster.nodes.map(async (url) => {
        const r = new Redis(url);
        try {
          return (await r.keys(`*${w.t.prefix}*`)).length;
        } finally {
          r.disconnect();
        }
      }),
    );
    expect(perNode.filter((c) => c > 0)).toHaveLength(1);
  }, 60_000);

  it('measures throughput: commands accepted for ~10 s, then all run', async () => {
    const runsBefore = w.runs().length;
    const start = Date.now();
    const until = start + 10_000;
    let n = 1000;
    let accepted = 0;
    const refused: number[] = [];
    const lane = async () => {
      while (Date.now() < until) {
        const res = await w.submit(++n);
        await res.body?.cancel();
        if (res.status === 202 || res.status === 201) accepted++;
        else refused.push(res.status);
      }
    };
    await Promise.all(Array.from({ length: 16 }, lane));
    const acceptSeconds = (Date.now() - start) / 1000;
    expect(refused).toEqual([]);
    await eventually(() => w.runs().length === runsBefore + accepted, 'every accepted command run', 60_000);
    const allRunSeconds = (Date.now() - start) / 1000;
    const perN = w.runs().reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
    expect([...perN.values()].filter((c) => c !== 1)).toEqual([]);
    console.log(
      `redis cluster (3 masters): ${accepted} commands accepted in ${acceptSeconds.toFixed(1)} s = ${(accepted / acceptSeconds).toFixed(0)}/s (16 API clients); ` +
        `all run (shell action) after ${allRunSeconds.toFixed(1)} s = ${(accepted / allRunSeconds).toFixed(0)}/s end to end`,
    );
  }, 90_000);
});
