/**
 * The answer to a bulk notification refused because the bulk delivery queue is full
 * (`DeliveryService.pressure()`): 429 `backlog_full` with `Retry-After`, shared by
 * `POST /api/v1/notify` and the alert intake so both say it the same way.
 */
import type { Pressure } from '../deliveries/types.ts';
import { errorBody, type ErrorBody } from './errors.ts';

export interface BacklogFull {
  status: 429;
  body: ErrorBody & { retry_after: number; waiting: number };
  headers: { 'Retry-After': string };
}

/**
 * @example
 * const p = await deps.deliveries.pressure();
 * if (!p.ok) { const r = backlogFull(p); return c.json(r.body, r.status, r.headers); }
 */
export function backlogFull(p: Extract<Pressure, { ok: false }>): BacklogFull {
  return {
    status: 429,
    body: {
      ...errorBody(
        'backlog_full',
        `${p.waiting} notifications are waiting to be delivered, more than deliveries.max_backlog allows; try again in ${p.retryAfterSeconds} s`,
      ),
      retry_after: p.retryAfterSeconds,
      waiting: p.waiting,
    },
    headers: { 'Retry-After': String(p.retryAfterSeconds) },
  };
}
