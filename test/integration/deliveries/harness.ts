/**
 * One delivery test world per test: the fixture config (test/fixtures/deliveries) on a fresh Redis
 * prefix, every provider a real fake server, the delivery service, and on demand an execution
 * worker and a delivery worker. Log lines are captured (not redacted) so tests can scan them.
 */
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { compileAliases } from '../../../src/aliases/index.ts';
import { createApp } from '../../../src/app.ts';
import { toAliasSpecs } from '../../../src/config/index.ts';
import { loadConfigOrThrow } from '../../../src/config/load.ts';
import type { Config } from '../../../src/config/types.ts';
import { runCommand, type CommandOutcome } from '../../../src/commands/run-command.ts';
import { createDeliveryService } from '../../../src/deliveries/service.ts';
import type { DeliveryService } from '../../../src/deliveries/types.ts';
import { startDeliveryWorker, type DeliveryWorker } from '../../../src/deliveries/worker.ts';
import { createExecutionService } from '../../../src/executions/service.ts';
import type { ExecutionRecord, ExecutionService } from '../../../src/executions/types.ts';
import { startExecutionWorker, type ExecutionWorker } from '../../../src/executions/worker.ts';
import { createLogger, type Logger } from '../../../src/log.ts';
import { startGithubFake, type GithubFake } from '../../../src/providers/github/fake.ts';
import { startHttpFake, type FakeResponse, type FakeServer } from '../../fakes/http-fake.ts';
import { startSlackFake, type SlackFake } from '../../../src/providers/slack/fake.ts';
import { startSmtpCapture, type SmtpCapture } from '../../../src/providers/email/fake.ts';
import { startTwilioFake, type TwilioFake } from '../../../src/providers/sms/fake.ts';
import { cleanupPrefix, uniquePrefix, waitFor } from '../executions/helpers.ts';

export const FIXTURE = fileURLToPath(new URL('../../fixtures/deliveries/', import.meta.url));
export const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const SECRETS = {
  SLACK_TOKEN: 'xoxb-SECRET-slack-0123456789abcdef',
  GITHUB_TOKEN: 'ghp_SECRETgithub0123456789abcdef',
  TWILIO_TOKEN: 'twilioSECRETauth0123456789abcdef',
  HOOK_SECRET: 'hookSECRETsigning0123456789abcdef',
  SMTP_PASS: 'smtpSECRETpassword0123456789',
  SB_CI_KEY: 'sb-ci-SECRET-key-0123456789abcdef',
};
/** every secret value as it may travel (Twilio's Basic auth header too) */
export const ALL_SECRETS = [...Object.values(SECRETS), Buffer.from(`${ACCOUNT_SID}:${SECRETS.TWILIO_TOKEN}`).toString('base64')];

/** A webhook receiver that records arrival times and answers from a script, then 200. */
export interface HookFake extends FakeServer {
  times: number[];
  plan: FakeResponse[];
  /** requests answered 2xx */
  delivered(): number;
}

async function startHook(): Promise<HookFake> {
  const times: number[] = [];
  const plan: FakeResponse[] = [];
  const fake = await startHttpFake(() => {
    times.push(Date.now());
    return plan.shift() ?? { status: 200, body: { received: true } };
  });
  return { ...fake, times, plan, delivered: () => fake.requests.filter((r) => r.answeredWith !== undefined && r.answeredWith < 300).length };
}

export interface World {
  prefix: string;
  env: Record<string, string>;
  config: Config;
  logger: Logger;
  logs: string[];
  slack: SlackFake;
  github: GithubFake;
  twilio: TwilioFake;
  hook: HookFake;
  smtp: SmtpCapture;
  deliveries: DeliveryService;
  executions: ExecutionService;
  app: ReturnType<typeof createApp>;
  command(text: string, idem?: string): Promise<CommandOutcome>;
  startExecutionWorker(): Promise<ExecutionWorker>;
  startDeliveryWorker(): Promise<DeliveryWorker>;
  getExecution(id: string): Promise<{ status: number; body: Record<string, unknown> }>;
  waitForExecution(id: string, ok: (rec: ExecutionRecord) => boolean, what: string): Promise<ExecutionRecord>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const prefix = uniquePrefix();
  const [slack, github, hook, smtp] = await Promise.all([
    startSlackFake({ token: SECRETS.SLACK_TOKEN, channels: ['#incidents', '#ops'] }),
    startGithubFake({ token: SECRETS.GITHUB_TOKEN }),
    startHook(),
    startSmtpCapture({ user: 'sb', pass: SECRETS.SMTP_PASS }),
  ]);
  const twilio = await startTwilioFake({ accountSid: ACCOUNT_SID, authToken: SECRETS.TWILIO_TOKEN });
  const env = {
    ...SECRETS,
    SB_PREFIX: prefix,
    SLACK_URL: slack.apiUrl,
    GITHUB_URL: github.url,
    TWILIO_SID: ACCOUNT_SID,
    TWILIO_URL: twilio.url,
    HOOK_URL: `${hook.url}/hook`,
    SMTP_PORT: String(smtp.port),
    PATH: process.env.PATH ?? '',
  };
  const config = await loadConfigOrThrow(FIXTURE, { env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  // no `secrets`: the logger does not redact, so a secret reaching a log call would show
  const logger = createLogger({ level: 'debug', destination: sink });
  const deliveries = createDeliveryService({ config, logger });
  const executions = createExecutionService({ config, logger });
  const { matcher } = compileAliases(toAliasSpecs(config));
  const app = createApp({ config, matcher, executions, deliveries, logger });
  const stops: (() => Promise<void>)[] = [];

  const world: World = {
    prefix,
    env,
    config,
    logger,
    logs,
    slack,
    github,
    twilio,
    hook,
    smtp,
    deliveries,
    executions,
    app,
    command: (text, idem) =>
      runCommand(
        { config, matcher, executions, deliveries, logger },
        {
          text,
          source: 'sms',
          user: 'alice',
          origin: { source: 'sms', sender: '+15551230001' },
          ...(idem !== undefined && { idempotencyKey: idem }),
        },
      ),
    async startExecutionWorker() {
      const w = await startExecutionWorker({ config, logger, env: { PATH: env.PATH }, hooks: { onTerminal: (e) => deliveries.notifyExecution(e) } });
      stops.push(() => w.close(1));
      return w;
    },
    async startDeliveryWorker() {
      const w = await startDeliveryWorker({ config, logger, sendTimeoutMs: 5000, shutdownGraceSeconds: 1 });
      stops.push(() => w.close());
      return w;
    },
    async getExecution(id) {
      const res = await app.request(`/api/v1/executions/${id}`, { headers: { authorization: `Bearer ${SECRETS.SB_CI_KEY}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    waitForExecution(id, ok, what) {
      return waitFor(
        async () => {
          const rec = await executions.get(id);
          return rec && ok(rec) ? rec : undefined;
        },
        what,
        20_000,
      );
    },
    async close() {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await deliveries.close();
      await executions.close();
      await Promise.all([slack.close(), github.close(), hook.close(), smtp.close(), twilio.close()]);
      await cleanupPrefix(prefix);
    },
  };
  return world;
}

/** A failed execution record as the worker would hand it to `onTerminal` (no Redis record). */
export function failedExecution(id: string, over: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const now = new Date().toISOString();
  return {
    id,
    status: 'failed',
    action: 'ops.run',
    alias: 'run',
    params: { code: 3 },
    user: 'alice',
    origin: { source: 'sms', sender: '+15551230001' },
    created_at: now,
    started_at: now,
    finished_at: now,
    error: 'exit code 3',
    attempts: 1,
    deliveries: [],
    ...over,
  };
}

export { waitFor };
