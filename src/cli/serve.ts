/**
 * `switchboard serve`: runs the gateway and/or workers until SIGTERM or SIGINT. SIGHUP (like a
 * change in the config folder) reloads the config: applied when valid, else the running one is kept.
 */
import { ConfigError } from '../errors.ts';
import { RedisUnavailableError } from '../redis/local.ts';
import { RedisConfigError } from '../redis/connection.ts';
import { UNSAFE_EXPOSURE_EXIT, UnsafeExposureError } from '../runtime/exposure.ts';
import { runUntilSignal } from '../runtime/lifecycle.ts';
import { StartupError } from '../runtime/startup-errors.ts';
import { SessionSecretError } from '../web/session-secret.ts';
import { startSwitchboard, type Role } from '../main.ts';
import type { CliIo } from './index.ts';

export async function runServe(args: { config: string; role: Role; env: Record<string, string | undefined> }, io: CliIo): Promise<number> {
  let sb;
  try {
    // SWITCHBOARD_WATCH=false: reload on SIGHUP only, not on changes in the config folder
    sb = await startSwitchboard({ configDir: args.config, role: args.role, env: args.env, watch: args.env.SWITCHBOARD_WATCH !== 'false' });
  } catch (e) {
    // busy port, unreadable config folder, no switchboard.yaml: one line and its exit code
    if (e instanceof StartupError) {
      io.err(e.message);
      return e.exitCode;
    }
    if (e instanceof ConfigError) {
      for (const d of e.diagnostics) io.err(`${d.file}:${d.line}:${d.col}  ${d.path}: ${d.message}`);
      io.err(e.message);
      return 2;
    }
    if (e instanceof UnsafeExposureError) {
      for (const r of e.refusals) io.err(`refusing to listen on ${e.host} (not loopback): ${r}`);
      io.err('(or set server.host to 127.0.0.1 for local use)');
      return UNSAFE_EXPOSURE_EXIT;
    }
    if (e instanceof SessionSecretError || e instanceof RedisConfigError) {
      io.err(e.message);
      return 2;
    }
    if (e instanceof RedisUnavailableError) {
      io.err(e.message);
      return 3;
    }
    throw e;
  }
  // a library's stray rejection (e.g. a Socket Mode reconnect that gave up) is logged, not fatal
  process.on('unhandledRejection', (reason) => sb.logger.error({ err: String((reason as Error)?.message ?? reason) }, 'unhandled rejection'));
  // SIGHUP reloads; SIGTERM/SIGINT stop within executions.shutdown_grace (src/runtime/lifecycle.ts)
  return runUntilSignal(sb);
}
