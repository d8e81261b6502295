/**
 * The HTTP half every Slack route shares: read the raw body, find the channel whose signing
 * secret signed it, and refuse anything unsigned, stale or forged with 403 before it is parsed.
 */
import type { Context } from 'hono';
import { verifiedOrRefused, type SignatureRefusal } from '../../ingress/signed.ts';
import type { Logger } from '../../log.ts';
import { verifySlackChannel, type SlackChannel } from './inbound.ts';

const SLACK_REFUSAL: SignatureRefusal = {
  status: 403,
  log: 'slack request refused: bad signature',
  message: 'the Slack request signature is missing, stale or wrong; nothing was run',
  withPath: true,
};

export type VerifiedSlackRequest = { channel: SlackChannel; body: string } | { refused: Response };

/**
 * @example
 * const v = await readVerifiedSlackRequest(c, channels, deps.now(), log);
 * if ('refused' in v) return v.refused;
 */
export async function readVerifiedSlackRequest(c: Context, channels: readonly SlackChannel[], nowMs: number, log: Logger): Promise<VerifiedSlackRequest> {
  const body = await c.req.text();
  const v = verifiedOrRefused(c, log, SLACK_REFUSAL, () =>
    verifySlackChannel(channels, { body, timestamp: c.req.header('x-slack-request-timestamp'), signature: c.req.header('x-slack-signature'), nowMs }),
  );
  return 'refused' in v ? v : { channel: v.verified, body };
}
