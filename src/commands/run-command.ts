/**
 * The one command pipeline every ingress shares (HTTP API, SMS, email, Slack, CLI):
 * normalise → match → authorize → submit. Each outcome is a value; only infrastructure failures
 * (Redis down) throw.
 */
import { normalizeText, type AliasMatcher, type Params, type Source } from '../aliases/index.ts';
import { allowFromConfig, mayRun, resolveUser } from '../auth/authorize.ts';
import type { Config } from '../config/types.ts';
import { confirmationTtl, promptText } from '../confirmations/codes.ts';
import type { ConfirmationService, ConfirmResult, OpenedConfirmation } from '../confirmations/service.ts';
import { ParameterError } from '../errors.ts';
import type { DeliveryService } from '../deliveries/types.ts';
import type { ExecutionRecord, ExecutionService, Origin } from '../executions/types.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { matchAsUser, type UserMatch } from './match-as-user.ts';

/** What the pipeline needs of the alias engine's matcher (src/aliases/index.ts). */
export type CommandMatcher = Pick<AliasMatcher, 'match'>;

export interface CommandDeps {
  config: Config;
  matcher: CommandMatcher;
  executions: ExecutionService;
  logger: Logger;
  /** when set, each newly created execution's alias `ack` is sent to the origin */
  deliveries?: DeliveryService;
  /** counts each outcome by source (`switchboard_commands_total`); absent = not counted */
  metrics?: Pick<Metrics, 'commandReceived'>;
  /**
   * confirmation by reply (docs/contracts.md section 6); absent = a command that must be confirmed is
   * refused (`invalid`), never run unconfirmed
   */
  confirmations?: Pick<ConfirmationService, 'open' | 'reply' | 'isOpen'>;
}

export interface CommandInput {
  /** the text as received; normalised here for `source` */
  text: string;
  source: Source;
  /** the configured user name of the person who sent it; `undefined` = unknown sender */
  user: string | undefined;
  origin: Origin;
  /** provider message id or Idempotency-Key: a repeat yields the same execution(s) */
  idempotencyKey?: string;
  /** Slack: the bot's user id, so a leading `<@BOTID>` is removed */
  botUserId?: string;
  /** false when the ingress answers with the ack itself (SMS: the TwiML reply), so none is queued */
  sendAck?: boolean;
  /**
   * a re-run: this alias with these parameters instead of matching `text` (which is only recorded).
   * Everything after matching is as for a typed command: the alias's `allow` for `user`, its
   * `confirm`, a new execution as `user`.
   */
  rerun?: { alias: string; action: string; params: Params };
}

export interface Submitted {
  execution: ExecutionRecord;
  /** false when the idempotency key had already been used */
  created: boolean;
}

export type CommandOutcome =
  /** `confirmed`: queued by a confirmation reply (not reproducible from the message id alone) */
  | ({ kind: 'queued'; alias: string; action: string; text: string; executions: Submitted[]; confirmed?: true } & Submitted)
  | { kind: 'none'; text: string; suggestions: string[] }
  | { kind: 'ambiguous'; text: string; candidates: { alias: string; format: string }[] }
  | { kind: 'invalid'; text: string; error: string; alias?: string; parameter?: string }
  | { kind: 'forbidden'; text: string; alias: string; action?: string }
  | { kind: 'unknown_user'; text: string }
  /**
   * recorded, not queued: the sender must confirm. `confirmation` and `prompt` (`Reply YES 482113
   * within 5 minutes to run: …`) are absent on a repeat of the same idempotency key (the code is
   * sent once); the ingress sends the prompt to the owner of the number or address.
   */
  | ({ kind: 'pending'; alias: string; action: string; text: string; executions: Submitted[]; confirmation?: OpenedConfirmation; prompt?: string } & Submitted)
  /** the text was a reply to a confirmation that did not queue anything (refused, wrong code...) */
  | { kind: 'confirmation'; text: string; result: Exclude<ConfirmResult, { answer: 'confirmed' }> };

/**
 * Runs one command as `input.user`.
 *
 * 1. Normalise the text the way `input.source` needs (bot address, signatures, quotes, blanks).
 * 2. An unknown user runs nothing (and learns nothing about the aliases).
 * 3. A reply to this person's own confirmation prompt on this medium (`YES 482113`, `NO`) is
 *    answered by the confirmation service (src/confirmations/) instead of being matched.
 * 4. Match it, the user's own aliases first (see `matchAsUser`): an alias they may not run never
 *    makes their command ambiguous nor appears in their suggestions, but is refused by name.
 * 5. An unverified sender, or an alias with `confirm`, makes the executions `pending` and opens a
 *    confirmation: the outcome `pending` carries the prompt the ingress sends to the owner.
 * 6. Submit one execution per parameter set (several for a `match_multiple` format), each with a
 *    distinct idempotency key derived from `input.idempotencyKey`.
 *
 * @example
 * const outcome = await runCommand(deps, {
 *   text: 'restart web', source: 'api', user: 'alice',
 *   origin: { source: 'api', sender: 'ci' }, idempotencyKey: 'req-1',
 * });
 * if (outcome.kind === 'queued') console.log(outcome.execution.id);
 */
export async function runCommand(deps: CommandDeps, input: CommandInput): Promise<CommandOutcome> {
  const outcome = await runPipeline(deps, input);
  deps.metrics?.commandReceived(input.source, outcome.kind);
  return outcome;
}

async function runPipeline(deps: CommandDeps, input: CommandInput): Promise<CommandOutcome> {
  const { config, matcher, executions, logger } = deps;
  const text = normalizeText(input.text, input.source, {
    botNames: config.main.ingress.bot_names,
    ...(input.botUserId !== undefined && { botUserId: input.botUserId }),
  });

  const user = resolveUser(config, input.user);
  if (!user) {
    logger.info({ source: input.source, sender: input.origin.sender }, 'command from unknown user refused');
    return { kind: 'unknown_user', text };
  }

  // a reply to this person's own confirmation prompt on this medium (`YES 482113`, `NO`)
  if (deps.confirmations && input.rerun === undefined) {
    const r = await deps.confirmations.reply({ source: input.source, user: user.name, text });
    if (r?.answer === 'confirmed') return confirmedOutcome(deps, input, text, r.executions);
    if (r) return { kind: 'confirmation', text, result: r };
  }

  const allowOf = allowFromConfig(config);
  const mayRunAlias = (id: string) => mayRun(user, allowOf(id));
  const { result: match, allowed } = input.rerun ? rerunMatch(config, input.rerun, mayRunAlias) : matchAsUser(matcher, text, mayRunAlias);
  if (!allowed && (match.kind === 'matched' || match.kind === 'invalid') && match.alias !== undefined) {
    logger.info({ user: user.name, alias: match.alias, source: input.source }, 'command forbidden');
    return { kind: 'forbidden', text, alias: match.alias, ...(match.action !== undefined && { action: match.action }) };
  }
  switch (match.kind) {
    case 'none':
      return { kind: 'none', text, suggestions: match.suggestions };
    case 'ambiguous':
      return { kind: 'ambiguous', text, candidates: match.candidates };
    case 'invalid':
      return {
        kind: 'invalid',
        text,
        error: match.error,
        ...(match.alias !== undefined && { alias: match.alias }),
        ...(match.parameter !== undefined && { parameter: match.parameter }),
      };
    case 'matched':
      break;
  }

  // 5. confirmation first when the sender is unverified or the alias asks for it (docs/contracts.md section 6)
  const ttl = confirmationTtl(
    config.aliases.find((a) => a.id === match.alias),
    input.source,
    input.origin.proof,
  );
  if (ttl !== undefined && !deps.confirmations) {
    return { kind: 'invalid', text, alias: match.alias, error: 'this command must be confirmed, which this gateway cannot ask for; nothing was run' };
  }
  const sets: Params[] = match.multiple ?? [match.params];
  const submitted: Submitted[] = [];
  try {
    for (const [i, params] of sets.entries()) {
      const key = input.idempotencyKey === undefined ? undefined : i === 0 ? input.idempotencyKey : `${input.idempotencyKey}#${i}`;
      submitted.push(
        await executions.submit({
          alias: match.alias,
          action: match.action,
          params,
          user: user.name,
          origin: input.origin,
          text,
          ...(key !== undefined && { idempotencyKey: key }),
          ...(ttl !== undefined && { pending: true }),
        }),
      );
    }
  } catch (err) {
    if (!(err instanceof ParameterError)) throw err;
    return { kind: 'invalid', text, error: err.message, alias: match.alias, parameter: err.parameter };
  }

  const first = submitted[0];
  if (!first) return { kind: 'none', text, suggestions: [] };
  if (ttl !== undefined && deps.confirmations && first.execution.status === 'pending') {
    const base = { kind: 'pending' as const, alias: match.alias, action: match.action, text, executions: submitted, ...first };
    // a repeat (same idempotency key) asks nothing again, unless the first try failed before asking
    if (!first.created && (await deps.confirmations.isOpen(first.execution.id))) return base;
    const fresh = submitted.filter((s) => s.created || s.execution.status === 'pending').map((s) => s.execution);
    const confirmation = await deps.confirmations.open({ executions: fresh, source: input.source, user: user.name, ttlSeconds: ttl });
    logger.info(
      { execution: first.execution.id, user: user.name, alias: match.alias, source: input.source, proof: input.origin.proof ?? 'verified' },
      'command pending confirmation',
    );
    return { ...base, confirmation, prompt: promptText(confirmation.code, ttl, text) };
  }
  for (const s of submitted) {
    if (!s.created || !deps.deliveries || input.sendAck === false) continue;
    // the execution is queued either way; a lost ack is logged, never turned into a failed command
    await deps.deliveries.ackExecution(s.execution).catch((err: Error) => logger.warn({ execution: s.execution.id, err: err.message }, 'ack not queued'));
  }
  logger.info(
    { execution: first.execution.id, user: user.name, alias: match.alias, source: input.source, executions: submitted.map((s) => s.execution.id) },
    first.created ? 'command queued' : 'command repeated',
  );
  return { kind: 'queued', alias: match.alias, action: match.action, text, executions: submitted, ...first };
}

/**
 * A re-run as a match result: the alias as it is configured now must still exist, be enabled and
 * run the same action; whether this person may run it is the alias's `allow`, as for typed text.
 */
function rerunMatch(config: Config, rerun: NonNullable<CommandInput['rerun']>, mayRunAlias: (id: string) => boolean): UserMatch {
  const alias = config.aliases.find((a) => a.id === rerun.alias);
  const invalid = (error: string): UserMatch => ({
    result: { kind: 'invalid', alias: rerun.alias, action: rerun.action, error },
    allowed: alias === undefined || mayRunAlias(rerun.alias),
  });
  if (!alias) return invalid(`the alias ${rerun.alias} no longer exists; nothing was run`);
  if (alias.enabled === false) return invalid(`the alias ${rerun.alias} is disabled; nothing was run`);
  if (alias.action_ref !== rerun.action) return invalid(`the alias ${rerun.alias} now runs ${alias.action_ref}, not ${rerun.action}; nothing was run`);
  return { result: { kind: 'matched', alias: rerun.alias, action: rerun.action, format: '', params: rerun.params }, allowed: mayRunAlias(rerun.alias) };
}

/** A confirmation reply queued its executions: answered like a command just queued (the ack follows). */
async function confirmedOutcome(deps: CommandDeps, input: CommandInput, text: string, executions: ExecutionRecord[]): Promise<CommandOutcome> {
  const submitted: Submitted[] = executions.map((execution) => ({ execution, created: true }));
  const first = submitted[0];
  if (!first) return { kind: 'confirmation', text, result: { answer: 'not_found', message: 'Nothing to confirm.' } };
  for (const s of submitted) {
    if (!deps.deliveries || input.sendAck === false) continue;
    await deps.deliveries.ackExecution(s.execution).catch((err: Error) => deps.logger.warn({ execution: s.execution.id, err: err.message }, 'ack not queued'));
  }
  const alias = first.execution.alias ?? first.execution.action;
  deps.logger.info({ executions: executions.map((e) => e.id), source: input.source }, 'command confirmed and queued');
  return { kind: 'queued', alias, action: first.execution.action, text, executions: submitted, confirmed: true, ...first };
}
