/**
 * A TCP proxy in front of a real Redis that reads the RESP traffic both ways, so a test can make
 * Redis *apply* a command and the client see an *error* instead of its reply: what a Cluster or
 * Sentinel failover does when the old master ran a script and the answer was lost (the client gets
 * CLUSTERDOWN, READONLY, or a closed connection). Every other command and reply passes unchanged.
 *
 * A connection that subscribes (its replies are no longer one per command) is passed through
 * untouched from then on.
 *
 * @example
 * const proxy = await startRedisProxy(6379);
 * proxy.replaceReply((args) => args[0] === 'evalsha' && args[1] === sha, '-CLUSTERDOWN The cluster is down');
 * // redis://127.0.0.1:${proxy.port}: the next matching command runs in Redis, its client gets the error
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RedisProxy {
  port: number;
  /** commands seen (lower-cased name first), in the order clients sent them */
  commands: string[][];
  /**
   * The next command matching `match` is sent to Redis as usual, but its client is answered
   * `reply` (a RESP line without its CRLF, e.g. `-CLUSTERDOWN ...`) in place of Redis's answer.
   * Resolves with the command once that has happened.
   */
  replaceReply(match: (args: string[]) => boolean, reply: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Reads one RESP command (an array of bulk strings) at `buf[at..]`: its args and end, or undefined when incomplete. */
function readCommand(buf: Buffer, at: number): { args: string[]; end: number } | undefined {
  if (at >= buf.length) return undefined;
  if (buf[at] !== 0x2a /* * */) {
    // an inline command: one line
    const nl = buf.indexOf('\r\n', at);
    if (nl < 0) return undefined;
    return { args: buf.subarray(at, nl).toString().split(' ').filter(Boolean), end: nl + 2 };
  }
  let nl = buf.indexOf('\r\n', at);
  if (nl < 0) return undefined;
  const n = Number(buf.subarray(at + 1, nl).toString());
  let p = nl + 2;
  const args: string[] = [];
  for (let i = 0; i < n; i++) {
    nl = buf.indexOf('\r\n', p);
    if (nl < 0) return undefined;
    const len = Number(buf.subarray(p + 1, nl).toString());
    const start = nl + 2;
    if (start + len + 2 > buf.length) return undefined;
    args.push(buf.subarray(start, start + len).toString());
    p = start + len + 2;
  }
  return { args, end: p };
}

/** The end of one RESP2/RESP3 reply at `buf[at..]`, or -1 when incomplete. Attributes (`|`) are skipped with what follows. */
function replyEnd(buf: Buffer, at: number): number {
  if (at >= buf.length) return -1;
  const nl = buf.indexOf('\r\n', at);
  if (nl < 0) return -1;
  const type = String.fromCharCode(buf[at]!);
  const head = buf.subarray(at + 1, nl).toString();
  let p = nl + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return p;
    case '$':
    case '!':
    case '=': {
      const len = Number(head);
      if (len < 0) return p;
      return p + len + 2 <= buf.length ? p + len + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const n = Number(head);
      if (n < 0) return p;
      const items = type === '%' || type === '|' ? 2 * n : n;
      for (let i = 0; i < items; i++) {
        p = replyEnd(buf, p);
        if (p < 0) return -1;
      }
      return type === '|' ? replyEnd(buf, p) : p;
    }
    default:
      throw new Error(`redis proxy: unknown RESP type ${JSON.stringify(type)}`);
  }
}

export async function startRedisProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<RedisProxy> {
  const rules: { match: (args: string[]) => boolean; reply: string; done: (args: string[]) => void }[] = [];
  const commands: string[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    /** per command sent on this connection: the reply to give instead of Redis's (undefined: Redis's own) */
    const pending: (string | undefined)[] = [];
    let passThrough = false;
    let fromClient: Buffer = Buffer.alloc(0);
    let fromServer: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (passThrough) return;
      fromClient = fromClient.length ? Buffer.concat([fromClient, chunk]) : chunk;
      let at = 0;
      for (let c = readCommand(fromClient, at); c; c = readCommand(fromClient, at)) {
        at = c.end;
        const args = [c.args[0]?.toLowerCase() ?? '', ...c.args.slice(1)];
        commands.push(args);
        if (args[0] === 'subscribe' || args[0] === 'psubscribe' || args[0] === 'ssubscribe' || args[0] === 'monitor') passThrough = true;
        const i = rules.findIndex((r) => r.match(args));
        if (i >= 0) {
          const [rule] = rules.splice(i, 1);
          pending.push(rule!.reply);
          rule!.done(args);
        } else pending.push(undefined);
      }
      fromClient = fromClient.subarray(at);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (passThrough && pending.length === 0) {
        client.write(chunk);
        return;
      }
      fromServer = fromServer.length ? Buffer.concat([fromServer, chunk]) : chunk;
      let at = 0;
      for (let end = replyEnd(fromServer, at); end >= 0; end = replyEnd(fromServer, at)) {
        // a push (RESP3 `>`) answers no command
        const isPush = fromServer[at] === 0x3e;
        const replacement = isPush ? undefined : pending.shift();
        client.write(replacement === undefined ? fromServer.subarray(at, end) : `${replacement}\r\n`);
        at = end;
        if (passThrough && pending.length === 0) {
          if (at < fromServer.length) client.write(fromServer.subarray(at));
          at = fromServer.length;
          break;
        }
      }
      fromServer = fromServer.subarray(at);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    commands,
    replaceReply(match, reply) {
      return new Promise((done) => rules.push({ match, reply, done }));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
