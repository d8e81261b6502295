/**
 * `POST /ingress/alertmanager/:channel` and `POST /ingress/grafana/:channel`: alerts in
 * (docs/providers/alertmanager.md, docs/providers/grafana.md).
 *
 * 1. The channel, by name and kind: unknown = 404.
 * 2. `Authorization: Bearer <token>`, compared in constant time: missing or wrong = 401, nothing
 *    parsed or recorded.
 * 3. Backpressure: while the bulk delivery queue is over its bound, 429 with `Retry-After`, nothing
 *    recorded (Alertmanager and Grafana retry).
 * 4. The payload: not JSON or not the expected shape = 400 with what was wrong.
 * 5. The alerts into the alert service (src/alerts/service.ts): recorded, deduplicated by
 *    fingerprint, notified through the rules. 200 `{ alerts: [{ id, code, outcome }] }`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { errorBody } from '../api/errors.ts';
import type { HttpIngress } from '../ingress/ingress.ts';
import type { ParsedPayload } from './payload.ts';
import { alertChannel } from './service.ts';

/** The longest body taken (Alertmanager groups can be large; a sane bound). */
export const MAX_ALERT_BODY = 4 * 1024 * 1024;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Whether the Authorization header carries `Bearer <token>` (constant time: both sides hashed).
 *
 * @example
 * bearerMatches('s3cret-token', 'Bearer s3cret-token') // true
 */
export function bearerMatches(token: string, header: string | undefined): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  return timingSafeEqual(digest(token), digest(m[1]!.trim()));
}

/**
 * The ingress of one alert source kind.
 *
 * @example
 * export const runtime: ProviderRuntime = { http: [alertIngress('alertmanager', parseAlertmanagerPayload)] };
 */
export function alertIngress(kind: 'alertmanager' | 'grafana', parse: (body: string) => ParsedPayload): HttpIngress {
  return {
    name: kind,
    routes(deps) {
      const log = deps.logger.child({ component: 'ingress', ingress: kind });
      const app = new Hono();
      app.post(`/${kind}/:channel`, async (c) => {
        const name = c.req.param('channel');
        // 1. the channel
        const channel = alertChannel(deps.config, name);
        if (!channel || channel.kind !== kind) return c.json(errorBody('not_found', `no ${kind} channel "${name}"`), 404);
        // 2. the bearer token
        const auth = c.req.header('authorization');
        if (!bearerMatches(channel.token, auth)) {
          log.warn({ channel: name, header: auth === undefined ? 'missing' : 'wrong' }, `${kind} webhook refused: bad bearer token`);
          return c.json(errorBody('unauthorized', `Authorization: Bearer <token> is ${auth === undefined ? 'missing' : 'wrong'}; nothing was recorded`), 401);
        }
        if (!deps.alerts) return c.json(errorBody('unavailable', 'this gateway takes no alerts'), 503);
        // 3. backpressure
        const pressure = await deps.deliveries.pressure();
        if (!pressure.ok) {
          log.warn({ channel: name, waiting: pressure.waiting }, `${kind} webhook deferred: delivery backlog full`);
          return c.json(
            {
              ...errorBody(
                'backlog_full',
                `deliveries are backed up (${pressure.waiting} waiting); nothing was recorded, retry after ${pressure.retryAfterSeconds}s`,
              ),
            },
            429,
            { 'Retry-After': String(pressure.retryAfterSeconds) },
          );
        }
        // 4. the payload
        const length = Number(c.req.header('content-length') ?? 0);
        if (length > MAX_ALERT_BODY) return c.json(errorBody('too_large', `the body is over ${MAX_ALERT_BODY} bytes`), 413);
        const text = await c.req.text();
        if (text.length > MAX_ALERT_BODY) return c.json(errorBody('too_large', `the body is over ${MAX_ALERT_BODY} bytes`), 413);
        const parsed = parse(text);
        if (!parsed.ok) {
          log.info({ channel: name, err: parsed.error }, `${kind} webhook refused: bad payload`);
          return c.json(errorBody('invalid_payload', parsed.error), 400);
        }
        // 5. intake
        const r = await deps.alerts.intake(name, parsed.alerts);
        log.debug({ channel: name, alerts: r.alerts.length }, `${kind} webhook taken`);
        return c.json({ alerts: r.alerts.map((a) => ({ id: a.id, code: a.code, fingerprint: a.fingerprint, outcome: a.outcome })) });
      });
      return app;
    },
  };
}
