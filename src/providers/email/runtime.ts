/** email: an SMTP listener or a provider webhook in; SMTP out. The I/O half, loaded once by the runtime (src/providers/runtimes.ts). */
import type { ProviderRuntime } from '../provider.ts';
import { emailSink } from './sink.ts';
import { emailWebhookIngress } from './webhooks.ts';
import { emailSmtpIngress } from './smtp.ts';

export const runtime: ProviderRuntime = { sink: emailSink, http: [emailWebhookIngress], listeners: [emailSmtpIngress] };
