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
import { ask, continueConversation, type ConversationStep } from '../conversations/converse.ts';
import type { ConversationStore } from '../conversations/store.ts';
import { ParameterError, UnavailableError } from '../errors.ts';
import { parseAlertReply } from '../alerts/reply.ts';
import type { AlertService } from '../alerts/service.ts';
import type { AlertActionResult } from '../alerts/types.ts';
import type { DeliveryService } from '../deliveries/types.ts';
import type { ExecutionRecord, ExecutionService, Origin } from '../executions/types.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { CommandSpool } from '../spool/spool.ts';
import { SPOOLED_MESSAGE } from '../spool/types.ts';
import { matchAsUser, type UserMatch } from './match-as-user.ts';

/**
 * What the pipeline needs of the alias engine's matcher (src/aliases/index.ts); without
 * `incomplete` and `answer`, no question is asked.
 */
export type CommandMatcher = Pick<AliasMatcher, 'match'> & Partial<Pick<AliasMatcher, 'incomplete' | 'answer'>>;

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
  /** answers to alerts (`ACK 4821`, `SILENCE 4821 2h`); absent = such texts are matched as commands */
  alerts?: Pick<AlertService, 'act'>;
  /**
   * questions for missing parameters (docs/contracts.md section 7, "Conversations"); absent = a
   * command that lacks a parameter is answered `none` or `invalid`, as before
   */
  conversations?: ConversationStore;
  /**
   * the local spool (`spool:` in switchboard.yaml, src/spool/): a matched, authorised command that
   * cannot be submitted because Redis is away is kept there and answered `spooled`; absent = it
   * throws UnavailableError (503)
   */
  spool?: Pick<CommandSpool, 'append'>;
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
  rerun?: { alias: string; action: string; params: Params; multiple?: Params[] };
  /** the replay of this spool entry (src/spool/): never spooled again (Redis away again throws) */
  spoolId?: string;
  /** the API's Idempotency-Key binding that could not be made while Redis was away: kept with a spooled command, claimed at replay */
  apiIdempotency?: { apiKey: string; key: string; body: unknown };
}

export interface Submitted {
  execution: ExecutionRecord;
  /** false when the idempotency key had already been used */
  created: boolean;
}

export type CommandOutcome =
  /**
   * `confirmed`: queued by a confirmation reply; `completed`: queued by the answer to a question
   * (src/conversations/); neither is reproducible from the message id alone
   */
  | ({ kind: 'queued'; alias: string; action: string; text: string; executions: Submitted[]; confirmed?: true; completed?: true } & Submitted)
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
  /**
   * nothing was run: the command lacks parameter `parameter` of `alias`, and `question` asks for it
   * (`Which env? staging, prod (reply "cancel" to stop)`); the sender's next reply on this medium
   * answers it (src/conversations/). `command` is the command so far (`restart web`).
   */
  | { kind: 'question'; text: string; alias: string; parameter: string; question: string; command: string }
  /** the text answered an open question without running anything (`cancel`): `message` is the reply */
  | { kind: 'answered'; text: string; alias: string; message: string }
  /** the text was a reply to a confirmation that did not queue anything (refused, wrong code...) */
  | { kind: 'confirmation'; text: string; result: Exclude<ConfirmResult, { answer: 'confirmed' }> }
  /** the text answered an alert (`ACK 4821`, `SILENCE 4821 2h`, src/alerts/reply.ts); `result.message` is the reply */
  | { kind: 'alert'; text: string; result: AlertActionResult }
  /**
   * Redis is away: the command (matched, authorised, needing no confirmation) is kept in the local
   * spool (src/spool/) and runs when Redis is back; `id` is its provisional id (`sp-…`), `message`
   * says so ({@link SPOOLED_MESSAGE})
   */
  | { kind: 'spooled'; text: string; alias: string; action: string; id: string; message: string };

/**
 * Runs one command as `input.user`.
 *
 * 1. Normalise the text the way `input.source` needs (bot address, signatures, quotes, blanks).
 * 2. An unknown user runs nothing (and learns nothing about the aliases).
 * 3. A reply to this person's own confirmation prompt on this medium (`YES 482113`, `NO`) is
 *    answered by the confirmation service (src/confirmations/) instead of being matched.
 *    Then a reply to this person's open question on this medium (src/conversations/): `cancel`,
 *    the value of the missing parameter (the completed command then runs as a re-run of its
 *    alias, recorded with its whole text), or a new command (the question is dropped).
 * 4. Match it, the user's own aliases first (see `matchAsUser`): an alias they may not run never
 *    makes their command ambiguous nor appears in their suggestions, but is refused by name.
 *    Nothing matched, but the text begins one of their aliases up to a required parameter: ask.
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

  // an answer to an alert (`ACK 4821`, `SILENCE 4821 2h`, src/alerts/reply.ts): never matched as a command
  if (deps.alerts && input.rerun === undefined) {
    const reply = parseAlertReply(text);
    if (reply) {
      // an unverified sender (a mail failing DMARC...) could be anyone: it may not stop a page
      const result =
        'error' in reply
          ? { ok: false, message: reply.error, reason: 'invalid' as const }
          : input.origin.proof === 'unverified'
            ? {
                ok: false,
                message: 'Your message could not be verified as yours; nothing was changed. Answer from a verified address or the dashboard.',
                reason: 'forbidden' as const,
              }
            : await deps.alerts.act({ code: reply.code, action: reply.action, user: user.name, source: input.source });
      logger.info({ source: input.source, user: user.name, ok: result.ok, alert: result.alert?.id }, 'alert reply');
      return { kind: 'alert', text, result };
    }
  }

  // a reply to this person's own confirmation prompt on this medium (`YES 482113`, `NO`)
  if (deps.confirmations && input.rerun === undefined) {
    const r = await deps.confirmations.reply({ source: input.source, user: user.name, text });
    if (r?.answer === 'confirmed') return confirmedOutcome(deps, input, text, r.executions);
    if (r) return { kind: 'confirmation', text, result: r };
  }

  const allowOf = allowFromConfig(config);
  const mayRunAlias = (id: string) => mayRun(user, allowOf(id));
  // an answer to this person's own open question on this medium (`prod`, `cancel`): completed, it runs as if typed in full
  const conversation = conversationDeps(deps);
  if (conversation && input.rerun === undefined) {
    const step = await continueConversation(conversation, {
      source: input.source,
      user: user.name,
      text,
      mayRun: mayRunAlias,
      ...(input.origin.proof && { proof: input.origin.proof }),
    }).catch((err: unknown) => {
      // Redis away and a spool: open questions cannot be read; the text is taken as a new command
      if (spooling(deps, input) && redisDown(err)) return undefined;
      throw err;
    });
    if (step?.kind === 'complete') {
      const origin = step.proof ? { ...input.origin, proof: step.proof } : input.origin;
      const done = await runPipeline(deps, { ...input, origin, text: step.text, rerun: { alias: step.alias, action: step.action, params: step.params } });
      return done.kind === 'queued' ? { ...done, completed: true } : done;
    }
    if (step) return stepOutcome(step, text);
  }
  const { result: match, allowed } = input.rerun ? rerunMatch(config, input.rerun, mayRunAlias) : matchAsUser(matcher, text, mayRunAlias);
  if (!allowed && (match.kind === 'matched' || match.kind === 'invalid') && match.alias !== undefined) {
    logger.info({ user: user.name, alias: match.alias, source: input.source }, 'command forbidden');
    return { kind: 'forbidden', text, alias: match.alias, ...(match.action !== undefined && { action: match.action }) };
  }
  // names an alias's words but lacks a required parameter: ask for it
  if (conversation && input.rerun === undefined && (match.kind === 'none' || (match.kind === 'invalid' && match.missing))) {
    const state = conversation.matcher.incomplete(text, { only: mayRunAlias });
    if (state) {
      const asker = { source: input.source, user: user.name, ...(input.origin.proof && { proof: input.origin.proof }) };
      const step = await ask(conversation, asker, state, text).catch((err: unknown) => {
        // Redis away and a spool: no question can be kept; the command is answered as without conversations
        if (spooling(deps, input) && redisDown(err)) return undefined;
        throw err;
      });
      if (step) return stepOutcome(step, text);
    }
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
    // Redis away: kept in the spool, unless it must be confirmed (the code is checked in Redis: 503)
    if (ttl === undefined && spooling(deps, input) && redisDown(err)) {
      return spoolCommand(deps, input, text, user.name, {
        alias: match.alias,
        action: match.action,
        params: match.params,
        ...(match.multiple && { multiple: match.multiple }),
      });
    }
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
  return {
    result: {
      kind: 'matched',
      alias: rerun.alias,
      action: rerun.action,
      format: '',
      params: rerun.params,
      ...(rerun.multiple && { multiple: rerun.multiple }),
    },
    allowed: mayRunAlias(rerun.alias),
  };
}

/** A spool may keep this command: the gateway has one, and this is not already its replay. */
const spooling = (deps: CommandDeps, input: CommandInput): boolean => deps.spool !== undefined && input.spoolId === undefined;

/** Redis away: every service reports it as UnavailableError (`guarded`, src/executions/redis.ts). */
const redisDown = (err: unknown): boolean => err instanceof UnavailableError;

/**
 * Keeps a matched, authorised command in the spool (fsynced) and answers `spooled`. The spool's
 * own refusal (full: SpoolFullError, a 503) goes to the caller as is.
 */
async function spoolCommand(
  deps: CommandDeps,
  input: CommandInput,
  text: string,
  user: string,
  rerun: NonNullable<CommandInput['rerun']>,
): Promise<CommandOutcome> {
  const entry = await deps.spool!.append({
    text: input.text,
    source: input.source,
    user,
    origin: input.origin,
    rerun,
    ...(input.idempotencyKey !== undefined && { idempotencyKey: input.idempotencyKey }),
    ...(input.botUserId !== undefined && { botUserId: input.botUserId }),
    ...(input.apiIdempotency !== undefined && { api: input.apiIdempotency }),
  });
  deps.logger.warn({ spool_id: entry.id, user, alias: rerun.alias, source: input.source }, 'Redis is unreachable: command spooled');
  return { kind: 'spooled', text, alias: rerun.alias, action: rerun.action, id: entry.id, message: SPOOLED_MESSAGE };
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

/** The conversation half of the pipeline, when the gateway has one and the matcher can ask. */
function conversationDeps(deps: CommandDeps) {
  const { matcher, conversations } = deps;
  if (!conversations || !matcher.incomplete || !matcher.answer) return undefined;
  const { incomplete, answer } = matcher;
  return {
    config: deps.config,
    logger: deps.logger,
    conversations,
    matcher: { match: matcher.match.bind(matcher), incomplete: incomplete.bind(matcher), answer: answer.bind(matcher) },
  };
}

/** A question asked, or an answer that ran nothing, as the pipeline's outcome. */
function stepOutcome(step: Exclude<ConversationStep, { kind: 'complete' }>, text: string): CommandOutcome {
  switch (step.kind) {
    case 'ask':
      return { kind: 'question', text, alias: step.alias, parameter: step.parameter, question: step.question, command: step.command };
    case 'cancelled':
      return { kind: 'answered', text, alias: step.alias, message: step.message };
    case 'gone':
      return { kind: 'invalid', text, alias: step.alias, error: step.error };
    case 'invalid':
      return { kind: 'invalid', text, alias: step.alias, error: step.error, ...(step.parameter !== undefined && { parameter: step.parameter }) };
  }
}
