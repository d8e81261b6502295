/**
 * Private Redis deployments for the fault suite, each on free ports in its own temporary folder,
 * started and stopped by the test:
 * - {@link startSentinelSet}: a master, one replica and three `redis-server --sentinel` processes
 *   (quorum 2, `down-after-milliseconds 1000`, `failover-timeout 5000`) watching the group `sbmaster`;
 * - {@link startRedisCluster}: three masters (`--cluster-enabled yes`), every slot assigned, with or
 *   without a replica each;
 * And {@link startRedisWorld}: a whole Switchboard (startTestSwitchboard) over any `redis:` block, with
 * an alias `mark {{n}}` whose shell action appends n to a file (one line per run) and notifies a webhook.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startHttpFake, type FakeServer } from '../fakes/http-fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../integration/harness.ts';
import { eventually } from './world.ts';

export const GROUP = 'sbmaster';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** One command to one node, or undefined when it does not answer. */
function ask(port: number, ...args: string[]): Promise<unknown> {
  return askAs(undefined, port, ...args);
}

/** {@link ask} as an ACL user */
async function askAs(auth: SentinelAuth | undefined, port: number, ...args: string[]): Promise<unknown> {
  const r = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    ...(auth && { username: auth.username, password: auth.password }),
  });
  r.on('error', () => {});
  try {
    await r.connect();
    return await r.call(args[0]!, ...args.slice(1));
  } catch {
    return undefined;
  } finally {
    r.disconnect();
  }
}

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as T;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

interface Proc {
  port: number;
  child: ChildProcess;
}

function spawnRedis(args: string[]): ChildProcess {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

async function stopAll(procs: Proc[]): Promise<void> {
  await Promise.all(
    procs.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }),
  );
}

export interface SentinelSet {
  sentinels: { host: string; port: number }[];
  /** the port of the current master, as the sentinels say */
  masterPort(): Promise<number | undefined>;
  /** SIGKILL the current master process; resolves with its port */
  killMaster(): Promise<number>;
  stop(): Promise<void>;
}

/** an ACL user of the sentinels themselves (the default user is then off on them) */
export interface SentinelAuth {
  username: string;
  password: string;
}

export async function startSentinelSet(opts: { sentinelAuth?: SentinelAuth } = {}): Promise<SentinelSet> {
  const auth = opts.sentinelAuth;
  const dir = mkdtempSync(join(tmpdir(), 'sb-sentinel-'));
  const [mPort, rPort] = [await freePort(), await freePort()];
  const data: Proc[] = [];
  const sentinels: Proc[] = [];
  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  data.push({ port: mPort, child: spawnRedis(['--port', String(mPort), ...common, '--logfile', join(dir, `m-${mPort}.log`)]) });
  await until(async () => (await ask(mPort, 'PING')) === 'PONG', 'the master');
  data.push({
    port: rPort,
    child: spawnRedis(['--port', String(rPort), ...common, '--replicaof', '127.0.0.1', String(mPort), '--logfile', join(dir, `r-${rPort}.log`)]),
  });
  await until(async () => /master_link_status:up/.test(String(await ask(rPort, 'INFO', 'replication'))), 'the replica in sync');
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const conf = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `logfile ${join(dir, `sentinel-${port}.log`)}`,
        `sentinel monitor ${GROUP} 127.0.0.1 ${mPort} 2`,
        `sentinel down-after-milliseconds ${GROUP} 1000`,
        `sentinel failover-timeout ${GROUP} 5000`,
        `sentinel parallel-syncs ${GROUP} 1`,
        // the sentinels' own ACL user; they use it to talk to each other too
        ...(auth
          ? [
              'user default off',
              `user ${auth.username} on >${auth.password} allkeys allchannels +@all`,
              `sentinel sentinel-user ${auth.username}`,
              `sentinel sentinel-pass ${auth.password}`,
            ]
          : []),
        '',
      ].join('\n'),
    );
    sentinels.push({ port, child: spawnRedis([conf, '--sentinel']) });
  }
  // every sentinel knows the replica and the two other sentinels: a failover can be agreed on
  for (const s of sentinels) {
    await until(async () => {
      const replicas = (await askAs(auth, s.port, 'SENTINEL', 'REPLICAS', GROUP)) as unknown[] | undefined;
      const others = (await askAs(auth, s.port, 'SENTINEL', 'SENTINELS', GROUP)) as unknown[] | undefined;
      return (replicas?.length ?? 0) >= 1 && (others?.length ?? 0) >= 2;
    }, `sentinel ${s.port} to see the replica and the other sentinels`);
  }
  const masterPort = async () => {
    for (const s of sentinels) {
      const addr = (await askAs(auth, s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', GROUP)) as string[] | undefined;
      if (addr) return Number(addr[1]);
    }
    return undefined;
  };
  return {
    sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    masterPort,
    async killMaster() {
      const port = await masterPort();
      const proc = data.find((p) => p.port === port);
      if (!proc) throw new Error(`no master process on ${port}`);
      const exited = new Promise((r) => proc.child.once('exit', r));
      proc.child.kill('SIGKILL');
      await exited;
      return proc.port;
    },
    async stop() {
      await stopAll([...sentinels, ...data]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface OwnCluster {
  /** `redis://127.0.0.1:port` of every master */
  nodes: string[];
  /** the port of the master serving `key`'s slot now, as the nodes still alive say */
  masterOf(key: string): Promise<number | undefined>;
  /** SIGKILL the node on `port` */
  kill(port: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `masters` masters, each with `replicas` replicas (`redis-cli --cluster create --cluster-replicas`),
 * every slot assigned; `nodeTimeoutMs` is `cluster-node-timeout` (how long before a silent master
 * is failed over by its replica).
 */
export async function startRedisCluster(masters = 3, opts: { replicas?: number; nodeTimeoutMs?: number } = {}): Promise<OwnCluster> {
  const { replicas = 0, nodeTimeoutMs = 2000 } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'sb-cluster-'));
  const procs: Proc[] = [];
  const total = masters * (1 + replicas);
  for (let i = 0; i < total; i++) {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, `n-${port}.log`)];
    args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', String(nodeTimeoutMs));
    procs.push({ port, child: spawnRedis(args) });
  }
  for (const p of procs) await until(async () => (await ask(p.port, 'PING')) === 'PONG', `cluster node ${p.port}`);
  const create = spawnSync(
    'redis-cli',
    ['--cluster', 'create', ...procs.map((p) => `127.0.0.1:${p.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  // settled: every node says ok, knows every other, and they agree on the slot map; replicas in sync
  await until(async () => {
    const infos = await Promise.all(procs.map((p) => ask(p.port, 'CLUSTER', 'INFO')));
    if (!infos.every((i) => /cluster_state:ok/.test(String(i)) && new RegExp(`cluster_known_nodes:${total}\\b`).test(String(i)))) return false;
    const maps = await Promise.all(procs.map(async (p) => JSON.stringify(await ask(p.port, 'CLUSTER', 'SLOTS'))));
    if (!maps.every((m) => m === maps[0])) return false;
    const roles = await Promise.all(procs.map(async (p) => String(await ask(p.port, 'INFO', 'replication'))));
    return roles.filter((r) => /role:slave/.test(r) && /master_link_status:up/.test(r)).length === masters * replicas;
  }, 'the cluster to settle');
  const alive = () => procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  return {
    nodes: procs.map((p) => `redis://127.0.0.1:${p.port}`),
    async masterOf(key) {
      for (const p of alive()) {
        const slot = (await ask(p.port, 'CLUSTER', 'KEYSLOT', key)) as number | undefined;
        const slots = (await ask(p.port, 'CLUSTER', 'SLOTS')) as [number, number, [string, number]][] | undefined;
        const range = slot === undefined ? undefined : slots?.find(([from, to]) => slot >= from && slot <= to);
        if (range) return Number(range[2][1]);
      }
      return undefined;
    },
    async kill(port) {
      const proc = procs.find((p) => p.port === port);
      if (!proc) throw new Error(`no cluster node on ${port}`);
      await stopAll([proc]);
    },
    async stop() {
      await stopAll(procs);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const API_KEY = 'redis-topology-api-key-000000001';
export const GRAFANA_TOKEN = 'redis-topology-grafana-token-001';

export interface RedisWorld {
  t: TestSwitchboard;
  hook: FakeServer;
  /** the n of every run of `mark n`, one per run, in order */
  runs(): string[];
  /** POST /api/v1/commands `mark n` with `Idempotency-Key: mark-n` */
  submit(n: number): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * The config of the fault worlds: API key {@link API_KEY} for user `ops` (admin), alias `mark {{n}}`
 * → shell action `t.mark` appending n to the file `marks` (one line per run), `on_success` to
 * channel `a` → webhook `hookUrl/a`. `redis`: the inside of `redis:` (prefix included; start_local
 * is off); `more`: further lines of switchboard.yaml.
 */
export function markFiles(o: { redis: string; more: string; marks: string; hookUrl: string }): Record<string, string> {
  return {
    'switchboard.yaml': `
server: { port: 0 }
redis: { ${o.redis}, start_local: false }
users:
  ops: { roles: [admin] }
roles:
  admin: { permissions: ["*"] }
api_keys:
  - { name: test, key: "${API_KEY}", user: ops }
${o.more}
logging: { level: info }
`,
    'actions/mark.yaml': `
name: t.mark
runner: shell
command: [sh, -c, 'echo "$1" >> "$2"', sh, "{{ n }}", "${o.marks}"]
parameters:
  n: { type: string, required: true }
timeout: 30
`,
    'aliases/mark.yaml': `
name: mark
pack: t
action_ref: t.mark
formats: ["mark {{n}}"]
ack: { enabled: false }
result: { enabled: false }
notify: { on_success: { message: "mark {{ params.n }} done", channels: [a] } }
`,
    'channels/hook-a.yaml': `name: hook-a\nkind: webhook\nurl: ${o.hookUrl}/a\n`,
    'rules/all.yaml': 'rules:\n  - { name: a, channel: [a], to: [{ channel: hook-a }] }\n',
  };
}

/**
 * `redisYaml`: the inside of the `redis:` mapping without prefix and start_local, e.g. `sentinels: [...], name: sbmaster`;
 * `stalledInterval`: `executions.stalled_interval` (the hook outbox is swept after 4 of them).
 */
export async function startRedisWorld(redisYaml: string, stalledInterval = 30): Promise<RedisWorld> {
  const hook = await startHttpFake(() => ({ status: 200, body: { ok: true } }));
  const marks = join(mkdtempSync(join(tmpdir(), 'sb-marks-')), 'runs');
  const t = await startTestSwitchboard({
    files: {
      ...markFiles({
        redis: `${redisYaml}, prefix: "\${SB_TEST_PREFIX}"`,
        more: `limits: { per_sender_per_minute: 1000000, per_key_per_minute: 1000000 }
executions: { concurrency: 8, shutdown_grace: 2, stalled_interval: ${stalledInterval} }`,
        marks,
        hookUrl: hook.url,
      }),
      'channels/hook-alerts.yaml': `name: hook-alerts\nkind: webhook\nurl: ${hook.url}/alerts\n`,
      'channels/grafana.yaml': `name: grafana-prod\nkind: grafana\ntoken: ${GRAFANA_TOKEN}\nnotify: [pager]\n`,
      'rules/all.yaml': `
rules:
  - { name: a, channel: [a], to: [{ channel: hook-a }] }
  - { name: pages, channel: [pager], to: [{ channel: hook-alerts }] }
`,
    },
  });
  return {
    t,
    hook,
    runs: () => (existsSync(marks) ? readFileSync(marks, 'utf8').split('\n').filter(Boolean) : []),
    submit: (n) =>
      t.request('/api/v1/commands', {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'idempotency-key': `mark-${n}` },
        body: JSON.stringify({ text: `mark ${n}` }),
      }),
    async stop() {
      await t.stop();
      await hook.close();
    },
  };
}

export interface Attempt {
  n: number;
  at: number;
  status: number;
}

export interface LoadThroughKill {
  /** every answer, in order (`-1`: no answer, the connection cut) */
  attempts: Attempt[];
  /** when each command was accepted (201 or 202) */
  acceptedAt: Map<number, number>;
  /** the execution id each command was answered with */
  ids: Map<number, string>;
  /** how many commands were sent (1..total) */
  total: number;
  killedAt: number;
  /** from the kill to the first command accepted again */
  gapMs: number;
  /** the attempts after the kill that were not accepted */
  refusedDuring: Attempt[];
}

/**
 * Commands `mark n` at about 20/s, each sent again with its own Idempotency-Key (as a client
 * would) until accepted; after 40 are accepted, `kill()` runs; the load goes on until a command is
 * accepted after the kill and 40 more after that, then every command is waited for.
 */
export async function loadThroughKill(w: RedisWorld, kill: () => Promise<unknown>): Promise<LoadThroughKill> {
  const attempts: Attempt[] = [];
  const acceptedAt = new Map<number, number>();
  const ids = new Map<number, string>();
  let sending = true;
  const client = async (n: number) => {
    for (;;) {
      const at = Date.now();
      let status = -1;
      try {
        const res = await w.submit(n);
        status = res.status;
        const body = (await res.json().catch(() => undefined)) as { execution?: { id?: string } } | undefined;
        if (body?.execution?.id) ids.set(n, body.execution.id);
      } catch {
        status = -1;
      }
      attempts.push({ n, at, status });
      if (status === 201 || status === 202) return acceptedAt.set(n, Date.now());
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const clients: Promise<unknown>[] = [];
  let total = 0;
  const sender = (async () => {
    while (sending) {
      clients.push(client(++total));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  await eventually(() => acceptedAt.size >= 40, 'commands accepted before the kill', 30_000);
  const killedAt = Date.now();
  await kill();
  await eventually(() => attempts.some((a) => a.at > killedAt && (a.status === 201 || a.status === 202)), 'a command accepted after the failover', 45_000);
  const firstBack = Math.min(...[...acceptedAt.entries()].filter(([m]) => attempts.some((a) => a.n === m && a.at > killedAt)).map(([, t]) => t));
  // a few more seconds of load on the new master
  const resumed = acceptedAt.size;
  await eventually(() => acceptedAt.size >= resumed + 40, 'commands accepted on the new master', 30_000);
  sending = false;
  await sender;
  await Promise.all(clients);
  const refusedDuring = attempts.filter((a) => a.at >= killedAt && a.status !== 201 && a.status !== 202);
  return { attempts, acceptedAt, ids, total, killedAt, gapMs: firstBack - killedAt, refusedDuring };
}

/** The runs per n that are not exactly one (`[n, count]`). */
export function notRunOnce(runs: string[]): [string, number][] {
  const perN = runs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  return [...perN.entries()].filter(([, c]) => c !== 1);
}
