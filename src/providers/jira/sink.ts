/**
 * `jira` sink: one issue per fingerprint through Jira's REST API v3 (plain fetch; bodies in ADF).
 * `api_url` is the site (https://acme.atlassian.net/) and is required. Auth: Basic `email:token`
 * (Cloud) when `email` is set, else a Bearer personal access token (Data Center). The fingerprint is
 * an issue label `sb-fp-<hash>` (found with /search/jql) plus a marker line in the description.
 */
import { DEFAULT_TIMEOUT_MS, startDeadline, throwIfAborted, type Deadline } from '../../sinks/failure.ts';
import { joinUrl, sinkFetchJson, type SinkFetchContext, type SinkRequest } from '../../sinks/http.ts';
import { adfText, toAdf, type AdfDoc } from './adf.ts';
import { channelSecrets, channelSettings } from '../../sinks/settings.ts';
import { defineSink } from '../../sinks/sink.ts';
import { deliverToTracker, type TrackerApi } from '../../sinks/tracker.ts';

interface JiraIssue {
  key: string;
  fields: { description?: AdfDoc | null; status?: { statusCategory?: { key?: string } } };
}

const fpLabel = (fp: string) => `sb-fp-${fp}`;

/**
 * @example
 * # channels/jira-ops.yaml
 * name: jira-ops
 * kind: jira
 * api_url: https://acme.atlassian.net/
 * email: bot@acme.com
 * token: ${JIRA_API_TOKEN}
 * project: OPS
 * issue_type: Bug
 */
export const jiraSink = defineSink({
  kind: 'jira',
  settings: channelSettings('jira'),
  create(settings, deps) {
    if (!settings.api_url) throw new Error(`jira channel ${settings.name}: api_url (the Jira site URL) is required`);
    const site = settings.api_url;
    const auth = settings.email ? `Basic ${Buffer.from(`${settings.email}:${settings.token}`).toString('base64')}` : `Bearer ${settings.token}`;
    const secrets = [...channelSecrets(settings), auth.split(' ')[1] ?? ''];
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const headers = { Authorization: auth, 'Content-Type': 'application/json', Accept: 'application/json' };

    const apiFor = (deadline: Deadline): TrackerApi => {
      const call = <T>(what: string, path: string, init: SinkRequest = {}) => {
        const ctx: SinkFetchContext = { what: `jira ${what}`, deadline, secrets };
        return sinkFetchJson<T>(joinUrl(site, `rest/api/3/${path}`), { ...init, headers }, ctx);
      };
      const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });
      const toIssue = (i: JiraIssue) => ({
        id: i.key,
        open: i.fields.status?.statusCategory?.key !== 'done',
        body: adfText(i.fields.description),
      });
      return {
        async findOpen(fp, marker) {
          const jql = `project = "${settings.project}" AND labels = "${fpLabel(fp)}" AND statusCategory != Done ORDER BY created DESC`;
          const res = await call<{ issues?: JiraIssue[] }>('search', 'search/jql', post({ jql, fields: ['status', 'description'], maxResults: 5 }));
          const hit = (res.issues ?? []).find((i) => adfText(i.fields.description).includes(marker)) ?? res.issues?.[0];
          return hit ? toIssue(hit) : undefined;
        },
        async get(key) {
          return toIssue(await call<JiraIssue>('get issue', `issue/${encodeURIComponent(key)}?fields=status,description`));
        },
        async create({ title, text, fp, markers }) {
          const fields = {
            project: { key: settings.project },
            issuetype: { name: settings.issue_type },
            summary: title.replace(/\s+/g, ' ').slice(0, 250),
            labels: ['switchboard', fpLabel(fp)],
            description: toAdf(text, markers.join(' ')),
          };
          return (await call<{ key: string }>('create issue', 'issue', post({ fields }))).key;
        },
        async comment(key, text, markers) {
          await call('comment', `issue/${encodeURIComponent(key)}/comment`, post({ body: toAdf(text, markers.join(' ')) }));
        },
        async hasComment(key, marker) {
          const res = await call<{ comments?: { body: AdfDoc }[] }>('list comments', `issue/${encodeURIComponent(key)}/comment?maxResults=100`);
          return (res.comments ?? []).some((c) => adfText(c.body).includes(marker));
        },
        async close(key, text, markers) {
          await this.comment(key, text, markers);
          const res = await call<{ transitions?: { id: string; to?: { statusCategory?: { key?: string } } }[] }>(
            'transitions',
            `issue/${encodeURIComponent(key)}/transitions`,
          );
          const done = (res.transitions ?? []).find((t) => t.to?.statusCategory?.key === 'done');
          if (done) await call('close issue', `issue/${encodeURIComponent(key)}/transitions`, post({ transition: { id: done.id } }));
        },
      };
    };

    return {
      async send(m, signal) {
        throwIfAborted('jira', signal);
        const deadline = startDeadline(signal, timeoutMs);
        try {
          return await deliverToTracker(apiFor(deadline), m, settings, deps.state, `jira:${settings.project}`);
        } finally {
          deadline.done();
        }
      },
    };
  },
});
