/**
 * Shared by the Slack ingress tests: the corpus payloads, a config folder with a signed slack
 * channel pointed at the fake Slack API, and a signer speaking Slack's v0 scheme.
 */
import { readFileSync } from 'node:fs';
import { signSlackRequest } from '../../../src/providers/slack/signature.ts';
import { startSlackFake, type SlackFake, type SlackPosted } from '../../../src/providers/slack/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { chatSwitchboardYaml, echoAlias } from '../chat-config.ts';
import { payloadsDir } from '../../corpus.ts';

export const SIGNING_SECRET = 'slack-signing-SECRET-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-SECRET-bot-0123456789';
export const API_KEY = 'sb-test-SECRET-key-0123456789';

const CORPUS = `${payloadsDir}/`;

/** A corpus file as text; the Slack docs' app_mention sample has a trailing comma, removed here. */
export function corpusText(name: string): string {
  return readFileSync(`${CORPUS}${name}`, 'utf8').replace(/,(\s*[}\]])/g, '$1');
}

export function corpusJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(corpusText(name)) as T;
}

/** The corpus slash command (Slack docs) with its own user, channel and trigger; `fields` override. */
export function slashForm(fields: Record<string, string>): string {
  const form = new URLSearchParams(corpusText('slack-slash-command-docs.form').trim());
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form.toString();
}

/**
 * Users: alice is the corpus slash command's user, dave the docs app_mention's user, erin the
 * corpus DM's user (all ops); bob may only run what any known user may.
 */
export function slackConfigFiles(channel: string): Record<string, string> {
  return {
    'switchboard.yaml': chatSwitchboardYaml({
      users: [
        'alice: { roles: [ops], slack: U2147483697 }',
        'dave:  { roles: [ops], slack: U061F7AUR }',
        'erin:  { roles: [ops], slack: U043H11ES4V }',
        'bob:   { roles: [viewer], slack: U0BOB }',
      ],
      ops: '[executions.read_all, executions.cancel_all]',
      viewer: true,
    }),
    'aliases/echo.yaml': echoAlias('description: Say it back\n'),
    'aliases/shout.yaml': `
name: shout
action_ref: core.echo
description: Say it loudly (ops only)
formats: ["shout {{message}}"]
allow: [ops]
`,
    'channels/slack.yaml': channel,
  };
}

export const signedChannel = `
name: slack-ops
kind: slack
token: \${SLACK_BOT_TOKEN}
signing_secret: \${SLACK_SIGNING_SECRET}
api_url: \${SLACK_API_URL}
`;

export interface SignOptions {
  secret?: string;
  /** seconds added to now */
  skew?: number;
  headers?: Record<string, string>;
  /** leave out the two signature headers */
  unsigned?: boolean;
}

/** POSTs `body` to the gateway the way Slack does, signed with v0. */
export function postSigned(t: TestSwitchboard, path: string, body: string, type: 'form' | 'json', o: SignOptions = {}): Promise<Response> {
  const ts = String(Math.floor(Date.now() / 1000) + (o.skew ?? 0));
  const headers: Record<string, string> = {
    'content-type': type === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
    ...(o.unsigned ? {} : { 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackRequest(o.secret ?? SIGNING_SECRET, ts, body) }),
    ...o.headers,
  };
  return fetch(`${t.url}${path}`, { method: 'POST', headers, body });
}

/** Every execution the gateway knows, newest first, through the public API. */
export async function listExecutions(
  t: TestSwitchboard,
): Promise<{ id: string; alias: string; status: string; user: string; origin: Record<string, unknown> }[]> {
  const res = await t.request('/api/v1/executions?limit=200', { headers: { authorization: `Bearer ${API_KEY}` } });
  if (res.status !== 200) throw new Error(`GET /api/v1/executions: ${res.status}`);
  return ((await res.json()) as { items: never[] }).items;
}

/** What a person sees of a posted message: its text and its blocks' text. */
export function shown(m: SlackPosted): string {
  return [m.text ?? '', ...(m.blocks ?? []).map((b) => b.text?.text ?? '')].join('\n');
}

export { waitFor } from '../executions/helpers.ts';

/** A fake Slack (knowing only `channels`, when given) and a Switchboard with the signed slack channel pointed at it. */
export async function startSignedSlackWorld(opts: { channels?: string[] } = {}): Promise<{ slack: SlackFake; t: TestSwitchboard }> {
  const slack = await startSlackFake({ token: BOT_TOKEN, ...opts });
  const t = await startTestSwitchboard({
    files: slackConfigFiles(signedChannel),
    env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SB_API_KEY: API_KEY },
  });
  return { slack, t };
}
