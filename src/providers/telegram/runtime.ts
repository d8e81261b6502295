/** telegram: the I/O half (sink and webhook ingress), loaded once by the runtime (src/providers/runtimes.ts). */
import type { ProviderRuntime } from '../provider.ts';
import { telegramIngress } from './ingress.ts';
import { telegramSink } from './sink.ts';

export const runtime: ProviderRuntime = { sink: telegramSink, http: [telegramIngress] };
