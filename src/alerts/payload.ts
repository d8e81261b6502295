/**
 * What the Alertmanager (webhook v4) and Grafana (webhook contact point) payloads share: the
 * `alerts` array. Lenient on fields we do not use (they are dropped), strict on what we need, and
 * a specific message for what is wrong (`alerts[0].labels: expected an object of strings`). Pure.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { IncomingAlert } from './types.ts';

const text = z.string({ error: (i) => (i.input === undefined ? 'is required' : 'expected a string') });
const stringMap = z.record(z.string(), z.string({ error: 'expected a string' }), { error: 'expected an object of strings' });

/** One alert of either payload (unknown fields pass through). */
export const alertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved'], { error: (i) => `expected "firing" or "resolved", got ${JSON.stringify(i.input)}` }),
  labels: stringMap,
  annotations: stringMap.optional(),
  startsAt: text,
  endsAt: text.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});
export type PayloadAlert = z.output<typeof alertSchema>;

/** The outcome of parsing a webhook body. */
export type ParsedPayload = { ok: true; alerts: IncomingAlert[]; groupKey?: string } | { ok: false; error: string };

/** `alerts[0].labels: expected an object of strings` from zod's first issue. */
export function firstIssue(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'is not a valid payload';
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
  return `${path === '' ? 'the body' : path}: ${issue.message}`;
}

/**
 * A stable fingerprint of a label set when the sender gave none (sorted `name=value` lines,
 * SHA-256, 16 hex digits, like Alertmanager's 16-digit fingerprints).
 */
export function labelsFingerprint(labels: Record<string, string>): string {
  const lines = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\n');
  return createHash('sha256').update(lines).digest('hex').slice(0, 16);
}

const ZERO_TIME = /^0001-01-01/;

/** One payload alert as intake's {@link IncomingAlert}; `links` are the sender's own URLs (absent ones left out). */
export function toIncoming(a: PayloadAlert, links: Record<string, unknown>): IncomingAlert {
  const l: Record<string, string> = {};
  for (const [k, v] of Object.entries(links)) if (typeof v === 'string' && v !== '') l[k] = v;
  return {
    fingerprint: a.fingerprint !== undefined && a.fingerprint !== '' ? a.fingerprint : labelsFingerprint(a.labels),
    status: a.status,
    labels: a.labels,
    annotations: a.annotations ?? {},
    startsAt: a.startsAt,
    ...(a.endsAt !== undefined && !ZERO_TIME.test(a.endsAt) && { endsAt: a.endsAt }),
    ...(a.generatorURL !== undefined && a.generatorURL !== '' && { generatorURL: a.generatorURL }),
    ...(Object.keys(l).length > 0 && { links: l }),
  };
}

/** Parses a JSON body text; `undefined` when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
