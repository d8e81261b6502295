/**
 * Durations as people and Alertmanager write them: `90s`, `5m`, `2h`, `1h30m`, `1d`, `1w`, or a
 * bare number of seconds. Used by `escalate[].after` (config) and `SILENCE 4821 2h` (replies). Pure.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** What a duration looks like, for error messages. */
export const DURATION_EXAMPLES = '90s, 5m, 2h, 1h30m, 1d or a number of seconds';

const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy;

/**
 * A duration in milliseconds, or `undefined` when `text` is not one (or is zero, negative, or
 * longer than 10 years).
 *
 * @example
 * parseDuration('1h30m') // 5_400_000
 * parseDuration('90')    // 90_000 (seconds)
 * parseDuration('soon')  // undefined
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '' || t.length > 40) return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(t)) {
    ms = Number(t) * 1000;
  } else {
    const compact = t.replace(/\s+/g, '');
    ms = 0;
    PART.lastIndex = 0;
    let end = 0;
    for (let m = PART.exec(compact); m !== null; m = PART.exec(compact)) {
      const unit = UNIT_MS[m[2]!];
      if (unit === undefined) return undefined;
      ms += Number(m[1]) * unit;
      end = PART.lastIndex;
    }
    if (end !== compact.length || end === 0) return undefined;
  }
  ms = Math.round(ms);
  return ms > 0 && ms <= 10 * 365 * 86_400_000 ? ms : undefined;
}

/**
 * The shortest readable form of a duration: whole units from days down to seconds.
 *
 * @example
 * formatDuration(5_400_000) // '1h30m'
 * formatDuration(720_000)   // '12m'
 * formatDuration(400)       // '0s'
 */
export function formatDuration(ms: number): string {
  let s = Math.max(0, Math.floor(ms / 1000));
  if (s === 0) return '0s';
  const out: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (s >= size) {
      out.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return out.join('');
}
