/**
 * Slows down password guessing: at most `max` failed logins per (account, client address) per
 * window, in this process's memory (each gateway counts its own). Keyed per account so one
 * address behind a shared proxy or NAT cannot lock everyone out, and per address so an attacker
 * cannot lock a user out from elsewhere. Holds at most `capacity` entries: the oldest windows are
 * evicted first (never the whole table at once).
 */
export interface LoginThrottle {
  /** whether `account` may try from `client` now */
  allowed(account: string, client: string, nowMs?: number): boolean;
  failed(account: string, client: string, nowMs?: number): void;
  succeeded(account: string, client: string): void;
  /** entries held (for tests) */
  readonly size: number;
}

/** The account a login form tries: the user name, or one bucket for API-key logins. */
export const loginAccount = (form: { api_key?: string | undefined; user?: string | undefined }): string =>
  form.api_key?.trim() ? 'api-key' : `user:${(form.user ?? '').trim().toLowerCase().slice(0, 200)}`;

/**
 * @example
 * const throttle = createLoginThrottle();
 * if (!throttle.allowed('user:alice', '203.0.113.9')) return tooMany();
 */
export function createLoginThrottle(options: { max?: number; windowMs?: number; capacity?: number } = {}): LoginThrottle {
  const { max = 10, windowMs = 60_000, capacity = 10_000 } = options;
  // insertion order = order of window start (a new window is deleted and re-inserted), so the first entries are the oldest
  const failures = new Map<string, { count: number; since: number }>();
  const keyOf = (account: string, client: string) => `${account}\0${client}`;
  const current = (key: string, now: number) => {
    const f = failures.get(key);
    if (f && now - f.since < windowMs) return f;
    failures.delete(key);
    return undefined;
  };
  const evict = (now: number) => {
    // expired windows, then (when still full) the oldest live ones
    for (const [key, f] of failures) {
      if (failures.size < capacity && now - f.since < windowMs) return;
      failures.delete(key);
    }
  };
  return {
    allowed: (account, client, now = Date.now()) => (current(keyOf(account, client), now)?.count ?? 0) < max,
    failed(account, client, now = Date.now()) {
      const key = keyOf(account, client);
      const f = current(key, now);
      if (f) {
        f.count += 1;
        return;
      }
      evict(now);
      failures.set(key, { count: 1, since: now });
    },
    succeeded: (account, client) => void failures.delete(keyOf(account, client)),
    get size() {
      return failures.size;
    },
  };
}
