/** An in-process SinkState: for tests and one-shot CLI commands (`switchboard send`). */
import type { SinkState } from './sink.ts';

/** @example const state = createMemorySinkState(); await state.setIfAbsent('k', 'v'); */
export function createMemorySinkState(): SinkState & { entries(): Map<string, string> } {
  const data = new Map<string, { value: string; expiresAt?: number }>();
  const live = (key: string) => {
    const e = data.get(key);
    if (e?.expiresAt !== undefined && e.expiresAt <= Date.now()) data.delete(key);
    return data.get(key);
  };
  const expiry = (ttl?: number) => (ttl ? Date.now() + ttl * 1000 : undefined);
  return {
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, ttlSeconds) {
      data.set(key, { value, expiresAt: expiry(ttlSeconds) });
    },
    async setIfAbsent(key, value, ttlSeconds) {
      if (live(key)) return false;
      data.set(key, { value, expiresAt: expiry(ttlSeconds) });
      return true;
    },
    async delete(key) {
      data.delete(key);
    },
    entries() {
      return new Map([...data].map(([k, v]) => [k, v.value]));
    },
  };
}
