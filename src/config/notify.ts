/** Normalises notify blocks: `on-success` spellings to `on_success`, `routes` into `channels`. */
import type { NotifyConfig } from './schema.ts';

const keys = ['on_success', 'on_failure', 'on_complete'] as const;

/** Renames `on-success`-style keys in a raw (unvalidated) notify block, in place. */
export function renameNotifyKeys(raw: unknown): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
  const block = raw as Record<string, unknown>;
  for (const key of keys) {
    const dashed = key.replace(/_/g, '-');
    if (dashed in block && !(key in block)) {
      block[key] = block[dashed];
      delete block[dashed];
    }
  }
}

/** Merges `routes` into `channels` (first seen first, no repeats) after validation. */
export function mergeRoutes(notify: NotifyConfig | undefined): NotifyConfig | undefined {
  if (!notify) return notify;
  for (const key of keys) {
    const entry = notify[key];
    if (!entry?.routes) continue;
    entry.channels = [...new Set([...(entry.channels ?? []), ...entry.routes])];
    delete entry.routes;
  }
  return notify;
}

/** Every `[path, channel name]` used by a notify block, path relative to the block's owner. */
export function notifyChannelUses(notify: NotifyConfig | undefined): { path: (string | number)[]; name: string }[] {
  const out: { path: (string | number)[]; name: string }[] = [];
  for (const key of keys) {
    notify?.[key]?.channels?.forEach((name, i) => out.push({ path: ['notify', key, 'channels', i], name }));
  }
  return out;
}
