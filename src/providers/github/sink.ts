/**
 * `github` sink: one issue per fingerprint through @octokit/rest (`baseUrl` = `api_url`). The
 * fingerprint is a hidden HTML comment in the issue body; the open issue is found with the list
 * endpoint (consistent, unlike search) filtered by the channel's labels, newest first, and only
 * among the issues the token's own user opened (`GET /user`, once): anyone else who can open issues
 * could copy the marker into theirs (finding #21). When that user cannot be learnt (a token without
 * `/user` access), no issue is reused from the list; the channel's own record of the issues it
 * opened (SinkState) still is.
 */
import { Octokit } from '@octokit/rest';
import { redactText } from '../../log.ts';
import { DEFAULT_TIMEOUT_MS, httpStatusError, parseRetryAfter, startDeadline, throwIfAborted, transportError, type Deadline } from '../../sinks/failure.ts';
import { channelSecrets, channelSettings } from '../../sinks/settings.ts';
import { defineSink, SinkError } from '../../sinks/sink.ts';
import { deliverToTracker, type TrackerApi } from '../../sinks/tracker.ts';

/** Pages of open issues scanned for a marker before a new issue is created. */
const SCAN_PAGES = 3;

const hidden = (markers: string[]) => markers.map((k) => `<!-- ${k} -->`).join('\n');

function classifyGithubError(err: unknown, deadline: Deadline, secrets: readonly string[]): SinkError {
  const e = err as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  if (typeof e.status !== 'number' || (e.status === 500 && !e.response)) return transportError('github', err, deadline, secrets);
  const h = e.response?.headers ?? {};
  let retryAfterMs = parseRetryAfter(h['retry-after']);
  // Primary and secondary rate limits answer 403 (or 429) with these headers.
  if ((e.status === 403 || e.status === 429) && (retryAfterMs !== undefined || h['x-ratelimit-remaining'] === '0')) {
    if (retryAfterMs === undefined && h['x-ratelimit-reset']) retryAfterMs = Math.max(0, Number(h['x-ratelimit-reset']) * 1000 - Date.now());
    return new SinkError(redactText(`github: rate limited (HTTP ${e.status})`, secrets), 'rate_limited', true, retryAfterMs);
  }
  const reason = e.status === 404 || e.status === 410 ? 'invalid_target' : undefined;
  const base = httpStatusError('github', e.status, e.message ?? '', secrets, retryAfterMs);
  return reason ? new SinkError(base.message, reason, false) : base;
}

/**
 * @example
 * # channels/github-ops.yaml
 * name: github-ops
 * kind: github
 * token: ${GITHUB_TOKEN}
 * repo: acme/ops
 * labels: [incident]
 * close_on_success: true
 */
export const githubSink = defineSink({
  kind: 'github',
  settings: channelSettings('github'),
  create(settings, deps) {
    const secrets = channelSecrets(settings);
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const [owner, repo] = settings.repo.split('/') as [string, string];
    const log = deps.logger.child({ sink: 'github', channel: settings.name });
    const quiet = (msg: string) => log.debug(redactText(String(msg), secrets));
    const octokit = new Octokit({
      auth: settings.token,
      baseUrl: (settings.api_url ?? 'https://api.github.com').replace(/\/$/, ''),
      userAgent: 'switchboard',
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    });

    // the login of the token's user, asked once (a failure is asked again on the next delivery)
    let me: Promise<string | undefined> | undefined;
    const whoAmI = (signal: AbortSignal): Promise<string | undefined> => {
      me ??= octokit.users.getAuthenticated({ request: { signal } }).then(
        (r) => r.data.login,
        (err: { status?: number; response?: { headers?: Record<string, string | undefined> } }) => {
          // a token that may not read /user (403/404): reuse no listed issue; anything else, a rate
          // limit's 403 included (it carries retry-after or x-ratelimit-remaining: 0), is asked again
          const h = err.response?.headers ?? {};
          const limited = h['retry-after'] !== undefined || h['x-ratelimit-remaining'] === '0';
          if ((err.status === 403 && !limited) || err.status === 404) return undefined;
          me = undefined;
          throw err;
        },
      );
      return me;
    };

    const apiFor = (signal: AbortSignal): TrackerApi => {
      const request = () => ({ signal });
      const toIssue = (i: { number: number; state: string; body?: string | null }) => ({
        id: String(i.number),
        open: i.state === 'open',
        body: i.body ?? '',
      });
      return {
        async findOpen(_fp, marker) {
          const login = await whoAmI(signal);
          if (login === undefined) return undefined;
          for (let page = 1; page <= SCAN_PAGES; page++) {
            const { data } = await octokit.issues.listForRepo({
              owner,
              repo,
              state: 'open',
              per_page: 100,
              page,
              sort: 'created',
              direction: 'desc',
              ...(settings.labels.length ? { labels: settings.labels.join(',') } : {}),
              request: request(),
            });
            const hit = data.find((i) => !i.pull_request && i.user?.login === login && (i.body ?? '').includes(marker));
            if (hit) return toIssue(hit);
            if (data.length < 100) return undefined;
          }
          return undefined;
        },
        async get(id) {
          const { data } = await octokit.issues.get({ owner, repo, issue_number: Number(id), request: request() });
          return toIssue(data);
        },
        async create({ title, text, markers }) {
          const { data } = await octokit.issues.create({
            owner,
            repo,
            title: title.slice(0, 250),
            body: `${text}\n\n${hidden(markers)}`,
            labels: settings.labels,
            request: request(),
          });
          return String(data.number);
        },
        async comment(id, text, markers) {
          await octokit.issues.createComment({ owner, repo, issue_number: Number(id), body: `${text}\n\n${hidden(markers)}`, request: request() });
        },
        async hasComment(id, marker) {
          const { data } = await octokit.issues.listComments({ owner, repo, issue_number: Number(id), per_page: 100, request: request() });
          return data.some((c) => (c.body ?? '').includes(marker));
        },
        async close(id, text, markers) {
          await this.comment(id, text, markers);
          await octokit.issues.update({ owner, repo, issue_number: Number(id), state: 'closed', state_reason: 'completed', request: request() });
        },
      };
    };

    return {
      async send(m, signal) {
        throwIfAborted('github', signal);
        const deadline = startDeadline(signal, timeoutMs);
        try {
          return await deliverToTracker(apiFor(deadline.signal), m, settings, deps.state, `github:${settings.repo}`);
        } catch (err) {
          throw err instanceof SinkError ? err : classifyGithubError(err, deadline, secrets);
        } finally {
          deadline.done();
        }
      },
    };
  },
});
