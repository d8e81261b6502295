/**
 * The I/O halves of the providers in src/providers/index.ts, loaded on demand (each manifest's
 * `load()`): `loadProviderRuntimes(kinds)` before building anything from a config (the kinds of its
 * channels, `kindsOf(config)`), so a process never imports the SDKs of kinds it does not use (Twilio,
 * Slack, Octokit, the mail parsers: about 60 MB of RSS together). Once loaded, the lists below hold
 * them in registry order, so building a sink or mounting an ingress stays synchronous. Config code
 * never imports this module.
 */
import type { ChannelKind } from '../config/schema.ts';
import type { Config } from '../config/types.ts';
import type { HttpIngress, ListenerIngress } from '../ingress/ingress.ts';
import type { SinkDefinition } from '../sinks/sink.ts';
import { providers } from './index.ts';
import type { ProviderRuntime } from './provider.ts';

export interface LoadedProvider {
  kind: string;
  runtime: ProviderRuntime;
}

const order = new Map<string, number>(providers.map((p, i) => [p.kind, i]));
const loading = new Map<string, Promise<void>>();

/** the providers whose runtime is loaded, in registry order (filled in place by loadProviderRuntimes) */
export const loadedProviders: LoadedProvider[] = [];
/** the loaded providers' sinks, in registry order (a sink's kind is its provider's kind) */
// biome-ignore lint/suspicious/noExplicitAny: each sink has its own settings type; createSink passes it the validated channel
export const providerSinks: SinkDefinition<ChannelKind, any>[] = [];
/** the loaded providers' HTTP ingresses, mounted under /ingress */
export const providerHttpIngresses: HttpIngress[] = [];
/** the loaded providers' listeners, started with the gateway */
export const providerListenerIngresses: ListenerIngress[] = [];

function add(kind: string, runtime: ProviderRuntime): void {
  const at = order.get(kind)!;
  const i = loadedProviders.findIndex((p) => order.get(p.kind)! > at);
  loadedProviders.splice(i === -1 ? loadedProviders.length : i, 0, { kind, runtime });
  // rebuilt whole (15 entries at most, once per kind): registry order, arrays kept by identity
  providerSinks.splice(0, providerSinks.length, ...loadedProviders.flatMap((p) => (p.runtime.sink ? [p.runtime.sink as (typeof providerSinks)[number]] : [])));
  providerHttpIngresses.splice(0, providerHttpIngresses.length, ...loadedProviders.flatMap((p) => p.runtime.http ?? []));
  providerListenerIngresses.splice(0, providerListenerIngresses.length, ...loadedProviders.flatMap((p) => p.runtime.listeners ?? []));
}

/**
 * Loads the runtimes of these kinds (every provider's when omitted), each once; resolves when all
 * are in the lists above. An unknown kind is an error naming the known ones.
 */
export async function loadProviderRuntimes(kinds?: Iterable<string>): Promise<void> {
  const wanted = kinds === undefined ? providers.map((p) => p.kind) : [...new Set(kinds)];
  await Promise.all(
    wanted.map((kind) => {
      let done = loading.get(kind);
      if (!done) {
        const manifest = providers.find((p) => p.kind === kind);
        if (!manifest)
          return Promise.reject(new Error(`unknown channel kind ${JSON.stringify(kind)}; known kinds: ${providers.map((p) => p.kind).join(', ')}`));
        done = manifest.load().then(({ runtime }) => add(kind, runtime));
        done.catch(() => loading.delete(kind));
        loading.set(kind, done);
      }
      return done;
    }),
  );
}

/** whether the runtime of this kind is loaded */
export const runtimeLoaded = (kind: string): boolean => loadedProviders.some((p) => p.kind === kind);

/** the kinds of a config's channels: the runtimes it needs */
export const kindsOf = (config: Pick<Config, 'channels'>): string[] => [...new Set([...config.channels.values()].map((c) => c.kind))];

/** the kinds whose runtime is not loaded yet */
export const unloadedKinds = (): string[] => providers.map((p) => p.kind).filter((k) => !runtimeLoaded(k));
