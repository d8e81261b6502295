/**
 * The words a chat user reads when a command is answered at once ("Queued", "did you mean", "not
 * allowed", a bad parameter, a confirmation prompt), the same in every chat medium; each provider
 * gives only its formatting hooks ({@link ReplyStyle}): how a value is quoted, how free text is
 * made inert, the list bullet and line break. Pure.
 */
import type { CommandOutcome } from '../commands/run-command.ts';

/** How one medium writes an answer; every hook gets a value that may come from the sender. */
export interface ReplyStyle {
  /** The command text the sender typed, quoted (`No command matches <said>.`). */
  said(text: string): string;
  /** A value shown as code: a suggestion, an alias in a refusal, an alias format. */
  code(text: string): string;
  /** An alias name shown as plain text (the queued line, a candidate of an ambiguous command). */
  name(alias: string): string;
  /** Free text made inert: an error, a confirmation prompt, a confirmation answer. */
  escape(text: string): string;
  /** Starts each line of a list: `'• '`, `'- '`. */
  bullet: string;
  /** Between the lines of a list answer. */
  lineBreak: string;
  /** How `help` is named when nothing matched: `` '`help`' ``. */
  help: string;
  /** The answer to a queued command; default {@link queuedLine}. */
  queued?(outcome: Extract<CommandOutcome, { kind: 'queued' }>): string | undefined;
}

/**
 * `Queued <ids>: <alias>`, the alias written with `style.name`.
 *
 * @example
 * queuedLine({ kind: 'queued', alias: 'ops.restart', executions: [{ execution: { id: '01J9' } }], … }, style) // 'Queued 01J9: ops.restart'
 */
export function queuedLine(outcome: Extract<CommandOutcome, { kind: 'queued' }>, style: Pick<ReplyStyle, 'name'>): string {
  return `Queued ${outcome.executions.map((s) => s.execution.id).join(', ')}: ${style.name(outcome.alias)}`;
}

/**
 * The immediate answer to a command outcome in a medium's style; `undefined` = say nothing (an
 * unknown sender when no `ingress.unknown_sender_reply` is configured; a queued command when the
 * style says so). `unknownSenderReply` is the operator's text and is used as given.
 *
 * @example
 * chatOutcomeReply({ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, null, style) // 'You are not allowed to run `ops.restart`.'
 */
export function chatOutcomeReply(outcome: CommandOutcome, unknownSenderReply: string | null, style: ReplyStyle): string | undefined {
  const list = (head: string, lines: string[]) => [head, ...lines.map((line) => `${style.bullet}${line}`)].join(style.lineBreak);
  switch (outcome.kind) {
    case 'queued':
      return style.queued ? style.queued(outcome) : queuedLine(outcome, style);
    case 'none': {
      const head = `No command matches ${style.said(outcome.text)}.`;
      if (outcome.suggestions.length === 0) return `${head} Try ${style.help}.`;
      return list(
        `${head} Did you mean:`,
        outcome.suggestions.map((s) => style.code(s)),
      );
    }
    case 'ambiguous':
      return list(
        `${style.said(outcome.text)} matches several commands; be more specific:`,
        outcome.candidates.map((c) => `${style.name(c.alias)}: ${style.code(c.format)}`),
      );
    case 'invalid':
      return `${outcome.alias !== undefined ? `Cannot run ${style.code(outcome.alias)}: ` : ''}${style.escape(outcome.error)}`;
    case 'forbidden':
      return `You are not allowed to run ${style.code(outcome.alias)}.`;
    case 'unknown_user':
      return unknownSenderReply ?? undefined;
    case 'pending':
      return outcome.prompt !== undefined ? style.escape(outcome.prompt) : undefined;
    case 'confirmation':
    case 'alert':
      return style.escape(outcome.result.message);
    case 'question':
      return style.escape(outcome.question);
    case 'answered':
      return style.escape(outcome.message);
    case 'spooled':
      // Redis is away: kept in this gateway's spool (src/spool/), run when Redis is back
      return style.escape(`${outcome.message} (${outcome.id}).`);
  }
}
