/**
 * Running one spooled command when Redis is back (docs/contracts.md section 7, "When Redis is
 * away"): the API's Idempotency-Key binding first (src/api/idempotency.ts), then the pipeline as a
 * re-run of the alias matched when it was accepted (its `allow` as configured now, its
 * idempotency key, so a second replay finds the same execution), then the provisional id's answer:
 * `{sb}:spool-id:<sp-id>` → `{"execution":"k2m9x4q7","executions":[...]}` or `{"refused":{code,message},"user":…}`,
 * kept as long as executions are.
 */
import type { Redis } from 'ioredis';
import { createIdempotencyGuard } from '../api/idempotency.ts';
import { RequestError } from '../api/errors.ts';
import type { CommandInput, CommandOutcome } from '../commands/run-command.ts';
import type { Config } from '../config/types.ts';
import type { DeliveryService } from '../deliveries/types.ts';
import { hashTagPrefix } from '../executions/keys.ts';
import { guarded } from '../executions/redis.ts';
import type { Logger } from '../log.ts';
import type { SpoolEntry } from './types.ts';

/** What a provisional id resolved to. */
export type SpoolResolution = { execution: string; executions: string[] } | { refused: { code: string; message: string }; user: string };

export interface ReplayEntryDeps {
  config: Config;
  redis: Redis;
  logger: Logger;
  runCommand(input: CommandInput): Promise<CommandOutcome>;
  /** answers a command refused at replay, or sends its confirmation prompt, where it came from (not the API) */
  deliveries?: Pick<DeliveryService, 'replyToOrigin'>;
}

/** `{sb}:spool-id:<sp-id>` */
export const spoolIdKey = (redisPrefix: string, id: string): string => `${hashTagPrefix(redisPrefix)}:spool-id:${id}`;

/** Reads what a provisional id resolved to; undefined while it was not replayed. */
export async function resolveSpoolId(redis: Redis, redisPrefix: string, id: string): Promise<SpoolResolution | undefined> {
  const raw = await guarded(redis, () => redis.get(spoolIdKey(redisPrefix, id)));
  return raw === null ? undefined : (JSON.parse(raw) as SpoolResolution);
}

/**
 * @example
 * await replayEntry({ config, redis, logger, runCommand: gen.runCommand, deliveries }, entry);
 */
export async function replayEntry(deps: ReplayEntryDeps, entry: SpoolEntry): Promise<SpoolResolution> {
  const { config, redis, logger } = deps;
  const c = entry.command;
  const resolution = await resolve();
  const ttl = Math.max(1, Math.ceil(config.main.executions.retention_days * 86_400));
  await guarded(redis, () => redis.set(spoolIdKey(config.main.redis.prefix, entry.id), JSON.stringify(resolution), 'EX', ttl));
  logger.info({ spool_id: entry.id, source: c.source, user: c.user, ...resolution }, 'spooled command replayed');
  return resolution;

  async function resolve(): Promise<SpoolResolution> {
    if (c.api) {
      try {
        await createIdempotencyGuard({ redis, config, logger }).claim('commands', c.api.apiKey, c.api.key, c.api.body);
      } catch (err) {
        if (err instanceof RequestError) return { refused: { code: err.code, message: err.message }, user: c.user };
        throw err;
      }
    }
    const outcome = await deps.runCommand({
      text: c.text,
      source: c.source,
      user: c.user,
      origin: c.origin,
      idempotencyKey: c.idempotencyKey,
      rerun: c.rerun,
      spoolId: entry.id,
      ...(c.botUserId !== undefined && { botUserId: c.botUserId }),
    });
    if (outcome.kind === 'queued' || outcome.kind === 'pending') {
      // the alias asks for a confirmation now (the config changed): the prompt goes where the command came from
      if (outcome.kind === 'pending' && outcome.prompt !== undefined && c.source !== 'api') {
        await deps.deliveries?.replyToOrigin(c.origin, outcome.prompt, { id: `spool-${entry.id}-prompt`, subject: c.text });
      }
      return { execution: outcome.execution.id, executions: outcome.executions.map((s) => s.execution.id) };
    }
    const message = 'error' in outcome ? outcome.error : outcome.kind === 'forbidden' ? `you may not run ${outcome.alias}` : `not run (${outcome.kind})`;
    if (c.source !== 'api') await deps.deliveries?.replyToOrigin(c.origin, `${message} (${entry.id})`, { id: `spool-${entry.id}-refused`, subject: c.text });
    return { refused: { code: outcome.kind, message }, user: c.user };
  }
}
