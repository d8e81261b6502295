/**
 * A Switchboard for the StackStorm API tests: three users (alice in `ops`, bob in none, the hubot
 * bot user), keys for each (hubot's may act for others), a clear password for alice (loopback),
 * an alias anyone may run and one for `ops` only. And the npm `st2client` package, typed for what
 * the tests use.
 */
import { createRequire } from 'node:module';
import { helloAction } from '../operations/helpers.ts';

export { eventually } from '../operations/helpers.ts';

export const KEYS = {
  alice: 'st2-test-alice-key-0000000000000001',
  bob: 'st2-test-bob-key-00000000000000000002',
  hubot: 'st2-test-hubot-key-000000000000000003',
};
export const ALICE_PASSWORD = 'correct horse battery staple';

export const st2Files = (): Record<string, string> => ({
  'switchboard.yaml': `
server: { port: 0 }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], password: "${ALICE_PASSWORD}" }
  bob: {}
  hubot: {}
roles:
  ops: { permissions: [] }
api_keys:
  - { name: alice-key, key: "${KEYS.alice}", user: alice }
  - { name: bob-key, key: "${KEYS.bob}", user: bob }
  - { name: hubot, key: "${KEYS.hubot}", user: hubot, act_as_others: true }
executions: { stalled_interval: 5, shutdown_grace: 2 }
`,
  'actions/hello.yaml': helloAction,
  'aliases/ops/hello.yaml': `
name: hello
pack: ops
action_ref: ops.hello
description: Say hello
formats:
  - display: "hello <who>"
    representation: ["hello {{who}}"]
ack: { format: "Saying hello to {{ execution.params.who }}" }
result: { format: "said: {{ execution.result.stdout | trim }}", extra: { color: good } }
`,
  'aliases/ops/deploy.yaml': `
name: deploy
pack: ops
action_ref: ops.hello
description: Deploy (ops only)
formats: ["deploy {{who}}"]
allow: [ops]
`,
  'channels/log.yaml': 'name: log\nkind: log\n',
});

/** The parts of st2client (npm, CommonJS, untyped) the tests drive. */
export interface St2Client {
  actionAlias: {
    list(query?: Record<string, unknown>): Promise<Record<string, unknown>[]>;
    request(opts: { method: string; path?: string }, body?: unknown): Promise<{ statusCode: number; body: unknown }>;
  };
  aliasExecution: {
    create(payload: Record<string, unknown>): Promise<Record<string, unknown>>;
    request(opts: { method: string; path?: string }, body?: unknown): Promise<{ statusCode: number; body: unknown }>;
  };
  executions: { get(id: string): Promise<Record<string, unknown>> };
  stream: { listen(): Promise<EventSourceLike> };
  auth: { authenticate(user: string, password: string): Promise<{ token: string; user: string; expiry: string }> };
  setKey(key: { key: string }): St2Client;
  setToken(token: { token: string }): St2Client;
  close(): void;
}

export interface EventSourceLike {
  readyState: number;
  addEventListener(event: string, fn: (e: { data: string }) => void): void;
  /** eventsource 0.1 (what st2client uses on Node) is an EventEmitter: no removeEventListener */
  removeListener(event: string, fn: (e: { data: string }) => void): void;
  close(): void;
}

const require = createRequire(import.meta.url);
export const st2client = require('st2client') as (opts: Record<string, unknown>) => St2Client;
/** the `eventsource` package st2client uses on Node (no global EventSource on Node 20) */
export const EventSource = require('eventsource') as new (url: string, init?: Record<string, unknown>) => EventSourceLike;

/** The next `event` on `source` whose data satisfies `match`, parsed. */
export function nextEvent(source: EventSourceLike, event: string, match: (data: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const fn = (e: { data: string }) => {
      const data = JSON.parse(e.data) as Record<string, unknown>;
      if (!match(data)) return;
      source.removeListener(event, fn);
      resolve(data);
    };
    source.addEventListener(event, fn);
  });
}

/** Resolves once the stream is open (the server subscribes before it answers). */
export function opened(source: EventSourceLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (source.readyState === 1) return resolve();
    source.addEventListener('open', () => resolve());
    source.addEventListener('error', (e) => reject(new Error(`stream error: ${JSON.stringify(e)}`)));
  });
}
