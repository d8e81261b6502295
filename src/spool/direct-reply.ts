/**
 * Answers to the origin while Redis is away (docs/contracts.md section 7, "When Redis is away"):
 * an ingress answers through `deliveries.replyToOrigin` (email, Slack events and Socket Mode,
 * Telegram), which queues a delivery in Redis. With a spool, that answer (`kept … (sp-…)`, "did you
 * mean", "not allowed") is sent directly through the origin channel's sink instead, at once and
 * once: no queue, no retry, no ledger; a failure is logged (the command is kept either way, and its
 * ack and result go through the queue when it runs). The same reply id again (a provider's retry)
 * is sent once per process.
 */
import { UnavailableError } from '../errors.ts';
import type { Config } from '../config/types.ts';
import type { DeliveryService } from '../deliveries/types.ts';
import type { Origin } from '../executions/types.ts';
import type { Logger } from '../log.ts';
import { buildOriginReply } from '../notify/index.ts';
import { routeNotification, toOutboundMessage } from '../routing/index.ts';
import { createSink } from '../sinks/index.ts';
import { createMemorySinkState } from '../sinks/memory-state.ts';

/** how long a direct answer may take before it is given up */
const SEND_TIMEOUT_MS = 10_000;
/** reply ids remembered against a provider's retries */
const REMEMBERED = 10_000;

/**
 * `deliveries` whose `replyToOrigin` sends directly when the queue is away (Redis unreachable).
 *
 * @example
 * const ingressDeliveries = spool ? withDirectReplies(deliveries, { config, logger }) : deliveries;
 */
export function withDirectReplies(deliveries: DeliveryService, deps: { config: Config; logger: Logger }): DeliveryService {
  const log = deps.logger.child({ component: 'spool' });
  const sent = new Set<string>();
  return {
    ...deliveries,
    async replyToOrigin(origin, text, opts = {}) {
      try {
        await deliveries.replyToOrigin(origin, text, opts);
      } catch (err) {
        if (!(err instanceof UnavailableError)) throw err;
        const key = opts.id ?? origin.message_id;
        if (key !== undefined) {
          if (sent.has(key)) return;
          sent.add(key);
          if (sent.size > REMEMBERED) sent.delete(sent.values().next().value!);
        }
        await sendDirect(deps.config, log, origin, text, opts);
      }
    },
  };
}

/** One answer to `origin`, planned as the queue would (the `(origin)` rule) and sent by a sink of its own. */
async function sendDirect(config: Config, log: Logger, origin: Origin, text: string, o: { id?: string; subject?: string }): Promise<void> {
  const n = buildOriginReply({ origin, text, ...o, fallbackId: 'direct' });
  const plan = routeNotification(n, config.rules, config.channels, { users: config.main.users });
  for (const d of plan.deliveries) {
    const channel = config.channels.get(d.channel);
    const where = { channel: d.channel, source: origin.source };
    try {
      if (!channel) throw new Error(`unknown channel "${d.channel}"`);
      const sink = createSink(channel, { logger: log, state: createMemorySinkState(), configDir: config.dir });
      try {
        await sink.send(toOutboundMessage(n, d), AbortSignal.timeout(SEND_TIMEOUT_MS));
      } finally {
        await sink.close?.();
      }
      log.info(where, 'Redis is unreachable: answer sent directly (not queued)');
    } catch (err) {
      log.warn({ ...where, err: (err as Error).message }, 'Redis is unreachable and the direct answer failed; it is not sent again');
    }
  }
}
