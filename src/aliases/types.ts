/**
 * The alias engine's public shapes. The engine is pure: no I/O, no config loading. Config code maps
 * loaded aliases and actions into {@link AliasSpec} and calls `compileAliases` (src/aliases/index.ts).
 */
import type { FormatEntry, ParameterSpec } from '../config/schema.ts';

/** Where a command came from; each ingress normalises text its own way before matching. */
export type Source = 'api' | 'sms' | 'email' | 'slack' | 'teams' | 'mattermost' | 'telegram' | 'discord';

export interface AliasSpec {
  /** unique id, `PACK.name` */
  id: string;
  /** the action ref it runs */
  action: string;
  enabled: boolean;
  formats: FormatEntry[];
  immutableParameters: Record<string, unknown>;
  /** the action's parameter schema, used to validate and cast values; absent = keep strings */
  parameters?: Record<string, ParameterSpec>;
  /** the action runs argv (a shell action): string values may not start with `-` unless the parameter says `allow_dash: true` */
  argv?: boolean;
  description?: string;
}

/** One parameter set produced by a match (after extras, immutables and casting). */
export type Params = Record<string, unknown>;

export type MatchResult =
  | {
      kind: 'matched';
      alias: string;
      action: string;
      /** the format (representation) string that matched */
      format: string;
      /** one set; for a `match_multiple` format, see `multiple` */
      params: Params;
      /** set only for `match_multiple` formats: one parameter set per hit */
      multiple?: Params[];
    }
  | { kind: 'none'; suggestions: string[] }
  | { kind: 'ambiguous'; candidates: { alias: string; format: string }[] }
  | {
      /** the text matched an alias but a value is bad, or the command is too long */
      kind: 'invalid';
      alias?: string;
      action?: string;
      format?: string;
      /** the parameter at fault, when there is one */
      parameter?: string;
      error: string;
      /** set when the only fault is required parameters with no value (see {@link IncompleteMatch}) */
      missing?: string[];
    };

/**
 * A command that names an alias's literal words but lacks required parameters (`restart web` for
 * `restart {{service}} on {{env}}`): what a question can complete (src/conversations/). Plain data,
 * so it can be stored and handed back to {@link AliasMatcher.answer}.
 */
export interface IncompleteMatch {
  kind: 'incomplete';
  alias: string;
  action: string;
  /** the whole format the command is completed to */
  format: string;
  /** the values given so far, as typed (placeholders of the format, then `key=value` extras) */
  given: Record<string, string>;
  /** the required parameters still without a value, in the order they are asked; never empty */
  missing: string[];
}

/** What an answer to the first missing parameter of an {@link IncompleteMatch} gives. */
export type AnswerResult =
  /** the value is refused by the parameter's schema; `expected` is what it takes (`one of staging, prod`) */
  | { kind: 'refused'; parameter: string; expected: string; error: string }
  /** accepted; another parameter is still missing */
  | { kind: 'next'; state: IncompleteMatch }
  /** accepted and nothing is missing: the whole command as if typed, and its match against that alias alone */
  | { kind: 'complete'; text: string; result: MatchResult }
  /** the alias is no longer enabled (the config was reloaded) */
  | { kind: 'gone'; error: string };

/** A problem with one format of one alias; that format is disabled, the others keep working. */
export interface FormatProblem {
  alias: string;
  /** index in the alias's `formats` list, and in its `representation` list when the entry is an object */
  formatIndex: number;
  representationIndex?: number;
  format: string;
  message: string;
  severity: 'error' | 'warning';
}

// ---------------------------------------------------------------- added by the alias engine (additive)

/** One entry of an alias's `formats`, as shown in help listings. */
export interface AliasFormatInfo {
  /** the help text: `display`, else the format string itself */
  display: string;
  /** the strings that are matched (none for a display-only entry) */
  representations: string[];
  matchMultiple: boolean;
}

/** An alias as the matcher knows it (listed whether or not it is enabled). */
export interface CompiledAlias {
  id: string;
  action: string;
  enabled: boolean;
  description?: string;
  /** the alias's `formats` as given */
  formats: FormatEntry[];
  /** one help string per format entry, in declaration order */
  display: string[];
  /** each format entry: help text, matched representations, match_multiple */
  entries: AliasFormatInfo[];
}

export interface MatchOptions {
  /**
   * consider only these aliases (e.g. the ones the sender may run): a predicate on the alias id,
   * or a list of ids; suggestions are filtered too
   */
  only?: ((aliasId: string) => boolean) | readonly string[];
}

export interface AliasMatcher {
  readonly aliases: readonly CompiledAlias[];
  match(text: string, opts?: MatchOptions): MatchResult;
  /**
   * When `text` matches no format in full, the one alias whose format it begins (its literal words
   * up to a required parameter) and what it lacks; `undefined` when none, or more than one alias, fits.
   */
  incomplete(text: string, opts?: MatchOptions): IncompleteMatch | undefined;
  /** Gives `value` to the first missing parameter of `state`, cast and checked as a typed value. */
  answer(state: IncompleteMatch, value: string): AnswerResult;
}

/** Two formats of different aliases that both match `sample`. */
export interface FormatOverlap {
  a: string;
  b: string;
  formatA: string;
  formatB: string;
  sample: string;
}
