/**
 * One inbound email, whatever brought it (SMTP listener or provider webhook), its sender's proof
 * already judged: identify the sender by the header From, rate-limit (per normalised address),
 * run the command through the shared pipeline with the Message-ID as idempotency key and the
 * proof on its origin, and answer a refusal by email in the command's thread. Redis away, with a
 * spool (src/spool/): not rate-limited; a command is kept under its Message-ID and answered by a
 * mail saying so with its provisional id, sent directly by SMTP (src/spool/direct-reply.ts).
 */
import { createHash } from 'node:crypto';
import { identifySender, normalizeEmail } from '../../auth/identity.ts';
import { checkRateLimit } from '../../auth/rate-limit.ts';
import type { CommandOutcome } from '../../commands/run-command.ts';
import { redisAway, UNCOUNTED } from '../../ingress/redis-away.ts';
import type { Origin, SenderProof } from '../../executions/types.ts';
import type { EmailCommand } from './command.ts';
import { ownerOrigin } from '../../confirmations/service.ts';
import { confirmMailText, refusalReply, slowDownReply } from './replies.ts';
import type { IngressDeps } from '../../ingress/ingress.ts';

export type InboundResult = { kind: 'ran'; outcome: CommandOutcome } | { kind: 'unknown_sender' } | { kind: 'empty' } | { kind: 'rate_limited' };

/** The `origin` of an email command: answers go to the sender, in the same thread, through `channel`. */
export function emailOrigin(cmd: EmailCommand, channel: string, proof: SenderProof): Origin {
  const sender = normalizeEmail(cmd.sender);
  const reply: Record<string, string> = { to: sender, subject: cmd.subject || cmd.text, channel };
  if (cmd.messageId) {
    reply.message_id = cmd.messageId;
    reply.references = cmd.references.join(' ');
  }
  return { source: 'email', sender, reply, ...(cmd.messageId && { message_id: cmd.messageId }), proof };
}

/** The idempotency key: the Message-ID, else a digest of what identifies the mail. */
export function emailIdempotencyKey(cmd: EmailCommand, fallback: string | Buffer): string {
  const id = cmd.messageId ?? `sha256:${createHash('sha256').update(fallback).digest('hex')}`;
  return `email:${id}`;
}

/**
 * @example
 * const r = await handleInboundEmail(deps, 'email-ops', cmd, { idempotencyKey: emailIdempotencyKey(cmd, raw) });
 * if (r.kind === 'ran' && r.outcome.kind === 'queued') ...
 */
export async function handleInboundEmail(
  deps: IngressDeps,
  channel: string,
  cmd: EmailCommand,
  opts: { idempotencyKey: string; proof: SenderProof },
): Promise<InboundResult> {
  const log = deps.logger.child({ component: 'email-ingress', channel });
  // 1. the header From must be a configured user
  const user = identifySender(deps.config, 'email', cmd.sender);
  if (!user) {
    log.info({ key: opts.idempotencyKey }, 'email from an unknown sender: nothing run');
    return { kind: 'unknown_sender' };
  }
  if (cmd.text === '') {
    log.info({ user, key: opts.idempotencyKey }, 'email without a command: nothing run');
    return { kind: 'empty' };
  }
  const origin = emailOrigin(cmd, channel, opts.proof);
  const replyId = opts.idempotencyKey.replace(/[^A-Za-z0-9_.@-]/g, '_');
  const subject = cmd.subject || cmd.text;
  // 2. per-sender rate limit, one budget per address however it is written (`mailto:`, case, display name)
  const limit = deps.config.main.limits.per_sender_per_minute;
  //    (Redis away with a spool: not counted, src/ingress/redis-away.ts)
  const rate = await redisAway(deps).before(
    () => checkRateLimit(deps.redis, `{${deps.config.main.redis.prefix}}`, `email:${normalizeEmail(cmd.sender)}`, limit, deps.now()),
    UNCOUNTED,
  );
  if (!rate.allowed) {
    log.info({ user }, 'email command over the rate limit: nothing run');
    deps.metrics?.commandReceived('email', 'rate_limited');
    if (rate.count === limit + 1) await deps.deliveries.replyToOrigin(origin, slowDownReply(rate), { id: `${replyId}-slow`, subject });
    return { kind: 'rate_limited' };
  }
  // 3. the shared pipeline; a refusal is answered in the thread (deterministic id: a repeat sends nothing new)
  const outcome = await deps.runCommand({ text: cmd.text, source: 'email', user, origin, idempotencyKey: opts.idempotencyKey });
  const answer = refusalReply(outcome);
  if (answer !== undefined) await deps.deliveries.replyToOrigin(origin, answer, { id: replyId, subject });
  // 4. a command to confirm: the code goes to the user's own configured address, never to a From
  //    that may be forged (a forger never sees it); sent once (a repeat of the mail has no prompt)
  if (outcome.kind === 'pending' && outcome.prompt !== undefined) {
    const owner = ownerOrigin(deps.config, user, origin);
    if (owner) await deps.deliveries.replyToOrigin(owner, confirmMailText(outcome.prompt), { id: `${replyId}-confirm`, subject });
  }
  log.info({ user, proof: opts.proof, outcome: outcome.kind, key: opts.idempotencyKey }, 'email command handled');
  return { kind: 'ran', outcome };
}
