/** `switchboard serve`: runs the gateway and/or workers until SIGTERM or SIGINT. */
import { ConfigError } from '../errors.ts';
import { RedisUnavailableError } from '../redis/local.ts';
import { startSwitchboard, type Role } from '../main.ts';
import type { CliIo } from './index.ts';

export async function runServe(args: { config: string; role: Role; env: Record<string, string | undefined> }, io: CliIo): Promise<number> {
  let sb;
  try {
    sb = await startSwitchboard({ configDir: args.config, role: args.role, env: args.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const d of e.diagnostics) io.err(`${d.file}:${d.line}:${d.col}  ${d.path}: ${d.message}`);
      io.err(e.message);
      return 2;
    }
    if (e instanceof RedisUnavailableError) {
      io.err(e.message);
      return 3;
    }
    throw e;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      sb.logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await sb.stop();
  return 0;
}
