/**
 * A channel's settings as the dashboard shows them, secrets hidden. A value is shown as `••••` when
 * the schema marks its field secret (`secret()` in src/config/schema.ts), when it contains any
 * secret of the config, or when it is an HTTP header value (headers usually carry credentials);
 * URLs lose their password and query values, and a secret URL (a webhook's) keeps only its origin.
 */
import { collectSecrets } from '../config/index.ts';
import { channelSchema } from '../config/schema.ts';
import type { ChannelConfig } from '../config/types.ts';

export const MASK = '••••';

export interface ChannelSetting {
  /** dotted path, e.g. `smtp.auth.pass` */
  key: string;
  value: string;
}

/** Shown on their own, not in the settings table. */
const headline = new Set(['name', 'kind', 'description']);

function maskUrl(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    if (url.password) url.password = 'xxxx';
    for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, 'xxxx');
    return url.toString().replaceAll('xxxx', MASK);
  } catch {
    return value;
  }
}

/** `https://hooks.slack.com/••••` for a secret URL: where it goes, not what opens it. */
function originOf(value: string): string | undefined {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) ? `${url.protocol}//${url.host}/${MASK}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @example
 * channelSettings({ name: 'ops', kind: 'slack', token: 'xoxb-1' }, config.secrets)
 * // [{ key: 'token', value: '••••' }]
 */
export function channelSettings(channel: ChannelConfig, secrets: readonly string[]): ChannelSetting[] {
  const marked = collectSecrets(channelSchema, channel);
  const out: ChannelSetting[] = [];
  const leaks = (s: string) => marked.has(s) || secrets.some((x) => x.length >= 4 && s.includes(x));
  const visit = (value: unknown, path: string[], underHeaders: boolean): void => {
    const key = path.join('.');
    if (value === undefined) return;
    if (typeof value === 'string') {
      out.push({ key, value: underHeaders ? MASK : leaks(value) ? (originOf(value) ?? MASK) : maskUrl(value) });
    } else if (Array.isArray(value)) {
      const flat = value.every((v) => typeof v !== 'object' || v === null);
      if (flat) out.push({ key, value: value.map((v) => (typeof v === 'string' && leaks(v) ? MASK : String(v))).join(', ') || '[]' });
      else value.forEach((v, i) => visit(v, [...path, String(i)], underHeaders));
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length === 0) out.push({ key, value: '{}' });
      for (const [k, v] of entries) visit(v, [...path, k], underHeaders || k === 'headers');
    } else {
      out.push({ key, value: String(value) });
    }
  };
  for (const [k, v] of Object.entries(channel)) if (!headline.has(k)) visit(v, [k], k === 'headers');
  return out;
}
