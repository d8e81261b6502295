/**
 * The issue-per-fingerprint flow shared by the GitHub, GitLab and Jira sinks; each sink supplies a
 * {@link TrackerApi} with its provider's calls. Rules:
 * 1. One open issue per fingerprint; when it fires again, a comment is added instead.
 * 2. The same delivery id twice (a retry after a crash) never creates a second issue: a claim keyed
 *    by delivery id is taken first, and a retry looks the issue up by its marker before creating.
 * 3. Two deliveries of one fingerprint at once: the second waits (a retryable error) for the first.
 * 4. With `close_on_success`, a success closes the open issue of that action/alias and opens none.
 * 5. An alert (`m.alert`) has one issue per alert fingerprint (`alert:<fingerprint>`, whatever the
 *    channel's `fingerprint` says): `firing` opens it (or comments on it when it fires again), and
 *    `resolved` closes it with the resolved text (whatever `close_on_success` says) and opens none.
 */
import { createHash } from 'node:crypto';
import { SinkError, type OutboundMessage, type SendResult, type SinkState } from './sink.ts';
import { FAILURE_STATUSES, deliveryMarker, fingerprintHasStatus, fingerprintOf, issueMarker } from './fingerprint.ts';

export interface TrackerIssue {
  id: string;
  open: boolean;
  /** body or description, with the markers */
  body: string;
}

export interface TrackerApi {
  /** the open issue whose body carries `marker`, if any (a consistent lookup) */
  findOpen(fp: string, marker: string): Promise<TrackerIssue | undefined>;
  get(id: string): Promise<TrackerIssue | undefined>;
  create(issue: { title: string; text: string; fp: string; markers: string[] }): Promise<string>;
  comment(id: string, text: string, markers: string[]): Promise<void>;
  /** true when a comment on `id` carries `marker` */
  hasComment(id: string, marker: string): Promise<boolean>;
  close(id: string, text: string, markers: string[]): Promise<void>;
}

export interface TrackerSettings {
  fingerprint?: string;
  close_on_success: boolean;
}

const DAY = 24 * 3600;

/** Runs one delivery through the issue-per-fingerprint rules. `ns` prefixes SinkState keys (channel name). */
export async function deliverToTracker(api: TrackerApi, m: OutboundMessage, settings: TrackerSettings, state: SinkState, ns: string): Promise<SendResult> {
  const status = m.execution?.status;
  const dmark = deliveryMarker(m.id);
  const done = await state.get(`${ns}:delivery:${m.id}`);
  if (done?.startsWith('done:')) return { externalId: done.slice(5) };
  const fresh = await state.setIfAbsent(`${ns}:delivery:${m.id}`, 'pending', 7 * DAY);
  const finish = async (id: string) => {
    await state.set(`${ns}:delivery:${m.id}`, `done:${id}`, 30 * DAY);
    return { externalId: id };
  };

  if (m.alert) {
    const fp = alertFingerprint(m.alert.fingerprint);
    if (m.alert.status === 'resolved') {
      const issue = await openIssue(api, state, ns, fp);
      if (!issue) return { skipped: 'no open issue to close' };
      await api.close(issue.id, m.text, [dmark]);
      await state.delete(`${ns}:fp:${fp}`);
      return finish(issue.id);
    }
    return openOrComment(api, m, state, ns, fp, fresh, finish);
  }

  if (settings.close_on_success && status === 'succeeded') {
    const statuses = fingerprintHasStatus(settings.fingerprint) ? FAILURE_STATUSES : [undefined];
    const closed: string[] = [];
    for (const s of statuses) {
      const fp = fingerprintOf(m, settings.fingerprint, s);
      const issue = await openIssue(api, state, ns, fp);
      if (!issue) continue;
      await api.close(issue.id, m.text, [dmark]);
      await state.delete(`${ns}:fp:${fp}`);
      closed.push(issue.id);
    }
    if (closed.length === 0) return { skipped: 'no open issue to close' };
    return finish(closed.join(','));
  }

  return openOrComment(api, m, state, ns, fingerprintOf(m, settings.fingerprint), fresh, finish);
}

/**
 * The tracker fingerprint of an alert: its own (Alertmanager's label-set hash), namespaced. The
 * fingerprint comes from outside (a webhook): anything but a plain token is hashed, so it never
 * reaches a Jira label or a JQL string as written.
 *
 * @example
 * alertFingerprint('f00dfeed12345678') // 'alert:f00dfeed12345678'
 */
export function alertFingerprint(fingerprint: string): string {
  const safe = /^[A-Za-z0-9_.-]{1,64}$/.test(fingerprint) ? fingerprint : createHash('sha256').update(fingerprint).digest('hex').slice(0, 16);
  return `alert:${safe}`;
}

/** Comments on the open issue of `fp`, else creates it (rules 1 to 3). */
async function openOrComment(
  api: TrackerApi,
  m: OutboundMessage,
  state: SinkState,
  ns: string,
  fp: string,
  fresh: boolean,
  finish: (id: string) => Promise<SendResult>,
): Promise<SendResult> {
  const dmark = deliveryMarker(m.id);
  const issue = await openIssue(api, state, ns, fp);
  if (issue) {
    // A retry of a delivery that may already have written: look for its marker first.
    const already = !fresh && (issue.body.includes(dmark) || (await api.hasComment(issue.id, dmark)));
    if (!already) await api.comment(issue.id, m.text, [dmark]);
    return finish(issue.id);
  }
  // Two deliveries of one fingerprint on two workers must not both create: one holds the lock, the other retries.
  const lock = `${ns}:lock:${fp}`;
  if (!(await state.setIfAbsent(lock, m.id, 120)) && (await state.get(lock)) !== m.id) {
    throw new SinkError('an issue for this fingerprint is being created by another delivery', 'rate_limited', true, 2000);
  }
  const id = await api.create({ title: m.subject, text: m.text, fp, markers: [issueMarker(fp), dmark] });
  await state.set(`${ns}:fp:${fp}`, id);
  await state.delete(lock);
  return finish(id);
}

/** The open issue for `fp`: from SinkState when still open, else by its marker. */
async function openIssue(api: TrackerApi, state: SinkState, ns: string, fp: string): Promise<TrackerIssue | undefined> {
  const known = await state.get(`${ns}:fp:${fp}`);
  if (known) {
    const issue = await api.get(known);
    if (issue?.open) return issue;
    await state.delete(`${ns}:fp:${fp}`);
  }
  const found = await api.findOpen(fp, issueMarker(fp));
  if (found) await state.set(`${ns}:fp:${fp}`, found.id);
  return found;
}
