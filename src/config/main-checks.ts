/**
 * Checks of switchboard.yaml that no schema can make alone: API keys unique by name and by value,
 * roles that grant nothing, users nobody can reach or identify. Messages never hold a key's value.
 */
import { didYouMean } from './did-you-mean.ts';
import type { LoadedMain } from './load-outbound.ts';
import type { AliasConfig, Diagnostic } from './types.ts';

/**
 * Two API keys with one name share their idempotency scope and their rate limit, and two with one
 * value make the key's user a matter of order: both are errors, at the second.
 */
export function checkApiKeys({ main, source }: LoadedMain): Diagnostic[] {
  if (!source) return [];
  const out: Diagnostic[] = [];
  const byName = new Map<string, number>();
  const byValue = new Map<string, number>();
  main.api_keys.forEach((k, i) => {
    const sameName = byName.get(k.name);
    if (sameName !== undefined) {
      const at = source.at(['api_keys', sameName, 'name']);
      out.push({
        ...source.at(['api_keys', i, 'name']),
        message: `duplicate api key name "${k.name}" (first defined in ${at.file}:${at.line})`,
        severity: 'error',
      });
    } else byName.set(k.name, i);
    if (k.key === '') return;
    const sameValue = byValue.get(k.key);
    if (sameValue !== undefined) {
      const first = main.api_keys[sameValue]?.name ?? '';
      out.push({
        ...source.at(['api_keys', i, 'key']),
        message: `api key "${k.name}" has the same value as api key "${first}": give each key its own value`,
        severity: 'error',
      });
    } else byValue.set(k.key, i);
  });
  return out;
}

/**
 * A role a user holds that no alias `allow` names and `roles:` does not declare grants nothing:
 * often a typo (`opps`). A warning at the first user holding it.
 */
export function checkUnusedRoles({ main, source }: LoadedMain, aliases: readonly Pick<AliasConfig, 'allow'>[]): Diagnostic[] {
  if (!source) return [];
  const used = new Set<string>([...aliases.flatMap((a) => a.allow ?? []), ...Object.keys(main.roles)]);
  const reported = new Set<string>();
  const out: Diagnostic[] = [];
  for (const [name, user] of Object.entries(main.users)) {
    user.roles.forEach((role, i) => {
      if (used.has(role) || reported.has(role)) return;
      reported.add(role);
      out.push({
        ...source.at(['users', name, 'roles', i]),
        message: `role "${role}" is named by no alias allow and not declared under roles: it grants nothing${didYouMean(role, used)}`,
        severity: 'warning',
      });
    });
  }
  return out;
}

/** A user with no phone, email, Slack id, password or API key can neither send commands nor be notified. */
export function checkReachableUsers({ main, source }: LoadedMain): Diagnostic[] {
  if (!source) return [];
  const withKey = new Set(main.api_keys.map((k) => k.user));
  const out: Diagnostic[] = [];
  for (const [name, user] of Object.entries(main.users)) {
    const ways = [user.phone, user.email, user.slack, user.password, user.password_hash].some((v) => v !== undefined && v !== '');
    if (ways || withKey.has(name)) continue;
    out.push({
      ...source.keyAt(['users', name]),
      message: `user "${name}" has no phone, email, slack, password_hash nor api key: nobody can act as them or reach them`,
      severity: 'warning',
    });
  }
  return out;
}
