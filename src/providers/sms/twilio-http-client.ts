/**
 * An `httpClient` for twilio-node (the supported seam, CONTRIBUTING.md, "Provider fakes") on the
 * sinks' HTTP client (src/sinks/http.ts `httpRequest`): sends to `apiUrl` instead of api.twilio.com
 * when one is configured, honours the caller's AbortSignal and a timeout, and remembers the last
 * response's status and Retry-After for classification.
 */
import type twilio from 'twilio';
import type { Deadline } from '../../sinks/failure.ts';
import { httpRequest } from '../../sinks/http.ts';

type RequestOptions = Parameters<twilio.RequestClient['request']>[0];

export interface TwilioProbe {
  status: number;
  retryAfter: string | null;
}

function form(data: unknown): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries((data ?? {}) as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
  }
  return params.toString();
}

/**
 * @example
 * const client = twilio(sid, token, { httpClient: createTwilioHttpClient({ apiUrl, deadline, probe }) });
 */
export function createTwilioHttpClient(opts: { apiUrl?: string; deadline: Deadline; probe: TwilioProbe }): twilio.RequestClient {
  const client = {
    async request(req: RequestOptions) {
      const target = new URL(req.uri);
      const url = opts.apiUrl ? new URL(target.pathname + target.search, opts.apiUrl) : target;
      for (const [k, v] of Object.entries((req.params ?? {}) as Record<string, unknown>)) {
        if (v !== undefined) url.searchParams.append(k, String(v));
      }
      const headers: Record<string, string> = { ...(req.headers as Record<string, string> | undefined) };
      if (req.username && req.password) {
        headers.Authorization = `Basic ${Buffer.from(`${req.username}:${req.password}`).toString('base64')}`;
      }
      const method = req.method.toUpperCase();
      const body = method === 'GET' || method === 'DELETE' ? undefined : form(req.data);
      if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
      const res = await httpRequest(url, { method, headers, ...(body !== undefined && { body }) }, opts.deadline.signal);
      opts.probe.status = res.status;
      opts.probe.retryAfter = res.headers['retry-after'] ?? null;
      return { statusCode: res.status, body: res.body, headers: res.headers };
    },
  };
  return client as unknown as twilio.RequestClient;
}
