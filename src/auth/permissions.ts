/**
 * Who may read, list and cancel which executions, and who may use the features that are not
 * running a command (docs/contracts.md section 6 "Trust"). Every surface asks {@link authorize}: the HTTP
 * API, the dashboard (pages, its `/ui/api`, Bull Board, the rules and channels pages) and the
 * `core.status` / `core.cancel` builtins run from any ingress. Pure: no I/O.
 *
 * The rule, the same on every surface:
 * - everyone reads and cancels their own executions (owner = the execution's `user` is their name);
 * - `executions.read_all` reads and lists everyone's, origin included;
 * - `executions.cancel_all` cancels everyone's, and so reads and lists them too (one sees what one
 *   cancels), but sees another person's `origin` only with `executions.read_all`;
 * - `notify` sends `POST /api/v1/notify`, `queues` opens Bull Board, `config.read` the rules and
 *   channels pages; `*` is every permission;
 * - an execution one may not read does not exist for them (`not_found`), so ids cannot be probed;
 *   one one may read but not change is `forbidden`.
 */
import type { Config } from '../config/types.ts';
import type { Principal } from './authorize.ts';

/** The permissions a role may grant in switchboard.yaml `roles: {NAME: {permissions: [...]}}`. */
export const PERMISSIONS = ['executions.read_all', 'executions.cancel_all', 'notify', 'queues', 'config.read'] as const;
export type Permission = (typeof PERMISSIONS)[number];
/** Every name accepted in `permissions:`: the permissions and `*` (all of them). */
export const PERMISSION_NAMES: readonly string[] = [...PERMISSIONS, '*'];

/** Who is asking: a configured user's name and what their roles grant. */
export interface Actor {
  name: string;
  permissions: ReadonlySet<Permission>;
}

/** The part of an execution that authorization looks at: whose it is. */
export interface Owned {
  user?: string | undefined;
}

/** Where a question is asked. `command`: `core.status` / `core.cancel` from any ingress. */
export type Surface = 'api' | 'dashboard' | 'command';

export type Action =
  /** read one execution (API GET, dashboard page, `status ID`) */
  | 'execution.read'
  /** cancel one execution (API, dashboard button and `/ui/api`, `cancel ID`) */
  | 'execution.cancel'
  /** see an execution's `origin` (phone number, address, reply data) */
  | 'execution.origin'
  /** confirm a pending execution: its owner only (docs/contracts.md section 6) */
  | 'execution.confirm'
  /** list everyone's executions rather than one's own */
  | 'executions.list_all'
  /** `POST /api/v1/notify` (and `switchboard send` through the API) */
  | 'notify'
  /** Bull Board */
  | 'queues'
  /** the dashboard's rules and channels pages */
  | 'config.read';

/** `not_found`: answer as for an unknown id; `forbidden`: 403 / "you may not". */
export type Decision = 'allow' | 'not_found' | 'forbidden';

/** What each surface offers; asking a surface about anything else is `forbidden`. */
export const SURFACE_ACTIONS: Readonly<Record<Surface, readonly Action[]>> = {
  api: ['execution.read', 'execution.cancel', 'execution.origin', 'execution.confirm', 'executions.list_all', 'notify'],
  dashboard: ['execution.read', 'execution.cancel', 'execution.origin', 'execution.confirm', 'executions.list_all', 'queues', 'config.read'],
  command: ['execution.read', 'execution.cancel'],
};

const EXECUTION_ACTIONS = new Set<Action>(['execution.read', 'execution.cancel', 'execution.origin', 'execution.confirm']);

/**
 * The permissions `roles` grant through the role definitions in switchboard.yaml. Roles without a
 * definition grant nothing here (they may still be in aliases' `allow`); unknown names are a
 * config error (see src/config/role-permissions.ts) and are ignored.
 */
export function permissionsOf(config: Pick<Config, 'main'>, roles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  const defined = config.main.roles;
  for (const role of roles) {
    if (!Object.hasOwn(defined, role)) continue;
    for (const p of defined[role]?.permissions ?? []) {
      if (p === '*') PERMISSIONS.forEach((q) => out.add(q));
      else if ((PERMISSIONS as readonly string[]).includes(p)) out.add(p as Permission);
    }
  }
  return out;
}

/**
 * The actor for a resolved principal (see `resolveUser`); `undefined` for no principal.
 *
 * @example
 * actorOf(config, resolveUser(config, 'bob')) // { name: 'bob', permissions: Set {} }
 */
export function actorOf(config: Pick<Config, 'main'>, principal: Principal | undefined): Actor | undefined {
  return principal ? { name: principal.name, permissions: permissionsOf(config, principal.roles) } : undefined;
}

/**
 * The actor called `name` with the permissions of their configured roles (none when the user is no
 * longer configured: they still own what they ran). `undefined` for no name.
 *
 * @example
 * actorNamed(config, execution.user)
 */
export function actorNamed(config: Pick<Config, 'main'>, name: string | undefined): Actor | undefined {
  if (name === undefined || name === '') return undefined;
  const roles = Object.hasOwn(config.main.users, name) ? (config.main.users[name]?.roles ?? []) : [];
  return { name, permissions: permissionsOf(config, roles) };
}

/**
 * Whether `who` owns `execution`: its `user` is their name. An execution without a user (made by
 * the CLI or a notification) is nobody's.
 *
 * @example
 * isOwner({ name: 'alice' }, { user: 'alice' }) // true
 */
export function isOwner(who: { name: string } | undefined, execution: Owned): boolean {
  return who !== undefined && execution.user !== undefined && execution.user !== '' && execution.user === who.name;
}

const has = (actor: Actor, p: Permission) => actor.permissions.has(p);

/** The rule itself, independent of the surface. */
function decide(actor: Actor | undefined, action: Action, execution: Owned | undefined): Decision {
  if (EXECUTION_ACTIONS.has(action)) {
    if (!actor || !execution) return 'not_found';
    const owner = isOwner(actor, execution);
    const readable = owner || has(actor, 'executions.read_all') || has(actor, 'executions.cancel_all');
    if (!readable) return 'not_found';
    const allowed =
      action === 'execution.read' ||
      (action === 'execution.cancel' && (owner || has(actor, 'executions.cancel_all'))) ||
      (action === 'execution.origin' && (owner || has(actor, 'executions.read_all'))) ||
      (action === 'execution.confirm' && owner);
    return allowed ? 'allow' : 'forbidden';
  }
  if (!actor) return 'forbidden';
  if (action === 'executions.list_all') return has(actor, 'executions.read_all') || has(actor, 'executions.cancel_all') ? 'allow' : 'forbidden';
  return has(actor, action as Permission) ? 'allow' : 'forbidden';
}

/**
 * Whether `actor` may do `action` on `surface` (to `execution` for the `execution.*` actions).
 *
 * @example
 * authorize('api', 'execution.read', bob, { user: 'alice' }) // 'not_found'
 * authorize('api', 'execution.cancel', opsReader, { user: 'alice' }) // 'forbidden' (read_all only)
 * authorize('dashboard', 'queues', bob) // 'forbidden'
 */
export function authorize(surface: Surface, action: Action, actor: Actor | undefined, execution?: Owned): Decision {
  if (!SURFACE_ACTIONS[surface].includes(action)) return 'forbidden';
  return decide(actor, action, execution);
}

/** Shorthand: `authorize(...) === 'allow'`. */
export function allows(surface: Surface, action: Action, actor: Actor | undefined, execution?: Owned): boolean {
  return authorize(surface, action, actor, execution) === 'allow';
}

/**
 * Whose executions a listing shows: everyone's (`{}`), the actor's own (`{ user }`), or nothing
 * (`undefined`: no actor).
 */
export function listScope(surface: Surface, actor: Actor | undefined): { user?: string } | undefined {
  if (!actor) return undefined;
  return allows(surface, 'executions.list_all', actor) ? {} : { user: actor.name };
}
