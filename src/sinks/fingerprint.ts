/**
 * Issue fingerprints for the bug-tracker sinks (pure). A fingerprint names "the same problem":
 * by default the action, the alias and the status, hashed. The channel's `fingerprint` setting may
 * list other fields joined by `+` (`action+data.service`); known fields: action, alias, status,
 * user, channel, target, subject, and `data.<key>`.
 */
import { createHash } from 'node:crypto';
import type { OutboundMessage } from './sink.ts';

export const DEFAULT_FINGERPRINT = 'action+alias+status';
/** Statuses that open (or comment on) an issue; a success may close it. */
export const FAILURE_STATUSES = ['failed', 'timeout'] as const;

function field(m: OutboundMessage, name: string, status?: string): string {
  const e = m.execution;
  switch (name) {
    case 'action':
      return e?.action ?? '';
    case 'alias':
      return e?.alias ?? '';
    case 'status':
      return status ?? e?.status ?? '';
    case 'user':
      return e?.user ?? '';
    case 'channel':
      return m.channel;
    case 'target':
      return m.target ?? '';
    case 'subject':
      return m.subject;
    default:
      if (name.startsWith('data.')) {
        const v = m.data[name.slice(5)];
        return v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
      }
      throw new Error(`unknown fingerprint field "${name}" (known: action, alias, status, user, channel, target, subject, data.<key>)`);
  }
}

/**
 * @example
 * fingerprintOf(message) // 'a3f0c2…' (16 hex chars) from action + alias + status
 * fingerprintOf(message, 'action+data.service')
 */
export function fingerprintOf(m: OutboundMessage, spec = DEFAULT_FINGERPRINT, status?: string): string {
  const parts = spec
    .split('+')
    .map((s) => s.trim())
    .filter(Boolean);
  const values = parts.map((p) => `${p}=${field(m, p, status)}`);
  return createHash('sha256').update(values.join('\n')).digest('hex').slice(0, 16);
}

/** True when `spec` names `status`: then a success must look for the failure statuses' fingerprints. */
export const fingerprintHasStatus = (spec = DEFAULT_FINGERPRINT) => spec.split('+').some((s) => s.trim() === 'status');

/** The hidden marker written into an issue body (HTML comment in Markdown). */
export const issueMarker = (fp: string) => `switchboard-fingerprint:${fp}`;
/** The hidden marker written into each body or comment a delivery created. */
export const deliveryMarker = (id: string) => `switchboard-delivery:${id}`;
