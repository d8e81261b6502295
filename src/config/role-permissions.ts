/**
 * switchboard.yaml `roles`: every permission name must be one src/auth/permissions.ts knows, so a
 * typo (`executions.readall`) is an error with a suggestion rather than a permission silently not
 * granted.
 */
import { PERMISSION_NAMES } from '../auth/permissions.ts';
import { didYouMean } from './did-you-mean.ts';
import type { LoadedMain } from './load-outbound.ts';
import type { Diagnostic } from './types.ts';

export function checkRolePermissions(loaded: LoadedMain): Diagnostic[] {
  const { main, source } = loaded;
  if (!source) return [];
  const out: Diagnostic[] = [];
  for (const [role, def] of Object.entries(main.roles)) {
    def.permissions.forEach((name, i) => {
      if (PERMISSION_NAMES.includes(name)) return;
      out.push({
        ...source.at(['roles', role, 'permissions', i]),
        message: `unknown permission "${name}" in role "${role}"${didYouMean(name, PERMISSION_NAMES)}; expected one of ${PERMISSION_NAMES.join(' | ')}`,
        severity: 'error',
      });
    });
  }
  return out;
}
