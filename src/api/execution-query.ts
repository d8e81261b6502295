/**
 * The filters of an executions listing (`GET /api/v1/executions?...`, the dashboard's list and
 * search form), parsed and checked in one place so both surfaces accept the same values and
 * answer the same errors. Pure: no I/O.
 *
 * Whose executions a listing may show is not decided here: src/auth/permissions.ts `listScope`
 * narrows (or empties) what these filters ask for, see {@link scopedQuery}.
 */
import { z } from 'zod';
import { executionStatuses, type ListQuery } from '../executions/types.ts';

/** `origin.source` values a listing may filter on. */
export const listSources = ['api', 'sms', 'email', 'slack', 'discord', 'mattermost', 'teams', 'cli'] as const;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/**
 * An ISO 8601 time as an ISO string in UTC. A time without an offset is UTC (what the dashboard's
 * `datetime-local` fields send); a bare date is the start of that day, or its end for `to`.
 *
 * @example
 * timeBound('2026-05-01', 'to') // '2026-05-01T23:59:59.999Z'
 * timeBound('2026-05-01T12:30', 'from') // '2026-05-01T12:30:00.000Z'
 */
export function timeBound(value: string, end: 'from' | 'to'): string | undefined {
  const v = value.trim();
  const text = DATE_ONLY.test(v) ? `${v}T${end === 'to' ? '23:59:59.999' : '00:00:00.000'}Z` : LOCAL_TIME.test(v) ? `${v}Z` : v;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

const time = (end: 'from' | 'to') =>
  z
    .string()
    .max(40, { error: 'is too long' })
    .transform((v, ctx) => {
      const iso = timeBound(v, end);
      if (iso === undefined) ctx.addIssue({ code: 'custom', message: `is not a time: "${v}" (ISO 8601, e.g. 2026-05-01 or 2026-05-01T12:00:00Z)` });
      return iso ?? '';
    });

/** empty form fields (`?user=&q=`) mean "no filter" */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(t: T) => z.preprocess(blankToUndefined, t.optional());

export const listQuerySchema = z.object({
  status: opt(z.enum(executionStatuses)),
  user: opt(z.string().max(200, { error: 'is too long' })),
  alias: opt(z.string().max(200, { error: 'is too long' })),
  source: opt(z.enum(listSources)),
  q: opt(z.string().max(500, { error: 'is longer than 500 characters' })),
  from: opt(time('from')),
  to: opt(time('to')),
  limit: opt(z.coerce.number().int().min(1).max(200)),
  cursor: opt(z.string().min(1).max(500)),
});

export type ListFilters = z.output<typeof listQuerySchema>;

/**
 * The service query for what the caller asked, within what they may see: `scope` from
 * `listScope` (`{}` everyone's, `{user}` their own); `undefined` when the answer is empty anyway
 * (asking for another person's executions without `executions.read_all`).
 *
 * @example
 * scopedQuery({ user: 'bob' }, { user: 'alice' }) // undefined: bob sees only his own
 * scopedQuery({ user: 'alice', q: 'restart' }, {}) // { user: 'alice', text: 'restart' }
 */
export function scopedQuery(f: ListFilters, scope: { user?: string }): ListQuery | undefined {
  if (scope.user !== undefined && f.user !== undefined && f.user !== scope.user) return undefined;
  const user = scope.user ?? f.user;
  return {
    ...(user !== undefined && { user }),
    ...(f.status !== undefined && { status: f.status }),
    ...(f.alias !== undefined && { alias: f.alias.trim() }),
    ...(f.source !== undefined && { source: f.source }),
    ...(f.q !== undefined && { text: f.q }),
    ...(f.from !== undefined && { from: f.from }),
    ...(f.to !== undefined && { to: f.to }),
    ...(f.limit !== undefined && { limit: f.limit }),
    ...(f.cursor !== undefined && { cursor: f.cursor }),
  };
}
