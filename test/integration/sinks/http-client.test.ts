/**
 * The sinks' HTTP client (src/sinks/http.ts) against real local servers: connections kept and
 * reused, a reused connection the server dropped retried once, redirects refused, failures
 * classified, deadlines enforced.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDeadline } from '../../../src/sinks/failure.ts';
import { sinkFetch, sinkFetchJson } from '../../../src/sinks/http.ts';
import { SinkError } from '../../../src/sinks/sink.ts';

interface Seen {
  connection: number;
  method: string;
  path: string;
  body: string;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server answering with `handle`; records each request with the number of the connection it came on. */
async function serve(
  handle: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void,
): Promise<{ url: string; seen: Seen[]; connections: () => number }> {
  const seen: Seen[] = [];
  const ids = new WeakMap<Socket, number>();
  let connections = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { connection: ids.get(req.socket)!, method: req.method!, path: req.url!, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      handle(req, res, s);
    });
  });
  server.on('connection', (socket: Socket) => ids.set(socket, ++connections));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, seen, connections: () => connections };
}

const ctx = (timeoutMs = 5_000, caller = new AbortController().signal) => ({
  what: 'test',
  deadline: startDeadline(caller, timeoutMs),
  secrets: ['s3cr3t-token'],
});

async function failure(p: Promise<unknown>): Promise<SinkError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SinkError);
  return err as SinkError;
}

describe('sinkFetch', () => {
  it('keeps one connection for sequential requests whose bodies are discarded, read or already whole', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    for (let i = 0; i < 30; i++) {
      const res = await sinkFetch(`${s.url}/a`, { method: 'POST', body: `{"n":${i}}` }, ctx());
      if (i % 3 === 0) res.discard();
      else if (i % 3 === 1) expect(await res.text()).toBe('{"ok":true}');
      else {
        // the whole body has arrived before it is discarded: the connection must still be freed
        await new Promise((r) => setTimeout(r, 5));
        res.discard();
      }
    }
    expect(s.seen).toHaveLength(30);
    expect(s.seen.map((x) => x.body)).toEqual(Array.from({ length: 30 }, (_, i) => `{"n":${i}}`));
    // a connection goes back to the pool a tick after its body ends: a request sent in the same tick
    // may open a second one, never more (without the body read to its end, it would be one per request)
    expect(s.connections()).toBeLessThanOrEqual(2);
  });

  it('opens no more connections than requests in flight', async () => {
    const s = await serve((_req, res) => setTimeout(() => res.end('ok'), 5));
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 10 }, async () => (await sinkFetch(s.url, { method: 'POST', body: 'x' }, ctx())).discard()));
      await new Promise((r) => setImmediate(r));
    }
    expect(s.seen).toHaveLength(50);
    // ten in flight, plus at most one opened while another was on its way back to the pool
    expect(s.connections()).toBeLessThanOrEqual(11);
  });

  it('keeps the connection after a chunked answer, and closes one whose discarded body never ends', async () => {
    let endlessClosed = false;
    const s = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }); // no length: chunked
      // a short body still arriving when it is discarded
      if (req.url !== '/endless') return void res.write('do', () => setTimeout(() => res.end('ne'), 20));
      req.socket.on('close', () => (endlessClosed = true));
      const more = () => {
        if (!res.destroyed && !req.socket.destroyed) res.write('x'.repeat(16 * 1024), () => setTimeout(more, 1));
      };
      more();
    });
    for (let i = 0; i < 5; i++) {
      (await sinkFetch(`${s.url}/chunked`, { method: 'POST', body: 'x' }, ctx())).discard();
      // the rest of the body arrives 20 ms later; read and dropped, it frees the connection
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(s.connections()).toBe(1);
    (await sinkFetch(`${s.url}/endless`, {}, ctx())).discard();
    // past 64 KB of a body nobody reads, its connection is closed rather than read for ever
    await expect.poll(() => endlessClosed).toBe(true);
  });

  it('survives the server breaking a body being discarded', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial', () => res.socket?.destroy());
    });
    const res = await sinkFetch(s.url, { method: 'POST', body: 'x' }, ctx());
    res.discard();
    // no unhandled 'error' event (it would fail the run); the next send opens a new connection
    await new Promise((r) => setTimeout(r, 50));
    (await sinkFetch(s.url, { method: 'POST', body: 'y' }, ctx())).discard();
    expect(s.seen).toHaveLength(2);
  });

  it('sends the request again on a new connection when the reused one was dropped unanswered', async () => {
    const s = await serve((req, res, seen) => {
      // the second request on the first connection: dropped as a server closing an idle connection would
      if (seen.connection === 1 && s.seen.filter((x) => x.connection === 1).length === 2) req.socket.destroy();
      else res.end('ok');
    });
    (await sinkFetch(s.url, { method: 'POST', body: 'first' }, ctx())).discard();
    // the first connection is back in the pool a tick after its body ended
    await new Promise((r) => setImmediate(r));
    const res = await sinkFetch(s.url, { method: 'POST', body: 'second' }, ctx());
    expect(res.status).toBe(200);
    res.discard();
    expect(s.seen.map((x) => [x.connection, x.body])).toEqual([
      [1, 'first'],
      [1, 'second'],
      [2, 'second'],
    ]);
  });

  it('does not resend on a fresh connection that breaks', async () => {
    const s = await serve((req) => req.socket.destroy());
    const err = await failure(sinkFetch(s.url, { method: 'POST', body: 'once' }, ctx()));
    expect(err.reason).toBe('network');
    expect(err.retryable).toBe(true);
    expect(s.seen).toHaveLength(1);
  });

  it('refuses to follow a redirect, naming where it pointed', async () => {
    const s = await serve((_req, res) => res.writeHead(302, { location: 'https://elsewhere.example/hook' }).end());
    const err = await failure(sinkFetch(`${s.url}/old`, { method: 'POST', body: 'x' }, ctx()));
    expect(err.message).toBe('test: HTTP 302: redirects are not followed (Location: https://elsewhere.example/hook); configure the final URL');
    expect(err.reason).toBe('client_error');
    expect(err.retryable).toBe(false);
    expect(s.seen).toHaveLength(1);
  });

  it('classifies failures by status, with the body (redacted) and Retry-After', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/busy') res.writeHead(429, { 'retry-after': '7' }).end('slow down');
      else if (req.url === '/down') res.writeHead(503).end('upstream s3cr3t-token failed');
      else res.writeHead(403).end('no');
    });
    const busy = await failure(sinkFetch(`${s.url}/busy`, {}, ctx()));
    expect([busy.reason, busy.retryable, busy.retryAfterMs, busy.message]).toEqual(['rate_limited', true, 7000, 'test: HTTP 429 slow down']);
    const down = await failure(sinkFetch(`${s.url}/down`, {}, ctx()));
    expect([down.reason, down.retryable, down.message]).toEqual(['server_error', true, 'test: HTTP 503 upstream [redacted] failed']);
    const denied = await failure(sinkFetch(`${s.url}/denied`, {}, ctx()));
    expect([denied.reason, denied.retryable]).toEqual(['auth_error', false]);
    // the error bodies were read: the connection was kept for all three
    expect(s.connections()).toBe(1);
  });

  it('times out a server that never answers, and closes its connection', async () => {
    let closed = false;
    const s = await serve((req) => req.socket.on('close', () => (closed = true)));
    const c = ctx(200);
    const err = await failure(sinkFetch(s.url, { method: 'POST', body: 'x' }, c));
    c.deadline.done();
    expect(err.message).toBe('test: timed out after 200 ms');
    expect([err.reason, err.retryable]).toEqual(['timeout', true]);
    await expect.poll(() => closed).toBe(true);
  });

  it('stops when the caller aborts while the body is arriving', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const caller = new AbortController();
    const c = ctx(5_000, caller.signal);
    const res = await sinkFetch(s.url, {}, c);
    const text = res.text();
    caller.abort();
    const err = await failure(text);
    expect(err.message).toBe('test: aborted');
    c.deadline.done();
  });

  it('reads JSON answers, and refuses URLs it cannot send to', async () => {
    const s = await serve((req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ got: req.method })));
    expect(await sinkFetchJson<{ got: string }>(`${s.url}/issues`, { method: 'PUT', body: '{}' }, ctx())).toEqual({ got: 'PUT' });
    const ftp = await failure(sinkFetch('ftp://files.example/x', {}, ctx()));
    expect([ftp.reason, ftp.retryable, ftp.message]).toEqual(['client_error', false, 'test: ftp: URLs are not supported (http: or https:)']);
    const bad = await failure(sinkFetch('not a url s3cr3t-token', {}, ctx()));
    expect(bad.message).toBe('test: not a URL: not a url [redacted]');
  });
});
