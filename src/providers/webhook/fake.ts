/**
 * A webhook receiver (a real server) that records every POST and answers 200, or a scripted status.
 * `verify(request)` checks the Switchboard signature the way a receiving service would.
 */
import { verifyWebhookSignature } from './signature.ts';
import { startHttpFake, type FakeServer, type RecordedRequest } from '../../../test/fakes/http-fake.ts';

export interface WebhookReceiver extends FakeServer {
  /** true when the request carries a valid, fresh signature for `secret` */
  verify(req: RecordedRequest, secret: string): boolean;
}

/** @example const hook = await startWebhookReceiver(); // POST to `${hook.url}/hook` */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const fake = await startHttpFake((req) => (req.method === 'POST' ? { status: 200, body: { received: true } } : { status: 405, body: 'POST only' }));
  return {
    ...fake,
    verify(req, secret) {
      return verifyWebhookSignature({
        secret,
        timestamp: String(req.headers['x-switchboard-timestamp'] ?? ''),
        signature: String(req.headers['x-switchboard-signature'] ?? ''),
        body: req.body,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
    },
  };
}
