/** Loads aliases/*.yaml and aliases/PACK/*.yaml: StackStorm alias files, unchanged, plus `allow`/`notify`. */
import { didYouMean } from './did-you-mean.ts';
import type { ConfigFile } from './files.ts';
import { mergeRoutes, renameNotifyKeys } from './notify.ts';
import { dropTopLevelNulls, parseFile, type ParseContext } from './parse-file.ts';
import { aliasSchema, type AliasFile } from './schema.ts';
import type { AliasConfig } from './types.ts';
import type { YamlSource } from './yaml-source.ts';
import { shapeKeys } from './zod-issues.ts';

const aliasKeys = Object.keys(aliasSchema.shape);
const replyKeys = shapeKeys(aliasSchema, ['ack'], {});

/** The alias's id: `PACK.name`, the pack from its `pack` field, else its folder, else `name`. */
export function aliasId(alias: Pick<AliasFile, 'name' | 'pack'>, folder?: string): string {
  const pack = alias.pack ?? folder;
  return pack ? `${pack}.${alias.name}` : alias.name;
}

/** Unknown keys are warnings: real packs ship typos (`formations`, `formaat`) and still load. */
function warnUnknownKeys(raw: Record<string, unknown>, source: YamlSource, ctx: ParseContext): void {
  const warn = (path: string[], key: string, known: string[]) =>
    ctx.diagnostics.push({ ...source.keyAt([...path, key]), message: `unknown key "${key}"${didYouMean(key, known)}`, severity: 'warning' });
  for (const key of Object.keys(raw)) if (!aliasKeys.includes(key)) warn([], key, aliasKeys);
  for (const reply of ['ack', 'result']) {
    const block = raw[reply];
    if (typeof block !== 'object' || block === null || Array.isArray(block)) continue;
    for (const key of Object.keys(block)) if (!replyKeys.includes(key)) warn([reply], key, replyKeys);
  }
}

export interface LoadedAlias {
  alias: AliasConfig;
  source: YamlSource;
}

/** Every alias, in file order; a duplicate id is an error at the second. */
export async function loadAliases(files: ConfigFile[], ctx: ParseContext): Promise<LoadedAlias[]> {
  const out: LoadedAlias[] = [];
  const seen = new Map<string, LoadedAlias>();
  for (const file of files) {
    const { source, value } = await parseFile(file, aliasSchema, ctx, {
      prepare: (raw) => {
        dropTopLevelNulls(raw);
        renameNotifyKeys(raw.notify);
      },
    });
    if (source.data && typeof source.data === 'object' && !Array.isArray(source.data)) {
      warnUnknownKeys(source.data as Record<string, unknown>, source, ctx);
    }
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
    const loaded = { alias: { ...value, id, file: file.rel }, source };
    seen.set(id, loaded);
    out.push(loaded);
  }
  return out;
}
