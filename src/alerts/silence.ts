/**
 * Creating a silence in Alertmanager (or Grafana's Alertmanager-compatible API) for an alert's
 * labels: `POST {api_url}/api/v2/silences`. The one outbound call of the alert service; errors
 * name the status or the network failure, never the token.
 */

export interface SilenceRequest {
  apiUrl: string;
  apiToken?: string;
  labels: Record<string, string>;
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

export type SilenceResult = { ok: true; id: string } | { ok: false; error: string };

/** The silence body Alertmanager's API v2 expects: one exact matcher per label. */
export function silenceBody(r: Pick<SilenceRequest, 'labels' | 'startsAt' | 'endsAt' | 'createdBy' | 'comment'>) {
  return {
    matchers: Object.entries(r.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    createdBy: r.createdBy,
    comment: r.comment,
  };
}

/**
 * @example
 * const r = await createSilence({ apiUrl: 'http://am:9093', labels, startsAt: now, endsAt: later, createdBy: 'alice', comment: '…' });
 * if (r.ok) console.log(r.id);
 */
export async function createSilence(r: SilenceRequest, fetchFn: typeof fetch = fetch, timeoutMs = 10_000): Promise<SilenceResult> {
  const url = `${r.apiUrl.replace(/\/+$/, '')}/api/v2/silences`;
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(r.apiToken !== undefined && { authorization: `Bearer ${r.apiToken}` }) },
      body: JSON.stringify(silenceBody(r)),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error;
    const why = e.name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)}s` : `${(e.cause as Error | undefined)?.message ?? e.message}`;
    return { ok: false, error: `the silences API could not be reached (${why})` };
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    const detail = text.replace(/\s+/g, ' ').trim().slice(0, 160);
    return { ok: false, error: `the silences API answered ${res.status}${detail ? `: ${detail}` : ''}` };
  }
  try {
    const body = JSON.parse(text) as { silenceID?: unknown };
    if (typeof body.silenceID === 'string' && body.silenceID !== '') return { ok: true, id: body.silenceID };
  } catch {
    // fall through
  }
  return { ok: false, error: 'the silences API answered without a silenceID' };
}
