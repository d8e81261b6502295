/**
 * A fake Jira Cloud REST API v3 (a real server): create issue, get issue, /search/jql (the
 * `labels = "…"` and `statusCategory != Done` clauses), comments create/list, transitions list/do.
 * Bodies are ADF documents, as v3 requires; errors are `{errorMessages, errors}`.
 */
import { startHttpFake, type FakeResponse, type FakeServer, type RecordedRequest } from '../../../test/fakes/http-fake.ts';

export interface JiraIssue {
  key: string;
  project: string;
  summary: string;
  issuetype: string;
  labels: string[];
  description: unknown;
  done: boolean;
  comments: { id: string; body: unknown }[];
}

export interface JiraFake extends FakeServer {
  issues: JiraIssue[];
}

export const jiraError = (status: number, message: string): FakeResponse => ({ status, body: { errorMessages: [message], errors: {} } });

const isAdf = (v: unknown) => typeof v === 'object' && v !== null && (v as { type?: string }).type === 'doc' && (v as { version?: number }).version === 1;

/** @example const jira = await startJiraFake({ email: 'bot@acme.com', token: 't' }); */
export async function startJiraFake(opts: { email?: string; token?: string } = {}): Promise<JiraFake> {
  const issues: JiraIssue[] = [];
  const expected = opts.token ? (opts.email ? `Basic ${Buffer.from(`${opts.email}:${opts.token}`).toString('base64')}` : `Bearer ${opts.token}`) : undefined;
  const view = (i: JiraIssue) => ({
    id: String(10000 + issues.indexOf(i)),
    key: i.key,
    self: `${fake.url}/rest/api/3/issue/${i.key}`,
    fields: {
      summary: i.summary,
      labels: i.labels,
      description: i.description,
      status: { name: i.done ? 'Done' : 'To Do', statusCategory: { key: i.done ? 'done' : 'new' } },
    },
  });

  const route = (req: RecordedRequest): FakeResponse => {
    if (expected && req.headers.authorization !== expected) return { status: 401, body: 'Unauthorized' };
    const p = (req.parsed ?? {}) as Record<string, any>;
    const path = req.path.replace(/^\/rest\/api\/3/, '');
    if (path === '/search/jql' && req.method === 'POST') {
      const jql = String(p.jql ?? '');
      const label = /labels\s*=\s*"([^"]+)"/.exec(jql)?.[1];
      const project = /project\s*=\s*"?([A-Z0-9_]+)"?/.exec(jql)?.[1];
      const notDone = /statusCategory\s*!=\s*Done/i.test(jql);
      const hits = issues.filter((i) => (!label || i.labels.includes(label)) && (!project || i.project === project) && (!notDone || !i.done));
      return { status: 200, body: { issues: hits.reverse().map(view), isLast: true } };
    }
    if (path === '/issue' && req.method === 'POST') {
      const f = p.fields ?? {};
      if (!f.summary) return { status: 400, body: { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } } };
      if (f.description !== undefined && !isAdf(f.description))
        return { status: 400, body: { errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document.' } } };
      const project = String(f.project?.key ?? '');
      const key = `${project}-${issues.filter((i) => i.project === project).length + 1}`;
      issues.push({
        key,
        project,
        summary: f.summary,
        issuetype: f.issuetype?.name ?? '',
        labels: f.labels ?? [],
        description: f.description,
        done: false,
        comments: [],
      });
      return { status: 201, body: { id: String(10000 + issues.length - 1), key, self: `${fake.url}/rest/api/3/issue/${key}` } };
    }
    const m = /^\/issue\/([^/]+)(\/comment|\/transitions)?$/.exec(path);
    const issue = m ? issues.find((i) => i.key === decodeURIComponent(m[1]!)) : undefined;
    if (!m || !issue) return jiraError(404, 'Issue does not exist or you do not have permission to see it.');
    if (m[2] === '/comment' && req.method === 'POST') {
      if (!isAdf(p.body)) return { status: 400, body: { errorMessages: [], errors: { comment: 'Comment body is not valid!' } } };
      const c = { id: String(20000 + issue.comments.length), body: p.body };
      issue.comments.push(c);
      return { status: 201, body: c };
    }
    if (m[2] === '/comment') return { status: 200, body: { comments: issue.comments, total: issue.comments.length } };
    if (m[2] === '/transitions' && req.method === 'GET') {
      return {
        status: 200,
        body: {
          transitions: [
            { id: '11', name: 'To Do', to: { statusCategory: { key: 'new' } } },
            { id: '31', name: 'Done', to: { statusCategory: { key: 'done' } } },
          ],
        },
      };
    }
    if (m[2] === '/transitions') {
      issue.done = p.transition?.id === '31';
      return { status: 204 };
    }
    return { status: 200, body: view(issue) };
  };

  const fake = await startHttpFake(route);
  return { ...fake, issues };
}
