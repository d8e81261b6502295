/**
 * One harness per provider sink: the sink wired to its fake, plus the fake's levers the shared
 * contract suite (contract.test.ts) pulls. Error bodies echo the channel's secrets on purpose, so
 * the "no secret in errors" check has something to catch.
 */
import { emailSink } from '../../../src/providers/email/sink.ts';
import { githubSink } from '../../../src/providers/github/sink.ts';
import { gitlabSink } from '../../../src/providers/gitlab/sink.ts';
import { jiraSink } from '../../../src/providers/jira/sink.ts';
import type { OutboundMessage, Sink } from '../../../src/sinks/sink.ts';
import { slackSink } from '../../../src/providers/slack/sink.ts';
import { smsSink } from '../../../src/providers/sms/sink.ts';
import { webhookSink } from '../../../src/providers/webhook/sink.ts';
import { startGithubFake } from '../../../src/providers/github/fake.ts';
import { startGitlabFake } from '../../../src/providers/gitlab/fake.ts';
import type { FakeServer } from '../../fakes/http-fake.ts';
import { jiraError, startJiraFake } from '../../../src/providers/jira/fake.ts';
import { startSlackFake } from '../../../src/providers/slack/fake.ts';
import { startSmtpCapture } from '../../../src/providers/email/fake.ts';
import { startTwilioFake, twilioError } from '../../../src/providers/sms/fake.ts';
import { startWebhookReceiver } from '../../../src/providers/webhook/fake.ts';
import { sampleMessage, testDeps } from './helpers.ts';
import { discordSink } from '../../../src/providers/discord/sink.ts';
import { startDiscordFake } from '../../../src/providers/discord/fake.ts';
import { teamsSink } from '../../../src/providers/teams/sink.ts';
import { startTeamsFake } from '../../../src/providers/teams/fake.ts';
import { mattermostSink } from '../../../src/providers/mattermost/sink.ts';
import { mattermostError, startMattermostFake } from '../../fakes/mattermost-api.ts';
import { telegramSink } from '../../../src/providers/telegram/sink.ts';
import { startTelegramFake, telegramError } from '../../../src/providers/telegram/fake.ts';

export type ContractCase = 'delivers' | 'rate-limited' | 'retry-after-date' | 'server-error' | 'permanent' | 'abort' | 'timeout';

export interface ContractHarness {
  sink: Sink;
  /** a message this sink can deliver; fresh delivery id each call */
  message(): OutboundMessage;
  secrets: string[];
  /** what the fake recorded as delivered (messages, mails, issues + comments...) */
  delivered(): number;
  /** requests (or SMTP recipients) the provider saw */
  attempts(): number;
  waitForAttempts(n: number): Promise<void>;
  /** next call answers 429 with this Retry-After header value */
  rateLimitNext(retryAfter: string): void;
  serverErrorNext(): void;
  permanentErrorNext(): void;
  hangNext(): void;
  close(): Promise<void>;
}

export interface ContractSubject {
  kind: string;
  start(opts: { timeoutMs?: number }): Promise<ContractHarness>;
  /** cases this kind cannot run, each with the reason */
  skip?: Partial<Record<ContractCase, string>>;
}

const http = (fake: FakeServer) => ({
  attempts: () => fake.requests.length,
  waitForAttempts: (n: number) => fake.waitForRequests(n),
  hangNext: () => fake.failNext(1, { status: 200, hang: true }),
  close: () => fake.close(),
});

const TOKEN = 'tok-SECRET-0123456789abcdef';

export const slackSubject: ContractSubject = {
  kind: 'slack',
  async start({ timeoutMs }) {
    const fake = await startSlackFake({ token: `xoxb-${TOKEN}` });
    const sink = slackSink.create(
      slackSink.settings.parse({ name: 'slack-test', kind: 'slack', token: `xoxb-${TOKEN}`, api_url: fake.apiUrl, default_target: '#ops' }),
      testDeps({ timeoutMs }),
    );
    return {
      ...http(fake),
      sink,
      message: () => sampleMessage(),
      secrets: [`xoxb-${TOKEN}`],
      delivered: () => fake.messages.length,
      rateLimitNext: (ra) => fake.failNext(1, { status: 429, headers: { 'retry-after': ra }, body: { ok: false, error: 'ratelimited' } }),
      serverErrorNext: () => fake.failNext(1, { status: 503, body: `upstream failed for Bearer xoxb-${TOKEN}` }),
      permanentErrorNext: () => fake.platformErrorNext('channel_not_found'),
    };
  },
};

export const smsSubject: ContractSubject = {
  kind: 'sms',
  async start({ timeoutMs }) {
    const accountSid = `AC${'0'.repeat(32)}`;
    const fake = await startTwilioFake({ accountSid, authToken: TOKEN });
    const sink = smsSink.create(
      smsSink.settings.parse({ name: 'sms-test', kind: 'sms', account_sid: accountSid, auth_token: TOKEN, from: '+15550001111', api_url: fake.url }),
      testDeps({ timeoutMs }),
    );
    return {
      ...http(fake),
      sink,
      message: () => sampleMessage({ target: '+15551230001' }),
      secrets: [TOKEN, Buffer.from(`${accountSid}:${TOKEN}`).toString('base64')],
      delivered: () => fake.messages.length,
      rateLimitNext: (ra) => fake.failNext(1, twilioError(20429, 429, 'Too Many Requests', { 'retry-after': ra })),
      serverErrorNext: () => fake.failNext(1, twilioError(20500, 500, `Internal error (auth ${TOKEN})`)),
      permanentErrorNext: () => fake.failNext(1, twilioError(21211, 400, `The 'To' number is not a valid phone number (token ${TOKEN})`)),
    };
  },
};

export const emailSubject: ContractSubject = {
  kind: 'email',
  skip: {
    'rate-limited': 'SMTP has no 429 nor Retry-After; its transient 4xx replies are the server-error case',
    'retry-after-date': 'SMTP has no Retry-After',
  },
  async start({ timeoutMs }) {
    const smtp = await startSmtpCapture({ user: 'sb', pass: TOKEN });
    const sink = emailSink.create(
      emailSink.settings.parse({
        name: 'email-test',
        kind: 'email',
        from: 'switchboard@sb.test',
        smtp: { host: smtp.host, port: smtp.port, ignore_tls: true, auth: { user: 'sb', pass: TOKEN } },
      }),
      testDeps({ timeoutMs }),
    );
    return {
      sink,
      message: () => sampleMessage({ target: 'oncall@example.com' }),
      secrets: [TOKEN],
      delivered: () => smtp.mails.length,
      attempts: () => smtp.attempts,
      waitForAttempts: (n) => smtp.waitForAttempts(n),
      rateLimitNext: () => {},
      serverErrorNext: () => smtp.rejectNext(1, 451, `4.3.0 Temporary failure, try again (pass ${TOKEN})`),
      permanentErrorNext: () => smtp.rejectNext(1, 550, `5.1.1 No such user here (pass ${TOKEN})`),
      hangNext: () => smtp.hangNext(),
      close: async () => {
        await sink.close?.();
        await smtp.close();
      },
    };
  },
};

export const githubSubject: ContractSubject = {
  kind: 'github',
  async start({ timeoutMs }) {
    const fake = await startGithubFake({ token: `ghp_${TOKEN}` });
    const sink = githubSink.create(
      githubSink.settings.parse({ name: 'gh-test', kind: 'github', token: `ghp_${TOKEN}`, repo: 'acme/ops', api_url: fake.url }),
      testDeps({ timeoutMs }),
    );
    return {
      ...http(fake),
      sink,
      message: () => sampleMessage(),
      secrets: [`ghp_${TOKEN}`],
      delivered: () => fake.issues.length + fake.issues.reduce((a, i) => a + i.comments.length, 0),
      rateLimitNext: (ra) => fake.failNext(1, { status: 403, headers: { 'retry-after': ra }, body: { message: 'You have exceeded a secondary rate limit' } }),
      serverErrorNext: () => fake.failNext(1, { status: 502, body: { message: `Server Error for token ghp_${TOKEN}` } }),
      permanentErrorNext: () => fake.failNext(1, { status: 401, body: { message: `Bad credentials: ghp_${TOKEN}` } }),
    };
  },
};

export const gitlabSubject: ContractSubject = {
  kind: 'gitlab',
  async start({ timeoutMs }) {
    const fake = await startGitlabFake({ token: `glpat-${TOKEN}` });
    const sink = gitlabSink.create(
      gitlabSink.settings.parse({ name: 'gl-test', kind: 'gitlab', token: `glpat-${TOKEN}`, project: 'acme/ops', api_url: fake.apiUrl }),
      testDeps({ timeoutMs }),
    );
    return {
      ...http(fake),
      sink,
      message: () => sampleMessage(),
      secrets: [`glpat-${TOKEN}`],
      delivered: () => fake.issues.length + fake.issues.reduce((a, i) => a + i.notes.length, 0),
      rateLimitNext: (ra) => fake.failNext(1, { status: 429, headers: { 'retry-after': ra }, body: { message: 'Retry later' } }),
      serverErrorNext: () => fake.failNext(1, { status: 500, body: { message: `500 Internal Server Error glpat-${TOKEN}` } }),
      permanentErrorNext: () => fake.failNext(1, { status: 403, body: { message: `403 Forbidden for glpat-${TOKEN}` } }),
    };
  },
};

export const jiraSubject: ContractSubject = {
  kind: 'jira',
  async start({ timeoutMs }) {
    const fake = await startJiraFake({ email: 'bot@acme.test', token: TOKEN });
    const sink = jiraSink.create(
      jiraSink.settings.parse({ name: 'jira-test', kind: 'jira', token: TOKEN, email: 'bot@acme.test', project: 'OPS', api_url: fake.url }),
      testDeps({ timeoutMs }),
    );
    return {
      ...http(fake),
      sink,
      message: () => sampleMessage(),
      secrets: [TOKEN, Buffer.from(`bot@acme.test:${TOKEN}`).toString('base64')],
      delivered: () => fake.issues.length + fake.issues.reduce((a, i) => a + i.comments.length, 0),
      rateLimitNext: (ra) => fake.failNext(1, { status: 429, headers: { 'retry-after': ra }, body: jiraError(429, 'Rate limit exceeded').body }),
      serverErrorNext: () => fake.failNext(1, jiraError(503, `Service unavailable (${TOKEN})`)),
      permanentErrorNext: () => fake.failNext(1, jiraError(400, `Field 'project' is invalid for ${TOKEN}`)),
    };
  },
};

export const webhookSubject: ContractSubject = {
  kind: 'webhook',
  async start({ timeoutMs }) {
    const fake = await startWebhookReceiver();
    const sink = webhookSink.create(
      webhookSink.settings.parse({
        name: 'hook-test',
        kind: 'webhook',
        url: `${fake.url}/hook`,
        secret: TOKEN,
        headers: { Authorization: `Bearer hdr-${TOKEN}` },
      }),
      testDeps({ timeoutMs }),
    );
    return {
      ...http(fake),
      sink,
      message: () => sampleMessage(),
      secrets: [TOKEN, `Bearer hdr-${TOKEN}`],
      delivered: () => fake.requests.filter((r) => r.answeredWith === 200).length,
      rateLimitNext: (ra) => fake.failNext(1, { status: 429, headers: { 'retry-after': ra }, body: 'slow down' }),
      serverErrorNext: () => fake.failNext(1, { status: 500, body: `crashed; Authorization was Bearer hdr-${TOKEN}` }),
      permanentErrorNext: () => fake.failNext(1, { status: 422, body: `bad payload, signature key ${TOKEN}` }),
    };
  },
};

export const mattermostSubject: ContractSubject = {
  kind: 'mattermost',
  async start({ timeoutMs }) {
    const fake = await startMattermostFake({ token: `mm-${TOKEN}` });
    const sink = mattermostSink.create(
      mattermostSink.settings.parse({
        name: 'mm-test',
        kind: 'mattermost',
        api_url: fake.url,
        token: `mm-${TOKEN}`,
        command_token: `cmd-${TOKEN}`,
        default_target: 'a'.repeat(26),
      }),
      testDeps({ timeoutMs }),
    );
    return {
      ...http(fake),
      sink,
      message: () => sampleMessage(),
      secrets: [`mm-${TOKEN}`, `cmd-${TOKEN}`],
      delivered: () => fake.posts.length,
      rateLimitNext: (ra) => fake.rateLimitNext({ retryAfter: ra, reset: '1' }),
      serverErrorNext: () => fake.failNext(1, mattermostError(500, 'app.post.save.app_error', `Unable to save the post (session mm-${TOKEN})`)),
      permanentErrorNext: () =>
        fake.failNext(
          1,
          mattermostError(403, 'api.context.permissions.app_error', `You do not have the appropriate permissions (token mm-${TOKEN}, cmd-${TOKEN})`),
        ),
    };
  },
};

export const teamsSubject: ContractSubject = {
  kind: 'teams',
  async start({ timeoutMs }) {
    const fake = await startTeamsFake();
    const hmac = Buffer.from(TOKEN).toString('base64');
    const sink = teamsSink.create(
      teamsSink.settings.parse({ name: 'teams-test', kind: 'teams', webhook_url: fake.webhookUrl, hmac_secret: hmac }),
      testDeps({ timeoutMs }),
    );
    // the workflow URL carries its signature (`sig=`): it is the secret an error must not show
    const sig = new URL(fake.webhookUrl).searchParams.get('sig')!;
    return {
      ...http(fake),
      sink,
      message: () => sampleMessage(),
      secrets: [fake.webhookUrl, sig, hmac],
      delivered: () => fake.cards.length,
      rateLimitNext: (ra) =>
        fake.failNext(1, {
          status: 429,
          headers: { 'retry-after': ra },
          body: { error: { code: 'WorkflowTriggeredTooManyTimes', message: 'Rate limit is exceeded. Try again later.' } },
        }),
      serverErrorNext: () =>
        fake.failNext(1, { status: 502, body: { error: { code: 'BadGateway', message: `Request to ${fake.webhookUrl} failed (sig ${sig})` } } }),
      permanentErrorNext: () =>
        fake.failNext(1, { status: 400, body: { error: { code: 'TriggerInputSchemaMismatch', message: `invalid body posted to ${fake.webhookUrl}` } } }),
    };
  },
};

export const telegramSubject: ContractSubject = {
  kind: 'telegram',
  async start({ timeoutMs }) {
    const token = `7000001:${TOKEN}`;
    const fake = await startTelegramFake({ token });
    const sink = telegramSink.create(
      telegramSink.settings.parse({ name: 'tg-test', kind: 'telegram', token, api_url: fake.apiUrl, default_target: '-1001234567890' }),
      testDeps({ timeoutMs }),
    );
    // the Bot API's 429 carries parameters.retry_after (seconds); a Retry-After header is read when that is absent
    const retryAfter = (ra: string) => (/^\d+$/.test(ra) ? { retry_after: Number(ra) } : undefined);
    return {
      ...http(fake),
      sink,
      message: () => sampleMessage(),
      secrets: [token],
      delivered: () => fake.messages.length,
      rateLimitNext: (ra) => fake.failNext(1, telegramError(429, `Too Many Requests: retry after ${ra}`, retryAfter(ra), { 'retry-after': ra })),
      serverErrorNext: () => fake.failNext(1, telegramError(502, `Bad Gateway (bot${token})`)),
      permanentErrorNext: () => fake.failNext(1, telegramError(403, `Forbidden: bot was blocked by the user (bot${token})`)),
    };
  },
};

export const discordSubject: ContractSubject = {
  kind: 'discord',
  async start({ timeoutMs }) {
    const fake = await startDiscordFake({ botToken: `dc-${TOKEN}` });
    const sink = discordSink.create(
      discordSink.settings.parse({
        name: 'discord-test',
        kind: 'discord',
        application_id: fake.applicationId,
        token: `dc-${TOKEN}`,
        api_url: fake.apiUrl,
        default_target: '1300000000000000001',
      }),
      testDeps({ timeoutMs }),
    );
    return {
      ...http(fake),
      sink,
      message: () => sampleMessage(),
      secrets: [`dc-${TOKEN}`],
      delivered: () => fake.messages.length,
      // Discord's 429: retry_after (seconds) in the JSON body as well as the Retry-After header
      rateLimitNext: (ra) =>
        fake.failNext(1, {
          status: 429,
          headers: { 'retry-after': ra, 'x-ratelimit-scope': 'user' },
          body: { message: 'You are being rate limited.', global: false, ...(/^\d+$/.test(ra) && { retry_after: Number(ra) }) },
        }),
      serverErrorNext: () => fake.failNext(1, { status: 502, body: `<html>502 Bad Gateway for Bot dc-${TOKEN}</html>` }),
      permanentErrorNext: () => fake.failNext(1, { status: 403, body: { message: `Missing Permissions (Bot dc-${TOKEN})`, code: 50013 } }),
    };
  },
};

export const providerSubjects = [
  slackSubject,
  emailSubject,
  smsSubject,
  githubSubject,
  gitlabSubject,
  jiraSubject,
  webhookSubject,
  mattermostSubject,
  teamsSubject,
  telegramSubject,
  discordSubject,
];
