/** Mattermost: slash commands and outgoing webhooks in; REST API v4 posts out. The I/O half, loaded once by the runtime (src/providers/runtimes.ts). */
import type { ProviderRuntime } from '../provider.ts';
import { mattermostIngress } from './inbound.ts';
import { mattermostSink } from './sink.ts';

export const runtime: ProviderRuntime = { sink: mattermostSink, http: [mattermostIngress] };
