/**
 * Shared by the operations tests: a small config (API key, two aliases, `log` channel), metric
 * reading from the Prometheus text, and polling.
 */
import { createServer } from 'node:net';
import type { TestSwitchboard } from '../harness.ts';

export const API_KEY = 'ops-test-api-key-0000000000001';
export const auth = { authorization: `Bearer ${API_KEY}` };

export const mainYaml = (extra = '') => `
server: { port: 0 }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], phone: "+15551230001", email: alice@example.com }
roles:
  ops: { permissions: [executions.read_all, notify] }
api_keys:
  - { name: test, key: "${API_KEY}", user: alice }
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: debug }
${extra}`;

/** The `ops.hello` shell action: `echo "hello <who>"`. */
export const helloAction = `
name: ops.hello
runner: shell
command: [echo, "hello {{ who }}"]
parameters:
  who: { type: string, required: true }
`;

export const baseFiles = (): Record<string, string> => ({
  'switchboard.yaml': mainYaml(),
  'actions/hello.yaml': helloAction,
  'aliases/ops/hello.yaml': `
name: hello
pack: ops
action_ref: ops.hello
formats: ["hello {{who}}"]
result: { format: "{{ execution.result.stdout }}" }
`,
  'channels/log.yaml': 'name: log\nkind: log\n',
  'rules/origin.yaml': `
rules:
  - name: everything to the log
    channel: [origin]
    to: [{ channel: log }]
`,
});

/** Polls `probe` until it returns a value (bounded; no timing is asserted). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, tries = 300): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The value of one sample of the Prometheus text (0 when absent), labels given as `k="v"` pairs. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (want.every((w) => have.includes(w))) total += Number(m[3]);
  }
  return total;
}

export async function scrape(t: { request: TestSwitchboard['request'] }): Promise<string> {
  const res = await t.request('/metrics');
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

export async function command(t: TestSwitchboard, text: string): Promise<{ status: number; body: { execution?: { id: string }; error?: { code: string } } }> {
  const res = await t.request('/api/v1/commands', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  return { status: res.status, body: (await res.json()) as { execution?: { id: string } } };
}

export async function execution(t: TestSwitchboard, id: string): Promise<{ status: string; deliveries: { status: string }[]; result?: { stdout?: string } }> {
  return (await (await t.request(`/api/v1/executions/${id}`, { headers: auth })).json()) as never;
}

/** Runs `text` and waits for its execution to end with its deliveries done. */
export async function runToEnd(t: TestSwitchboard, text: string): Promise<{ id: string; status: string; result?: { stdout?: string } }> {
  const { status, body } = await command(t, text);
  if (status !== 202 || !body.execution) throw new Error(`command "${text}" answered ${status}: ${JSON.stringify(body)}`);
  const id = body.execution.id;
  const done = await eventually(async () => {
    const e = await execution(t, id);
    return e.status === 'succeeded' || e.status === 'failed'
      ? e.deliveries.length > 0 && e.deliveries.every((d) => d.status !== 'pending')
        ? e
        : undefined
      : undefined;
  }, `execution ${id} and its deliveries`);
  return { id, ...done };
}

/** A TCP port free on 127.0.0.1 just now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Waits (up to 600 tries) until `url`/readyz answers 200; `what` names it in the error. */
export async function waitReady(url: string, what: string): Promise<void> {
  await eventually(
    async () =>
      (await fetch(`${url}/readyz`).then(
        (r) => r.status,
        () => 0,
      )) === 200
        ? true
        : undefined,
    what,
    600,
  );
}
