/**
 * `switchboard send [--config DIR] CHANNEL_NAME MESSAGE`: a test notification through the rules.
 * Routes it like `POST /api/v1/notify` and sends each delivery directly through its sink (no queue,
 * no Redis: in-memory sink state), printing one line per delivery. Exit 0 when every delivery was
 * sent (or skipped on purpose), 1 otherwise (nothing routed, a send failed, a bad config).
 */
import { randomUUID } from 'node:crypto';
import type { Env } from '../config/env.ts';
import { formatDiagnostic, loadConfig } from '../config/load.ts';
import { asSinkError } from '../deliveries/process-delivery.ts';
import { createChannelSinks } from '../deliveries/channel-sinks.ts';
import { Writable } from 'node:stream';
import { createLogger, redactText } from '../log.ts';
import { notificationFromApi } from '../notify/index.ts';
import { routeNotification, toOutboundMessage } from '../routing/index.ts';
import { createMemorySinkState } from '../sinks/memory-state.ts';

export interface SendIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface SendArgs {
  config: string;
  /** notify channel name, as rules' `channel` lists it */
  channel: string;
  message: string;
  env?: Env;
  /** how long one provider call may take, ms (default 15000) */
  timeoutMs?: number;
}

/**
 * @example
 * const code = await runSend({ config: '.', channel: 'slack', message: 'hello from switchboard' }, { out: console.log, err: console.error });
 */
export async function runSend(args: SendArgs, io: SendIo): Promise<number> {
  const { config, diagnostics } = await loadConfig(args.config, { env: args.env, overlaps: false });
  if (!config) {
    for (const d of diagnostics.filter((x) => x.severity === 'error')) io.err(formatDiagnostic(d));
    return 2;
  }
  // the `log` sink prints where the user is looking
  const toOut = new Writable({ write: (chunk, _e, cb) => (io.out(String(chunk).trimEnd()), cb()) });
  const logger = createLogger({ level: config.main.logging.level, secrets: config.secrets, destination: toOut });
  const notifications = notificationFromApi({ channels: [args.channel], message: args.message }, `cli-${randomUUID()}`);
  const sinks = createChannelSinks(config, logger, () => createMemorySinkState(), args.timeoutMs);
  let ok = true;
  let count = 0;
  try {
    for (const n of notifications) {
      const plan = routeNotification(n, config.rules, config.channels);
      for (const note of plan.notes) io.err(`note: ${note}`);
      if (plan.deliveries.length === 0) {
        io.err(`${n.name}: nothing to send (no rule delivers this notification)`);
        ok = false;
      }
      for (const d of plan.deliveries) {
        count += 1;
        const where = `${d.channel} ${d.target ?? '(default target)'}`;
        const sink = sinks.get(d.channel);
        try {
          if (!sink) throw new Error(sinks.problem(d.channel));
          const res = await sink.send(toOutboundMessage(n, d), AbortSignal.timeout((args.timeoutMs ?? 15_000) + 1000));
          if (res.skipped !== undefined) io.out(`skipped  ${where}  (${res.skipped})`);
          else io.out(`sent     ${where}${res.externalId ? `  (${res.externalId})` : ''}  rule "${d.rule}"`);
        } catch (err) {
          ok = false;
          const e = asSinkError(err, config.secrets);
          io.out(`failed   ${where}  ${e.reason}${e.retryable ? ' (retryable)' : ''}: ${redactText(e.message, config.secrets)}`);
        }
      }
    }
  } finally {
    await sinks.close();
  }
  if (count > 0) io.out(`${count} deliver${count === 1 ? 'y' : 'ies'}, ${ok ? 'all sent' : 'some failed'}`);
  return ok ? 0 : 1;
}
