/**
 * Loads aliases/*.yaml and aliases/PACK/*.yaml: StackStorm alias files, unchanged, plus `allow`/`notify`.
 * An unknown key is an error (the schema is strict), StackStorm's own fields being known keys.
 */
import type { ConfigFile } from './files.ts';
import { mergeRoutes, renameNotifyKeys } from './notify.ts';
import { dropTopLevelNulls, parseFile, type ParseContext } from './parse-file.ts';
import { readAhead, type TextReader } from './read-ahead.ts';
import { aliasSchema, type AliasFile } from './schema.ts';
import type { AliasConfig } from './types.ts';
import type { YamlSource } from './yaml-source.ts';

/** The alias's id: `PACK.name`, the pack from its `pack` field, else its folder, else `name`. */
export function aliasId(alias: Pick<AliasFile, 'name' | 'pack'>, folder?: string): string {
  const pack = alias.pack ?? folder;
  return pack ? `${pack}.${alias.name}` : alias.name;
}

/** The `immutable_parameters` of every alias that sets none: one object, not one each (read only: frozen). */
const NO_IMMUTABLES: Record<string, unknown> = Object.freeze({});

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

export interface LoadedAlias {
  alias: AliasConfig;
  source: YamlSource;
}

/** Every alias, in file order; a duplicate id is an error at the second. */
export async function loadAliases(files: ConfigFile[], ctx: ParseContext, read?: TextReader): Promise<LoadedAlias[]> {
  const out: LoadedAlias[] = [];
  const seen = new Map<string, LoadedAlias>();
  // a reader of the caller's (one for several lists, started early) is the caller's to close
  const text = read ?? readAhead(files);
  try {
    for (const [i, file] of files.entries()) {
      const { source, value } = await parseFile(file, aliasSchema, ctx, {
        text: text(i),
        cacheKind: 'alias',
        prepare: (raw) => {
          dropTopLevelNulls(raw);
          renameNotifyKeys(raw.notify);
        },
      });
      if (!value) continue;
      const id = aliasId(value, file.folder);
      const first = seen.get(id);
      if (first) {
        const at = first.source.at(['name']);
        ctx.diagnostics.push({ ...source.at(['name']), message: `duplicate alias id "${id}" (first defined in ${at.file}:${at.line})`, severity: 'error' });
        continue;
      }
      if (value.formats.length === 0) {
        ctx.diagnostics.push({ ...source.keyAt(['formats']), path: 'formats', message: 'no formats: this alias never matches', severity: 'warning' });
      }
      mergeRoutes(value.notify);
      if (isEmpty(value.immutable_parameters)) value.immutable_parameters = NO_IMMUTABLES;
      // the validated value itself becomes the alias (a fresh object nothing else holds): a spread copy
      // would be garbage at once, and V8 gives each spread copy of these a hidden class of its own (~400 bytes)
      const alias = Object.assign(value, { id, file: file.rel }) as AliasConfig;
      const loaded = { alias, source };
      seen.set(id, loaded);
      out.push(loaded);
    }
  } finally {
    if (!read) text.close();
  }
  return out;
}
