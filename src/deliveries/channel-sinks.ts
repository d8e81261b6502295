/**
 * One sink per configured channel, created once and closed together. A channel whose sink cannot
 * be built is reported and left out: its deliveries then fail for good with that reason.
 */
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import { createSink, sinkDefinitions } from '../sinks/index.ts';
import type { Sink, SinkState } from '../sinks/sink.ts';

export interface ChannelSinks {
  get(channel: string): Sink | undefined;
  /** why the channel has no sink (unknown, or building it failed) */
  problem(channel: string): string;
  close(): Promise<void>;
}

/**
 * @example
 * const sinks = createChannelSinks(config, logger, (name) => createRedisSinkState(redis, keys.sinkState(name)));
 */
export function createChannelSinks(config: Config, logger: Logger, stateFor: (channel: string) => SinkState, timeoutMs?: number): ChannelSinks {
  const sinks = new Map<string, Sink>();
  const problems = new Map<string, string>();
  for (const [name, channel] of config.channels) {
    if (!sinkDefinitions.some((d) => d.kind === channel.kind)) {
      // an inbound-only kind (alertmanager, grafana): config refuses rules sending to it
      problems.set(name, `channel "${name}" (${channel.kind}) only receives; it sends nothing`);
      continue;
    }
    try {
      sinks.set(name, createSink(channel, { logger, state: stateFor(name), configDir: config.dir, ...(timeoutMs !== undefined && { timeoutMs }) }));
    } catch (err) {
      problems.set(name, (err as Error).message);
      logger.error({ channel: name, err: (err as Error).message }, 'channel cannot send');
    }
  }
  return {
    get: (name) => sinks.get(name),
    problem: (name) => problems.get(name) ?? `unknown channel "${name}"`,
    async close() {
      await Promise.allSettled([...sinks.values()].map((s) => s.close?.()));
    },
  };
}
