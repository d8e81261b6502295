/**
 * One generation of a running Switchboard: a valid config and everything built from it (alias
 * matcher, producer services, the HTTP app with its ingresses, the queue workers). A hot reload
 * builds the next generation beside the running one and swaps it in whole, so a request or a job
 * sees one config from start to end; the old generation is then retired (its workers finish the
 * jobs they hold).
 */
import type { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { startAlertWorker, type AlertWorker } from '../alerts/escalation.ts';
import { createAlertService, type AlertCore } from '../alerts/service.ts';
import { compileAliases, type AliasMatcher } from '../aliases/index.ts';
import type { Readiness } from '../api/health.ts';
import { createApp } from '../app.ts';
import { helpText } from '../commands/help.ts';
import { runCommand, type CommandInput, type CommandOutcome } from '../commands/run-command.ts';
import { toAliasSpecs } from '../config/index.ts';
import { createConfirmationService, type ConfirmationService } from '../confirmations/service.ts';
import { createConversationStore } from '../conversations/store.ts';
import type { Config } from '../config/types.ts';
import { createDeliveryService } from '../deliveries/service.ts';
import type { DeliveryService } from '../deliveries/types.ts';
import { createCommandGate } from '../deliveries/command-gate.ts';
import { startDeliveryWorker, type DeliveryWorker } from '../deliveries/worker.ts';
import { createExecutionService } from '../executions/service.ts';
import type { ExecutionRecord, ExecutionService } from '../executions/types.ts';
import { startExecutionWorker, type ExecutionWorker } from '../executions/worker.ts';
import { httpIngresses, type IngressDeps } from '../ingress/index.ts';
import { unmountedIngresses } from '../ingress/lazy.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { kindsOf, loadProviderRuntimes } from '../providers/runtimes.ts';
import type { CommandSpool } from '../spool/spool.ts';
import { withDirectReplies } from '../spool/direct-reply.ts';
import type { RuntimeStatusSource } from './status.ts';

export type Role = 'all' | 'gateway' | 'worker';

export interface SwitchboardGeneration {
  readonly config: Config;
  readonly matcher: AliasMatcher;
  readonly deliveries: DeliveryService;
  /**
   * what the ingresses answer through (HTTP and listeners): `deliveries`, or with a spool, the same
   * with answers to the origin sent directly while Redis is away (src/spool/direct-reply.ts)
   */
  readonly ingressDeliveries: DeliveryService;
  /** gateway roles */
  readonly executions?: ExecutionService;
  readonly app?: Hono;
  readonly runCommand: (input: CommandInput) => Promise<CommandOutcome>;
  /** gateway roles: confirmation by reply, and its expiry sweep (stopped on retire) */
  readonly confirmations?: ConfirmationService & { stopSweeper(): void };
  /** worker roles */
  readonly execWorker?: ExecutionWorker;
  readonly deliveryWorker?: DeliveryWorker;
  /** alerts in, ACK/SILENCE, escalation (src/alerts/): the service (every role) and the escalation worker (worker roles, when a channel escalates) */
  readonly alerts?: AlertCore;
  readonly alertWorker?: AlertWorker;
}

/** What every generation shares: the process's logger, metrics and Redis connection. */
export interface GenerationDeps {
  role: Role;
  logger: Logger;
  env: Record<string, string | undefined>;
  metrics: Metrics;
  /** the shared fail-fast producer connection (services and ingresses use it, never close it) */
  redis: Redis;
  /** the bulk notifications' producer connection (the delivery service's bulk queue; never closed by it); default `redis` */
  bulkRedis?: Redis;
  readiness: () => Promise<Readiness>;
  runtime: RuntimeStatusSource;
  /** an execution reached its terminal status (worker roles): count it and notify */
  onTerminal(exec: ExecutionRecord): Promise<void>;
  /** the dashboard's session secret when the config sets none (generated into the data folder on first use) */
  sessionSecret?: () => string;
  /** gateway roles with `spool:`: the process's local spool (src/spool/), kept across reloads */
  spool?: CommandSpool;
}

/** the alert intake's routes (bulk work, not commands) */
const ALERT_INGRESS = /^\/ingress\/(alertmanager|grafana)\//;

/** @example const gen = await buildGeneration(config, deps); */
export async function buildGeneration(config: Config, deps: GenerationDeps): Promise<SwitchboardGeneration> {
  const { logger, metrics, redis } = deps;
  const log = logger.child({ component: 'main' });
  // the runtimes (SDKs) of this config's channel kinds only; the others load on a request for them (src/ingress/lazy.ts)
  await loadProviderRuntimes(kindsOf(config));
  // every ingress matches through this matcher: `limits.command_length` bounds them all
  const { matcher, problems } = compileAliases(toAliasSpecs(config), { maxLength: config.main.limits.command_length });
  for (const p of problems) log.warn({ alias: p.alias, format: p.format }, p.message);
  const deliveries = createDeliveryService({
    config,
    logger,
    connection: redis,
    ...(deps.bulkRedis && { bulkConnection: deps.bulkRedis }),
    singleQueue: deps.env.SWITCHBOARD_SINGLE_DELIVERY_QUEUE === '1',
  });

  // commands first inside this process (src/deliveries/command-gate.ts): command requests, executions
  // and answers are counted; the bulk delivery worker starts a send only when none is in flight
  const gate = createCommandGate();
  let execWorker: ExecutionWorker | undefined;
  let deliveryWorker: DeliveryWorker | undefined;
  if (deps.role !== 'gateway') {
    execWorker = await startExecutionWorker({
      config,
      logger,
      env: deps.env,
      // progress edits the ack where the command came from (Slack), through this generation's deliveries
      hooks: { onTerminal: deps.onTerminal, onProgress: (exec, update) => deliveries.progressExecution(exec, update) },
      builtins: { help: (user, filter, page) => helpText({ config, matcher }, user, filter, page) },
      gate,
    });
    deliveryWorker = await startDeliveryWorker({ config, logger, metrics, gate }).catch(async (err: unknown) => {
      await execWorker?.close(0);
      throw err;
    });
  }
  // alerts: the service everywhere (the worker's escalation steps use it too); replies are read as alert answers only when an alert channel exists
  const alerts = createAlertService({ config, logger, deliveries, connection: redis });
  const takesAlerts = [...config.channels.values()].some((c) => c.kind === 'alertmanager' || c.kind === 'grafana');
  let alertWorker: AlertWorker | undefined;
  if (deps.role !== 'gateway' && [...config.channels.values()].some((c) => (c.kind === 'alertmanager' || c.kind === 'grafana') && c.escalate.length > 0)) {
    alertWorker = await startAlertWorker({ config, logger, step: (d) => alerts.escalate(d) }).catch(async (err: unknown) => {
      await Promise.all([execWorker?.close(0), deliveryWorker?.close()]);
      throw err;
    });
  }

  // with a spool, an answer queued to the origin while Redis is away is sent directly (src/spool/direct-reply.ts)
  const ingressDeliveries = deps.spool ? withDirectReplies(deliveries, { config, logger }) : deliveries;
  let executions: ExecutionService | undefined;
  let confirmations: (ConfirmationService & { stopSweeper(): void }) | undefined;
  let app: Hono | undefined;
  const base = { config, matcher, deliveries, logger, metrics };
  let run = (_input: CommandInput): Promise<CommandOutcome> => Promise.reject(new Error('this process runs no gateway'));
  if (deps.role !== 'worker') {
    const ex = createExecutionService({ config, logger, connection: redis });
    executions = ex;
    const confirm = createConfirmationService({ config, logger, redis, executions: ex, deliveries });
    const sweeper = confirm.startSweeper();
    confirmations = { ...confirm, stopSweeper: () => sweeper.stop() };
    const commandLog = logger.child({ component: 'commands' });
    // questions for missing parameters: every ingress that runs through `run` (not the HTTP API)
    const conversations = createConversationStore(redis, config.main.redis.prefix);
    const spool = deps.spool && { spool: deps.spool };
    run = (input) =>
      runCommand({ ...base, logger: commandLog, executions: ex, confirmations: confirm, conversations, ...(takesAlerts && { alerts }), ...spool }, input);
    app = createApp({
      ...base,
      executions: ex,
      readiness: deps.readiness,
      runtime: deps.runtime,
      redis,
      confirmations: confirm,
      ...(takesAlerts && { alerts }),
      ...(deps.sessionSecret && { sessionSecret: deps.sessionSecret }),
      ...(deps.spool && { commandSpool: deps.spool }),
      commandGate: gate,
    });
    const ingressDeps: IngressDeps = {
      ...base,
      deliveries: ingressDeliveries,
      executions: ex,
      redis,
      runCommand: run,
      confirmations: confirm,
      ...(takesAlerts && { alerts }),
      now: () => Date.now(),
    };
    // alert intake is bulk work: it yields to commands like `POST /api/v1/notify`; every other ingress carries commands
    const gateWaitMs = config.main.deliveries.command_gate_wait_ms;
    app.use('/ingress/*', async (c, next) => {
      if (!ALERT_INGRESS.test(c.req.path)) return gate.track(next);
      if (gateWaitMs !== null) await gate.idle(gateWaitMs);
      return next();
    });
    const mounted = [...httpIngresses];
    for (const ingress of mounted) app.route('/ingress', ingress.routes(ingressDeps));
    app.all('/ingress/*', unmountedIngresses(mounted, ingressDeps));
  }
  return {
    config,
    matcher,
    deliveries,
    ingressDeliveries,
    runCommand: run,
    ...(executions && { executions }),
    ...(confirmations && { confirmations }),
    ...(app && { app }),
    ...(execWorker && { execWorker }),
    ...(deliveryWorker && { deliveryWorker }),
    alerts,
    ...(alertWorker && { alertWorker }),
  };
}

/**
 * Stops what a generation owns: its workers first (they finish the jobs they hold, up to
 * `executions.shutdown_grace`), then, after `drainMs` for requests still in its HTTP app, its queues.
 */
export async function retireGeneration(gen: SwitchboardGeneration, drainMs: number): Promise<void> {
  gen.confirmations?.stopSweeper();
  await Promise.all([gen.execWorker?.close(), gen.deliveryWorker?.close(), gen.alertWorker?.close()]);
  if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs).unref());
  await Promise.all([gen.executions?.close(), gen.deliveries.close(), gen.confirmations?.close(), gen.alerts?.close()]);
}
