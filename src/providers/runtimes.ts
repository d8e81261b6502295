/**
 * The I/O halves of every provider in src/providers/index.ts, loaded once (each manifest's `load()`)
 * when the runtime layer first imports this module (top-level await), so building a sink or mounting
 * an ingress stays synchronous. Config code never imports this module.
 */
import type { ChannelKind } from '../config/schema.ts';
import type { HttpIngress, ListenerIngress } from '../ingress/ingress.ts';
import type { SinkDefinition } from '../sinks/sink.ts';
import { providers } from './index.ts';
import type { ProviderRuntime } from './provider.ts';

export interface LoadedProvider {
  kind: string;
  runtime: ProviderRuntime;
}

export const loadedProviders: readonly LoadedProvider[] = await Promise.all(providers.map(async (p) => ({ kind: p.kind, runtime: (await p.load()).runtime })));

/** every provider's sink, in registry order (a sink's kind is its provider's kind) */
// biome-ignore lint/suspicious/noExplicitAny: each sink has its own settings type; createSink passes it the validated channel
export const providerSinks: SinkDefinition<ChannelKind, any>[] = loadedProviders.flatMap((p) =>
  p.runtime.sink ? [p.runtime.sink as SinkDefinition<ChannelKind, any>] : [],
);
/** every provider's HTTP ingresses, mounted under /ingress */
export const providerHttpIngresses: HttpIngress[] = loadedProviders.flatMap((p) => p.runtime.http ?? []);
/** every provider's listeners, started with the gateway */
export const providerListenerIngresses: ListenerIngress[] = loadedProviders.flatMap((p) => p.runtime.listeners ?? []);
