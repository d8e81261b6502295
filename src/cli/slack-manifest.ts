/**
 * `switchboard slack-manifest [--config DIR] [--url PUBLIC_URL] [--channel NAME] [--name APP] [--json]`:
 * a Slack app manifest (https://docs.slack.dev/reference/app-manifest) for Switchboard, to paste
 * into "Create New App > From an app manifest": the slash command `/sb`, the Events API
 * (`app_mention`, `message.im`), interactivity (the Confirm / Cancel buttons) and the bot scopes the
 * Slack ingress and sink use. Request URLs are built on `--url`, else `server.public_url`; Socket
 * Mode is on when the slack channel has an `app_token` (then no request URL is needed). YAML by
 * default, JSON with `--json`. Exit 0; 2 when no URL is known for HTTP mode, the URL is not https,
 * or the slack channel is unknown or ambiguous.
 */
import type { AppsManifestCreateArguments } from '@slack/web-api';
import { stringify } from 'yaml';
import type { Env } from '../config/env.ts';
import { suggest } from '../config/did-you-mean.ts';
import { inspectConfig } from '../config/load.ts';

export interface SlackManifestIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface SlackManifestArgs {
  config: string;
  /** the public base URL Slack calls (overrides `server.public_url`) */
  url?: string;
  /** the slack channel (channels/*.yaml) the app is for; needed only when there are several */
  channel?: string;
  /** the app's display name (default Switchboard) */
  name?: string;
  json?: boolean;
  env?: Env;
}

/** The paths of the Slack ingress (src/providers/slack/). */
export const slackPaths = {
  commands: '/ingress/slack/commands',
  events: '/ingress/slack/events',
  interactions: '/ingress/slack/interactions',
} as const;

/**
 * Bot scopes: `commands` (the slash command), `app_mentions:read` and `im:history` (the two events),
 * `chat:write` (replies and the slack sink), `chat:write.public` (sink targets such as `#ops` without
 * inviting the bot first), `files:write` (long outputs attached as a file).
 */
export const slackBotScopes = ['app_mentions:read', 'chat:write', 'chat:write.public', 'commands', 'files:write', 'im:history'] as const;
export const slackBotEvents = ['app_mention', 'message.im'] as const;

/** Slack's manifest type, from the official SDK: the manifest built below is checked against it. */
export type SlackAppManifest = AppsManifestCreateArguments['manifest'];

/** Slack's limit on `display_information.name`. */
export const MAX_APP_NAME = 35;

/** A bot display name Slack takes (`a-z`, `0-9`, `-`, `_`, `.`, at most 80): `Switch Board` -> `switch-board`. */
export function botDisplayName(name: string): string {
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return clean || 'switchboard';
}

export interface ManifestOptions {
  /** https base URL without a trailing slash; absent in Socket Mode */
  publicUrl?: string;
  socketMode: boolean;
  appName: string;
  /** the bot user's display name (lower case, what users @mention) */
  botName: string;
  command: string;
}

/**
 * The manifest as an object (pure).
 *
 * @example
 * buildSlackManifest({ publicUrl: 'https://sb.example.com', socketMode: false, appName: 'Switchboard', botName: 'switchboard', command: '/sb' })
 *   .settings.event_subscriptions.request_url // 'https://sb.example.com/ingress/slack/events'
 */
export function buildSlackManifest(o: ManifestOptions): SlackAppManifest {
  const at = (path: string) => (o.socketMode || o.publicUrl === undefined ? {} : { url: `${o.publicUrl}${path}` });
  const requestUrl = (path: string) => (o.socketMode || o.publicUrl === undefined ? {} : { request_url: `${o.publicUrl}${path}` });
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: o.appName,
      description: 'Run operations by text and hear back on every channel',
      background_color: '#1f2937',
    },
    features: {
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: o.botName, always_online: true },
      slash_commands: [
        {
          command: o.command,
          ...at(slackPaths.commands),
          description: 'Run a Switchboard command',
          usage_hint: 'restart web on prod',
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: [...slackBotScopes] } },
    settings: {
      event_subscriptions: { ...requestUrl(slackPaths.events), bot_events: [...slackBotEvents] },
      interactivity: { is_enabled: true, ...requestUrl(slackPaths.interactions) },
      org_deploy_enabled: false,
      socket_mode_enabled: o.socketMode,
      token_rotation_enabled: false,
    },
  } satisfies SlackAppManifest;
}

/** `--url` / `server.public_url` checked: an https URL, returned without trailing slashes; else the problem. */
export function checkPublicUrl(raw: string): { url: string } | { error: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { error: `"${raw}" is not a URL (expected e.g. https://sb.example.com)` };
  }
  if (u.protocol !== 'https:') return { error: `Slack calls https URLs only, not "${raw}" (put Switchboard behind a TLS proxy or tunnel)` };
  if (u.search || u.hash) return { error: `the public URL takes no query or fragment: "${raw}"` };
  return { url: `${u.origin}${u.pathname.replace(/\/+$/, '')}` };
}

/**
 * @example
 * const code = await runSlackManifest({ config: '.', url: 'https://sb.example.com' }, { out: console.log, err: console.error });
 */
export async function runSlackManifest(args: SlackManifestArgs, io: SlackManifestIo): Promise<number> {
  // Tokens are often not set yet (the app is made from this manifest): unresolved ${VARS} are ignored here.
  const { config, diagnostics } = await inspectConfig(args.config, args.env ? { env: args.env } : {});
  const missing = diagnostics.find((d) => d.severity === 'error' && d.file === '.' && d.path === '');
  if (missing && args.url === undefined) {
    io.err(`${missing.message} (pass --config DIR, or --url to print a manifest without a config)`);
    return 2;
  }
  const slackChannels = [...config.channels.values()].filter((c) => c.kind === 'slack');
  let channel = slackChannels[0];
  if (args.channel !== undefined) {
    channel = slackChannels.find((c) => c.name === args.channel);
    if (!channel) {
      const close = suggest(
        args.channel,
        slackChannels.map((c) => c.name),
      );
      io.err(
        `no slack channel "${args.channel}"${close ? ` (did you mean "${close}"?)` : ''}; slack channels: ${slackChannels.map((c) => c.name).join(', ') || '(none)'}`,
      );
      return 2;
    }
  } else if (slackChannels.length > 1) {
    io.err(`${slackChannels.length} slack channels (${slackChannels.map((c) => c.name).join(', ')}): pass --channel NAME for the app to describe`);
    return 2;
  }
  const socketMode = channel?.kind === 'slack' && channel.app_token !== undefined;
  const raw = args.url ?? config.main?.server.public_url;
  let publicUrl: string | undefined;
  if (raw !== undefined) {
    const checked = checkPublicUrl(raw);
    if ('error' in checked) {
      io.err(`${args.url !== undefined ? '--url' : 'server.public_url'}: ${checked.error}${args.url === undefined ? '; or pass --url https://...' : ''}`);
      return 2;
    }
    publicUrl = checked.url;
  } else if (!socketMode) {
    io.err('no public URL: pass --url https://sb.example.com or set server.public_url (or give the slack channel an app_token for Socket Mode)');
    return 2;
  }
  const appName = args.name ?? 'Switchboard';
  if (!appName.trim() || appName.length > MAX_APP_NAME) {
    io.err(`--name must be 1 to ${MAX_APP_NAME} characters (Slack's limit), not ${appName.length}`);
    return 2;
  }
  const botName = botDisplayName(config.main?.ingress.bot_names[0] ?? 'switchboard');
  const manifest = buildSlackManifest({ publicUrl, socketMode, appName, botName, command: '/sb' });
  io.out(args.json ? JSON.stringify(manifest, null, 2) : stringify(manifest, { lineWidth: 0 }));
  return 0;
}
