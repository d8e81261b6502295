/**
 * One slash command (`/sb restart web`), whichever transport brought it (HTTP form post or a
 * Socket Mode `slash_commands` envelope): identify the person by `user_id`, rate-limit, run the
 * shared pipeline, and return the ephemeral answer Slack shows at once. The result is posted to
 * the channel later by the `origin` delivery. Redis away, with a spool (src/spool/): the trigger id
 * and the rate limit are not checked (the idempotency key still makes a repeat one command), and
 * the command is kept in the spool, the ephemeral answer saying so.
 */
import { slowDownText } from '../../auth/rate-limit.ts';
import { identifySender } from '../../auth/identity.ts';
import { helpText } from '../../commands/help.ts';
import type { Origin } from '../../executions/types.ts';
import type { SlackContext } from './context.ts';
import type { SlackChannel } from './inbound.ts';
import { confirmBlocks } from './interactions.ts';
import { outcomeReply } from './replies.ts';
import { escapeSlackText, slackTextToPlain } from './text.ts';

/** The slash command fields Switchboard reads (bolt-js src/types/command/index.ts). */
export interface SlashCommand {
  user_id: string;
  channel_id: string;
  text: string;
  command?: string;
  team_id?: string;
  trigger_id?: string;
  response_url?: string;
}

/** What Slack shows the person who typed the command (only them). */
export interface SlashReply {
  response_type: 'ephemeral';
  text: string;
  /** a confirmation prompt's Confirm / Cancel buttons */
  blocks?: Record<string, unknown>[];
}

/** The fields of a slash command payload, or undefined when `user_id` or `channel_id` is missing. */
export function parseSlashCommand(fields: Record<string, unknown>): SlashCommand | undefined {
  const str = (k: string) => (typeof fields[k] === 'string' && fields[k] !== '' ? (fields[k] as string) : undefined);
  const user_id = str('user_id');
  const channel_id = str('channel_id');
  if (!user_id || !channel_id) return undefined;
  const cmd: SlashCommand = { user_id, channel_id, text: str('text') ?? '' };
  for (const k of ['command', 'team_id', 'trigger_id', 'response_url'] as const) {
    const v = str(k);
    if (v !== undefined) cmd[k] = v;
  }
  return cmd;
}

const isHelp = (text: string) => /^\s*(help)?\s*$/i.test(text);

/**
 * @example
 * const reply = await handleSlashCommand(ctx, channel, parseSlashCommand(Object.fromEntries(form))!);
 * return c.json(reply ?? {});
 */
export async function handleSlashCommand(ctx: SlackContext, channel: SlackChannel, cmd: SlashCommand): Promise<SlashReply | undefined> {
  const { deps, log } = ctx;
  const { config } = deps;
  // 0. a trigger_id is used once: a replay (even after its execution record expired) runs nothing
  //    (Redis away with a spool: not claimed, src/ingress/redis-away.ts)
  if (cmd.trigger_id !== undefined) {
    const id = `command:${cmd.team_id ?? '-'}:${cmd.trigger_id}`;
    if (!(await ctx.away.before(() => ctx.seen.claim(id, deps.now()), true))) {
      log.warn({ slack_user: cmd.user_id }, 'slack slash command refused: trigger_id already handled (replay)');
      return undefined;
    }
  }
  const ephemeral = (text: string | undefined): SlashReply | undefined => (text ? { response_type: 'ephemeral', text } : undefined);

  // 1. the person, never the bot: their Slack user id maps to a configured user (or nobody)
  const user = identifySender(config, 'slack', cmd.user_id);

  // 2. per-sender rate limit, known or not
  const rate = await ctx.rateLimit(cmd.user_id);
  if (!rate.allowed) return ephemeral(slowDownText(rate));

  const text = slackTextToPlain(cmd.text);
  // 3. `/sb` or `/sb help`: the commands this person may run, answered at once
  if (isHelp(text)) {
    if (!user) return ephemeral(config.main.ingress.unknown_sender_reply ?? undefined);
    const page = await helpText({ config, matcher: deps.matcher }, user, undefined, 1);
    return ephemeral(escapeSlackText(page.text));
  }

  // 4. the shared pipeline; the result goes to the channel the command was typed in
  const origin: Origin = {
    source: 'slack',
    sender: cmd.user_id,
    reply: {
      channel: cmd.channel_id,
      channel_name: channel.name,
      ...(cmd.response_url !== undefined && { response_url: cmd.response_url }),
    },
    ...(cmd.trigger_id !== undefined && { message_id: cmd.trigger_id }),
    proof: 'verified', // the v0 signature and the user id
  };
  const outcome = await deps.runCommand({
    text,
    source: 'slack',
    user,
    origin,
    ...(cmd.trigger_id !== undefined && { idempotencyKey: `slack:command:${cmd.trigger_id}` }),
  });
  log.debug({ kind: outcome.kind, slack_user: cmd.user_id, channel: channel.name }, 'slack slash command handled');
  // a command to confirm: the prompt with Confirm / Cancel, seen only by the person who typed it
  if (outcome.kind === 'pending' && outcome.prompt !== undefined && outcome.confirmation) {
    return {
      response_type: 'ephemeral',
      text: escapeSlackText(outcome.prompt),
      blocks: confirmBlocks(outcome.prompt, outcome.execution.id, outcome.confirmation.code),
    };
  }
  return ephemeral(outcomeReply(outcome, config.main.ingress.unknown_sender_reply));
}
