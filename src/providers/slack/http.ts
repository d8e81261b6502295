/**
 * The HTTP half every Slack route shares: read the raw body, find the channel whose signing
 * secret signed it, and refuse anything unsigned, stale or forged with 403 before it is parsed.
 */
import type { Context } from 'hono';
import { errorBody } from '../../api/errors.ts';
import { SignatureError } from '../../auth/signature-error.ts';
import type { Logger } from '../../log.ts';
import { verifySlackChannel, type SlackChannel } from './inbound.ts';

export type VerifiedSlackRequest = { channel: SlackChannel; body: string } | { refused: Response };

/**
 * @example
 * const v = await readVerifiedSlackRequest(c, channels, deps.now(), log);
 * if ('refused' in v) return v.refused;
 */
export async function readVerifiedSlackRequest(c: Context, channels: readonly SlackChannel[], nowMs: number, log: Logger): Promise<VerifiedSlackRequest> {
  const body = await c.req.text();
  try {
    const channel = verifySlackChannel(channels, {
      body,
      timestamp: c.req.header('x-slack-request-timestamp'),
      signature: c.req.header('x-slack-signature'),
      nowMs,
    });
    return { channel, body };
  } catch (err) {
    if (!(err instanceof SignatureError)) throw err;
    log.warn({ code: err.code, path: c.req.path }, 'slack request refused: bad signature');
    return { refused: c.json(errorBody(err.code, 'the Slack request signature is missing, stale or wrong; nothing was run'), 403) };
  }
}
