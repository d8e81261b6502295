/**
 * Slows down password guessing: at most `max` failed logins per client address per window, in
 * this process's memory (each gateway counts its own).
 */
export interface LoginThrottle {
  /** whether `client` may try now */
  allowed(client: string, nowMs?: number): boolean;
  failed(client: string, nowMs?: number): void;
  succeeded(client: string): void;
}

export function createLoginThrottle(options: { max?: number; windowMs?: number } = {}): LoginThrottle {
  const { max = 10, windowMs = 60_000 } = options;
  const failures = new Map<string, { count: number; since: number }>();
  const current = (client: string, now: number) => {
    const f = failures.get(client);
    if (f && now - f.since < windowMs) return f;
    failures.delete(client);
    return undefined;
  };
  return {
    allowed: (client, now = Date.now()) => (current(client, now)?.count ?? 0) < max,
    failed(client, now = Date.now()) {
      if (failures.size > 10_000) failures.clear();
      const f = current(client, now);
      if (f) f.count += 1;
      else failures.set(client, { count: 1, since: now });
    },
    succeeded: (client) => void failures.delete(client),
  };
}
