/** log: one JSON line per delivery on the process logger. The I/O half, loaded once by the runtime (src/providers/runtimes.ts). */
import type { ProviderRuntime } from '../provider.ts';
import { logSink } from './sink.ts';

export const runtime: ProviderRuntime = { sink: logSink };
