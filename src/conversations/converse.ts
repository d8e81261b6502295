/**
 * Questions for missing parameters (docs/contracts.md section 7, "Conversations"): a command that
 * begins an alias's format but lacks a required parameter is answered with a question, and the
 * next reply of the same person on the same medium answers it (src/commands/run-command.ts calls
 * both halves). The alias engine finds what is missing and casts the answers
 * (src/aliases/incomplete.ts); the open question is kept in Redis (store.ts).
 *
 * A reply to an open question is, in this order:
 * 1. `cancel` (`nevermind`, `abort`): the question is dropped, nothing runs.
 * 2. A value the parameter accepts: the answer, unless the reply has several words and is itself
 *    a whole command of an alias (`status 42`): then it is that command and the question is dropped.
 *    A one-word reply the parameter accepts is always the answer (`help` is a fine service name).
 * 3. A value the parameter refuses: when the reply is a command of its own (it matches, or begins,
 *    an alias), it is that command and the question is dropped; otherwise the refusal and the
 *    question again.
 */
import type { AliasMatcher, IncompleteMatch, Source } from '../aliases/index.ts';
import type { Config } from '../config/types.ts';
import type { SenderProof } from '../executions/types.ts';
import type { Logger } from '../log.ts';
import { matchAsUser } from '../commands/match-as-user.ts';
import { askText, isCancel, refusedText } from './question.ts';
import type { ConversationStore } from './store.ts';

export interface ConversationDeps {
  config: Pick<Config, 'actions'>;
  matcher: Pick<AliasMatcher, 'match' | 'incomplete' | 'answer'>;
  conversations: ConversationStore;
  logger: Logger;
  now?: () => number;
}

export interface ConversationInput {
  source: Source;
  user: string;
  /** the text as normalised for its medium */
  text: string;
  /** whether the user may run an alias (its `allow` roles) */
  mayRun: (aliasId: string) => boolean;
  /** how sure the medium is of the sender (email: DKIM/SPF/DMARC); absent = verified */
  proof?: SenderProof;
}

/** What a reply to an open question, or a command asked about, comes to. */
export type ConversationStep =
  /** a question was asked (again): `question` is its text, `command` the command so far */
  | { kind: 'ask'; alias: string; parameter: string; question: string; command: string }
  /** the reply abandoned the question */
  | { kind: 'cancelled'; alias: string; message: string }
  /** the alias went away while asking (a reload) */
  | { kind: 'gone'; alias: string; error: string }
  /** the command is whole: run it as if typed (`text`), through `alias` with `params` */
  | { kind: 'complete'; alias: string; action: string; text: string; params: Record<string, unknown>; proof?: SenderProof }
  /** the whole command does not match its alias after all (a value that breaks the format) */
  | { kind: 'invalid'; alias: string; parameter?: string; error: string };

/**
 * The answer to this person's open question on this medium; `undefined` when there is none, or
 * the reply is a new command (the question is then dropped): match it as usual.
 *
 * @example
 * const step = await continueConversation(deps, { source: 'sms', user: 'alice', text: 'prod', mayRun });
 * // { kind: 'complete', alias: 'ops.restart', text: 'restart web on prod', params: { service: 'web', env: 'prod' }, … }
 */
export async function continueConversation(deps: ConversationDeps, input: ConversationInput): Promise<ConversationStep | undefined> {
  const open = await deps.conversations.take(input.source, input.user);
  if (!open) return undefined;
  const { state } = open;
  const command = commandSoFar(open.text);
  // the weakest proof of any message of the conversation: a forged question is never completed as verified
  const proof = open.proof === 'unverified' || input.proof === 'unverified' ? ('unverified' as const) : undefined;
  // 1. cancel
  if (isCancel(input.text)) {
    deps.logger.info({ user: input.user, alias: state.alias, source: input.source }, 'question cancelled');
    return { kind: 'cancelled', alias: state.alias, message: `Cancelled: ${command}.` };
  }
  // the alias may have been taken from this person by a reload
  if (!input.mayRun(state.alias)) return { kind: 'gone', alias: state.alias, error: `you may no longer run ${state.alias}; nothing was run` };
  const answer = deps.matcher.answer(state, input.text);
  const isCommand = () => {
    const m = matchAsUser(deps.matcher, input.text, input.mayRun).result;
    return m.kind !== 'none' || deps.matcher.incomplete(input.text, { only: input.mayRun }) !== undefined;
  };
  const wholeCommand = () => matchAsUser(deps.matcher, input.text, input.mayRun).result.kind === 'matched';
  // 2. a new command instead of an answer: the question is dropped
  if (answer.kind === 'refused' ? isCommand() : /\s/.test(input.text.trim()) && wholeCommand()) {
    deps.logger.info({ user: input.user, alias: state.alias, source: input.source }, 'question dropped for a new command');
    return undefined;
  }
  switch (answer.kind) {
    case 'gone':
      return { kind: 'gone', alias: state.alias, error: answer.error };
    case 'refused': {
      const question = refusedText(input.text, answer.expected, answer.parameter, parameterSpec(deps, state, answer.parameter));
      await deps.conversations.open(input.source, input.user, { ...open, askedAt: now(deps), ...(proof && { proof }) });
      return { kind: 'ask', alias: state.alias, parameter: answer.parameter, question, command };
    }
    case 'next':
      return ask(deps, { ...input, ...(proof && { proof }) }, answer.state, open.text);
    case 'complete': {
      const r = answer.result;
      if (r.kind === 'matched' && r.alias === state.alias && !r.multiple) {
        return { kind: 'complete', alias: r.alias, action: r.action, text: answer.text, params: r.params, ...(proof && { proof }) };
      }
      const error = r.kind === 'invalid' ? r.error : `"${answer.text}" does not match ${state.alias} as completed; nothing was run`;
      return { kind: 'invalid', alias: state.alias, ...(r.kind === 'invalid' && r.parameter !== undefined && { parameter: r.parameter }), error };
    }
  }
}

/**
 * Asks for the first missing parameter of an incomplete command and opens (or replaces) this
 * person's question on this medium.
 *
 * @example
 * await ask(deps, { source: 'sms', user: 'alice', text: 'restart web', mayRun }, state, 'restart web')
 * // { kind: 'ask', parameter: 'env', question: 'Which env? staging, prod (reply "cancel" to stop)', … }
 */
export async function ask(
  deps: ConversationDeps,
  input: Pick<ConversationInput, 'source' | 'user' | 'proof'>,
  state: IncompleteMatch,
  text: string,
): Promise<Extract<ConversationStep, { kind: 'ask' }>> {
  const parameter = state.missing[0]!;
  await deps.conversations.open(input.source, input.user, { state, text, askedAt: now(deps), ...(input.proof === 'unverified' && { proof: input.proof }) });
  deps.logger.info({ user: input.user, alias: state.alias, parameter, source: input.source }, 'question asked');
  return { kind: 'ask', alias: state.alias, parameter, question: askText(parameter, parameterSpec(deps, state, parameter)), command: commandSoFar(text) };
}

function parameterSpec(deps: Pick<ConversationDeps, 'config'>, state: IncompleteMatch, name: string) {
  return deps.config.actions.get(state.action)?.parameters?.[name];
}

/** The command as first sent, for `Cancelled: restart web.` */
function commandSoFar(text: string): string {
  return text.trim();
}

function now(deps: Pick<ConversationDeps, 'now'>): number {
  return (deps.now ?? Date.now)();
}
