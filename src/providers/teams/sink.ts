/**
 * `teams` sink: one Adaptive Card per delivery, POSTed to the channel's `webhook_url` (a Workflows
 * "When a Teams webhook request is received" flow, or a legacy incoming webhook). Outgoing webhooks
 * cannot post on their own, so results of commands typed in Teams come back this way too.
 *
 * Workflows answer 202 (the run id in `x-ms-workflow-run-id`), legacy webhooks 200 `1`; a legacy
 * webhook reports some failures as 200 with the error text (`…HTTP error 429…`), read as such.
 * 429 (Retry-After honoured) and 5xx retry; 401/403/404 and other 4xx fail for good.
 */
import { redactText } from '../../log.ts';
import { DEFAULT_TIMEOUT_MS, startDeadline, throwIfAborted } from '../../sinks/failure.ts';
import { sinkFetch } from '../../sinks/http.ts';
import { referenceId } from '../../sinks/render.ts';
import { defineSink, SinkError } from '../../sinks/sink.ts';
import { manifest } from './manifest.ts';
import { adaptiveCardMessage, deliveryMarkdown } from './render.ts';

/**
 * The strings an error must never show: the URL, and the parts of it that work as the credential on
 * their own (a Workflows URL's `sig`, a legacy incoming webhook's path), and the HMAC token.
 */
function webhookSecrets(url: string | undefined, hmac: string | undefined): string[] {
  const out = [url, hmac];
  if (url !== undefined) {
    const u = new URL(url);
    out.push(u.searchParams.get('sig') ?? undefined, u.pathname, encodeURIComponent(u.searchParams.get('sig') ?? ''));
  }
  return out.filter((s): s is string => s !== undefined && s.length >= 8);
}

/**
 * @example
 * # channels/teams.yaml
 * name: teams-ops
 * kind: teams
 * webhook_url: ${TEAMS_WORKFLOW_URL}
 * hmac_secret: ${TEAMS_OUTGOING_WEBHOOK_TOKEN}
 */
export const teamsSink = defineSink({
  kind: 'teams',
  settings: manifest.channel,
  defaultRate: { max: 4, perSeconds: 1 },
  create(settings, deps) {
    const secrets = webhookSecrets(settings.webhook_url, settings.hmac_secret);
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return {
      async send(m, signal) {
        throwIfAborted('teams', signal);
        if (settings.webhook_url === undefined) {
          throw new SinkError(`teams channel ${settings.name}: no webhook_url to post to (an outgoing webhook can only answer inline)`, 'client_error', false);
        }
        const card = adaptiveCardMessage({ subject: m.subject, markdown: deliveryMarkdown(m), reference: referenceId(m) });
        const deadline = startDeadline(signal, timeoutMs);
        try {
          const res = await sinkFetch(
            settings.webhook_url,
            { method: 'POST', headers: { 'Content-Type': 'application/json', 'User-Agent': 'switchboard' }, body: JSON.stringify(card) },
            { what: 'teams', deadline, secrets },
          );
          const body = await res.text().catch(() => '');
          // a legacy incoming webhook answers 200 with the error text when Teams refused the card
          if (res.status === 200 && body !== '' && body.trim() !== '1' && /error|failed/i.test(body)) {
            const text = redactText(`teams: ${body.slice(0, 300)}`, secrets);
            if (/\b429\b/.test(body)) throw new SinkError(text, 'rate_limited', true);
            if (/\b5\d\d\b/.test(body)) throw new SinkError(text, 'server_error', true);
            throw new SinkError(text, 'client_error', false);
          }
          return { externalId: res.headers.get('x-ms-workflow-run-id') ?? res.headers.get('request-id') ?? m.id };
        } finally {
          deadline.done();
        }
      },
    };
  },
});
