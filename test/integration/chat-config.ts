/**
 * The config shared by the chat providers' tests (Slack, Mattermost, Discord, Telegram): a
 * switchboard.yaml on the test's Redis prefix with the given users, an `ops` role and the API key
 * in SB_API_KEY for alice; and the `echo` alias they all run.
 */

export interface ChatYaml {
  /** One YAML mapping entry each under `users:`, e.g. `alice: { roles: [ops], discord: "1" }`. */
  users: string[];
  /** The `ops` role's permissions (a YAML list); default `[executions.read_all]`. */
  ops?: string;
  /** Adds a `viewer` role without permissions. */
  viewer?: boolean;
  /** `logging: { level: debug }`; default true. */
  debug?: boolean;
  /** More top-level YAML, ending with a newline. */
  extra?: string;
}

/**
 * @example
 * chatSwitchboardYaml({ users: ['alice: { roles: [ops], telegram: "1111" }'], debug: false })
 */
export function chatSwitchboardYaml(o: ChatYaml): string {
  return `
server: { port: 0 }
redis: { url: "redis://127.0.0.1:6379", prefix: "\${SB_TEST_PREFIX}", start_local: false }
${o.debug === false ? '' : 'logging: { level: debug }\n'}users:
${o.users.map((u) => `  ${u}\n`).join('')}roles:
  ops: { permissions: ${o.ops ?? '[executions.read_all]'} }
${o.viewer ? '  viewer: { permissions: [] }\n' : ''}api_keys:
  - { name: test, key: "\${SB_API_KEY}", user: alice }
executions: { concurrency: 2, stalled_interval: 1, shutdown_grace: 2 }
${o.extra ?? ''}`;
}

/** The `echo` alias (`echo {{message}}`, result `echoed: …`); `extra` adds YAML lines, each ending with a newline. */
export const echoAlias = (extra = '') => `
name: echo
action_ref: core.echo
formats: ["echo {{message}}"]
result: { format: "echoed: {{ result.message }}" }
${extra}`;
