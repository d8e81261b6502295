/**
 * `webhook` sink: one JSON POST per delivery to the channel's `url`, signed when `secret` is set
 * (see webhook-signature.ts). 2xx is delivered; 429 and 5xx are retried (Retry-After honoured);
 * any other status fails for good.
 */
import { DEFAULT_TIMEOUT_MS, startDeadline, throwIfAborted } from '../../sinks/failure.ts';
import { sinkFetch } from '../../sinks/http.ts';
import { channelSecrets, channelSettings } from '../../sinks/settings.ts';
import { defineSink, messageJson, type MessageJson } from '../../sinks/sink.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './signature.ts';

/** The JSON body of each POST. */
export interface WebhookPayload extends MessageJson {
  sent_at: string;
}

/**
 * @example
 * # channels/hooks.yaml
 * name: hooks
 * kind: webhook
 * url: https://hooks.example.com/switchboard
 * secret: ${WEBHOOK_SECRET}
 */
export const webhookSink = defineSink({
  kind: 'webhook',
  settings: channelSettings('webhook'),
  create(settings, deps) {
    // header values often carry credentials too (Authorization): never echo them in errors
    const secrets = [...channelSecrets(settings), ...Object.values(settings.headers).filter((v) => v.length >= 8)];
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return {
      async send(m, signal) {
        throwIfAborted('webhook', signal);
        const payload: WebhookPayload = { ...messageJson(m, settings.default_target), sent_at: new Date().toISOString() };
        const body = JSON.stringify(payload);
        const headers: Record<string, string> = {
          ...settings.headers,
          'Content-Type': 'application/json',
          'User-Agent': 'switchboard',
          'X-Switchboard-Delivery': m.id,
        };
        if (settings.secret) {
          const timestamp = String(Math.floor(Date.now() / 1000));
          headers[TIMESTAMP_HEADER] = timestamp;
          headers[SIGNATURE_HEADER] = signWebhook(settings.secret, timestamp, body);
        }
        const deadline = startDeadline(signal, timeoutMs);
        try {
          const res = await sinkFetch(settings.url, { method: 'POST', headers, body }, { what: 'webhook', deadline, secrets });
          res.discard();
          return { externalId: res.headers.get('x-request-id') ?? m.id };
        } finally {
          deadline.done();
        }
      },
    };
  },
});
