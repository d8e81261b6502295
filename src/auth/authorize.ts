/**
 * Per-alias authorization (docs/contracts.md section 3): an alias's `allow` roles are checked against the
 * roles of the *person* who sent the text, never the bot or API key. Pure: no I/O.
 */
import type { Config } from '../config/types.ts';

/** A known user and their roles. */
export interface Principal {
  name: string;
  roles: readonly string[];
}

/** What authorization needs to know about an alias: its `allow` roles (absent = any known user). */
export interface Guarded {
  allow?: readonly string[] | undefined;
}

/** The configured user called `name`, or `undefined` when there is none (unknown users run nothing). */
export function resolveUser(config: Pick<Config, 'main'>, name: string | undefined): Principal | undefined {
  if (name === undefined || !Object.hasOwn(config.main.users, name)) return undefined;
  const user = config.main.users[name];
  return user ? { name, roles: user.roles } : undefined;
}

/**
 * Whether `user` may run `alias`: an unknown user never may; an alias without `allow` is open to
 * every known user; otherwise the user needs one of the listed roles.
 *
 * @example
 * mayRun({ name: 'bob', roles: ['viewer'] }, { allow: ['ops'] }) // false
 */
export function mayRun(user: Principal | undefined, alias: Guarded | undefined): boolean {
  if (!user || !alias) return false;
  if (alias.allow === undefined) return true;
  return alias.allow.some((role) => user.roles.includes(role));
}

/**
 * The aliases of `matcher` that `user` may run, in the matcher's order. `allowOf` gives an alias's
 * `allow` roles by id (they live in the config, not in the compiled matcher).
 *
 * @example
 * visibleAliases(user, matcher, allowFromConfig(config))
 */
export function visibleAliases<A extends { id: string }>(
  user: Principal | undefined,
  matcher: { readonly aliases: readonly A[] },
  allowOf: (aliasId: string) => Guarded | undefined,
): A[] {
  if (!user) return [];
  return matcher.aliases.filter((a) => mayRun(user, allowOf(a.id)));
}

/** Looks up an alias's `allow` roles in the loaded config, by id. */
const allowCache = new WeakMap<readonly unknown[], (aliasId: string) => Guarded | undefined>();

export function allowFromConfig(config: Pick<Config, 'aliases'>): (aliasId: string) => Guarded | undefined {
  // built once per loaded alias list (a reload brings a new list), not once per command
  let lookup = allowCache.get(config.aliases);
  if (!lookup) {
    const byId = new Map(config.aliases.map((a) => [a.id, { allow: a.allow }] as const));
    lookup = (id) => byId.get(id);
    allowCache.set(config.aliases, lookup);
  }
  return lookup;
}
