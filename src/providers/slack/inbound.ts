/**
 * What every Slack transport shares: the slack channels that accept commands, which one signed a
 * request, and the per-channel context (the channel's config name goes into each origin so the
 * answer leaves through the same workspace).
 */
import { firstSigner } from '../../auth/signature-error.ts';
import { verifySlackRequest } from './signature.ts';
import type { ChannelConfig } from '../../config/types.ts';

export type SlackChannel = Extract<ChannelConfig, { kind: 'slack' }>;

/** Slack channels with a `signing_secret`: they accept slash commands and events over HTTP. */
export function signedSlackChannels(channels: Map<string, ChannelConfig>): SlackChannel[] {
  return [...channels.values()].filter((c): c is SlackChannel => c.kind === 'slack' && Boolean(c.signing_secret));
}

/** Slack channels with an `app_token`: they accept commands and events over Socket Mode. */
export function socketModeSlackChannels(channels: Map<string, ChannelConfig>): SlackChannel[] {
  return [...channels.values()].filter((c): c is SlackChannel => c.kind === 'slack' && Boolean(c.app_token));
}

export interface SignedRequest {
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
}

/**
 * The channel whose signing secret signed the request; throws a SignatureError when none did ({@link firstSigner}).
 *
 * 1. No signed channel at all: refused as unsigned (nothing can verify it).
 * 2. Each channel's secret is tried in config order; the first that verifies wins.
 */
export function verifySlackChannel(channels: readonly SlackChannel[], req: SignedRequest): SlackChannel {
  return firstSigner(
    channels,
    (channel) => verifySlackRequest({ signingSecret: channel.signing_secret ?? '', ...req }),
    'no slack channel has a signing_secret; inbound Slack is disabled',
  );
}
