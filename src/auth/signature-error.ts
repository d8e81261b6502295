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
