/**
 * The Slack routes driven with `routes(deps).request()`: config built in code, the pipeline, the
 * delivery service and Redis replaced by in-memory stand-ins that record what they are asked.
 */
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { signSlackRequest } from '../../../src/providers/slack/signature.ts';
import type { CommandInput, CommandOutcome } from '../../../src/commands/run-command.ts';
import { builtinActions } from '../../../src/config/builtins.ts';
import { channelSchema, mainSchema } from '../../../src/config/schema.ts';
import type { ChannelConfig, Config } from '../../../src/config/types.ts';
import type { DeliveryService } from '../../../src/deliveries/types.ts';
import { UnavailableError } from '../../../src/errors.ts';
import type { ExecutionRecord, Origin } from '../../../src/executions/types.ts';
import type { IngressDeps } from '../../../src/ingress/ingress.ts';
import { slackCommandsIngress } from '../../../src/providers/slack/commands.ts';
import { slackEventsIngress } from '../../../src/providers/slack/events.ts';
import { silentLogger } from '../../../src/log.ts';

const SECRET = 'unit-signing-secret';
/** a fixed clock: 2020-09-13T12:26:40Z */
const NOW_MS = 1_600_000_000_000;

function memoryRedis(): Redis & { keys: Map<string, string> } {
  const keys = new Map<string, string>();
  const counters = new Map<string, number>();
  const sets = new Map<string, Set<string>>();
  const redis = {
    status: 'ready',
    keys,
    async set(key: string, value: string, ...args: unknown[]) {
      if (args.includes('NX') && keys.has(key)) return null;
      keys.set(key, value);
      return 'OK';
    },
    async del(key: string) {
      return keys.delete(key) ? 1 : 0;
    },
    // the rate-limit script (src/auth/rate-limit.ts) on one fixed clock: this minute's counter only
    defineCommand() {},
    async sbRateSliding(curr: string, _prev: string, limit: number) {
      const count = counters.get(curr) ?? 0;
      if (count + 1 > limit) return [0, 0, count];
      counters.set(curr, count + 1);
      return [1, 0, count];
    },
    // the seen-ids scripts (src/auth/seen-ids.ts): one set per day key
    async sbSeenIds(n: number, ...args: string[]) {
      const [member, claim] = args.slice(n);
      if (args.slice(0, n).some((k) => sets.get(k)?.has(member!))) return 1;
      if (claim === '1') sets.set(args[0]!, (sets.get(args[0]!) ?? new Set()).add(member!));
      return 0;
    },
    async sbSeenAdd(key: string, member: string) {
      sets.set(key, (sets.get(key) ?? new Set()).add(member));
      return 1;
    },
  };
  return redis as never;
}

function world(run: (input: CommandInput) => Promise<CommandOutcome>) {
  const main = mainSchema.parse({
    redis: { prefix: 'unit', start_local: false },
    users: { alice: { roles: ['ops'], slack: 'U0ALICE' } },
    logging: { level: 'silent' },
  });
  const channel = channelSchema.parse({ name: 'slack-ops', kind: 'slack', token: 'xoxb-unit', signing_secret: SECRET, api_url: 'http://127.0.0.1:9/api/' });
  const config: Config = {
    dir: '/tmp',
    main,
    actions: builtinActions(),
    aliases: [],
    channels: new Map<string, ChannelConfig>([['slack-ops', channel]]),
    rules: [],
    secrets: [SECRET],
  };
  const inputs: CommandInput[] = [];
  const replies: { origin: Origin; text: string }[] = [];
  const deliveries = {
    replyToOrigin: async (origin: Origin, text: string) => void replies.push({ origin, text }),
  } as unknown as DeliveryService;
  const redis = memoryRedis();
  const deps: IngressDeps = {
    config,
    matcher: { aliases: [] } as never,
    executions: {} as never,
    deliveries,
    logger: silentLogger,
    redis,
    runCommand: async (input) => {
      inputs.push(input);
      return run(input);
    },
    now: () => NOW_MS,
  };
  return { deps, inputs, replies, redis, events: slackEventsIngress.routes(deps), commands: slackCommandsIngress.routes(deps) };
}

const signed = (body: string, type: string, extra: Record<string, string> = {}, tsSeconds = NOW_MS / 1000) => ({
  method: 'POST',
  body,
  headers: { 'content-type': type, 'x-slack-request-timestamp': String(tsSeconds), 'x-slack-signature': signSlackRequest(SECRET, tsSeconds, body), ...extra },
});

const dm = (text: string, authorizations = [{ user_id: 'U0BOTUSER', is_bot: true }]) =>
  JSON.stringify({
    type: 'event_callback',
    team_id: 'T1',
    event_id: 'Ev0UNIT1',
    authorizations,
    event: { type: 'message', channel_type: 'im', user: 'U0ALICE', text, ts: '1600000000.000100', channel: 'D0ALICE' },
  });

const queued = (input: CommandInput): CommandOutcome => {
  const execution = { id: 'ex1' } as ExecutionRecord;
  return { kind: 'queued', alias: 'echo', action: 'core.echo', text: input.text, executions: [{ execution, created: true }], execution, created: true };
};

describe('slackEventsIngress', () => {
  it('verifies signatures against the injected clock, not the wall clock', async () => {
    const w = world(async (i) => queued(i));
    const atNow = await w.events.request('/slack/events', signed(dm('echo hi'), 'application/json'));
    expect(atNow.status).toBe(200);
    const wallClock = await w.events.request('/slack/events', signed(dm('echo hi'), 'application/json', {}, Math.floor(Date.now() / 1000)));
    expect(wallClock.status).toBe(403);
  });

  it('answers 503 and releases the event when queueing fails, so Slack retry runs it', async () => {
    let fail = true;
    const w = world(async (i) => {
      if (fail) {
        fail = false;
        throw new UnavailableError('Redis is not reachable');
      }
      return queued(i);
    });
    const first = await w.events.request('/slack/events', signed(dm('echo hi'), 'application/json'));
    expect(first.status).toBe(503);
    expect([...w.redis.keys.keys()].some((k) => k.includes('slack-event'))).toBe(false);
    const retry = await w.events.request(
      '/slack/events',
      signed(dm('echo hi'), 'application/json', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' }),
    );
    expect(retry.status).toBe(200);
    expect(w.inputs).toHaveLength(2);
    const again = await w.events.request('/slack/events', signed(dm('echo hi'), 'application/json', { 'x-slack-retry-num': '2' }));
    expect(again.status).toBe(200);
    expect(w.inputs).toHaveLength(2);
  });

  it('passes the person, the plain text, the thread and the event id to the pipeline', async () => {
    const w = world(async (i) => queued(i));
    await w.events.request('/slack/events', signed(dm('echo a &lt;b&gt; <https://x.example/?a=1&amp;b=2>'), 'application/json'));
    expect(w.inputs[0]).toEqual({
      text: 'echo a <b> https://x.example/?a=1&b=2',
      source: 'slack',
      user: 'alice',
      origin: {
        source: 'slack',
        sender: 'U0ALICE',
        reply: { channel: 'D0ALICE', thread_ts: '1600000000.000100', channel_name: 'slack-ops' },
        message_id: 'Ev0UNIT1',
        proof: 'verified',
      },
      idempotencyKey: 'slack:event:Ev0UNIT1',
      botUserId: 'U0BOTUSER',
    });
  });

  it('strips the leading mention of an app_mention when the bot user id cannot be learnt', async () => {
    const w = world(async (i) => queued(i));
    const body = JSON.stringify({
      type: 'event_callback',
      event_id: 'Ev0UNIT2',
      authorizations: [{ user_id: 'U0INSTALLER', is_bot: false }],
      event: { type: 'app_mention', user: 'U0ALICE', text: '<@U0SOMEBOT> echo hi', ts: '1.2', channel: 'C1' },
    });
    expect((await w.events.request('/slack/events', signed(body, 'application/json'))).status).toBe(200);
    expect(w.inputs[0]?.botUserId).toBe('U0SOMEBOT');
  });

  it('replies "not allowed" to the origin thread and queues nothing', async () => {
    const w = world(async (i) => ({ kind: 'forbidden', text: i.text, alias: 'shout' }));
    await w.events.request('/slack/events', signed(dm('shout hi'), 'application/json'));
    expect(w.replies).toEqual([
      {
        origin: expect.objectContaining({ reply: expect.objectContaining({ channel: 'D0ALICE', thread_ts: '1600000000.000100' }) }),
        text: 'You are not allowed to run `shout`.',
      },
    ]);
  });
});

describe('slackCommandsIngress', () => {
  const form = (fields: Record<string, string>) =>
    new URLSearchParams({ channel_id: 'C1', user_id: 'U0ALICE', trigger_id: 'trig-1', response_url: 'https://hooks.slack.com/x', ...fields }).toString();

  it('answers ephemerally and gives the pipeline the channel, response_url and trigger_id', async () => {
    const w = world(async (i) => queued(i));
    const res = await w.commands.request('/slack/commands', signed(form({ text: 'echo hi' }), 'application/x-www-form-urlencoded'));
    expect(await res.json()).toEqual({ response_type: 'ephemeral', text: 'Queued ex1: echo' });
    expect(w.inputs[0]).toMatchObject({
      user: 'alice',
      idempotencyKey: 'slack:command:trig-1',
      origin: {
        source: 'slack',
        sender: 'U0ALICE',
        reply: { channel: 'C1', channel_name: 'slack-ops', response_url: 'https://hooks.slack.com/x' },
        message_id: 'trig-1',
      },
    });
  });

  it('tells the person, without failing the request, when nothing can be queued', async () => {
    const w = world(async () => {
      throw new UnavailableError('Redis is not reachable');
    });
    const res = await w.commands.request('/slack/commands', signed(form({ text: 'echo hi' }), 'application/x-www-form-urlencoded'));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toMatch(/nothing was run/);
  });

  it('slows a sender down past the per-minute limit', async () => {
    const w = world(async (i) => queued(i));
    w.deps.config.main.limits.per_sender_per_minute = 1;
    await w.commands.request('/slack/commands', signed(form({ text: 'echo 1' }), 'application/x-www-form-urlencoded'));
    const res = await w.commands.request('/slack/commands', signed(form({ text: 'echo 2', trigger_id: 'trig-2' }), 'application/x-www-form-urlencoded'));
    expect(((await res.json()) as { text: string }).text).toMatch(/^Slow down/);
    expect(w.inputs).toHaveLength(1);
  });
});
