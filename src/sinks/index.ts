/**
 * Every sink kind: the `sink` of each provider's runtime (src/providers/index.ts, one line per
 * provider), loaded once by src/providers/runtimes.ts.
 */
import type { ChannelConfig } from '../config/schema.ts';
import { providerSinks } from '../providers/runtimes.ts';
import type { Sink, SinkDeps } from './sink.ts';

export const sinkDefinitions = providerSinks;

export type SinkKind = ChannelConfig['kind'];

/**
 * Builds the sink of one configured channel. The channel must already be valid (config load
 * validated it); an unknown kind is rejected with the list of known ones.
 *
 * @example
 * const sink = createSink(config.channels.get('slack-ops')!, { logger, state, configDir: config.dir });
 * await sink.send(message, AbortSignal.timeout(30_000));
 */
export function createSink(channel: ChannelConfig, deps: SinkDeps): Sink {
  const kind = (channel as { kind?: unknown }).kind;
  const def = sinkDefinitions.find((d) => d.kind === kind);
  if (!def) {
    throw new Error(
      `Unknown channel kind ${JSON.stringify(kind)} for channel "${channel.name}"; known kinds: ${sinkDefinitions.map((d) => d.kind).join(', ')}`,
    );
  }
  return def.create(channel as never, deps);
}

export { SinkError } from './sink.ts';
export type { OutboundMessage, SendResult, Sink, SinkDeps, SinkState } from './sink.ts';
