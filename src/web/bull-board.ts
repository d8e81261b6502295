/**
 * Bull Board (`@bull-board/api` + `@bull-board/hono`) at `/admin/queues`, read-only, over the
 * `executions`, `deliveries` and `replies` queues. Its UI assets are served from the @bull-board/ui package
 * by @hono/node-server's serveStatic. Job data passes a formatter that hides the action
 * parameters marked `secret` and every config secret. Built on the first request, so a gateway
 * nobody looks at opens no extra connection and never loads Bull Board's modules (about 5 MB).
 *
 * It shows every job of everyone, so it needs the permission `queues` (src/auth/permissions.ts);
 * a signed-in user without it gets 403 and the board is not even built.
 */
import { BULL_BOARD_CSP } from './headers.ts';
import { Hono, type Handler } from 'hono';
import { resolveUser } from '../auth/authorize.ts';
import { actorOf, allows } from '../auth/permissions.ts';
import type { Config } from '../config/types.ts';
import { redactDeep, redactText } from '../log.ts';
import type { QueueHandles } from './queues.ts';

export const BULL_BOARD_PATH = '/admin/queues';

/** Job data as Bull Board shows it: secret action parameters masked, config secrets redacted. */
export function jobDataFormatter(config: Pick<Config, 'actions' | 'secrets'>): (data: unknown) => unknown {
  return (data) => {
    const exec = (data as { execution?: { action?: unknown; params?: Record<string, unknown> } } | null)?.execution;
    let out = data;
    if (exec && typeof exec.action === 'string' && exec.params && typeof exec.params === 'object') {
      const spec = config.actions.get(exec.action)?.parameters ?? {};
      const params = Object.fromEntries(Object.entries(exec.params).map(([k, v]) => [k, spec[k]?.secret === true ? '[redacted]' : v]));
      out = { ...(data as object), execution: { ...exec, params } };
    }
    return redactDeep(out, config.secrets);
  };
}

/** A JSON answer with every config secret (in any escaped form) redacted from its strings. */
export async function redactedJson(res: Response, secrets: readonly string[]): Promise<Response> {
  const text = await res.text();
  let body: string;
  try {
    body = JSON.stringify(redactDeep(JSON.parse(text), secrets));
  } catch {
    body = redactText(text, secrets);
  }
  const out = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  out.headers.delete('content-length');
  return out;
}

/** A handler serving Bull Board under {@link BULL_BOARD_PATH}; `queues()` is called on the first request. */
export function bullBoardHandler(config: Config, queues: () => QueueHandles): Handler {
  let board: Promise<Hono> | undefined;
  const build = async () => {
    const [{ createBullBoard }, { BullMQAdapter }, { HonoAdapter }, { serveStatic }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/hono'),
      import('@hono/node-server/serve-static'),
    ]);
    const { executions, deliveries, replies } = queues();
    const format = jobDataFormatter(config);
    const adapters = [executions, deliveries, replies].map((q) => {
      const a = new BullMQAdapter(q, { readOnlyMode: true, displayName: q.name });
      a.setFormatter('data', format);
      a.setFormatter('returnValue', format);
      return a;
    });
    const serverAdapter = new HonoAdapter(serveStatic);
    serverAdapter.setBasePath(BULL_BOARD_PATH);
    createBullBoard({ queues: adapters, serverAdapter, options: { uiConfig: { boardTitle: 'Switchboard queues' } } });
    return new Hono().route(BULL_BOARD_PATH, serverAdapter.registerPlugin());
  };
  return async (c) => {
    // behind requireLogin: the session is set
    const session = c.get('session' as never) as { user: string } | undefined;
    if (!allows('dashboard', 'queues', actorOf(config, resolveUser(config, session?.user)))) {
      return c.json({ error: { code: 'forbidden', message: 'Bull Board needs the permission queues (switchboard.yaml roles)' } }, 403);
    }
    if (!board) {
      board = build();
      board.catch(() => (board = undefined));
    }
    const res = await (await board).fetch(c.req.raw, c.env);
    // its API answers carry job fields no formatter reaches (failedReason, stacktrace, opts, logs):
    // every JSON answer passes the redaction the log lines pass
    if ((res.headers.get('content-type') ?? '').includes('json')) return redactedJson(res, config.secrets);
    if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) return res;
    // its page asks for Google Fonts: the policy keeps every request on this host
    const page = new Response(res.body, res);
    page.headers.set('content-security-policy', BULL_BOARD_CSP);
    page.headers.set('x-frame-options', 'DENY');
    return page;
  };
}
