/**
 * `switchboard send [--config DIR] [--target T] NAME MESSAGE`: a test message.
 * NAME is a notify name (a rule's `channel`): routed like `POST /api/v1/notify`; or, when no rule
 * names it, a channel's own name (channels/*.yaml): sent straight to that channel, to its
 * `default_target` or `--target` (`--target` always means a channel). Each delivery goes directly
 * through its sink (no queue, no Redis: in-memory sink state), one line per delivery. Exit 0 when
 * every delivery was sent (or skipped on purpose), 1 otherwise (unknown name, nothing routed, a
 * send failed), 2 on a config error. An unknown name lists the notify names and channels that exist.
 */
import { randomUUID } from 'node:crypto';
import type { Env } from '../config/env.ts';
import { formatDiagnostic, loadConfig } from '../config/load.ts';
import { asSinkError } from '../deliveries/process-delivery.ts';
import { createChannelSinks } from '../deliveries/channel-sinks.ts';
import { kindsOf, loadProviderRuntimes } from '../providers/runtimes.ts';
import { Writable } from 'node:stream';
import { createLogger, redactText } from '../log.ts';
import { notificationFromApi } from '../notify/index.ts';
import { suggest } from '../config/did-you-mean.ts';
import type { Config } from '../config/types.ts';
import { originSynonyms } from '../notify/types.ts';
import { makeDeliveryId, routeNotification, ruleHandles, toOutboundMessage, type FallbackDelivery } from '../routing/index.ts';
import { createMemorySinkState } from '../sinks/memory-state.ts';

/** The `rule` of a delivery sent straight to a channel (no rule planned it). */
const DIRECT = '(direct)';

export interface SendIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface SendArgs {
  config: string;
  /** a notify name, as rules' `channel` lists it, or a channel's own name */
  channel: string;
  /** send straight to the channel NAME, to this target instead of its `default_target` */
  target?: string;
  message: string;
  env?: Env;
  /** how long one provider call may take, ms (default 15000) */
  timeoutMs?: number;
}

/** The notify names the rules handle, in file order, each once. */
export function notifyNames(config: Pick<Config, 'rules'>): string[] {
  return [...new Set(config.rules.flatMap((r) => [r.channel].flat()))];
}

/** True when `b` is `a` with two neighbouring letters swapped (`lgo` for `log`). */
function swapsTwo(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const at = [...a].findIndex((ch, i) => ch !== b[i]);
  return a[at] === b[at + 1] && a[at + 1] === b[at] && a.slice(at + 2) === b.slice(at + 2);
}

/** How NAME is sent: through the rules, straight to a channel, or not at all (the message says why). */
export type SendPlan = { via: 'rules' } | { via: 'channel' } | { via: 'none'; message: string };

/**
 * Picks the way for NAME: a notify name goes through the rules (as `POST /api/v1/notify`); else a
 * channel's name goes straight to it; `--target` always means a channel. Neither: a message listing
 * what exists, with the closest name.
 *
 * @example
 * planSend(config, 'ops')                 // { via: 'rules' }
 * planSend(config, 'log')                 // { via: 'channel' }
 * planSend(config, 'lgo').message         // '"lgo" is neither a notify name nor a channel: nothing to send (did you mean "log"?)\n  notify names (rules' channel): ops\n  channels: log (log), outbox (file)'
 */
export function planSend(config: Pick<Config, 'rules' | 'channels'>, name: string, target?: string): SendPlan {
  const isChannel = config.channels.has(name);
  if (target === undefined && (originSynonyms.includes(name) || config.rules.some((r) => ruleHandles(r, name)))) return { via: 'rules' };
  if (isChannel) return { via: 'channel' };
  const notify = notifyNames(config);
  const channels = [...config.channels.values()].map((c) => `${c.name} (${c.kind})`);
  const candidates = target === undefined ? [...notify, ...config.channels.keys()] : [...config.channels.keys()];
  // beyond suggest(): `lgo` for `log`, and `slack` for `slack-ops`
  const close =
    suggest(name, candidates) ??
    candidates.find((c) => swapsTwo(name, c)) ??
    candidates.find((c) => c.startsWith(name) && '-_.'.includes(c.charAt(name.length) || '?'));
  const what = target === undefined ? 'neither a notify name nor a channel' : 'not a channel (--target sends straight to a channel)';
  return {
    via: 'none',
    message: [
      `"${name}" is ${what}: nothing to send${close === undefined ? '' : ` (did you mean "${close}"?)`}`,
      `  notify names (rules' channel): ${notify.length ? notify.join(', ') : '(none: no rules)'}`,
      `  channels: ${channels.length ? channels.join(', ') : '(none)'}`,
    ].join('\n'),
  };
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
  const how = planSend(config, args.channel, args.target);
  if (how.via === 'none') {
    io.err(how.message);
    return 1;
  }
  const notifications = notificationFromApi({ channels: [args.channel], message: args.message }, `cli-${randomUUID()}`);
  await loadProviderRuntimes(kindsOf(config));
  const sinks = createChannelSinks(config, logger, () => createMemorySinkState(), args.timeoutMs);
  let ok = true;
  let count = 0;
  try {
    for (const n of notifications) {
      let deliveries: FallbackDelivery[];
      const channel = how.via === 'channel' ? config.channels.get(args.channel) : undefined;
      if (channel) {
        const target = args.target ?? channel.default_target;
        deliveries = [
          {
            id: makeDeliveryId(n.id, channel.name, target),
            channel: channel.name,
            kind: channel.kind,
            ...(target !== undefined ? { target } : {}),
            rule: DIRECT,
            options: {},
          },
        ];
      } else {
        // a manual send goes now: no quiet hours (`now` absent)
        const plan = routeNotification(n, config.rules, config.channels, { users: config.main.users });
        for (const note of plan.notes) io.err(`note: ${note}`);
        if (config.channels.has(args.channel))
          io.err(`note: "${args.channel}" is a notify name and a channel: sent through the rules (--target T sends straight to the channel)`);
        if (plan.deliveries.length === 0) {
          io.err(`${n.name}: nothing to send (no rule delivers this notification)`);
          ok = false;
        }
        deliveries = plan.deliveries;
      }
      for (const d of deliveries) {
        count += 1;
        const where = `${d.channel} ${d.target ?? '(default target)'}`;
        const sink = sinks.get(d.channel);
        try {
          if (!sink) throw new Error(sinks.problem(d.channel));
          const res = await sink.send(toOutboundMessage(n, d), AbortSignal.timeout((args.timeoutMs ?? 15_000) + 1000));
          if (res.skipped !== undefined) io.out(`skipped  ${where}  (${res.skipped})`);
          else
            io.out(`sent     ${where}${res.externalId ? `  (${res.externalId})` : ''}  ${d.rule === DIRECT ? 'straight to the channel' : `rule "${d.rule}"`}`);
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
