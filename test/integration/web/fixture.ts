/**
 * The dashboard tests' config: two users with passwords (alice may run everything, bob only
 * `core`-less viewer things), an API key, an `echo` and a `restart` alias whose outcomes a rule
 * sends to a `file` channel and the `log` channel, and channels holding secrets from env.
 */
import { expect } from 'vitest';
import type { TestConfig, TestSwitchboard } from '../harness.ts';

export const ALICE_PASSWORD = 'alice-correct-horse-7731';
export const BOB_PASSWORD = 'bob-battery-staple-2209';
export const API_KEY = 'web-test-api-key-00000000000001';
export const SLACK_TOKEN = 'xoxb-web-test-SECRET-slack-4242';
export const HOOK_SECRET = 'hook-signing-SECRET-5151';
export const HOOK_HEADER_TOKEN = 'hook-bearer-SECRET-6161';
/** a key for bob, for the tests whose config adds one (`api_keys: - { name: bob-key, ... }`) */
export const BOB_KEY = 'web-test-bob-api-key-000000000002';

/** POSTs `text` as a command with `key`, expects 202 and returns the reply's body. */
export async function postCommand<T = { execution: { id: string } }>(t: TestSwitchboard, text: string, key: string): Promise<T> {
  const res = await t.request('/api/v1/commands', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as T;
}

/** An execution as the API shows it to the `web` key (alice). */
export async function getExecution<T = { status: string }>(t: TestSwitchboard, id: string): Promise<T> {
  return (await (await t.request(`/api/v1/executions/${id}`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as T;
}

export const webConfig = (): TestConfig => ({
  env: { ALICE_PASSWORD, SLACK_TOKEN, HOOK_SECRET, HOOK_HEADER_TOKEN, WEB_API_KEY: API_KEY },
  files: {
    'switchboard.yaml': `
server: { port: 0 }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], password: "\${ALICE_PASSWORD}" }
  bob: { roles: [viewer], password: "${BOB_PASSWORD}" }
roles:
  ops: { permissions: [executions.read_all, executions.cancel_all, notify, queues, config.read] }
  viewer: { permissions: [] }
api_keys:
  - { name: web, key: "\${WEB_API_KEY}", user: alice }
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: warn }
`,
    'actions/echo.yaml': `
name: ops.echo
description: Print a message
runner: shell
command: [echo, "{{ msg }}"]
parameters:
  msg: { type: string, required: true }
notify:
  on_complete: { message: "echo {{ status }}", channels: [ops] }
`,
    'actions/restart.yaml': `
name: ops.restart
description: Restart a service (prints only)
runner: shell
command: [echo, "restarting", "{{ service }}", "on", "{{ env }}"]
parameters:
  service: { type: string, required: true, enum: [web, api] }
  env: { type: string, default: staging, enum: [staging, prod] }
  replicas: { type: integer, default: 2 }
notify:
  on_success: { message: "{{ service }} restarted on {{ env }}", channels: [ops] }
  on_failure: { message: "restart of {{ service }} failed: {{ error }}", channels: [ops, pager] }
`,
    'actions/sleep.yaml': `
name: ops.sleep
runner: shell
command: [sleep, "{{ seconds }}"]
parameters:
  seconds: { type: integer, required: true }
timeout: 60
`,
    'aliases/ops/sleep.yaml': `
name: sleep
pack: ops
action_ref: ops.sleep
formats: ["sleep {{seconds}}"]
allow: [ops]
`,
    'aliases/ops/echo.yaml': `
name: echo
pack: ops
action_ref: ops.echo
description: Say something back
formats: ["echo {{msg}}"]
allow: [ops]
`,
    'aliases/ops/restart.yaml': `
name: restart
pack: ops
action_ref: ops.restart
description: Restart a service
formats: ["restart {{service}} on {{env=staging}}"]
allow: [ops]
`,
    'aliases/ops/whoami.yaml': `
name: whoami
pack: ops
action_ref: ops.echo
description: Anyone may ask
formats: ["whoami"]
immutable_parameters: { msg: "you" }
`,
    'channels/log.yaml': 'name: log\nkind: log\n',
    'channels/outbox.yaml': 'name: outbox\nkind: file\npath: outbox/deliveries.jsonl\n',
    'channels/slack.yaml': `
name: slack-ops
kind: slack
description: the ops room
token: "\${SLACK_TOKEN}"
api_url: http://127.0.0.1:9/api/
default_target: "#ops"
`,
    'channels/hook.yaml': `
name: pager-hook
kind: webhook
url: https://pager.example.com/hook?key=abc
secret: "\${HOOK_SECRET}"
headers: { Authorization: "Bearer \${HOOK_HEADER_TOKEN}" }
`,
    'rules/default.yaml': `
rules:
  - name: ops hears about everything
    channel: ops
    to:
      - { channel: outbox, target: ops }
      - { channel: log }
  - name: failures page someone
    channel: [pager]
    when: { status: [failed, timeout] }
    to:
      - { channel: pager-hook }
`,
  },
});
