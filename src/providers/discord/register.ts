/**
 * `switchboard discord-register [--config DIR] [--channel NAME] [--guild ID]`: registers the slash
 * command (`/sb text:<command>`) of a discord channel with Discord, by bulk overwrite
 * (`PUT /applications/{application_id}/commands`, or `…/guilds/{guild_id}/commands` for one
 * server, where a change shows at once; global commands may take up to an hour). Bulk overwrite
 * replaces the application's whole command list: run it again after changing `command:`, and
 * nothing else is left behind. Exit 0 registered, 1 Discord refused it, 2 config or usage error.
 */
import type { Env } from '../../config/env.ts';
import { suggest } from '../../config/did-you-mean.ts';
import { formatDiagnostic, loadConfig } from '../../config/load.ts';
import { redactText } from '../../log.ts';
import { startDeadline } from '../../sinks/failure.ts';
import { discordCall } from './api.ts';
import { DISCORD_API_URL, type DiscordChannel } from './manifest.ts';

/** Application command types and option types used here. */
const CHAT_INPUT = 1;
const STRING = 3;

/**
 * The command definition Discord receives (discord.com/developers/docs/interactions/application-commands).
 *
 * @example
 * discordCommand('sb') // { name: 'sb', type: 1, description: 'Run a Switchboard command', options: [{ type: 3, name: 'text', … }] }
 */
export function discordCommand(name: string): Record<string, unknown> {
  return {
    name,
    type: CHAT_INPUT,
    description: 'Run a Switchboard command (empty or "help": what you may run)',
    // usable in servers and in DMs with the bot
    contexts: [0, 1],
    options: [{ type: STRING, name: 'text', description: 'the command, e.g. restart web (or YES 482113 to confirm)', required: false, max_length: 4000 }],
  };
}

export interface RegisterArgs {
  config: string;
  /** the discord channel (channels/*.yaml), when there are several */
  channel?: string;
  /** register for this server only (shows at once) instead of globally */
  guild?: string;
  env?: Env;
  timeoutMs?: number;
}

export interface RegisterIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/**
 * @example
 * await runDiscordRegister({ config: './ops', guild: '1400000000000000001' }, io) // 0
 */
export async function runDiscordRegister(args: RegisterArgs, io: RegisterIo): Promise<number> {
  // 1. the config, and the one discord channel meant
  const { config, diagnostics } = await loadConfig(args.config, { ...(args.env && { env: args.env }), overlaps: false });
  if (!config) {
    for (const d of diagnostics.filter((x) => x.severity === 'error')) io.err(formatDiagnostic(d));
    return 2;
  }
  const all = [...config.channels.values()].filter((c): c is DiscordChannel => c.kind === 'discord');
  const names = all.map((c) => c.name).join(', ') || '(none)';
  let channel = all[0];
  if (args.channel !== undefined) {
    channel = all.find((c) => c.name === args.channel);
    if (!channel) {
      const close = suggest(
        args.channel,
        all.map((c) => c.name),
      );
      io.err(`no discord channel "${args.channel}"${close ? ` (did you mean "${close}"?)` : ''}; discord channels: ${names}`);
      return 2;
    }
  } else if (all.length > 1) {
    io.err(`${all.length} discord channels (${names}): pass --channel NAME`);
    return 2;
  }
  if (!channel) {
    io.err('no channel of kind discord in channels/*.yaml');
    return 2;
  }
  if (args.guild !== undefined && !/^\d{1,25}$/.test(args.guild)) {
    io.err(`--guild must be a server id (a number), not "${args.guild}"`);
    return 2;
  }

  // 2. the bulk overwrite
  const scope = args.guild !== undefined ? `/guilds/${args.guild}` : '';
  const deadline = startDeadline(new AbortController().signal, args.timeoutMs ?? 15_000);
  try {
    const res = await discordCall<{ id?: string; name?: string }[]>({
      method: 'PUT',
      apiUrl: channel.api_url ?? DISCORD_API_URL,
      path: `/applications/${channel.application_id}${scope}/commands`,
      body: [discordCommand(channel.command)],
      token: channel.token,
      what: 'discord register command',
      deadline,
      secrets: [channel.token],
    });
    const id = Array.isArray(res) ? res.find((c) => c.name === channel.command)?.id : undefined;
    io.out(
      `registered /${channel.command}${id ? ` (id ${id})` : ''} for application ${channel.application_id} ${args.guild !== undefined ? `in server ${args.guild}` : 'globally (may take up to an hour to show)'}`,
    );
    return 0;
  } catch (err) {
    io.err(redactText(`${channel.name}: ${(err as Error).message}`, [channel.token]));
    return 1;
  } finally {
    deadline.done();
  }
}
