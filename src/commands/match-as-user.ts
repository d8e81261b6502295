/**
 * Matching on behalf of a person: their aliases first, so an alias they may not run never makes
 * their command ambiguous and never shows up in their "did you mean"; then, only when nothing of
 * theirs matched, every alias, so a command they may not run is refused by name (403) rather than
 * answered with "no match".
 */
import type { AliasMatcher, MatchResult } from '../aliases/index.ts';

export interface UserMatch {
  result: MatchResult;
  /** false when the result belongs to an alias the user may not run */
  allowed: boolean;
}

/**
 * @example
 * const { result, allowed } = matchAsUser(matcher, 'restart web', (id) => mayRun(user, allowOf(id)));
 */
export function matchAsUser(matcher: Pick<AliasMatcher, 'match'>, text: string, allowed: (aliasId: string) => boolean): UserMatch {
  // 1. only what the user may run
  const own = matcher.match(text, { only: allowed });
  if (own.kind !== 'none') return { result: own, allowed: true };
  // 2. nothing of theirs: does the text belong to an alias they may not run?
  const any = matcher.match(text);
  const owner = any.kind === 'matched' || any.kind === 'invalid' ? any.alias : undefined;
  if (owner !== undefined && !allowed(owner)) return { result: any, allowed: false };
  // 3. their own suggestions
  return { result: own, allowed: true };
}
