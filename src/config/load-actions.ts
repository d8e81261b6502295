/** Loads actions/*.yaml and actions/PACK/*.yaml (Switchboard actions and StackStorm action metadata). */
import { builtinActions } from './builtins.ts';
import type { ConfigFile } from './files.ts';
import { mergeRoutes, renameNotifyKeys } from './notify.ts';
import { dropTopLevelNulls, parseFile, type ParseContext } from './parse-file.ts';
import { readAhead, type TextReader } from './read-ahead.ts';
import { actionSchema, runnerKinds, type ActionFile } from './schema.ts';
import type { ActionConfig } from './types.ts';
import type { YamlSource } from './yaml-source.ts';

/** What each runner needs, beyond `runner` itself. */
const runnerNeeds: Record<(typeof runnerKinds)[number], keyof ActionFile> = {
  shell: 'command',
  http: 'url',
  module: 'module',
  builtin: 'builtin',
};

/** The action's ref: `pack.name` with a `pack` field or a PACK folder, else `name` as written. */
export function actionRef(action: Pick<ActionFile, 'name' | 'pack'>, folder?: string): string {
  const pack = action.pack ?? folder;
  return pack ? `${pack}.${action.name}` : action.name;
}

/** A StackStorm action metadata file: `runner_type` and no Switchboard `runner`. */
function isStackStormMetadata(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'runner_type' in raw && !('runner' in raw);
}

/** Runner checks: errors for what a Switchboard runner needs, a warning for StackStorm-only actions. */
function checkRunner(action: ActionFile, source: YamlSource, ctx: ParseContext): void {
  if (action.runner === undefined) {
    if (action.runner_type !== undefined) {
      ctx.diagnostics.push({
        ...source.at(['runner_type']),
        message: `StackStorm runner "${action.runner_type}" cannot run here; set runner: ${runnerKinds.join(' | ')}`,
        severity: 'warning',
      });
    } else {
      ctx.diagnostics.push({ ...source.at(['runner']), path: 'runner', message: `required (one of ${runnerKinds.join(' | ')})`, severity: 'error' });
    }
    return;
  }
  const need = runnerNeeds[action.runner];
  if (action[need] === undefined) {
    ctx.diagnostics.push({ ...source.at(['runner']), path: need, message: `required by runner ${action.runner}`, severity: 'error' });
  }
}

/** The ref a file that failed to load meant to define, when it can be read at all. */
function intendedRef(data: unknown, folder?: string): string | undefined {
  const { name, pack } = (typeof data === 'object' && data !== null ? data : {}) as { name?: unknown; pack?: unknown };
  if (typeof name !== 'string') return undefined;
  return actionRef({ name, pack: typeof pack === 'string' ? pack : undefined }, folder);
}

/** The `parameters` of every action that takes none: one object, not one each (read only: frozen). */
const NO_PARAMETERS: ActionFile['parameters'] = Object.freeze({});

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

export interface LoadedAction {
  action: ActionConfig;
  source?: YamlSource;
}

export interface LoadedActions {
  actions: Map<string, LoadedAction>;
  /** refs of action files that have errors: aliases naming them are not reported again */
  broken: Set<string>;
}

/** Every action by ref, built-ins first; duplicates are errors at the second definition. */
export async function loadActions(files: ConfigFile[], ctx: ParseContext, read?: TextReader): Promise<LoadedActions> {
  const out = new Map<string, LoadedAction>();
  const broken = new Set<string>();
  for (const [ref, action] of builtinActions()) out.set(ref, { action });
  // a reader of the caller's (one for several lists, started early) is the caller's to close
  const text = read ?? readAhead(files);
  try {
    for (const [i, file] of files.entries()) {
      const { source, value } = await parseFile(file, actionSchema, ctx, {
        text: text(i),
        cacheKind: 'action',
        // StackStorm metadata loads as written: its `${VAR}`s are the shell's, at run time
        expand: (raw) => !isStackStormMetadata(raw),
        prepare: (raw) => {
          dropTopLevelNulls(raw);
          renameNotifyKeys(raw.notify);
        },
      });
      if (!value) {
        const ref = intendedRef(source.partial, file.folder);
        if (ref) broken.add(ref);
        continue;
      }
      const ref = actionRef(value, file.folder);
      const first = out.get(ref);
      if (first && !first.source) {
        // StackStorm's own core pack ships core.noop etc.; the built-in one wins
        ctx.diagnostics.push({ ...source.at(['name']), message: `action "${ref}" is built in; this file is ignored`, severity: 'warning' });
        continue;
      }
      if (first?.source) {
        const at = first.source.at(['name']);
        ctx.diagnostics.push({ ...source.at(['name']), message: `duplicate action ref "${ref}" (first defined in ${at.file}:${at.line})`, severity: 'error' });
        continue;
      }
      checkRunner(value, source, ctx);
      mergeRoutes(value.notify);
      if (isEmpty(value.parameters)) value.parameters = NO_PARAMETERS;
      // the validated value itself becomes the action (see load-aliases.ts: a spread copy each costs a hidden class)
      out.set(ref, { action: Object.assign(value, { ref, file: file.rel }) as ActionConfig, source });
    }
  } finally {
    if (!read) text.close();
  }
  return { actions: out, broken };
}
