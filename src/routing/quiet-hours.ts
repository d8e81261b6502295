/**
 * Quiet hours (`users.NAME.quiet`, docs/contracts.md section 7 "People, not only channels"): when a
 * person's deliveries are held, and until when. Pure: the clock is a parameter; time zones come from
 * Intl (the IANA database Node ships), so daylight saving time moves the hours with the wall clock.
 *
 * A period starts at `hours`' start on each of `days` (all days when absent) and ends at its end,
 * the next day when the hours cross midnight (`22:00-07:00`). The end is the first instant at
 * which the person's wall clock shows the end time (a skipped end, in a spring-forward gap, ends the
 * period when the clock jumps over it).
 */
import { matchesWhen } from './conditions.ts';
import type { Notification } from '../notify/types.ts';

export const weekDays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekDay = (typeof weekDays)[number];

/** A person's quiet hours as configured (`users.NAME.quiet`). */
export interface QuietHours {
  /** `HH:MM-HH:MM`, local to `tz`; may cross midnight */
  hours: string;
  /** IANA time zone, e.g. `Europe/Berlin` */
  tz: string;
  /** the days a quiet period starts on; absent = every day */
  days?: readonly WeekDay[];
  /** conditions (a rule's `when` keys) of notifications that are never held */
  except?: Record<string, unknown>;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * `"22:00-07:00"` as minutes of the day, or an error message.
 *
 * @example
 * parseHours('22:00-07:00') // { start: 1320, end: 420 }
 * parseHours('7-9')         // 'expected HH:MM-HH:MM (24-hour clock), e.g. "22:00-07:00", got "7-9"'
 */
export function parseHours(hours: string): { start: number; end: number } | string {
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(hours.trim());
  if (!m) return `expected HH:MM-HH:MM (24-hour clock), e.g. "22:00-07:00", got "${hours}"`;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (start === end) return `start and end are both ${m[1]}:${m[2]}: a quiet period needs a length (e.g. "00:00-23:59" for a whole day)`;
  return { start, end };
}

/** True when Intl knows the time zone (an IANA name such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall clock in `tz` at instant `t`. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  /** minutes since local midnight */
  minutes: number;
  /** the wall clock as if it were UTC, ms (compares wall times across offsets) */
  wallMs: number;
  weekday: WeekDay;
}

/**
 * @example
 * wallTime(Date.parse('2026-12-06T21:30:00Z'), 'Europe/Berlin') // { year: 2026, month: 12, day: 6, minutes: 1350, weekday: 'sun', ... }
 */
export function wallTime(t: number, tz: string): WallTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(new Date(t))) parts[p.type] = p.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  const ms = ((t % 1000) + 1000) % 1000;
  return {
    year,
    month,
    day,
    minutes: hour * 60 + minute,
    wallMs: Date.UTC(year, month - 1, day, hour, minute, second, ms),
    weekday: (parts.weekday ?? 'Mon').toLowerCase().slice(0, 3) as WeekDay,
  };
}

/**
 * The first instant after `after` at which the wall clock in `tz` shows at least the given local
 * date and minute: the instant itself when it exists (the earlier one when the clocks went back),
 * else the moment the clock jumped over it.
 */
function instantOf(year: number, month: number, day: number, minutes: number, tz: string, after: number): number {
  const wanted = Date.UTC(year, month - 1, day, 0, minutes);
  const offsets = new Set([-DAY, 0, DAY].map((d) => wallTime(wanted + d, tz).wallMs - (wanted + d)));
  const exact = [...offsets]
    .map((o) => wanted - o)
    .filter((t) => t > after && wallTime(t, tz).wallMs === wanted)
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return exact[0];
  // skipped (spring forward) or already past: the first minute whose wall clock is at or beyond it
  // (in whole minutes: offsets change on minute boundaries)
  let lo = Math.floor(Math.max(after, wanted - Math.max(...offsets) - DAY) / MINUTE) * MINUTE;
  let hi = Math.ceil((wanted - Math.min(...offsets) + DAY) / MINUTE) * MINUTE;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
    if (wallTime(mid, tz).wallMs >= wanted) hi = mid;
    else lo = mid;
  }
  return hi;
}

const dayBefore = (d: WeekDay): WeekDay => weekDays[(weekDays.indexOf(d) + 6) % 7]!;

/**
 * The end of the quiet period `now` falls in, or undefined when `now` is not in quiet hours.
 * Invalid `hours` (refused by the config schema) count as never quiet.
 *
 * @example
 * quietUntil({ hours: '22:00-07:00', tz: 'Europe/Berlin' }, new Date('2026-12-06T23:30:00Z'))
 * // 2026-12-07T06:00:00.000Z (07:00 in Berlin)
 * quietUntil({ hours: '22:00-07:00', tz: 'Europe/Berlin' }, new Date('2026-12-06T12:00:00Z')) // undefined
 */
export function quietUntil(quiet: QuietHours, now: Date): Date | undefined {
  const range = parseHours(quiet.hours);
  if (typeof range === 'string') return undefined;
  const t = now.getTime();
  const w = wallTime(t, quiet.tz);
  const startsOn = (d: WeekDay) => quiet.days === undefined || quiet.days.includes(d);
  const today = { year: w.year, month: w.month, day: w.day };
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  const tomorrow = { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
  let end: { year: number; month: number; day: number } | undefined;
  if (range.start < range.end) {
    if (w.minutes >= range.start && w.minutes < range.end && startsOn(w.weekday)) end = today;
  } else if (w.minutes >= range.start && startsOn(w.weekday)) end = tomorrow;
  else if (w.minutes < range.end && startsOn(dayBefore(w.weekday))) end = today;
  if (!end) return undefined;
  return new Date(instantOf(end.year, end.month, end.day, range.end, quiet.tz, t));
}

/** Triggers that answer what a person just did (a command's ack, result, progress) and the digest itself: never held. */
const neverHeld: readonly string[] = ['ack', 'result', 'progress', 'digest'];

/**
 * Until when a delivery of `n` to a person with these quiet hours is held: undefined when it goes now
 * (not in quiet hours, the notification matches `except`, or it answers the person's own command).
 *
 * @example
 * holdUntil({ hours: '22:00-07:00', tz: 'UTC', except: { 'data.severity': 'critical' } }, n, now) // Date | undefined
 */
export function holdUntil(quiet: QuietHours | undefined, n: Pick<Notification, 'trigger'> & Partial<Notification>, now: Date): Date | undefined {
  if (!quiet || neverHeld.includes(n.trigger)) return undefined;
  if (quiet.except && Object.keys(quiet.except).length > 0 && matchesWhen(n as Notification, quiet.except)) return undefined;
  return quietUntil(quiet, now);
}

/**
 * The wall-clock time of `at` in `tz`, as people read the end of their quiet hours (a period is
 * shorter than a day, so the time alone names it).
 *
 * @example
 * formatLocal(new Date('2026-12-07T06:00:00Z'), 'Europe/Berlin') // '07:00 Europe/Berlin'
 */
export function formatLocal(at: Date, tz: string): string {
  const { minutes } = wallTime(at.getTime(), tz);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')} ${tz}`;
}
