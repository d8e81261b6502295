/**
 * The effective notify block of an execution: the alias's `notify` overrides the action's per key
 * (on_success / on_failure / on_complete), as docs/contracts.md section 3 says.
 */
import type { NotifyConfig, NotifyEntry } from '../config/schema.ts';
import { notifyKeys, originName, originSynonyms, type NotifyKey } from './types.ts';

/** One trigger's entry after the override, with where it came from. */
export interface EffectiveEntry {
  key: NotifyKey;
  entry: NotifyEntry;
  from: 'action' | 'alias';
  /** channel names, `routes` merged in, `chatops` normalised to `origin`, first seen first, no repeats */
  channels: string[];
  /**
   * the action's entry for this key named `origin` and the alias's override does not: the origin
   * reply the override would lose (StackStorm loses it; Switchboard restores it)
   */
  originDropped?: NotifyEntry;
}

/**
 * The channel names of one notify entry: `channels` then `routes` (StackStorm's synonym, in case
 * the loader left it), `chatops` read as `origin`, without repeats.
 *
 * @example
 * channelNames({ channels: ['slack', 'chatops'], routes: ['origin'] }) // ['slack', 'origin']
 */
export function channelNames(entry: NotifyEntry | undefined): string[] {
  const all = [...(entry?.channels ?? []), ...(entry?.routes ?? [])];
  return [...new Set(all.map((n) => (originSynonyms.includes(n) ? originName : n)))];
}

/**
 * Merges the action's and the alias's notify blocks key by key; keys neither defines are absent.
 *
 * @example
 * mergeNotify({ on_failure: { channels: ['slack', 'origin'] } }, { on_failure: { channels: ['pager'] } })
 * // [{ key: 'on_failure', from: 'alias', channels: ['pager'], originDropped: { channels: ['slack', 'origin'] }, ... }]
 */
export function mergeNotify(action: NotifyConfig | undefined, alias: NotifyConfig | undefined): EffectiveEntry[] {
  const out: EffectiveEntry[] = [];
  for (const key of notifyKeys) {
    const own = action?.[key];
    const over = alias?.[key];
    const entry = over ?? own;
    if (!entry) continue;
    const channels = channelNames(entry);
    const dropped = over && own && channelNames(own).includes(originName) && !channels.includes(originName);
    out.push({ key, entry, from: over ? 'alias' : 'action', channels, ...(dropped ? { originDropped: own } : {}) });
  }
  return out;
}
