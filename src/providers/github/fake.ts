/**
 * A fake GitHub REST API (a real server) for one or more repos: issues create, list (state, labels,
 * paging), get, update, comments create/list, and search (`"text" in:body repo:o/r is:open`). The
 * issue shape follows octokit/fixtures (corpus: github-issue-create-response.json).
 */
import { startHttpFake, type FakeResponse, type FakeServer, type RecordedRequest } from '../../../test/fakes/http-fake.ts';

export interface GithubIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  comments: { id: number; body: string }[];
  repo: string;
  /** who opened it (default: the token's user, `switchboard-bot`) */
  author?: string;
}

export interface GithubFake extends FakeServer {
  issues: GithubIssue[];
}

const ghError = (status: number, message: string): FakeResponse => ({
  status,
  body: { message, documentation_url: 'https://docs.github.com/rest', status: String(status) },
});

/** @example const gh = await startGithubFake({ token: 'ghp_x' }); new Octokit({ baseUrl: gh.url, auth: 'ghp_x' }) */
export async function startGithubFake(opts: { token?: string } = {}): Promise<GithubFake> {
  const issues: GithubIssue[] = [];
  let commentId = 1000;
  const view = (base: string, i: GithubIssue) => ({
    url: `${base}/repos/${i.repo}/issues/${i.number}`,
    html_url: `https://github.com/${i.repo}/issues/${i.number}`,
    id: 1000 + i.number,
    node_id: 'MDA6RW50aXR5MQ==',
    number: i.number,
    title: i.title,
    user: { login: i.author ?? 'switchboard-bot', id: i.author ? 2000 : 1000 },
    labels: i.labels.map((name, n) => ({ id: n + 1, name, color: 'ededed', default: false })),
    state: i.state,
    state_reason: i.state_reason,
    locked: false,
    comments: i.comments.length,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    closed_at: i.state === 'closed' ? '2026-01-01T00:00:00Z' : null,
    body: i.body,
  });

  const route = (req: RecordedRequest): FakeResponse => {
    const auth = req.headers.authorization ?? '';
    if (opts.token && auth !== `token ${opts.token}` && auth !== `Bearer ${opts.token}`) return ghError(401, 'Bad credentials');
    const p = (req.parsed ?? {}) as Record<string, unknown>;
    const base = fake.url;
    // the token's user (GET /user)
    if (req.method === 'GET' && req.path === '/user') return { status: 200, body: { login: 'switchboard-bot', id: 1000, type: 'User' } };
    if (req.method === 'GET' && req.path === '/search/issues') {
      const q = req.query.get('q') ?? '';
      const phrase = /"([^"]+)"/.exec(q)?.[1] ?? '';
      const repo = /repo:(\S+)/.exec(q)?.[1];
      const open = q.includes('is:open');
      const items = issues.filter((i) => (!repo || i.repo === repo) && (!open || i.state === 'open') && i.body.includes(phrase));
      return { status: 200, body: { total_count: items.length, incomplete_results: false, items: items.map((i) => view(base, i)) } };
    }
    const m = /^\/repos\/([^/]+\/[^/]+)\/issues(?:\/(\d+))?(\/comments)?$/.exec(req.path);
    if (!m) return ghError(404, 'Not Found');
    const [, repo, num, comments] = m as unknown as [string, string, string | undefined, string | undefined];
    const issue = num ? issues.find((i) => i.repo === repo && i.number === Number(num)) : undefined;
    if (num && !issue) return ghError(404, 'Not Found');
    if (!num && req.method === 'GET') {
      const state = req.query.get('state') ?? 'open';
      const labels = (req.query.get('labels') ?? '').split(',').filter(Boolean);
      const perPage = Number(req.query.get('per_page') ?? 30);
      const page = Number(req.query.get('page') ?? 1);
      const list = issues
        .filter((i) => i.repo === repo && (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => (req.query.get('direction') === 'asc' ? a.number - b.number : b.number - a.number));
      return { status: 200, body: list.slice((page - 1) * perPage, page * perPage).map((i) => view(base, i)) };
    }
    if (!num && req.method === 'POST') {
      if (!p.title) return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }] } };
      const created: GithubIssue = {
        number: issues.filter((i) => i.repo === repo).length + 1,
        title: String(p.title),
        body: String(p.body ?? ''),
        state: 'open',
        state_reason: null,
        labels: ((p.labels as string[] | undefined) ?? []).map(String),
        comments: [],
        repo,
      };
      issues.push(created);
      return { status: 201, body: view(base, created) };
    }
    if (issue && comments && req.method === 'POST') {
      const c = { id: ++commentId, body: String(p.body ?? '') };
      issue.comments.push(c);
      return { status: 201, body: { id: c.id, body: c.body, html_url: `https://github.com/${repo}/issues/${issue.number}#issuecomment-${c.id}` } };
    }
    if (issue && comments && req.method === 'GET') return { status: 200, body: issue.comments };
    if (issue && req.method === 'GET') return { status: 200, body: view(base, issue) };
    if (issue && req.method === 'PATCH') {
      if (p.state === 'open' || p.state === 'closed') issue.state = p.state;
      if (typeof p.state_reason === 'string') issue.state_reason = p.state_reason;
      if (typeof p.title === 'string') issue.title = p.title;
      if (typeof p.body === 'string') issue.body = p.body;
      return { status: 200, body: view(base, issue) };
    }
    return ghError(404, 'Not Found');
  };

  const fake = await startHttpFake(route);
  return { ...fake, issues };
}
