/**
 * A real HTTP server on 127.0.0.1:0 that records every request and answers through a route
 * function, with scripted answers taking precedence: `failNext(n, response)` answers the next `n`
 * requests with `response` (429 + Retry-After, 5xx, a provider's error body, or `hang`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** path without the query */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** raw body text */
  body: string;
  /** the body parsed: JSON object, or form fields, or undefined */
  parsed: Record<string, unknown> | undefined;
  /** the status the fake answered with (unset while hanging) */
  answeredWith?: number;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** objects are sent as JSON, strings as they are */
  body?: unknown;
  /** never answer (until the server closes): for abort and timeout tests */
  hang?: boolean;
}

export type Route = (req: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeServer {
  /** http://127.0.0.1:PORT */
  url: string;
  requests: RecordedRequest[];
  /** answers the next `n` requests with `response` instead of the route */
  failNext(n: number, response: FakeResponse): void;
  /** resolves once `count` requests in all have arrived */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

function parse(body: string, type: string | undefined): Record<string, unknown> | undefined {
  if (!body) return undefined;
  if (type?.includes('json')) {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  if (type?.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  return undefined;
}

/** @example const fake = await startHttpFake(() => ({ status: 200, body: { ok: true } })); */
export async function startHttpFake(route: Route): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const scripted: FakeResponse[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const hanging = new Set<ServerResponse>();

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', 'http://fake');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body,
      parsed: parse(body, req.headers['content-type']),
    };
    requests.push(rec);
    for (const w of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    let answer: FakeResponse;
    try {
      answer = scripted.shift() ?? (await route(rec));
    } catch (err) {
      answer = { status: 500, body: { error: String(err) } };
    }
    if (answer.hang) {
      hanging.add(res);
      return;
    }
    rec.answeredWith = answer.status;
    const isText = typeof answer.body === 'string';
    res.writeHead(answer.status, {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...answer.headers,
    });
    res.end(answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(n, response) {
      for (let i = 0; i < n; i++) scripted.push(response);
    },
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
