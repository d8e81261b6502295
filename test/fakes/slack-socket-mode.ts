/**
 * Slack's side of Socket Mode, offline: a front HTTP server (the channel's `api_url` host) answers
 * `apps.connections.open` with the URL of a `ws` server playing Slack (it says hello, sends the
 * envelopes the test gives it and records the acks), and hands every other Web API call to the
 * Slack fake. `route` may answer other paths first (e.g. an interaction's `response_url`).
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SlackFake } from '../../src/providers/slack/fake.ts';
import { startHttpFake, type FakeResponse, type FakeServer, type RecordedRequest } from './http-fake.ts';

export interface SocketModeAck {
  envelope_id: string;
  payload: Record<string, unknown>;
}

export interface SocketModeFake {
  /** http://127.0.0.1:PORT: the channel's `api_url` is `${url}/api/` */
  url: string;
  front: FakeServer;
  /** every connection Switchboard opened, the last one current */
  sockets: WebSocket[];
  /** every ack received, in order */
  acks: SocketModeAck[];
  /** sends an envelope on the current connection */
  send(envelope: Record<string, unknown>): void;
  /** answers the next `n` apps.connections.open with HTTP 503 */
  failOpens(n: number): void;
  /** how many apps.connections.open failures are still to come */
  readonly opensToFail: number;
  close(): Promise<void>;
}

/**
 * @example
 * const sm = await startSocketModeFake(slack, APP_TOKEN);
 * // channel: { kind: slack, token, app_token: APP_TOKEN, api_url: `${sm.url}/api/` }
 * sm.send({ envelope_id: 'env-1', type: 'events_api', payload });
 */
export async function startSocketModeFake(
  slack: SlackFake,
  appToken: string,
  route?: (req: RecordedRequest) => FakeResponse | undefined,
): Promise<SocketModeFake> {
  const sockets: WebSocket[] = [];
  const acks: SocketModeAck[] = [];
  let toFail = 0;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (data) => acks.push(JSON.parse(String(data)) as SocketModeAck));
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A123ABC456' } }));
  });
  const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  const front = await startHttpFake(async (req) => {
    if (req.path === '/api/apps.connections.open') {
      if (toFail > 0) {
        toFail -= 1;
        return { status: 503, body: 'unavailable' };
      }
      return req.headers.authorization === `Bearer ${appToken}`
        ? { status: 200, body: { ok: true, url: wsUrl } }
        : { status: 200, body: { ok: false, error: 'invalid_auth' } };
    }
    const own = route?.(req);
    if (own) return own;
    const res = await fetch(`${slack.url}${req.path}`, {
      method: req.method,
      headers: { authorization: String(req.headers.authorization ?? ''), 'content-type': String(req.headers['content-type'] ?? '') },
      body: req.body,
    });
    return { status: res.status, body: await res.json() };
  });
  return {
    url: front.url,
    front,
    sockets,
    acks,
    send: (envelope) => sockets.at(-1)!.send(JSON.stringify(envelope)),
    failOpens: (n) => {
      toFail = n;
    },
    get opensToFail() {
      return toFail;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await front.close();
    },
  };
}
