/**
 * Redis's MONITOR on a plain socket: every command Redis runs, as `{source, args}` (`source`: the
 * client's `ip:port`, or `lua` for a command a script ran). ioredis's own `monitor()` was seen to
 * fail ("Command queue state error") when a monitored line arrived before its own ready check's
 * reply; a socket that only sends MONITOR has no such race.
 */
import { connect, type Socket } from 'node:net';

export interface MonitoredCommand {
  /** `ip:port` of the client, or `lua` */
  source: string;
  /** the command name first, as sent */
  args: string[];
}

export interface RedisMonitor {
  /** every command seen since the monitor started, in order */
  readonly commands: MonitoredCommand[];
  /** called for each command as it is seen */
  on(listener: (c: MonitoredCommand) => void): void;
  close(): void;
}

const unescape = (s: string) =>
  s.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e: string) =>
    e[0] === 'x' ? String.fromCharCode(Number.parseInt(e.slice(1), 16)) : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e,
  );

/** Parses one MONITOR line: `+1700000000.123456 [0 127.0.0.1:52000] "set" "k" "v"`. */
export function parseMonitorLine(line: string): MonitoredCommand | undefined {
  const m = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
  if (!m) return undefined;
  const args = [...m[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => unescape(a[1]!));
  return { source: m[1]!, args };
}

/** Starts monitoring the Redis at `url` (`redis://host:port`); resolves once Redis has answered OK. */
export async function startRedisMonitor(url: string): Promise<RedisMonitor> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port || 6379), hostname || '127.0.0.1');
  socket.setEncoding('utf8');
  const commands: MonitoredCommand[] = [];
  const listeners: ((c: MonitoredCommand) => void)[] = [];
  let rest = '';
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => socket.write('MONITOR\r\n'));
    socket.on('data', (chunk: string) => {
      rest += chunk;
      let nl: number;
      while ((nl = rest.indexOf('\r\n')) >= 0) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 2);
        if (line === '+OK') {
          resolve();
          continue;
        }
        const c = parseMonitorLine(line);
        if (!c) continue;
        commands.push(c);
        for (const l of listeners) l(c);
      }
    });
  });
  socket.on('error', () => undefined);
  return {
    commands,
    on: (l) => void listeners.push(l),
    close: () => void socket.destroy(),
  };
}
