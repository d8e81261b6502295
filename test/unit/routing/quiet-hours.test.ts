import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLocal, holdUntil, parseHours, quietUntil, wallTime, weekDays, type QuietHours, type WeekDay } from '../../../src/routing/quiet-hours.ts';

const at = (iso: string) => new Date(iso);

/** The definition, minute by minute: is the wall clock at `t` inside a period that started on one of `days`? */
function quietAt(q: QuietHours, t: number): boolean {
  const r = parseHours(q.hours);
  if (typeof r === 'string') throw new Error(r);
  const w = wallTime(t, q.tz);
  const on = (d: WeekDay) => q.days === undefined || q.days.includes(d);
  const before = weekDays[(weekDays.indexOf(w.weekday) + 6) % 7]!;
  if (r.start < r.end) return w.minutes >= r.start && w.minutes < r.end && on(w.weekday);
  return (w.minutes >= r.start && on(w.weekday)) || (w.minutes < r.end && on(before));
}

describe('parseHours', () => {
  it.each([
    ['22:00-07:00', { start: 1320, end: 420 }],
    ['09:30-17:45', { start: 570, end: 1065 }],
    [' 00:00-23:59 ', { start: 0, end: 1439 }],
  ])('reads %s', (text, want) => expect(parseHours(text)).toEqual(want));

  it.each([
    ['7-9', 'expected HH:MM-HH:MM'],
    ['24:00-07:00', 'expected HH:MM-HH:MM'],
    ['22:00 - 07:00', 'expected HH:MM-HH:MM'],
    ['08:00-08:00', 'start and end are both 08:00'],
  ])('refuses %s', (text, message) => expect(parseHours(text)).toContain(message));
});

describe('quietUntil', () => {
  const berlin: QuietHours = { hours: '22:00-07:00', tz: 'Europe/Berlin' };

  it.each([
    ['late evening: until 07:00 the next morning', berlin, '2026-12-06T22:30:00Z', '2026-12-07T06:00:00.000Z'],
    ['after midnight: until 07:00 the same morning', berlin, '2026-12-07T02:00:00Z', '2026-12-07T06:00:00.000Z'],
    ['daytime: not quiet', berlin, '2026-12-07T12:00:00Z', undefined],
    ['the end minute itself: no longer quiet', berlin, '2026-12-07T06:00:00Z', undefined],
    ['the start minute: quiet', berlin, '2026-12-06T21:00:00Z', '2026-12-07T06:00:00.000Z'],
    ['summer time: 07:00 CEST is 05:00 UTC', berlin, '2026-07-01T23:00:00Z', '2026-07-02T05:00:00.000Z'],
    // Sunday 29 March 2026: clocks go forward at 02:00; the night is one hour shorter
    ['the night clocks go forward', berlin, '2026-03-28T22:00:00Z', '2026-03-29T05:00:00.000Z'],
    // Sunday 25 October 2026: clocks go back at 03:00; the night is one hour longer
    ['the night clocks go back', berlin, '2026-10-24T21:00:00Z', '2026-10-25T06:00:00.000Z'],
    // an end that does not exist (02:30 on the spring-forward night): the period ends when the clock jumps over it
    ['an end inside the skipped hour', { hours: '23:00-02:30', tz: 'Europe/Berlin' }, '2026-03-28T23:30:00Z', '2026-03-29T01:00:00.000Z'],
    ['same-day hours', { hours: '12:00-13:30', tz: 'America/New_York' }, '2026-12-07T17:15:00Z', '2026-12-07T18:30:00.000Z'],
    // Monday 7 December 2026, 23:30 Berlin: a period that starts on weekdays only
    ['days: a period starting on a listed day', { ...berlin, days: ['mon'] }, '2026-12-07T22:30:00Z', '2026-12-08T06:00:00.000Z'],
    ['days: the morning after an unlisted evening', { ...berlin, days: ['mon'] }, '2026-12-07T02:00:00Z', undefined],
    ['days: the morning after a listed evening', { ...berlin, days: ['sun'] }, '2026-12-07T02:00:00Z', '2026-12-07T06:00:00.000Z'],
  ] as const)('%s', (_, q, now, want) => {
    expect(quietUntil(q as QuietHours, at(now))?.toISOString()).toBe(want);
  });

  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Chatham', 'America/St_Johns', 'UTC'];
  const hhmm = fc.integer({ min: 0, max: 1439 }).map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  const quiet = fc
    .record({
      hours: fc
        .tuple(hhmm, hhmm)
        .filter(([a, b]) => a !== b)
        .map(([a, b]) => `${a}-${b}`),
      tz: fc.constantFrom(...zones),
      days: fc.option(fc.subarray([...weekDays], { minLength: 1 }), { nil: undefined }),
    })
    .map((q) => (q.days === undefined ? { hours: q.hours, tz: q.tz } : q) as QuietHours);
  // 2026 and 2027, DST changes of both hemispheres included
  const now = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') });

  it('is defined exactly when the wall clock is inside a period, and ends it: quiet until then, not at the end', () => {
    fc.assert(
      fc.property(quiet, now, (q, t) => {
        const until = quietUntil(q, new Date(t));
        expect(until !== undefined).toBe(quietAt(q, t));
        if (!until) return;
        const u = until.getTime();
        expect(u).toBeGreaterThan(t);
        expect(u - t).toBeLessThanOrEqual(25 * 3_600_000);
        expect(quietAt(q, u)).toBe(false);
        for (const k of [0.25, 0.5, 0.75]) expect(quietAt(q, t + Math.floor((u - 1 - t) * k))).toBe(true);
        expect(quietAt(q, u - 1)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('holdUntil', () => {
  const q: QuietHours = { hours: '22:00-07:00', tz: 'UTC', except: { 'data.severity': 'critical' } };
  const night = at('2026-12-06T23:00:00Z');

  it('holds a notification in quiet hours until their end', () => {
    expect(holdUntil(q, { trigger: 'on_failure', data: { severity: 'warning' } }, night)?.toISOString()).toBe('2026-12-07T07:00:00.000Z');
  });

  it('lets through what matches except, and what answers a command', () => {
    expect(holdUntil(q, { trigger: 'alert', data: { severity: 'critical' } }, night)).toBeUndefined();
    for (const trigger of ['ack', 'result', 'progress', 'digest'] as const) expect(holdUntil(q, { trigger, data: {} }, night)).toBeUndefined();
  });

  it('holds nothing for a person without quiet hours', () => {
    expect(holdUntil(undefined, { trigger: 'api', data: {} }, night)).toBeUndefined();
  });
});

describe('formatLocal', () => {
  it('shows the wall-clock time in the zone', () => {
    expect(formatLocal(at('2026-12-07T06:00:00Z'), 'Europe/Berlin')).toBe('07:00 Europe/Berlin');
  });
});
