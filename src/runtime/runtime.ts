/**
 * Hot reload: a holder of the running generation (config + everything built from it) whose
 * `current()` callers read once per request or job, and `reload()` that loads the config folder
 * AS A WHOLE (`loadConfig`), refuses it when invalid or when it needs a restart (the old generation
 * keeps serving, and the refusal is logged with every diagnostic, counted, and kept in `status()`),
 * else builds the next generation, swaps it in with one assignment and retires the old one.
 */
import { formatDiagnostic, loadConfig } from '../config/load.ts';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { restartNeeded } from './restart-needed.ts';
import type { ReloadStatus, RuntimeStatusSource } from './status.ts';

export interface Generation {
  readonly config: Config;
}

export interface RuntimeOptions<G extends Generation> {
  dir: string;
  env: Record<string, string | undefined>;
  logger: Logger;
  metrics?: Pick<Metrics, 'configReload'>;
  initial: G;
  /** builds the next generation from a valid config (starts its workers); a throw refuses the reload */
  build(config: Config): Promise<G>;
  /** stops what the old generation owns once the new one serves */
  retire(old: G): Promise<void>;
}

export interface Runtime<G extends Generation> extends RuntimeStatusSource {
  current(): G;
  /** loads, validates and (when valid) swaps in the config folder; concurrent calls are coalesced */
  reload(reason: string): Promise<ReloadStatus>;
}

/**
 * @example
 * const runtime = createRuntime({ dir, env, logger, initial, build, retire });
 * process.on('SIGHUP', () => void runtime.reload('SIGHUP'));
 * app.get('/x', (c) => c.json(runtime.current().config.main.server));
 */
export function createRuntime<G extends Generation>(opts: RuntimeOptions<G>): Runtime<G> {
  const log = opts.logger;
  let gen = opts.initial;
  let status: ReloadStatus = { ok: true, loadedAt: new Date().toISOString() };
  let running: Promise<ReloadStatus> | undefined;
  let again: string | undefined;

  const refuse = (errors: string[], restart: boolean, message: string): ReloadStatus => {
    status = { ok: false, loadedAt: status.loadedAt, attemptedAt: new Date().toISOString(), error: errors, ...(restart && { restartNeeded: true }) };
    log.error({ errors }, `${message}; the running config is kept:\n${errors.join('\n')}`);
    opts.metrics?.configReload(false);
    return status;
  };

  async function attempt(reason: string): Promise<ReloadStatus> {
    log.info({ reason }, 'reloading the config');
    const { config, diagnostics } = await loadConfig(opts.dir, { env: opts.env, overlaps: false });
    if (!config) {
      const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      return refuse(errors, false, `config reload refused: ${errors.length} error${errors.length === 1 ? '' : 's'}`);
    }
    const restart = restartNeeded(gen.config, config);
    if (restart.length > 0) return refuse(restart, true, 'config reload refused: the change needs a restart');
    let next: G;
    try {
      next = await opts.build(config);
    } catch (err) {
      return refuse([`could not apply the config: ${(err as Error).message}`], false, 'config reload failed');
    }
    const old = gen;
    gen = next;
    status = { ok: true, loadedAt: new Date().toISOString(), attemptedAt: new Date().toISOString() };
    opts.metrics?.configReload(true);
    for (const d of diagnostics) log.warn(formatDiagnostic(d));
    log.info({ reason, aliases: config.aliases.length, actions: config.actions.size }, 'config reloaded');
    void opts.retire(old).catch((err: Error) => log.warn({ err: err.message }, 'error while retiring the old config'));
    return status;
  }

  async function loop(reason: string): Promise<ReloadStatus> {
    let result = await attempt(reason).catch((err: Error) => refuse([`reload failed: ${err.message}`], false, 'config reload failed'));
    while (again !== undefined) {
      const r = again;
      again = undefined;
      result = await attempt(r).catch((err: Error) => refuse([`reload failed: ${err.message}`], false, 'config reload failed'));
    }
    return result;
  }

  return {
    current: () => gen,
    status: () => status,
    reload(reason) {
      if (running) {
        again = reason;
        return running;
      }
      running = loop(reason).finally(() => (running = undefined));
      return running;
    },
  };
}
