/** Jira issues out. The I/O half, loaded once by the runtime (src/providers/runtimes.ts). */
import type { ProviderRuntime } from '../provider.ts';
import { jiraSink } from './sink.ts';

export const runtime: ProviderRuntime = { sink: jiraSink };
