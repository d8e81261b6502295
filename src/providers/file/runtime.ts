/** file: one JSON line per delivery appended to a file. The I/O half, loaded once by the runtime (src/providers/runtimes.ts). */
import type { ProviderRuntime } from '../provider.ts';
import { fileSink } from './sink.ts';

export const runtime: ProviderRuntime = { sink: fileSink };
