/**
 * Composition root: load the config, make sure Redis answers, build the alias matcher, start the
 * HTTP gateway and/or the queue workers. Wiring only; every piece lives in its own module.
 */
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { loadConfigOrThrow } from './config/load.ts';
import { toAliasSpecs } from './config/index.ts';
import { compileAliases } from './aliases/index.ts';
import { createLogger, type Logger } from './log.ts';
import { ensureRedis } from './redis/local.ts';
import { createExecutionService } from './executions/service.ts';
import { startExecutionWorker } from './executions/worker.ts';
import { createApp } from './app.ts';
import { helpText } from './commands/help.ts';

export type Role = 'all' | 'gateway' | 'worker';

export interface Switchboard {
  /** the port the gateway listens on (gateway and all roles) */
  port?: number;
  logger: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  configDir: string;
  role: Role;
  env: Record<string, string | undefined>;
  /** override server.port (tests use 0) */
  port?: number;
}

/**
 * @example
 * const sb = await startSwitchboard({ configDir: '.', role: 'all', env: process.env });
 * process.on('SIGTERM', () => sb.stop());
 */
export async function startSwitchboard(opts: StartOptions): Promise<Switchboard> {
  const config = await loadConfigOrThrow(opts.configDir, { env: opts.env });
  const logger = createLogger({ level: config.main.logging.level, secrets: config.secrets });
  const log = logger.child({ component: 'main' });

  const redis = await ensureRedis({
    url: config.main.redis.url,
    startLocal: config.main.redis.start_local,
    dataDir: join(config.dir, '.switchboard', 'redis'),
    logger: log,
    searchPath: opts.env.PATH,
  });

  const { matcher, problems } = compileAliases(toAliasSpecs(config));
  for (const p of problems) log.warn({ alias: p.alias, format: p.format }, p.message);

  const stops: (() => Promise<void>)[] = [];
  let port: number | undefined;

  if (opts.role !== 'gateway') {
    const worker = await startExecutionWorker({
      config,
      logger,
      env: opts.env,
      builtins: { help: (user, filter, page) => helpText({ config, matcher }, user, filter, page) },
    });
    stops.push(() => worker.close(config.main.executions.shutdown_grace));
  }

  if (opts.role !== 'worker') {
    const executions = createExecutionService({ config, logger });
    const app = createApp({ config, matcher, executions, logger });
    const server: ServerType = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: opts.port ?? config.main.server.port, hostname: config.main.server.host }, () => resolve(s));
    });
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : undefined;
    log.info({ port, host: config.main.server.host, role: opts.role }, `switchboard listening on http://${config.main.server.host}:${port}`);
    stops.unshift(
      () => new Promise<void>((resolve) => server.close(() => resolve())),
      () => executions.close(),
    );
  } else {
    log.info({ role: opts.role }, 'switchboard worker running');
  }
  stops.push(() => redis.stop());

  let stopping: Promise<void> | undefined;
  return {
    port,
    logger,
    stop: () =>
      (stopping ??= (async () => {
        for (const stop of stops) {
          try {
            await stop();
          } catch (e) {
            log.error({ err: e }, 'error while stopping');
          }
        }
      })()),
  };
}
