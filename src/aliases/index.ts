/**
 * The alias engine: StackStorm-format action aliases compiled to RE2 (linear-time) matchers,
 * indexed by literal words. Pure: no I/O, no config loading.
 *
 * @module
 */
export { compileAliases, MAX_COMMAND_LENGTH } from './matcher.ts';
export { matchFormat } from './match-format.ts';
export { normalizeText } from './normalize-text.ts';
export { castParams } from './cast-params.ts';
export { findOverlaps } from './find-overlaps.ts';
export { formatProblems } from './format-table.ts';
export { renderFormat } from './render-format.ts';
export type {
  AliasFormatInfo,
  AliasMatcher,
  AliasSpec,
  AnswerResult,
  CompiledAlias,
  IncompleteMatch,
  FormatOverlap,
  FormatProblem,
  MatchOptions,
  MatchResult,
  Params,
  Source,
} from './types.ts';
