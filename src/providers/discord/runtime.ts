/** Discord: the `/sb` slash command in (interactions endpoint); channel messages and follow-ups out. The I/O half, loaded once by the runtime (src/providers/runtimes.ts). */
import type { ProviderRuntime } from '../provider.ts';
import { discordInteractionsIngress } from './inbound.ts';
import { discordSink } from './sink.ts';

export const runtime: ProviderRuntime = { sink: discordSink, http: [discordInteractionsIngress] };
