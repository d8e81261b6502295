/**
 * A fake GitLab REST API v4 (a real server): project issues list (state, search in description),
 * create, get, update (`state_event: close`), notes create/list. Auth: `PRIVATE-TOKEN`.
 */
import { startHttpFake, type FakeResponse, type FakeServer, type RecordedRequest } from '../../../test/fakes/http-fake.ts';

export interface GitlabIssue {
  iid: number;
  project: string;
  title: string;
  description: string;
  state: 'opened' | 'closed';
  labels: string[];
  notes: { id: number; body: string }[];
}

export interface GitlabFake extends FakeServer {
  /** the API root to configure: `${url}/api/v4/` */
  apiUrl: string;
  issues: GitlabIssue[];
}

/** @example const gl = await startGitlabFake({ token: 'glpat-x' }); */
export async function startGitlabFake(opts: { token?: string } = {}): Promise<GitlabFake> {
  const issues: GitlabIssue[] = [];
  let noteId = 1;
  const view = (i: GitlabIssue) => ({
    id: 5000 + i.iid,
    iid: i.iid,
    project_id: 1,
    title: i.title,
    description: i.description,
    state: i.state,
    labels: i.labels,
    web_url: `https://gitlab.example.com/${i.project}/-/issues/${i.iid}`,
  });

  const route = (req: RecordedRequest): FakeResponse => {
    if (opts.token && req.headers['private-token'] !== opts.token) return { status: 401, body: { message: '401 Unauthorized' } };
    const m = /^\/api\/v4\/projects\/([^/]+)\/issues(?:\/(\d+))?(\/notes)?$/.exec(req.path);
    if (!m) return { status: 404, body: { message: '404 Not Found' } };
    const project = decodeURIComponent(m[1]!);
    const iid = m[2] ? Number(m[2]) : undefined;
    const issue = iid ? issues.find((i) => i.project === project && i.iid === iid) : undefined;
    if (iid && !issue) return { status: 404, body: { message: '404 Issue Not Found' } };
    const p = (req.parsed ?? {}) as Record<string, unknown>;
    if (!iid && req.method === 'GET') {
      const state = req.query.get('state') ?? 'all';
      const search = req.query.get('search') ?? '';
      const list = issues.filter(
        (i) => i.project === project && (state === 'all' || i.state === state) && (!search || i.description.includes(search) || i.title.includes(search)),
      );
      return { status: 200, body: list.reverse().map(view) };
    }
    if (!iid && req.method === 'POST') {
      if (!p.title) return { status: 400, body: { error: 'title is missing' } };
      const created: GitlabIssue = {
        iid: issues.filter((i) => i.project === project).length + 1,
        project,
        title: String(p.title),
        description: String(p.description ?? ''),
        state: 'opened',
        labels: String(p.labels ?? '')
          .split(',')
          .filter(Boolean),
        notes: [],
      };
      issues.push(created);
      return { status: 201, body: view(created) };
    }
    if (issue && m[3] && req.method === 'POST') {
      const n = { id: noteId++, body: String(p.body ?? '') };
      issue.notes.push(n);
      return { status: 201, body: n };
    }
    if (issue && m[3]) return { status: 200, body: issue.notes };
    if (issue && req.method === 'GET') return { status: 200, body: view(issue) };
    if (issue && req.method === 'PUT') {
      if (p.state_event === 'close') issue.state = 'closed';
      if (p.state_event === 'reopen') issue.state = 'opened';
      return { status: 200, body: view(issue) };
    }
    return { status: 405, body: { message: '405 Method Not Allowed' } };
  };

  const fake = await startHttpFake(route);
  return { ...fake, apiUrl: `${fake.url}/api/v4/`, issues };
}
