/**
 * `POST /ingress/slack/events`: the Events API. Signed requests only (the `url_verification`
 * handshake too); each `event_callback` goes to {@link handleSlackEvent} and is answered 200 as
 * soon as it is claimed and enqueued. When that fails the answer is 503, so Slack retries.
 */
import { Hono } from 'hono';
import { errorBody } from '../../api/errors.ts';
import type { HttpIngress } from '../../ingress/ingress.ts';
import { createSlackContext } from './context.ts';
import { handleSlackEvent, type SlackEventEnvelope } from './event-handler.ts';
import { readVerifiedSlackRequest } from './http.ts';
import { signedSlackChannels } from './inbound.ts';

interface UrlVerification {
  type: 'url_verification';
  challenge?: unknown;
}

/**
 * @example
 * # Slack app > Event Subscriptions > Request URL: https://sb.example.com/ingress/slack/events
 * # subscribe to app_mention and message.im
 */
export const slackEventsIngress: HttpIngress = {
  name: 'slack-events',
  routes(deps) {
    const app = new Hono();
    const channels = signedSlackChannels(deps.config.channels);
    if (channels.length === 0) return app;
    const ctx = createSlackContext(deps, 'slack-events');

    app.post('/slack/events', async (c) => {
      const verified = await readVerifiedSlackRequest(c, channels, deps.now(), ctx.log);
      if ('refused' in verified) return verified.refused;
      let envelope: SlackEventEnvelope | UrlVerification;
      try {
        envelope = JSON.parse(verified.body) as SlackEventEnvelope | UrlVerification;
      } catch {
        return c.json(errorBody('invalid_request', 'the body is not JSON'), 400);
      }
      if (typeof envelope !== 'object' || envelope === null) return c.json(errorBody('invalid_request', 'the body is not an object'), 400);
      if (envelope.type === 'url_verification') {
        const challenge = (envelope as UrlVerification).challenge;
        return c.json({ challenge: typeof challenge === 'string' ? challenge : '' });
      }

      const retryNum = Number(c.req.header('x-slack-retry-num'));
      const retryReason = c.req.header('x-slack-retry-reason');
      try {
        const d = await handleSlackEvent(ctx, verified.channel, envelope as SlackEventEnvelope, {
          ...(Number.isInteger(retryNum) && retryNum > 0 && { num: retryNum }),
          ...(retryReason !== undefined && { reason: retryReason }),
        });
        if (d.kind === 'ignored') ctx.log.debug({ reason: d.reason }, 'slack event ignored');
        return c.body(null, 200);
      } catch (err) {
        ctx.log.error({ err: (err as Error).message }, 'slack event not handled; Slack will retry');
        return c.json(errorBody('unavailable', 'the event could not be queued; retry'), 503);
      }
    });
    return app;
  },
};
