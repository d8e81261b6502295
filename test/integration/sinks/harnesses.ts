/**
 * One harness per provider sink: the sink wired to its fake, plus the fake's levers the shared
 * contract suite (contract.test.ts) pulls. Error bodies echo the channel's secrets on purpose, so
 * the "no secret in errors" check has something to catch.
 */
import { emailSink } from '../../../src/sinks/email.ts';
import { githubSink } from '../../../src/sinks/github.ts';
import { gitlabSink } from '../../../src/sinks/gitlab.ts';
import { jiraSink } from '../../../src/sinks/jira.ts';
import type { OutboundMessage, Sink } from '../../../src/sinks/sink.ts';
import { slackSink } from '../../../src/sinks/slack.ts';
import { smsSink } from '../../../src/sinks/sms.ts';
import { webhookSink } from '../../../src/sinks/webhook.ts';
import { startGithubFake } from '../../fakes/github-api.ts';
import { startGitlabFake } from '../../fakes/gitlab-api.ts';
import type { FakeServer } from '../../fakes/http-fake.ts';
import { jiraError, startJiraFake } from '../../fakes/jira-api.ts';
import { startSlackFake } from '../../fakes/slack-api.ts';
import { startSmtpCapture } from '../../fakes/smtp-capture.ts';
import { startTwilioFake, twilioError } from '../../fakes/twilio-api.ts';
import { startWebhookReceiver } from '../../fakes/webhook-receiver.ts';
import { sampleMessage, testDeps } from './helpers.ts';

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
      webhookSink.settings.parse({ name: 'hook-test', kind: 'webhook', url: `${fake.url}/hook`, secret: TOKEN, headers: { Authorization: `Bearer hdr-${TOKEN}` } }),
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

export const providerSubjects = [slackSubject, emailSubject, smsSubject, githubSubject, gitlabSubject, jiraSubject, webhookSubject];
