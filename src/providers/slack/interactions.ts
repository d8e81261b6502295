/**
 * `POST /ingress/slack/interactions`: Slack's interactive payloads, here the Confirm / Cancel
 * buttons of a confirmation prompt (docs/contracts.md section 6). Signed like every Slack route (v0, five
 * minutes); the body is a form with one field, `payload`, holding the JSON of a `block_actions`
 * payload (api.slack.com/reference/interaction-payloads/block-actions).
 *
 * 1. Verify the signature; refuse (403) before parsing anything.
 * 2. The clicking person is `payload.user.id`, mapped to a configured user: only the person who
 *    sent the command may confirm it; anyone else's click does nothing and learns nothing.
 * 3. Confirm (or cancel) through the confirmation service: the button carries the execution id
 *    and the code, so the code is checked and used once exactly as if typed.
 * 4. The answer replaces the prompt through the payload's `response_url` (Slack's own host, or the
 *    channel's `api_url` host: never a URL anyone could name).
 *
 * An alert's ACK / Silence 1h buttons (alert-blocks.ts, value = the alert's code) act through the
 * alert service as the clicking person's configured user, exactly as `ACK 4821` typed would: the
 * answer (or the refusal, with nothing recorded) goes to that person alone (ephemeral, the alert
 * message stays), and a done action edits the alert message (chat.update): `Acknowledged by alice`,
 * buttons gone.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import { Hono } from 'hono';
import { errorBody } from '../../api/errors.ts';
import { identifySender } from '../../auth/identity.ts';
import type { Origin } from '../../executions/types.ts';
import type { Logger } from '../../log.ts';
import type { HttpIngress, IngressDeps } from '../../ingress/ingress.ts';
import { readVerifiedSlackRequest } from './http.ts';
import { signedSlackChannels, type SlackChannel } from './inbound.ts';
import type { AlertAction } from '../../alerts/types.ts';
import { channelState } from '../../redis/channel-state.ts';
import { httpFetch } from '../../sinks/http.ts';
import { ALERT_ACK_ACTION, ALERT_SILENCE_ACTION, alertButtonTarget, closeAlertBlocks } from './alert-blocks.ts';
import { rememberEdit } from './threads.ts';
import { escapeSlackText } from './text.ts';
import { replyAddress } from '../reply.ts';

export const CONFIRM_ACTION = 'sb_confirm';
export const CANCEL_ACTION = 'sb_cancel';

/**
 * The prompt as Block Kit: the text, then Confirm / Cancel buttons whose value is
 * `<execution id>:<code>`. Shown only to the person (an ephemeral answer) or in their thread.
 *
 * @example
 * confirmBlocks('Reply YES 482113 within 5 minutes to run: restart web', '01J9Z', '482113')
 */
export function confirmBlocks(prompt: string, executionId: string, code: string): Record<string, unknown>[] {
  const value = `${executionId}:${code}`;
  return [
    { type: 'section', text: { type: 'mrkdwn', text: escapeSlackText(prompt) } },
    {
      type: 'actions',
      block_id: `sb_confirm_${executionId}`,
      elements: [
        { type: 'button', action_id: CONFIRM_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Confirm' }, value },
        { type: 'button', action_id: CANCEL_ACTION, style: 'danger', text: { type: 'plain_text', text: 'Cancel' }, value },
      ],
    },
  ];
}

/**
 * Posts a confirmation prompt with its buttons where an event's command came from (its thread),
 * with the channel's bot token. False when Slack refused it: the caller then answers with text
 * (the code typed as text works as well).
 */
export async function postConfirmPrompt(
  channel: SlackChannel,
  origin: Origin,
  p: { prompt: string; executionId: string; code: string },
  log: Logger,
): Promise<boolean> {
  const reply = replyAddress(origin);
  if (reply?.medium !== 'slack' || !reply.channel) return false;
  const target = reply.channel;
  const client = new WebClient(channel.token, {
    slackApiUrl: channel.api_url ?? 'https://slack.com/api/',
    retryConfig: { retries: 0 },
    timeout: 5000,
    allowAbsoluteUrls: false,
    logLevel: LogLevel.ERROR,
  });
  try {
    await client.chat.postMessage({
      channel: target,
      text: escapeSlackText(p.prompt),
      blocks: confirmBlocks(p.prompt, p.executionId, p.code) as never,
      ...(reply.thread_ts !== undefined && { thread_ts: reply.thread_ts }),
    });
    return true;
  } catch (err) {
    log.warn({ channel: channel.name, err: (err as { code?: string }).code ?? (err as Error).message }, 'confirmation prompt not posted; answering with text');
    return false;
  }
}

/** The fields of a block_actions payload read here. */
export interface BlockActions {
  type?: string;
  user?: { id?: string };
  actions?: { action_id?: string; value?: string }[];
  response_url?: string;
  /** where the clicked message is (block_actions on a channel message) */
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string; text?: string; blocks?: unknown };
}

/** Slack's own response URLs, or ones on the channel's configured API host (a proxy or a test double). */
function trustedResponseUrl(url: string, apiUrl: string | undefined): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:' && u.hostname === 'hooks.slack.com') return true;
    return apiUrl !== undefined && u.origin === new URL(apiUrl).origin;
  } catch {
    return false;
  }
}

async function respond(url: string | undefined, channel: SlackChannel, text: string, log: Logger, replaceOriginal = true): Promise<void> {
  if (!url || !trustedResponseUrl(url, channel.api_url)) return;
  try {
    // the sinks' HTTP client: a redirect is not followed away from the trusted host
    const res = await httpFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: replaceOriginal, response_type: 'ephemeral', text: escapeSlackText(text) }),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) log.warn({ status: res.status }, 'slack response_url refused the answer');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'slack response_url not reached');
  }
}

/**
 * Handles one verified interaction (a signed HTTP request, or a Socket Mode `interactive`
 * envelope); returns what happened, for the logs and tests.
 *
 * @example
 * await handleInteraction(deps, channel, envelope.body as BlockActions, log);
 */
export async function handleInteraction(deps: IngressDeps, channel: SlackChannel, p: BlockActions, log: Logger): Promise<string> {
  if (p.type !== 'block_actions') return `ignored ${p.type ?? '(none)'}`;
  const alertClick = p.actions?.find((a) => a.action_id === ALERT_ACK_ACTION || a.action_id === ALERT_SILENCE_ACTION);
  if (alertClick) return handleAlertClick(deps, channel, p, alertClick, log);
  const action = p.actions?.find((a) => a.action_id === CONFIRM_ACTION || a.action_id === CANCEL_ACTION);
  if (!action?.value || !p.user?.id) return 'ignored: not ours';
  const m = /^([A-Za-z0-9_-]{1,100}):(\d{1,12})$/.exec(action.value);
  if (!m) return 'ignored: bad value';
  const user = identifySender(deps.config, 'slack', p.user.id);
  if (!user || !deps.confirmations) return 'ignored: unknown user';
  const refuse = action.action_id === CANCEL_ACTION;
  const r = await deps.confirmations.confirmExecution(m[1]!, user, m[2]!, { refuse });
  // someone else's prompt, or one already answered: nothing to say (and nothing learned)
  if (r.answer === 'not_found') return 'not_found';
  if (r.answer === 'confirmed') {
    for (const e of r.executions)
      await deps.deliveries.ackExecution(e).catch((err: Error) => log.warn({ execution: e.id, err: err.message }, 'ack not queued'));
  }
  await respond(p.response_url, channel, r.message, log);
  return r.answer;
}

/** An alert button: act as the clicking person, answer them alone, and edit the alert message when done. */
async function handleAlertClick(
  deps: IngressDeps,
  channel: SlackChannel,
  p: BlockActions,
  click: { action_id?: string; value?: string },
  log: Logger,
): Promise<string> {
  const alerts = deps.alerts;
  const target = alertButtonTarget(click.value);
  if (!alerts || !target || !p.user?.id) return 'ignored: not an alert button';
  const user = identifySender(deps.config, 'slack', p.user.id);
  if (!user) {
    await respond(p.response_url, channel, 'Your Slack account is not linked to a Switchboard user, so you may not act on alerts.', log, false);
    return 'refused: unknown user';
  }
  const ack = click.action_id === ALERT_ACK_ACTION;
  const action: AlertAction = ack ? { kind: 'ack' } : { kind: 'silence', durationMs: 3_600_000 };
  const r = await alerts.act({ ...target, action, user, source: 'slack' });
  await respond(p.response_url, channel, r.message, log, false);
  if (!r.ok) return 'refused';
  const note = ack ? `Acknowledged by ${user}` : `Silenced for 1h by ${user}`;
  await editAlertMessage(deps, channel, p, note, !ack, log);
  return ack ? 'acked' : 'silenced';
}

/** Edits the clicked alert message: the note added, the buttons dropped (kept after a silence: ACK still counts). */
async function editAlertMessage(deps: IngressDeps, channel: SlackChannel, p: BlockActions, note: string, keepButtons: boolean, log: Logger): Promise<void> {
  const target = p.container?.channel_id ?? p.channel?.id;
  const ts = p.container?.message_ts ?? p.message?.ts;
  if (!target || !ts) return;
  const client = new WebClient(channel.token, {
    slackApiUrl: channel.api_url ?? 'https://slack.com/api/',
    retryConfig: { retries: 0 },
    timeout: 5000,
    allowAbsoluteUrls: false,
    logLevel: LogLevel.ERROR,
  });
  try {
    const blocks = closeAlertBlocks(p.message?.blocks, escapeSlackText(note), { keepButtons });
    await client.chat.update({ channel: target, ts, text: p.message?.text ?? note, blocks: blocks as never });
    // the resolve edits this message again: from these blocks, so the note stays
    await rememberEdit(channelState(deps.redis, deps.config.main.redis.prefix, channel.name), target, ts, blocks);
  } catch (err) {
    log.warn({ channel: channel.name, err: (err as { code?: string }).code ?? (err as Error).message }, 'alert message not edited');
  }
}

/**
 * @example
 * # Slack app > Interactivity & Shortcuts > Request URL: https://sb.example.com/ingress/slack/interactions
 */
export const slackInteractionsIngress: HttpIngress = {
  name: 'slack-interactions',
  routes(deps) {
    const app = new Hono();
    const channels = signedSlackChannels(deps.config.channels);
    if (channels.length === 0) return app;
    const log = deps.logger.child({ component: 'slack-interactions' });

    app.post('/slack/interactions', async (c) => {
      const verified = await readVerifiedSlackRequest(c, channels, deps.now(), log);
      if ('refused' in verified) return verified.refused;
      let payload: BlockActions;
      try {
        payload = JSON.parse(new URLSearchParams(verified.body).get('payload') ?? '') as BlockActions;
      } catch {
        return c.json(errorBody('invalid_request', 'the payload field is not JSON'), 400);
      }
      if (typeof payload !== 'object' || payload === null) return c.json(errorBody('invalid_request', 'the payload is not an object'), 400);
      const done = await handleInteraction(deps, verified.channel, payload, log);
      log.info({ slack_user: payload.user?.id, done }, 'slack interaction handled');
      return c.body(null, 200);
    });
    return app;
  },
};
