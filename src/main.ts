/**
 * Composition root: load the config, make sure Redis answers, build the first generation (alias
 * matcher, services, HTTP app + ingresses, queue workers: src/runtime/generation.ts), start the
 * listeners, and hand reloads (SIGHUP, a change in the config folder) to the runtime holder
 * (src/runtime/runtime.ts). Wiring only; every piece lives in its own module.
 */
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { healthRoutes, type Readiness } from './api/health.ts';
import { errorBody } from './api/errors.ts';
import { loadConfigOrThrow } from './config/load.ts';
import type { Config } from './config/types.ts';
import { createLogger, type Logger } from './log.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { ensureRedis, probeRedis } from './redis/local.ts';
import { RedisConfigError, redisSettings } from './redis/connection.ts';
import { producerConnection, whenReady } from './executions/redis.ts';
import { executionKeys, QUEUE_NAME } from './executions/keys.ts';
import { deliveryKeys, DELIVERY_QUEUE, REPLY_QUEUE } from './deliveries/keys.ts';
import type { ExecutionRecord } from './executions/types.ts';
import { listenerIngresses, type IngressDeps } from './ingress/index.ts';
import { buildGeneration, retireGeneration, type GenerationDeps, type Role, type SwitchboardGeneration } from './runtime/generation.ts';
import { createRuntime, type Runtime } from './runtime/runtime.ts';
import type { ReloadStatus } from './runtime/status.ts';
import { watchConfig } from './runtime/watch-config.ts';
import { checkExposure, UnsafeExposureError } from './runtime/exposure.ts';
import { checkConfigFolder, listenError } from './runtime/startup-errors.ts';
import { announceExecution } from './st2/announce.ts';
import { endStreams } from './st2/stream-hub.ts';
import { dataDir, lazySessionSecret } from './web/session-secret.ts';
import { startSpoolLoop } from './spool/loop.ts';
import { replayEntry } from './spool/replay-entry.ts';
import { openSpool } from './spool/spool.ts';

export type { Role } from './runtime/generation.ts';

export interface Switchboard {
  /** the port the HTTP listener is on: the gateway (gateway and all roles), or /healthz, /readyz, /metrics (worker role) */
  port?: number;
  /** the config now serving (changes on a hot reload) */
  readonly config: Config;
  logger: Logger;
  metrics: Metrics;
  /** loads the config folder again; applied when valid, else the running one is kept and the refusal reported */
  reload(reason?: string): Promise<ReloadStatus>;
  /** the hot-reload status (also `GET /api/v1/config/status`) */
  status(): ReloadStatus;
  /** the shared producer connection every generation's services use (diagnostics: listeners, state) */
  readonly redis: Redis;
  /** the config folder's watch (when watching): the folders it holds a watch on */
  watchedFolders(): string[];
  /** stops intake, then the workers (up to `executions.shutdown_grace`), then the connections */
  stop(): Promise<void>;
}

export interface StartOptions {
  configDir: string;
  role: Role;
  env: Record<string, string | undefined>;
  /** override server.port (tests use 0) */
  port?: number;
  /** where log lines go (tests capture them); default stdout */
  logDestination?: NodeJS.WritableStream;
  /** reload when a file in the config folder changes (default true) */
  watch?: boolean;
}

/** One step of a stop, named in its log lines. */
interface StopStep {
  name: string;
  run(): Promise<void>;
  /** how long it may take (default {@link INTAKE_STOP_MS}) */
  deadlineMs?: number;
  /** what ends it when it is late (else the stop goes on without it) */
  force?(): void;
}

/** an intake step's (listeners, the HTTP server, the spool, the queues) time to finish before it is forced */
const INTAKE_STOP_MS = 3000;
/** after `shutdown_grace`, a running shell action's SIGTERM-to-SIGKILL grace (5 s) and a second */
const WORKER_STOP_MARGIN_MS = 6000;
/** a local redis-server writing its data on SIGTERM: waited for this long, then left to finish alone */
const LOCAL_REDIS_STOP_MS = 10_000;

/**
 * Runs the steps in order, each for at most its deadline: a step that outlives it (waiting on a Redis
 * that does not answer, a peer that keeps its connection) is forced, or left, with a warning naming
 * it, and the stop goes on. Every step is logged at debug level.
 */
async function runStopSteps(steps: StopStep[], log: Logger): Promise<void> {
  for (const step of steps) {
    const started = Date.now();
    const deadlineMs = step.deadlineMs ?? INTAKE_STOP_MS;
    log.debug({ step: step.name }, 'stopping');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
      timer.unref();
    });
    try {
      const outcome = await Promise.race([step.run().then(() => 'done' as const), late]);
      if (outcome === 'late') {
        log.warn(
          { step: step.name, seconds: deadlineMs / 1000 },
          `stopping the ${step.name} took longer than ${deadlineMs / 1000} s; ${step.force ? 'forced' : 'left'}`,
        );
        step.force?.();
        continue;
      }
      log.debug({ step: step.name, ms: Date.now() - started }, 'stopped');
    } catch (e) {
      log.error({ err: (e as Error).message, step: step.name }, 'error while stopping');
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Ingress paths refusing a request with 401/403 = a forged (unverifiable) command, by source. */
const forgedSource = (path: string) =>
  path.startsWith('/ingress/twilio')
    ? 'sms'
    : path.startsWith('/ingress/slack')
      ? 'slack'
      : path.startsWith('/ingress/email')
        ? 'email'
        : path.startsWith('/ingress/mattermost')
          ? 'mattermost'
          : undefined;

/**
 * @example
 * const sb = await startSwitchboard({ configDir: '.', role: 'all', env: process.env });
 * process.on('SIGHUP', () => void sb.reload('SIGHUP'));
 * process.on('SIGTERM', () => sb.stop());
 */
export async function startSwitchboard(opts: StartOptions): Promise<Switchboard> {
  // a missing or unreadable folder, or no switchboard.yaml: one line each, before the loader's report
  await checkConfigFolder(opts.configDir);
  const config = await loadConfigOrThrow(opts.configDir, { env: opts.env, overlaps: false });
  // safe defaults (docs/contracts.md section 6): off loopback, no published key, short key or clear password
  const exposure = checkExposure(config.main);
  if (exposure.refusals.length > 0) throw new UnsafeExposureError(config.main.server.host, exposure.refusals);
  // secrets of every config loaded so far: an old generation's workers may still be logging
  const secrets = new Set(config.secrets);
  // one array until a reload adds a secret (the logger compiles a list once, not per line)
  let secretList: readonly string[] = [...secrets];
  const logger = createLogger({ level: config.main.logging.level, secrets: () => secretList, destination: opts.logDestination });
  const log = logger.child({ component: 'main' });
  for (const w of exposure.warnings) log.warn(`${w} (accepted on loopback only)`);
  const metrics = createMetrics();

  const settings = redisSettings(config);
  // a local redis-server is for the one-Redis case; Sentinel and Cluster are someone's deployment
  const localRedis =
    settings.mode === 'url'
      ? await ensureRedis({
          url: config.main.redis.url,
          startLocal: config.main.redis.start_local,
          dataDir: join(config.dir, '.switchboard', 'redis'),
          logger: log,
          searchPath: opts.env.PATH,
          settings,
        })
      : { started: false, pid: () => undefined, stop: async () => {} };
  if (settings.mode !== 'url') {
    log.info({ redis: settings.label }, `Redis: ${settings.mode}`);
    // credentials or a certificate refused (the data nodes' or the sentinels'): say so now rather
    // than wait for a Redis that will never let this process in
    const probe = await probeRedis(settings, 3000);
    if (!probe.ok && probe.reason !== 'down') throw new RedisConfigError(probe.message);
  }
  const redis = producerConnection(settings);
  redis.on('error', () => {});
  // every generation's queues listen on it and remove theirs on close; the services add none to a
  // connection they are given (test/integration/lifecycle/reload-leaks.test.ts: 50 reloads, flat counts)
  redis.setMaxListeners(0);
  // bulk notifications' job adds on their own socket: a storm's pipelines never queue ahead of a
  // command's round trips on `redis` (docs/BENCHMARKS.md, Storm)
  // (a Cluster client already holds a socket per node and its writes are not coalesced: one client,
  // and a second one to the same Cluster was seen never to get past its start in the fault test)
  const bulkRedis = settings.mode === 'cluster' ? redis : producerConnection(settings);
  bulkRedis.on('error', () => {});
  bulkRedis.setMaxListeners(0);
  await whenReady(redis, 5000).catch(() => log.warn('Redis is not answering yet; ingresses will answer 503 until it does'));
  const queues = [
    new Queue(QUEUE_NAME, { connection: redis, prefix: executionKeys(config.main.redis.prefix).prefix }),
    new Queue(DELIVERY_QUEUE, { connection: redis, prefix: deliveryKeys(config.main.redis.prefix).prefix }),
    new Queue(REPLY_QUEUE, { connection: redis, prefix: deliveryKeys(config.main.redis.prefix).prefix }),
  ] as const;
  for (const q of queues) q.on('error', () => {});
  metrics.watchQueue('executions', queues[0]);
  metrics.watchQueue('deliveries', queues[1]);
  metrics.watchQueue('replies', queues[2]);

  let runtime: Runtime<SwitchboardGeneration> | undefined;
  const current = () => runtime!.current();
  const runsWorkers = opts.role !== 'gateway';
  const readiness = async (): Promise<Readiness> => {
    const pong = await Promise.race([redis.ping(), new Promise<string>((r) => setTimeout(() => r('timeout'), 1000).unref())]).catch(() => 'down');
    if (pong !== 'PONG') {
      // a gateway whose spool (src/spool/) has room keeps commands: it stays in the load balancer's rotation
      if (!spool) return { ready: false, reason: 'redis is not reachable' };
      const use = await spool.usage();
      if (use.accepting) return { ready: true, redis: 'down', spool: 'accepting' };
      return { ready: false, reason: `redis is not reachable and the spool is full (max_mb ${spoolConfig?.max_mb})`, spool: 'full' };
    }
    const gen = runtime?.current();
    if (runsWorkers && !(gen?.execWorker?.isRunning() && gen.deliveryWorker?.isRunning())) return { ready: false, reason: 'the queue workers are not running' };
    return { ready: true };
  };
  // the local spool while Redis is away (src/spool/): gateways only, one writer per process, kept across reloads
  const spoolConfig = opts.role === 'worker' ? undefined : config.main.spool;
  const spool =
    spoolConfig &&
    (await openSpool({
      dir: spoolConfig.dir === undefined ? join(dataDir(config.dir, opts.env), 'spool') : resolve(config.dir, spoolConfig.dir),
      maxMb: spoolConfig.max_mb,
      logger: logger.child({ component: 'spool' }),
    }));
  const counted = new Set<string>();
  const deps: GenerationDeps = {
    role: opts.role,
    logger,
    env: opts.env,
    metrics,
    redis,
    bulkRedis,
    readiness,
    runtime: { status: () => runtime?.status() ?? { ok: true, loadedAt: new Date().toISOString() } },
    sessionSecret: lazySessionSecret(dataDir(config.dir, opts.env)),
    ...(spool && { spool }),
    async onTerminal(exec: ExecutionRecord) {
      // the hook is retried when the notification fails: count each execution once
      if (!counted.has(exec.id)) {
        counted.add(exec.id);
        if (counted.size > 10_000) counted.delete(counted.values().next().value!);
        const run = exec.started_at && exec.finished_at ? (Date.parse(exec.finished_at) - Date.parse(exec.started_at)) / 1000 : undefined;
        metrics.executionEnded(exec.status, exec.action, run);
      }
      await current().deliveries.notifyExecution(exec);
      // a command from the StackStorm API: its result on every gateway's /st2 event stream
      await announceExecution(redis, current().config, exec);
    },
  };

  // stopped in this order: intake first, then the generations (workers, then queues), then connections
  const intake: StopStep[] = [];
  const retiring = new Set<Promise<void>>();
  const stopAll = async (gen: SwitchboardGeneration | undefined) => {
    const graceSeconds = (gen?.config ?? config).main.executions.shutdown_grace;
    await runStopSteps(
      [
        ...intake,
        {
          name: 'workers and queues of the running config',
          run: async () => void (gen && (await retireGeneration(gen, 0))),
          deadlineMs: graceSeconds * 1000 + WORKER_STOP_MARGIN_MS,
        },
        { name: 'configs being retired', run: async () => void (await Promise.all(retiring)), deadlineMs: 2000 + graceSeconds * 1000 + WORKER_STOP_MARGIN_MS },
        { name: 'queues', run: async () => void (await Promise.all(queues.map((q) => q.close()))) },
        { name: 'redis connection', run: async () => void redis.disconnect() },
        { name: 'bulk redis connection', run: async () => void bulkRedis.disconnect() },
      ],
      log,
    );
    await runStopSteps([{ name: 'local redis-server', run: () => localRedis.stop(), deadlineMs: LOCAL_REDIS_STOP_MS }], log);
  };
  const listenPort = opts.port ?? config.main.server.port;
  const host = config.main.server.host;
  let initial: SwitchboardGeneration | undefined;
  let server: ServerType;
  try {
    initial = await buildGeneration(config, deps);
    runtime = createRuntime({
      dir: opts.configDir,
      env: opts.env,
      logger: logger.child({ component: 'reload' }),
      metrics,
      initial,
      async build(next) {
        const unsafe = checkExposure(next.main);
        if (unsafe.refusals.length > 0) throw new UnsafeExposureError(next.main.server.host, unsafe.refusals);
        for (const w of unsafe.warnings) log.warn(`${w} (accepted on loopback only)`);
        for (const s of next.secrets) secrets.add(s);
        if (secrets.size !== secretList.length) secretList = [...secrets];
        const gen = await buildGeneration(next, deps);
        logger.level = next.main.logging.level;
        return gen;
      },
      retire(old) {
        const p = retireGeneration(old, 2000).finally(() => retiring.delete(p));
        retiring.add(p);
        return p;
      },
    });

    let fetch: (req: Request, env: unknown) => Response | Promise<Response>;
    if (opts.role !== 'worker') {
      // listeners (SMTP, Slack Socket Mode) keep their sockets across reloads and read the current generation per command
      const live: IngressDeps = {
        get config() {
          return current().config;
        },
        get matcher() {
          return current().matcher;
        },
        get executions() {
          return current().executions!;
        },
        get deliveries() {
          return current().ingressDeliveries;
        },
        // Slack's buttons over Socket Mode: confirmation prompts and alerts' ACK / Silence 1h
        get confirmations() {
          return current().confirmations;
        },
        get alerts() {
          return current().alerts;
        },
        logger,
        redis,
        metrics,
        runCommand: (input) => current().runCommand(input),
        now: () => Date.now(),
      };
      for (const ingress of listenerIngresses) {
        const running = await ingress.start(live).catch((e: unknown) => {
          throw listenError(e, `the ${ingress.name} listener`, "the channel's listen.port");
        });
        if (running) intake.push({ name: `${ingress.name} listener`, run: () => running.stop() });
      }
      fetch = async (req, env) => {
        const res = await current().app!.fetch(req, env);
        if (res.status === 401 || res.status === 403) {
          const source = forgedSource(new URL(req.url).pathname);
          if (source) metrics.commandReceived(source, 'forged');
        }
        return res;
      };
    } else {
      // a worker has no gateway: a small listener on server.port for probes and scrapes
      const probes = new Hono();
      probes.route('/', healthRoutes({ readiness, metrics, metricsToken: () => current().config.main.server.metrics_token }));
      probes.notFound((c) => c.json(errorBody('not_found', 'a worker answers /healthz, /readyz and /metrics only'), 404));
      fetch = (req, env) => probes.fetch(req, env);
    }
    server = await new Promise((resolve, reject) => {
      const s = serve({ fetch, port: listenPort, hostname: host }, () => resolve(s));
      s.once('error', (e) => reject(listenError(e, 'the HTTP server', 'server.port')));
    });
  } catch (e) {
    // nothing started may keep the process alive: the CLI prints one line and exits
    await stopAll(runtime?.current() ?? initial);
    throw e;
  }
  if (spool) {
    // replayed in order by whichever gateway holds the folder's lease, once Redis answers
    const gen = () => current();
    const loop = startSpoolLoop({
      spool,
      logger: logger.child({ component: 'spool' }),
      redisReady: () => redis.status === 'ready',
      run: (entry) =>
        replayEntry(
          { config: gen().config, redis, logger: logger.child({ component: 'spool' }), runCommand: gen().runCommand, deliveries: gen().deliveries },
          entry,
        ).then(() => undefined),
    });
    intake.push({ name: 'spool replay', run: () => loop.stop() });
    intake.push({ name: 'spool', run: () => spool.close() });
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : undefined;
  intake.unshift({
    name: 'HTTP server',
    run: () => new Promise<void>((resolve) => server.close(() => resolve())),
    // requests still open (a client that keeps its connection): cut
    force: () => (server as { closeAllConnections?: () => void }).closeAllConnections?.(),
  });
  // open StackStorm event streams would hold server.close: they end first
  intake.unshift({ name: 'StackStorm event streams', run: async () => endStreams(redis) });
  if (opts.role !== 'worker') log.info({ port, host, role: opts.role }, `switchboard listening on http://${host}:${port}`);
  else log.info({ port, host, role: opts.role }, `switchboard worker running; probes on http://${host}:${port}/readyz`);

  const rt = runtime;
  const watcher = opts.watch === false ? undefined : watchConfig(config.dir, () => void rt.reload('config folder changed'));
  // a change saved right after start is seen
  await watcher?.ready;

  let stopping: Promise<void> | undefined;
  return {
    port,
    get config() {
      return rt.current().config;
    },
    logger,
    metrics,
    reload: (reason = 'requested') => rt.reload(reason),
    status: () => rt.status(),
    redis,
    watchedFolders: () => watcher?.watched() ?? [],
    stop: () =>
      (stopping ??= (async () => {
        watcher?.close();
        await stopAll(rt.current());
      })()),
  };
}
