/**
 * `gitlab` sink: one issue per fingerprint through GitLab's REST API v4 (plain fetch, `PRIVATE-TOKEN`).
 * `api_url` is the API root (default https://gitlab.com/api/v4/). The fingerprint is a hidden HTML
 * comment in the description, found with the issue list's `search` in descriptions (consistent).
 */
import { DEFAULT_TIMEOUT_MS, startDeadline, throwIfAborted, type Deadline } from '../../sinks/failure.ts';
import { joinUrl, sinkFetchJson, type SinkFetchContext, type SinkRequest } from '../../sinks/http.ts';
import { channelSecrets, channelSettings } from '../../sinks/settings.ts';
import { defineSink } from '../../sinks/sink.ts';
import { deliverToTracker, type TrackerApi } from '../../sinks/tracker.ts';

interface GitlabIssue {
  iid: number;
  state: string;
  description: string | null;
}

const hidden = (markers: string[]) => markers.map((k) => `<!-- ${k} -->`).join('\n');

/**
 * @example
 * # channels/gitlab-ops.yaml
 * name: gitlab-ops
 * kind: gitlab
 * token: ${GITLAB_TOKEN}
 * project: acme/ops
 */
export const gitlabSink = defineSink({
  kind: 'gitlab',
  settings: channelSettings('gitlab'),
  create(settings, deps) {
    const secrets = channelSecrets(settings);
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const root = joinUrl(settings.api_url ?? 'https://gitlab.com/api/v4/', `projects/${encodeURIComponent(settings.project)}/`);
    const headers = { 'PRIVATE-TOKEN': settings.token, 'Content-Type': 'application/json', Accept: 'application/json' };

    const apiFor = (deadline: Deadline): TrackerApi => {
      const call = <T>(what: string, path: string, init: SinkRequest = {}) => {
        const ctx: SinkFetchContext = { what: `gitlab ${what}`, deadline, secrets };
        return sinkFetchJson<T>(joinUrl(root, path), { ...init, headers }, ctx);
      };
      const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });
      const toIssue = (i: GitlabIssue) => ({ id: String(i.iid), open: i.state === 'opened', body: i.description ?? '' });
      return {
        async findOpen(_fp, marker) {
          const q = new URLSearchParams({ state: 'opened', search: marker, in: 'description', per_page: '20' });
          const list = await call<GitlabIssue[]>('find issue', `issues?${q}`);
          const hit = list.find((i) => (i.description ?? '').includes(marker));
          return hit ? toIssue(hit) : undefined;
        },
        async get(id) {
          return toIssue(await call<GitlabIssue>('get issue', `issues/${id}`));
        },
        async create({ title, text, markers }) {
          const body = { title: title.slice(0, 255), description: `${text}\n\n${hidden(markers)}`, labels: settings.labels.join(',') };
          return String((await call<GitlabIssue>('create issue', 'issues', post(body))).iid);
        },
        async comment(id, text, markers) {
          await call('comment', `issues/${id}/notes`, post({ body: `${text}\n\n${hidden(markers)}` }));
        },
        async hasComment(id, marker) {
          const notes = await call<{ body: string }[]>('list notes', `issues/${id}/notes?per_page=100`);
          return notes.some((n) => n.body.includes(marker));
        },
        async close(id, text, markers) {
          await this.comment(id, text, markers);
          await call('close issue', `issues/${id}`, { method: 'PUT', body: JSON.stringify({ state_event: 'close' }) });
        },
      };
    };

    return {
      async send(m, signal) {
        throwIfAborted('gitlab', signal);
        const deadline = startDeadline(signal, timeoutMs);
        try {
          return await deliverToTracker(apiFor(deadline), m, settings, deps.state, `gitlab:${settings.project}`);
        } finally {
          deadline.done();
        }
      },
    };
  },
});
