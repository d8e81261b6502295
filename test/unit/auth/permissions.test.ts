import { describe, expect, it } from 'vitest';
import { resolveUser } from '../../../src/auth/authorize.ts';
import {
  actorNamed,
  actorOf,
  authorize,
  isOwner,
  listScope,
  PERMISSIONS,
  permissionsOf,
  type Action,
  type Actor,
  type Decision,
  type Surface,
} from '../../../src/auth/permissions.ts';
import type { Config } from '../../../src/config/types.ts';
import { mainSchema } from '../../../src/config/schema.ts';

// one user per column: olive owns the execution; everyone else is someone else
const main = mainSchema.parse({
  users: {
    olive: { roles: ['viewer'] },
    sam: { roles: ['viewer'] },
    rita: { roles: ['reader'] },
    carl: { roles: ['canceller'] },
    nina: { roles: ['notifier'] },
    quinn: { roles: ['queuer'] },
    cora: { roles: ['configreader'] },
    ada: { roles: ['admin'] },
  },
  roles: {
    viewer: { permissions: [] },
    reader: { permissions: ['executions.read_all'] },
    canceller: { permissions: ['executions.cancel_all'] },
    notifier: { permissions: ['notify'] },
    queuer: { permissions: ['queues'] },
    configreader: { permissions: ['config.read'] },
    admin: { permissions: ['*'] },
  },
});
const config = { main } as unknown as Config;
const actor = (name: string): Actor => actorOf(config, resolveUser(config, name))!;

const columns = ['olive', 'sam', 'rita', 'carl', 'nina', 'quinn', 'cora', 'ada'] as const;
const execution = { user: 'olive' };

// A = allow, N = not_found (answered like an unknown id), F = forbidden; columns as above:
//                 owner  none  read_all cancel_all notify queues config.read *
const rule: Record<Action, string> = {
  'execution.read': '     A N A A N N N A',
  'execution.cancel': '   A N F A N N N A',
  'execution.origin': '   A N A F N N N A',
  'execution.confirm': '  A N F F N N N F',
  'executions.list_all': 'F F A A F F F A',
  notify: '               F F F F A F F A',
  queues: '               F F F F F A F A',
  'config.read': '        F F F F F F A A',
};
const offered: Record<Surface, Action[]> = {
  api: ['execution.read', 'execution.cancel', 'execution.origin', 'execution.confirm', 'executions.list_all', 'notify'],
  dashboard: ['execution.read', 'execution.cancel', 'execution.origin', 'execution.confirm', 'executions.list_all', 'queues', 'config.read'],
  command: ['execution.read', 'execution.cancel'],
};
const letter: Record<string, Decision> = { A: 'allow', N: 'not_found', F: 'forbidden' };

const cells: [Surface, Action, string, Decision][] = [];
for (const surface of ['api', 'dashboard', 'command'] as const) {
  for (const action of Object.keys(rule) as Action[]) {
    const row = rule[action].trim().split(/\s+/);
    columns.forEach((name, i) => {
      // what a surface does not offer is refused there, whoever asks
      cells.push([surface, action, name, offered[surface].includes(action) ? letter[row[i]!]! : 'forbidden']);
    });
  }
}

describe('authorize: every surface x action x permission', () => {
  it('has a cell for each of the 3 surfaces, 8 actions and 8 kinds of user', () => {
    expect(cells).toHaveLength(3 * 8 * 8);
  });

  it.each(cells)('%s %s as %s: %s', (surface, action, name, expected) => {
    expect(authorize(surface, action, actor(name), execution)).toBe(expected);
  });
});

describe('authorize: edge cases', () => {
  it('treats an execution without a user as nobody’s: only the _all permissions reach it', () => {
    const orphan = {};
    expect(authorize('api', 'execution.read', actor('olive'), orphan)).toBe('not_found');
    expect(authorize('api', 'execution.read', actor('rita'), orphan)).toBe('allow');
    expect(authorize('api', 'execution.cancel', actor('carl'), orphan)).toBe('allow');
    expect(authorize('api', 'execution.confirm', actor('ada'), orphan)).toBe('forbidden');
    expect(authorize('api', 'execution.read', actor('olive'), { user: '' })).toBe('not_found');
  });

  it('refuses everything to no one', () => {
    expect(authorize('api', 'execution.read', undefined, execution)).toBe('not_found');
    expect(authorize('api', 'notify', undefined)).toBe('forbidden');
    expect(authorize('dashboard', 'queues', undefined)).toBe('forbidden');
  });

  it('answers an execution question without an execution like an unknown id', () => {
    expect(authorize('api', 'execution.read', actor('ada'))).toBe('not_found');
  });

  it('compares owners by exact name', () => {
    expect(isOwner({ name: 'olive' }, { user: 'olive' })).toBe(true);
    expect(isOwner({ name: 'Olive' }, { user: 'olive' })).toBe(false);
    expect(isOwner({ name: 'olive' }, {})).toBe(false);
    expect(isOwner(undefined, { user: 'olive' })).toBe(false);
  });
});

describe('permissionsOf', () => {
  it('grants the union of the roles’ permissions, * being all of them', () => {
    expect([...permissionsOf(config, ['reader', 'notifier'])].sort()).toEqual(['executions.read_all', 'notify']);
    expect([...permissionsOf(config, ['admin'])].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('grants nothing for roles without a definition, or an unknown permission name', () => {
    const odd = { main: mainSchema.parse({ roles: { x: { permissions: ['executions.readall'] } } }) } as unknown as Config;
    expect(permissionsOf(odd, ['x', 'ops', 'constructor', '__proto__']).size).toBe(0);
  });
});

describe('actorNamed', () => {
  it('gives a configured user their roles’ permissions', () => {
    expect([...actorNamed(config, 'rita')!.permissions]).toEqual(['executions.read_all']);
  });

  it('keeps a user no longer configured as the owner of what they ran, with no permissions', () => {
    const gone = actorNamed(config, 'zed')!;
    expect(gone.permissions.size).toBe(0);
    expect(authorize('command', 'execution.cancel', gone, { user: 'zed' })).toBe('allow');
  });

  it('is nobody for no name', () => {
    expect(actorNamed(config, undefined)).toBeUndefined();
    expect(actorNamed(config, '')).toBeUndefined();
  });
});

describe('listScope', () => {
  it.each([
    ['olive', { user: 'olive' }],
    ['sam', { user: 'sam' }],
    ['rita', {}],
    ['carl', {}],
    ['nina', { user: 'nina' }],
    ['ada', {}],
  ] as const)('lists for %s: %o', (name, scope) => {
    expect(listScope('api', actor(name))).toEqual(scope);
    expect(listScope('dashboard', actor(name))).toEqual(scope);
  });

  it('lists nothing for no one', () => {
    expect(listScope('api', undefined)).toBeUndefined();
  });
});
