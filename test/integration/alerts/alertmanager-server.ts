/**
 * A real Prometheus Alertmanager for tests (Debian's `prometheus-alertmanager`, v0.25 in bookworm):
 * started on a free port on 127.0.0.1 with its own `--storage.path` folder and no gossip
 * (`--cluster.listen-address=`), its one receiver a webhook to Switchboard's
 * `/ingress/alertmanager/<channel>` with a bearer token and `send_resolved`, and fast timers
 * (group_wait 1s, group_interval 1s, repeat_interval 2s) so repeats happen within a test.
 * Alerts are pushed through its API v2 (`POST /api/v2/alerts`) as Prometheus would push them;
 * silences are read back from `GET /api/v2/silences`.
 *
 * When the binary is missing, `alertmanagerBinary` is undefined and `alertmanagerSkipReason` says
 * why (CI installs the package: .ci/run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `SB_ALERTMANAGER_BIN` names another binary (only that one is tried); else Debian's path, then the upstream name */
const candidates = process.env.SB_ALERTMANAGER_BIN ? [process.env.SB_ALERTMANAGER_BIN] : ['/usr/bin/prometheus-alertmanager', '/usr/bin/alertmanager'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** the Alertmanager binary, when installed */
export const alertmanagerBinary: string | undefined = candidates.find(executable);
/** why the real-Alertmanager tests are skipped, when they are */
export const alertmanagerSkipReason = `skipped: no Alertmanager binary at ${candidates.join(' or ')} (apt-get install prometheus-alertmanager; .ci/run installs it)`;

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface AlertmanagerOptions {
  /** the webhook receiver's URL (Switchboard's /ingress/alertmanager/<channel>) */
  webhookUrl: string;
  /** sent as `Authorization: Bearer <token>` (http_config.authorization) */
  token: string;
  /** listen here (pick it first with freePort() when Switchboard's config must name it); default a free port */
  port?: number;
  /** seconds; defaults 1, 1, 2 */
  groupWait?: number;
  groupInterval?: number;
  repeatInterval?: number;
}

/** An alert as Prometheus posts it to `/api/v2/alerts` (postableAlert). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** A silence as `/api/v2/silences` lists it (gettableSilence). */
export interface GettableSilence {
  id: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  createdBy: string;
  comment: string;
  status: { state: 'active' | 'pending' | 'expired' };
}

/** An alert as `/api/v2/alerts` lists it (gettableAlert, the fields tests read). */
export interface GettableAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface RealAlertmanager {
  /** http://127.0.0.1:PORT: the API base a Switchboard channel's `api_url` names */
  url: string;
  port: number;
  /** `alertmanager, version 0.25.0 ...` (first line of --version) */
  version: string;
  /** the alertmanager.yml it runs with */
  config: string;
  /** pushes firing alerts (startsAt now unless given) */
  fire(...alerts: PostableAlert[]): Promise<void>;
  /** pushes the same labels with endsAt now: Alertmanager resolves them and, with send_resolved, tells the webhook */
  resolve(...alerts: PostableAlert[]): Promise<void>;
  silences(): Promise<GettableSilence[]>;
  /** the alerts it holds, with whether a silence mutes them */
  alerts(): Promise<GettableAlert[]>;
  /** its log so far (stderr), for failure messages */
  log(): string;
  /** SIGTERM (SIGKILL after 5 s), then removes its folder */
  stop(): Promise<void>;
}

/** The alertmanager.yml for one webhook receiver (kept as YAML text: what an operator would write). */
export function alertmanagerConfig(o: AlertmanagerOptions): string {
  return `route:
  receiver: switchboard
  group_by: [alertname]
  group_wait: ${o.groupWait ?? 1}s
  group_interval: ${o.groupInterval ?? 1}s
  repeat_interval: ${o.repeatInterval ?? 2}s
receivers:
  - name: switchboard
    webhook_configs:
      - url: ${JSON.stringify(o.webhookUrl)}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${JSON.stringify(o.token)}
`;
}

async function ready(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function versionOf(bin: string): Promise<string> {
  const child = spawn(bin, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  await new Promise((r) => child.once('exit', r));
  return out.split('\n')[0]?.trim() ?? '';
}

/**
 * @example
 * const am = await startAlertmanager({ webhookUrl: `${sb.url}/ingress/alertmanager/am-prod`, token: 'am-token' });
 * await am.fire({ labels: { alertname: 'HighLatency', severity: 'critical' } });
 * await am.stop();
 */
export async function startAlertmanager(o: AlertmanagerOptions): Promise<RealAlertmanager> {
  const bin = alertmanagerBinary;
  if (!bin) throw new Error(alertmanagerSkipReason);
  const dir = mkdtempSync(join(tmpdir(), 'sb-alertmanager-'));
  const config = alertmanagerConfig(o);
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, config);
  const port = o.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let stderr = '';
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  for (let i = 0; ; i++) {
    if (await ready(url)) break;
    if (child.exitCode !== null || i >= 200) {
      await stop();
      throw new Error(`Alertmanager on ${port} did not become ready:\n${stderr.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  const post = async (alerts: PostableAlert[]) => {
    const res = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`POST /api/v2/alerts: ${res.status} ${body}`);
  };

  return {
    url,
    port,
    version: await versionOf(bin),
    config,
    fire: (...alerts) => {
      const now = new Date().toISOString();
      return post(alerts.map((a) => ({ startsAt: now, ...a })));
    },
    resolve: (...alerts) => {
      const now = new Date().toISOString();
      return post(alerts.map((a) => ({ startsAt: new Date(Date.now() - 60_000).toISOString(), ...a, endsAt: now })));
    },
    async silences() {
      const res = await fetch(`${url}/api/v2/silences`);
      if (!res.ok) throw new Error(`GET /api/v2/silences: ${res.status} ${await res.text()}`);
      return (await res.json()) as GettableSilence[];
    },
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`);
      if (!res.ok) throw new Error(`GET /api/v2/alerts: ${res.status} ${await res.text()}`);
      return (await res.json()) as GettableAlert[];
    },
    log: () => stderr,
    stop,
  };
}
