/**
 * The sink kinds: the `sink` of each provider's runtime (src/providers/index.ts, one line per
 * provider) once src/providers/runtimes.ts has loaded it (`loadProviderRuntimes(kindsOf(config))`
 * before building sinks; every kind with no argument).
 */
import type { ChannelConfig } from '../config/schema.ts';
import { providers } from '../providers/index.ts';
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
    if (providers.some((p) => p.kind === kind)) {
      throw new Error(`the ${String(kind)} provider's runtime is not loaded (channel "${channel.name}"): await loadProviderRuntimes(kindsOf(config)) first`);
    }
    throw new Error(
      `Unknown channel kind ${JSON.stringify(kind)} for channel "${channel.name}"; known kinds: ${sinkDefinitions.map((d) => d.kind).join(', ')}`,
    );
  }
  return def.create(channel as never, deps);
}

export { SinkError } from './sink.ts';
export { kindsOf, loadProviderRuntimes } from '../providers/runtimes.ts';
export type { OutboundMessage, SendResult, Sink, SinkDeps, SinkState } from './sink.ts';
