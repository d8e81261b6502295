/**
 * Open questions in Redis (docs/contracts.md section 7, "Conversations"): at most one per person
 * and medium, a JSON string that expires after {@link CONVERSATION_TTL_SECONDS}. A new question
 * replaces the old one; a reply takes it (GETDEL), so two replies at once never both complete it.
 *
 * Keys (prefix `{sb}`, the executions' hash tag):
 * - `{sb}:conversation:<source>:<user>`   the incomplete command being asked about (JSON), TTL 10 minutes
 */
import type { Redis } from 'ioredis';
import type { IncompleteMatch } from '../aliases/index.ts';
import { hashTagPrefix } from '../executions/keys.ts';
import { guarded } from '../executions/redis.ts';
import type { SenderProof } from '../executions/types.ts';

/** How long a question waits for its answer. */
export const CONVERSATION_TTL_SECONDS = 600;

/** An open question: the incomplete command, and the text it started from. */
export interface Conversation {
  state: IncompleteMatch;
  /** the command as first sent (`restart web`) */
  text: string;
  /** when the current question was asked (ms) */
  askedAt: number;
  /**
   * `unverified` when any message of the conversation was (an email that failed DKIM/SPF/DMARC):
   * the completed command is then confirmed by the owner, as an unverified command is
   */
  proof?: SenderProof;
}

export interface ConversationStore {
  /** Opens (or replaces) the question of this person on this medium. */
  open(source: string, user: string, conversation: Conversation): Promise<void>;
  /** Takes the open question of this person on this medium, if any: it is gone once taken. */
  take(source: string, user: string): Promise<Conversation | undefined>;
  /** The Redis key (tests read its TTL). */
  key(source: string, user: string): string;
}

/**
 * @example
 * const store = createConversationStore(redis, 'sb');
 * await store.open('sms', 'alice', { state, text: 'restart web', askedAt: Date.now() });
 * await store.take('sms', 'alice') // { state, text: 'restart web', askedAt: … }; a second take: undefined
 */
export function createConversationStore(redis: Redis, redisPrefix: string, opts: { ttlSeconds?: number } = {}): ConversationStore {
  const prefix = hashTagPrefix(redisPrefix);
  const ttl = opts.ttlSeconds ?? CONVERSATION_TTL_SECONDS;
  const key = (source: string, user: string) => `${prefix}:conversation:${source}:${user}`;
  return {
    key,
    async open(source, user, conversation) {
      // Redis away: UnavailableError (a 503, or the command kept in the spool: src/spool/)
      await guarded(redis, () => redis.set(key(source, user), JSON.stringify(conversation), 'EX', ttl));
    },
    async take(source, user) {
      const raw = await guarded(redis, () => redis.getdel(key(source, user)));
      if (raw === null) return undefined;
      try {
        const parsed = JSON.parse(raw) as Conversation;
        return parsed?.state?.kind === 'incomplete' && Array.isArray(parsed.state.missing) ? parsed : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
