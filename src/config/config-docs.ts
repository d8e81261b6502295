/**
 * docs/config.md, generated from the zod schemas (through their JSON Schemas, json-schema.ts): every
 * key of every config file kind with its type, default, description and an example, secrets marked.
 * Pure: {@link configDocsText} returns the text; `npm run docs` (scripts/config-docs.ts) writes it,
 * and test/unit/config/config-docs.test.ts fails when the committed file differs.
 *
 * Descriptions come from `.describe()` in schema.ts; examples from the default, the enum or const, or
 * {@link examples} below for keys that have none of those.
 */
import { stringify } from 'yaml';
import { generateJsonSchemas, type SchemaName } from './json-schema.ts';

/** A JSON Schema node, as far as zod's generator writes them. */
interface Node {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: Node | boolean;
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
  secret?: boolean;
  envSecret?: boolean;
}

/** One documented key. */
export interface KeyDoc {
  /** `server.port`, `users.<user>.phone`, `api_keys[].key` */
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
  example?: unknown;
  /** `secret`: the whole value; `env`: the `${VAR}` values put into it */
  secret?: 'secret' | 'env';
}

/** The name shown for the key of a map (`users.<user>`). */
const mapKeyNames: Record<string, string> = {
  users: '<user>',
  roles: '<role>',
  parameters: '<param>',
  env: '<VAR>',
  headers: '<header>',
  immutable_parameters: '<param>',
  extra: '<key>',
  data: '<key>',
  items: '<key>',
  when: '<condition>',
};

/** Examples of keys with no default, enum or const, by `file:path` (channels: `channel.<kind>:path`). */
const examples: Record<string, unknown> = {
  // switchboard.yaml
  'switchboard:server.public_url': 'https://sb.example.com',
  'switchboard:server.session_secret': '${SB_SESSION_SECRET}',
  'switchboard:server.metrics_token': '${SB_METRICS_TOKEN}',
  'switchboard:server.trusted_proxies': ['10.0.0.0/8'],
  'switchboard:redis.sentinels': [{ host: 'sentinel-1.internal', port: 26379 }],
  'switchboard:redis.sentinels[].host': 'sentinel-1.internal',
  'switchboard:redis.name': 'switchboard',
  'switchboard:redis.sentinel_username': 'sentinel-client',
  'switchboard:redis.sentinel_password': '${SENTINEL_PASSWORD}',
  'switchboard:redis.cluster': ['redis://10.0.0.1:6379', 'redis://10.0.0.2:6379'],
  'switchboard:redis.username': 'switchboard',
  'switchboard:redis.password': '${REDIS_PASSWORD}',
  'switchboard:redis.tls.ca': 'certs/redis-ca.pem',
  'switchboard:redis.tls.cert': 'certs/client.pem',
  'switchboard:redis.tls.key': 'certs/client.key',
  'switchboard:redis.tls.servername': 'redis.internal',
  'switchboard:users': { alice: { roles: ['ops'], phone: '+15551230001' } },
  'switchboard:users.<user>.roles': ['ops'],
  'switchboard:users.<user>.phone': '+15551230001',
  'switchboard:users.<user>.email': 'alice@example.com',
  'switchboard:users.<user>.slack': 'U0ALICE',
  'switchboard:users.<user>.discord': '80351110224678912',
  'switchboard:users.<user>.teams': '6f0e5a1c-4b2d-4e8a-9c3f-2a7b1d5e9f00',
  'switchboard:users.<user>.mattermost': 'k9d3x8q1ajbzmx4r6t2w7y5uho',
  'switchboard:users.<user>.telegram': '123456789',
  'switchboard:users.<user>.password': '${ALICE_PASSWORD}',
  'switchboard:users.<user>.password_hash': 'scrypt$N=16384,r=8,p=1$SALT$HASH',
  'switchboard:users.<user>.quiet.hours': '22:00-07:00',
  'switchboard:users.<user>.quiet.tz': 'Europe/Berlin',
  'switchboard:users.<user>.quiet.days': ['mon', 'tue', 'wed', 'thu', 'fri'],
  'switchboard:users.<user>.quiet.except': { 'data.severity': 'critical' },
  'switchboard:roles': { ops: { permissions: ['executions.read_all', 'notify'] } },
  'switchboard:roles.<role>.permissions': ['executions.read_all', 'executions.cancel_all', 'notify'],
  'switchboard:api_keys': [{ name: 'ci', key: '${SB_CI_KEY}', user: 'alice' }],
  'switchboard:api_keys[].name': 'ci',
  'switchboard:api_keys[].key': '${SB_CI_KEY}',
  'switchboard:api_keys[].user': 'alice',
  'switchboard:ingress.unknown_sender_reply': 'Sorry, I do not know you.',
  'switchboard:spool': { dir: '/var/lib/switchboard/spool', max_mb: 64 },
  'switchboard:spool.dir': '/var/lib/switchboard/spool',
  // aliases/*.yaml
  'alias:name': 'restart',
  'alias:pack': 'ops',
  'alias:action_ref': 'ops.restart',
  'alias:description': 'Restart a service',
  'alias:formats': ['restart {{service}} on {{env=staging}}'],
  'alias:formats[].display': 'restart <service>',
  'alias:formats[].representation': ['restart {{service}}'],
  'alias:formats[].match_multiple': true,
  'alias:ack': { format: 'Restarting {{ execution.parameters.service }}…' },
  'alias:ack.format': 'Restarting {{ execution.parameters.service }}…',
  'alias:ack.append_url': false,
  'alias:ack.extra': { slack: { color: 'good' } },
  'alias:result': { format: '{{ execution.result.stdout }}' },
  'alias:result.format': '{{ execution.result.stdout }}',
  'alias:result.append_url': false,
  'alias:result.extra': { slack: { color: 'good' } },
  'alias:extra': { slack: { color: 'good' } },
  'alias:immutable_parameters': { engine: 'google' },
  'alias:allow': ['ops'],
  'alias:confirm': true,
  'alias:confirm.sources': ['sms', 'email'],
  'alias:notify': { on_failure: { channels: ['origin', 'slack'] } },
  'alias:tags': [],
  'alias:uid': 'action_alias:ops:restart',
  'alias:ref': 'ops.restart',
  'alias:id': '5f1c0e1d2a3b4c5d6e7f8091',
  'alias:match_multiple': false,
  // actions/*.yaml
  'action:name': 'ops.restart',
  'action:pack': 'ops',
  'action:description': 'Restart a service',
  'action:runner': 'shell',
  'action:runner_type': 'local-shell-cmd',
  'action:entry_point': 'restart.sh',
  'action:command': ['systemctl', 'restart', '{{ service }}'],
  'action:cwd': '/srv/app',
  'action:env': { DEPLOY_TOKEN: '${DEPLOY_TOKEN}' },
  'action:method': 'POST',
  'action:url': 'https://deploy.example.com/api/deploy/{{ app }}',
  'action:headers': { Authorization: 'Bearer ${DEPLOY_TOKEN}' },
  'action:body': { version: '{{ version }}' },
  'action:module': 'actions/lib/rotate.ts',
  'action:export': 'rotate',
  'action:builtin': 'ping',
  'action:parameters': { service: { type: 'string', required: true, enum: ['web', 'api'] } },
  'action:parameters.<param>.type': 'string',
  'action:parameters.<param>.description': 'the service to restart',
  'action:parameters.<param>.required': true,
  'action:parameters.<param>.default': 5,
  'action:parameters.<param>.enum': ['web', 'api'],
  'action:parameters.<param>.pattern': '^[a-z0-9-]+$',
  'action:parameters.<param>.minimum': 1,
  'action:parameters.<param>.maximum': 100,
  'action:parameters.<param>.minLength': 1,
  'action:parameters.<param>.maxLength': 64,
  'action:parameters.<param>.items': { type: 'string' },
  'action:parameters.<param>.immutable': true,
  'action:parameters.<param>.secret': true,
  'action:parameters.<param>.position': 0,
  'action:parameters.<param>.allow_dash': true,
  'action:notify': { on_failure: { channels: ['slack'] } },
  'action:tags': [],
  // notify (actions and aliases)
  'notify:notify.on_success': { message: '{{ action }} done', channels: ['origin'] },
  'notify:notify.on_failure': { message: '{{ action }} failed: {{ error }}', channels: ['slack'] },
  'notify:notify.on_complete': { channels: ['audit'] },
  'notify:message': '{{ action }} failed: {{ error }}',
  'notify:data': { severity: 'critical' },
  'notify:channels': ['origin', 'slack'],
  'notify:routes': ['slack'],
  // channels/*.yaml: common keys
  'channel:name': 'slack-ops',
  'channel:kind': 'slack',
  'channel:description': 'the ops team workspace',
  'channel:default_target': '#ops',
  'channel:api_url': 'https://github.example.com/api/v3',
  'channel:rate_limit': { max: 1, per_seconds: 1 },
  'channel:rate_limit.max': 1,
  'channel:rate_limit.per_seconds': 1,
  // per kind
  'channel.slack:token': '${SLACK_BOT_TOKEN}',
  'channel.slack:signing_secret': '${SLACK_SIGNING_SECRET}',
  'channel.slack:app_token': '${SLACK_APP_TOKEN}',
  'channel.email:smtp': { host: 'smtp.example.com', port: 587, auth: { user: 'sb', pass: '${SMTP_PASSWORD}' } },
  'channel.email:smtp.host': 'smtp.example.com',
  'channel.email:smtp.auth': { user: 'sb', pass: '${SMTP_PASSWORD}' },
  'channel.email:smtp.auth.user': 'sb',
  'channel.email:smtp.auth.pass': '${SMTP_PASSWORD}',
  'channel.email:smtp.ignore_tls': false,
  'channel.email:from': 'ops@sb.example.com',
  'channel.email:listen': { host: '0.0.0.0', port: 2525 },
  'channel.email:listen.port': 2525,
  'channel.email:listen.tls': { key: '/etc/switchboard/tls/key.pem', cert: '/etc/switchboard/tls/cert.pem' },
  'channel.email:listen.tls.key': '/etc/switchboard/tls/key.pem',
  'channel.email:listen.tls.cert': '/etc/switchboard/tls/cert.pem',
  'channel.email:listen.resolvers': ['1.1.1.1', '9.9.9.9:53'],
  'channel.email:signing_key': '${MAILGUN_SIGNING_KEY}',
  'channel.email:resolvers': ['1.1.1.1'],
  'channel.sms:account_sid': '${TWILIO_ACCOUNT_SID}',
  'channel.sms:auth_token': '${TWILIO_AUTH_TOKEN}',
  'channel.sms:from': '+15550001111',
  'channel.sms:messaging_service_sid': 'MG0123456789abcdef0123456789abcdef',
  'channel.github:token': '${GITHUB_TOKEN}',
  'channel.github:repo': 'acme/ops',
  'channel.github:labels': ['incident'],
  'channel.github:fingerprint': 'action+data.service',
  'channel.gitlab:token': '${GITLAB_TOKEN}',
  'channel.gitlab:project': 'acme/ops',
  'channel.gitlab:labels': ['incident'],
  'channel.gitlab:fingerprint': 'action+data.service',
  'channel.jira:token': '${JIRA_API_TOKEN}',
  'channel.jira:email': 'bot@example.com',
  'channel.jira:project': 'OPS',
  'channel.jira:fingerprint': 'action+data.service',
  'channel.webhook:url': 'https://hooks.example.com/switchboard',
  'channel.webhook:secret': '${WEBHOOK_SECRET}',
  'channel.webhook:headers': { Authorization: 'Bearer ${HOOK_TOKEN}' },
  'channel.file:path': 'outbox/deliveries.jsonl',
  'channel.sms:whatsapp_from': 'whatsapp:+15550001111',
  'channel.sms:whatsapp_template.content_sid': 'HX0123456789abcdef0123456789abcdef',
  'channel.sms:whatsapp_template.variables': { '1': '{{ subject }}', '2': '{{ execution.id }}' },
  'channel.teams:hmac_secret': '${TEAMS_HMAC_SECRET}',
  'channel.teams:webhook_url': '${TEAMS_WORKFLOW_URL}',
  'channel.mattermost:token': '${MATTERMOST_BOT_TOKEN}',
  'channel.mattermost:command_token': '${MATTERMOST_COMMAND_TOKEN}',
  'channel.mattermost:outgoing_token': '${MATTERMOST_OUTGOING_TOKEN}',
  'channel.telegram:token': '${TELEGRAM_BOT_TOKEN}',
  'channel.telegram:secret_token': '${TELEGRAM_SECRET_TOKEN}',
  'channel.telegram:bot_username': 'switchboard_ops_bot',
  'channel.discord:application_id': '1100000000000000001',
  'channel.discord:public_key': '${DISCORD_PUBLIC_KEY}',
  'channel.discord:token': '${DISCORD_BOT_TOKEN}',
  'channel.discord:command': 'sb',
  'channel.alertmanager:token': '${AM_WEBHOOK_TOKEN}',
  'channel.alertmanager:notify': ['pager'],
  'channel.alertmanager:api_url': 'http://alertmanager:9093',
  'channel.alertmanager:api_token': '${AM_API_TOKEN}',
  'channel.alertmanager:allow': ['oncall'],
  'channel.alertmanager:escalate[].after': '5m',
  'channel.alertmanager:escalate[].notify': ['pager-backup'],
  'channel.grafana:token': '${GRAFANA_WEBHOOK_TOKEN}',
  'channel.grafana:notify': ['pager'],
  'channel.grafana:api_url': 'https://grafana.example.com/api/alertmanager/grafana',
  'channel.grafana:api_token': '${GRAFANA_SA_TOKEN}',
  'channel.grafana:allow': ['oncall'],
  'channel.grafana:escalate[].after': '5m',
  'channel.grafana:escalate[].notify': ['pager-backup'],
  // rules/*.yaml
  'rules:rules': [{ name: 'failures reach ops', channel: 'slack', to: [{ channel: 'slack-ops' }] }],
  'rules:rules[].name': 'failures reach ops',
  'rules:rules[].channel': ['slack', 'bugtracker'],
  'rules:rules[].when': { status: ['failed', 'timeout'], action: 'ops.*', 'data.severity': 'critical' },
  'rules:rules[].to': [{ channel: 'slack-ops', target: '#incidents' }],
  'rules:rules[].to[].channel': 'slack-ops',
  'rules:rules[].to[].target': '#incidents',
  'rules:rules[].to[].labels': ['incident'],
  'rules:rules[].to[].user': 'alice',
  'rules:rules[].to[].role': 'oncall',
  'rules:rules[].fallback': [{ channel: 'email-ops', target: 'oncall@example.com' }],
  'rules:rules[].fallback[].channel': 'email-ops',
  'rules:rules[].fallback[].target': 'oncall@example.com',
  'rules:rules[].fallback[].labels': ['incident'],
  'rules:rules[].fallback[].user': 'bob',
  'rules:rules[].fallback[].role': 'oncall-backup',
};

/** Text of a type: `integer, 0 to 65535`, `list of string`, `map of <user> to object`. */
function typeText(n: Node): string {
  const opts = n.anyOf ?? n.oneOf;
  if (opts) return [...new Set(opts.map(typeText))].join(' or ');
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.enum) return `one of ${n.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  const bits: string[] = [];
  if (n.type === 'array')
    return `list of ${n.items && Object.keys(n.items).length > 0 ? typeText(n.items) : 'any'}${n.minItems ? ` (at least ${n.minItems})` : ''}`;
  if (n.type === 'object')
    return n.properties
      ? 'object'
      : `map of ${n.additionalProperties && typeof n.additionalProperties === 'object' && Object.keys(n.additionalProperties).length > 0 ? typeText(n.additionalProperties) : 'any'}`;
  if (n.type === undefined) return 'any';
  bits.push(Array.isArray(n.type) ? n.type.join(' or ') : n.type);
  if (n.format === 'uri') bits.push('URL');
  if (n.minimum !== undefined && n.maximum !== undefined && n.maximum < 2 ** 53 - 1) bits.push(`${n.minimum} to ${n.maximum}`);
  else if (n.minimum !== undefined && n.minimum > -(2 ** 53 - 1)) bits.push(`≥ ${n.minimum}`);
  else if (n.exclusiveMinimum !== undefined) bits.push(`> ${n.exclusiveMinimum}`);
  if (n.minLength) bits.push(`at least ${n.minLength} character${n.minLength > 1 ? 's' : ''}`);
  if (n.pattern) bits.push(`matching \`${n.pattern}\``);
  return bits.join(', ');
}

/** Every key under `n`, depth first, in the schema's order. */
function collect(n: Node, path: string, required: boolean, rows: KeyDoc[]): void {
  if (path !== '') {
    const row: KeyDoc = { path, type: typeText(n), required };
    if (n.default !== undefined) row.default = n.default;
    if (n.description !== undefined) row.description = n.description;
    if (n.secret) row.secret = 'secret';
    else if (n.envSecret) row.secret = 'env';
    rows.push(row);
  }
  const objects = [n, ...(n.anyOf ?? n.oneOf ?? [])].filter((o) => o.type === 'object' || o.type === 'array');
  for (const o of objects) {
    const at = (k: string) => (path === '' ? k : `${path}.${k}`);
    if (o.properties) {
      for (const [k, child] of Object.entries(o.properties)) collect(child, at(k), (o.required ?? []).includes(k), rows);
    } else if (o.type === 'object' && typeof o.additionalProperties === 'object' && o.additionalProperties.properties) {
      // the map's value is described by the map's own row; its keys follow as `map.<name>.key`
      const name = mapKeyNames[path.split('.').pop() ?? ''] ?? '<key>';
      const value = o.additionalProperties;
      for (const [k, child] of Object.entries(value.properties ?? {})) collect(child, `${at(name)}.${k}`, (value.required ?? []).includes(k), rows);
    } else if (o.type === 'array' && o.items) {
      const items = [o.items, ...(o.items.anyOf ?? [])];
      for (const item of items) {
        if (!item.properties) continue;
        for (const [k, child] of Object.entries(item.properties)) collect(child, `${path}[].${k}`, (item.required ?? []).includes(k), rows);
      }
    }
  }
}

/** The example of a row: curated, else const, enum, or a non-empty default. */
function exampleOf(file: string, row: KeyDoc, n?: Node): unknown {
  for (const key of [`${file}:${row.path}`, `${file.split('.')[0]}:${row.path}`]) if (key in examples) return examples[key];
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (row.default !== undefined && !isObject(row.default) && row.default !== null) return row.default;
  if (n?.const !== undefined) return n.const;
  if (n?.enum) return n.enum[0];
  return undefined;
}

/** The JSON Schema node at a documented path (for const/enum examples). */
function nodeAt(root: Node, path: string): Node | undefined {
  let cur: Node | undefined = root;
  for (const part of path.replace(/\[\]/g, '.[]').split('.')) {
    if (!cur) return undefined;
    const options: Node[] = [cur, ...(cur.anyOf ?? cur.oneOf ?? [])];
    let next: Node | undefined;
    for (const o of options) {
      if (part === '[]') next ??= o.items;
      else if (part.startsWith('<')) next ??= typeof o.additionalProperties === 'object' ? o.additionalProperties : undefined;
      else next ??= o.properties?.[part];
      if (next && part === '[]' && next.anyOf) next = next.anyOf.find((x) => x.properties) ?? next;
    }
    cur = next;
  }
  return cur;
}

/** Documented keys of one schema (notify keys of actions and aliases are documented once, see {@link notifyRows}). */
export function documentedKeys(): { file: string; title: string; rows: KeyDoc[] }[] {
  const schemas = generateJsonSchemas() as Record<SchemaName, Node>;
  const out: { file: string; title: string; rows: KeyDoc[] }[] = [];
  const push = (file: string, title: string, root: Node, rows: KeyDoc[]) => {
    for (const row of rows) {
      const ex = exampleOf(file, row, nodeAt(root, row.path));
      if (ex !== undefined) row.example = ex;
    }
    out.push({ file, title, rows });
  };
  const plain = (name: SchemaName, file: string) => {
    const rows: KeyDoc[] = [];
    collect(schemas[name], '', true, rows);
    push(
      file,
      name,
      schemas[name],
      rows.filter((r) => !/^notify\./.test(r.path)),
    );
  };
  plain('switchboard', 'switchboard');
  plain('alias', 'alias');
  plain('action', 'action');
  // notify: the same object in actions and aliases
  const notifyNode = schemas.action.properties?.notify as Node;
  const notify: KeyDoc[] = [];
  collect({ type: 'object', properties: { notify: notifyNode } }, '', true, notify);
  const entries = notify.filter((r) => /^notify\.on_\w+$/.test(r.path));
  const entryKeys = notify.filter((r) => /^notify\.on_success\./.test(r.path)).map((r) => ({ ...r, path: r.path.replace(/^notify\.on_success\./, '') }));
  push('notify', 'notify', { type: 'object', properties: { notify: notifyNode } }, entries);
  push('notify', 'notify-entry', (notifyNode.properties?.on_success ?? {}) as Node, entryKeys);
  // channels: common keys once, then each kind's own
  const kinds = (schemas.channel.oneOf ?? []) as Node[];
  const common = Object.keys(kinds[0]?.properties ?? {}).filter((k) => kinds.every((o) => o.properties?.[k] !== undefined));
  const commonRows: KeyDoc[] = [];
  for (const k of common) collect(kinds[0]?.properties?.[k] as Node, k, (kinds[0]?.required ?? []).includes(k), commonRows);
  for (const r of commonRows) {
    if (r.path !== 'kind') continue;
    r.type = `one of ${kinds.map((o) => `\`${String(o.properties?.kind?.const)}\``).join(', ')}`;
    r.description = 'the provider; each kind has its own keys, below';
  }
  push('channel', 'channel', kinds[0] as Node, commonRows);
  for (const o of kinds) {
    const kind = String(o.properties?.kind?.const);
    const rows: KeyDoc[] = [];
    for (const [k, child] of Object.entries(o.properties ?? {})) {
      if (common.includes(k)) continue;
      collect(child, k, (o.required ?? []).includes(k), rows);
    }
    push(`channel.${kind}`, kind, o, rows);
  }
  plain('rules', 'rules');
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const inlineYaml = (v: unknown) => stringify(v, { collectionStyle: 'flow', lineWidth: 0 }).trim();
const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

function table(rows: KeyDoc[]): string {
  if (rows.length === 0) return 'No keys of its own.';
  const lines = ['| key | type | default | description | example |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const type = [r.type, r.required ? '**required**' : '', r.secret === 'secret' ? '**secret**' : r.secret === 'env' ? '**`${VAR}` values secret**' : '']
      .filter(Boolean)
      .join(', ');
    const def =
      r.default === undefined
        ? ''
        : typeof r.default === 'object' && r.default !== null && Object.keys(r.default).length > 0 && !Array.isArray(r.default)
          ? '(see below)'
          : code(inlineYaml(r.default));
    const leaf = r.path.split('.').pop()?.replace(/\[\]$/, '') ?? r.path;
    const example = r.example === undefined ? '' : code(`${leaf.startsWith('<') ? 'name' : leaf}: ${inlineYaml(r.example)}`);
    lines.push(`| ${code(r.path)} | ${cell(type)} | ${cell(def)} | ${cell(r.description ?? '')} | ${cell(example)} |`);
  }
  return lines.join('\n');
}

const intro: Record<string, string> = {
  switchboard: `## switchboard.yaml

The server, Redis, people, roles, API keys and limits. Every section may be left out: each key has a
default unless marked **required**.`,
  alias: `## aliases/*.yaml

Action aliases, one per file (\`aliases/NAME.yaml\` or \`aliases/PACK/NAME.yaml\`), in StackStorm's format
plus \`allow\`, \`confirm\` and \`notify\`. An alias's id is \`PACK.name\`: the pack from its \`pack\` key, else
its folder. \`notify\` is described [below](#notify-actions-and-aliases).`,
  action: `## actions/*.yaml

Actions, one per file. \`runner\` says which keys apply: \`shell\` (\`command\`, \`cwd\`, \`env\`, \`env_allow\`),
\`http\` (\`method\`, \`url\`, \`headers\`, \`body\`), \`module\` (\`module\`, \`export\`), \`builtin\` (\`builtin\`).
Built-in actions need no file: \`core.help\`, \`core.status\`, \`core.cancel\`, \`core.ping\`, \`core.echo\`,
\`core.noop\`. \`notify\` is described [below](#notify-actions-and-aliases).`,
  notify: `## notify (actions and aliases)

\`notify\` in an action gives its defaults; an alias's \`notify\` overrides them per trigger. \`on_success\`
fires on \`succeeded\`, \`on_failure\` on \`failed\` and \`timeout\`, \`on_complete\` on any end. \`on-success\`
spellings are accepted. The built-in channel name \`origin\` (alias \`chatops\`) answers where the command came from.`,
  'notify-entry': `### Each trigger (\`on_success\`, \`on_failure\`, \`on_complete\`)`,
  channel: `## channels/*.yaml

Named channels, one per file: a provider connection used to send (a sink) and, for \`sms\`, \`slack\`
and \`email\`, to receive commands. Set up each provider with [docs/providers/](providers/).

### Keys of every kind`,
  rules: `## rules/*.yaml

Rules map the notify channel names used in \`notify\` (and conditions) to channels and targets. Every
matching rule fires; identical (channel, target) deliveries of one notification are sent once.`,
};

/**
 * The whole text of docs/config.md.
 *
 * @example
 * await writeFile('docs/config.md', configDocsText());
 */
export function configDocsText(): string {
  const parts: string[] = [
    `# Configuration reference

<!-- Generated from src/config/schema.ts by \`npm run docs\`: do not edit by hand. -->

Generated from the zod schemas in \`src/config/schema.ts\` by \`npm run docs\`; a test fails when this
file and the schemas disagree. JSON Schemas of the same files, for editors, are in \`schemas/\`
(\`npm run schemas\`).

A config folder (\`switchboard serve --config DIR\`, or \`SWITCHBOARD_CONFIG\`, default \`.\`) holds
\`switchboard.yaml\`, \`aliases/\`, \`actions/\`, \`channels/\` and \`rules/\`. In every string,
\`\${VAR}\` and \`\${VAR:-default}\` are read from the environment at load (a whole value \`\${PORT}\` becomes
a number or a boolean where the key wants one). Every unknown key is an error with the nearest known
key suggested; every problem of every file is reported at once as \`file:line:col  path: message\`.
\`switchboard validate\` runs the same checks.

**secret** keys are written \`[redacted]\` in logs, errors, API answers and the dashboard; give them from
the environment (\`key: \${SB_CI_KEY}\`). In keys marked **\`\${VAR}\` values secret**, the values that
\`\${VAR}\` puts in are secrets and the literal text around them is not. In paths, \`<user>\`, \`<param>\`...
stand for a name you choose and \`[]\` for each entry of a list.`,
  ];
  for (const { file, title, rows } of documentedKeys()) {
    if (file.startsWith('channel.')) {
      parts.push(`### kind: ${title}\n\n${channelIntro[title] ?? ''}`.trimEnd());
    } else {
      parts.push(intro[title] ?? `## ${title}`);
    }
    parts.push(table(rows));
  }
  return `${parts.join('\n\n')}\n`;
}

const channelIntro: Record<string, string> = {
  log: 'Writes each notification as a JSON log line on stdout. Needs nothing.',
  file: 'Appends each notification as a JSON line to a file (relative to the config folder).',
  slack:
    'Posts with the bot token; receives slash commands, mentions, DMs and button clicks when `signing_secret` (HTTP) or `app_token` (Socket Mode) is set. See [providers/slack.md](providers/slack.md).',
  email:
    'Sends through `smtp`; receives commands addressed to `from` with `listen` (the built-in SMTP listener) or `webhook`. See [providers/email.md](providers/email.md).',
  sms: 'Sends through Twilio; texts to `from` arrive at `POST /ingress/twilio/sms`. See [providers/twilio.md](providers/twilio.md).',
  github: 'One issue per fingerprint, commented on when it fires again. See [providers/trackers.md](providers/trackers.md).',
  gitlab: 'One issue per fingerprint, commented on when it fires again. See [providers/trackers.md](providers/trackers.md).',
  jira: 'One issue per fingerprint, commented on when it fires again. See [providers/trackers.md](providers/trackers.md).',
  webhook: 'One signed JSON POST per delivery. See [providers/webhooks.md](providers/webhooks.md).',
};
