/**
 * An inbound request whose provider signature does not hold (Slack, Twilio, Mailgun...). The
 * ingress answers 403 and runs nothing; `code` says which check failed, never the secret.
 */
import { SwitchboardError } from '../errors.ts';

export type SignatureErrorCode = 'signature_missing' | 'signature_stale' | 'signature_mismatch';

export class SignatureError extends SwitchboardError {
  constructor(
    readonly code: SignatureErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The first of `channels` whose secret or key verifies a request: `verify` throws a
 * {@link SignatureError} for one that does not. When none does, the last failure is thrown
 * (missing and stale fail alike for every channel; a mismatch is per channel), or a
 * `signature_missing` error saying `none` when there is no channel to try.
 *
 * @example
 * firstSigner(channels, (ch) => verifySlackRequest({ signingSecret: ch.signing_secret ?? '', ...req }), 'no slack channel has a signing_secret')
 */
export function firstSigner<C>(channels: readonly C[], verify: (channel: C) => void, none: string): C {
  let failure: SignatureError | undefined;
  for (const channel of channels) {
    try {
      verify(channel);
      return channel;
    } catch (err) {
      if (!(err instanceof SignatureError)) throw err;
      failure = err;
    }
  }
  throw failure ?? new SignatureError('signature_missing', none);
}
