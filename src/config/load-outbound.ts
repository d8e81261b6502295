/** Loads switchboard.yaml, channels/*.yaml and rules/*.yaml. */
import type { ConfigFiles } from './files.ts';
import { parseFile, type ParseContext } from './parse-file.ts';
import { channelSchema, mainSchema, rulesFileSchema, type ChannelConfig, type MainConfig, type RuleConfig } from './schema.ts';
import type { YamlSource } from './yaml-source.ts';

export interface LoadedMain {
  main: MainConfig;
  source?: YamlSource;
}

/** switchboard.yaml; undefined when it is absent (an error the caller reports) or invalid. */
export async function loadMain(files: ConfigFiles, ctx: ParseContext): Promise<LoadedMain | undefined> {
  if (!files.main) return undefined;
  const { source, value } = await parseFile(files.main, mainSchema, ctx);
  return value ? { main: value, source } : undefined;
}

export interface LoadedChannel {
  channel: ChannelConfig;
  source: YamlSource;
}

/** One channel per file; names are unique. */
export async function loadChannels(files: ConfigFiles, ctx: ParseContext): Promise<Map<string, LoadedChannel>> {
  const out = new Map<string, LoadedChannel>();
  for (const file of files.channels) {
    const { source, value } = await parseFile(file, channelSchema, ctx);
    if (!value) continue;
    const first = out.get(value.name);
    if (first) {
      const at = first.source.at(['name']);
      ctx.diagnostics.push({
        ...source.at(['name']),
        message: `duplicate channel name "${value.name}" (first defined in ${at.file}:${at.line})`,
        severity: 'error',
      });
      continue;
    }
    out.set(value.name, { channel: value, source });
  }
  return out;
}

export interface LoadedRule {
  rule: RuleConfig;
  source: YamlSource;
  /** index in the file's `rules` list */
  index: number;
}

/** Every rule of every rules file, in file order. */
export async function loadRules(files: ConfigFiles, ctx: ParseContext): Promise<LoadedRule[]> {
  const out: LoadedRule[] = [];
  for (const file of files.rules) {
    const { source, value } = await parseFile(file, rulesFileSchema, ctx);
    value?.rules.forEach((rule, index) => out.push({ rule, source, index }));
  }
  return out;
}
