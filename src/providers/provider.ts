/**
 * The provider contract (ARCHITECTURE.md "Providers"): one folder per provider under
 * src/providers/NAME/, one line in src/providers/index.ts.
 *
 * - `manifest.ts` is PURE (zod only): the channel kind, its `channels/*.yaml` schema, the
 *   `users.NAME.<userKey>` holding a person's id in this medium, and `load()`, a dynamic import of
 *   the I/O half. Config code (src/config/) imports manifests only. A manifest imports
 *   `channelBase`/`secret` from src/config/channel-base.ts, never src/config/schema.ts (which is
 *   built from the manifests: that would be an import cycle).
 * - `runtime.ts` exports `runtime: ProviderRuntime`: the outbound sink and the inbound HTTP routes
 *   and listeners. The runtime layer loads the runtimes of the kinds a config uses, each once
 *   (src/providers/runtimes.ts): an SDK is imported only by a process with a channel that needs it.
 */
import type { z } from 'zod';
import type { HttpIngress, ListenerIngress } from '../ingress/ingress.ts';
import type { ReplyRules } from './reply.ts';
import type { SinkDefinition } from '../sinks/sink.ts';

export interface ProviderManifest<K extends string = string, C extends z.ZodType = z.ZodType, U extends string = string> {
  /** the channel kind (`kind:` in channels/*.yaml), e.g. 'mattermost' */
  kind: K;
  /** the channel schema member of channelSchema: `z.object({ ...channelBase, kind: z.literal(K), ... }).strict()` */
  channel: C;
  /** the users.NAME key that holds a person's id in this medium, e.g. 'mattermost' (absent: none) */
  userKey?: U;
  /** its description in switchboard.yaml's docs and JSON Schema (default: "<kind> user id") */
  userKeyDescription?: string;
  /**
   * how commands from this medium are answered (the built-in `origin` channel, confirmations):
   * src/providers/reply.ts. Absent: to the sender, through the channel named by the reply's
   * `channel` field, no confirmation prompts in this medium.
   */
  reply?: ReplyRules;
  /** the I/O half, imported only by the runtime (never by config code) */
  load(): Promise<{ runtime: ProviderRuntime }>;
}

export interface ProviderRuntime {
  /** the outbound half: what src/sinks/index.ts lists (kind, settings, create) */
  // biome-ignore lint/suspicious/noExplicitAny: each provider's sink has its own settings type
  sink?: SinkDefinition<string, any>;
  /** inbound HTTP routes, mounted under /ingress */
  http?: HttpIngress[];
  /** inbound listeners started with the gateway (SMTP, Socket Mode) */
  listeners?: ListenerIngress[];
}

/**
 * Keeps the literal kind and the exact channel schema type, so `channelSchema` stays a precise union.
 *
 * @example
 * export const manifest = defineProvider({ kind: 'log', channel: z.object({ ...channelBase, kind: z.literal('log') }).strict(), load: () => import('./runtime.ts') });
 */
export const defineProvider = <const K extends string, C extends z.ZodType, const U extends string = never>(m: ProviderManifest<K, C, U>) => m;
