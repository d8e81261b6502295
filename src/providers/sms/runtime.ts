/** SMS through Twilio: the messaging webhook in; the Messages API out. The I/O half, loaded once by the runtime (src/providers/runtimes.ts). */
import type { ProviderRuntime } from '../provider.ts';
import { smsSink } from './sink.ts';
import { twilioSmsIngress } from './inbound.ts';

export const runtime: ProviderRuntime = { sink: smsSink, http: [twilioSmsIngress] };
