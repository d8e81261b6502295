/** Finds the config files of a config folder (docs/contracts.md section 2). */
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';

export interface ConfigFile {
  /** relative to the config folder, `/`-separated */
  rel: string;
  abs: string;
  /** the PACK folder (`aliases/PACK/x.yaml`), if any */
  folder?: string;
}

export interface ConfigFiles {
  main?: ConfigFile;
  aliases: ConfigFile[];
  actions: ConfigFile[];
  channels: ConfigFile[];
  rules: ConfigFile[];
}

const isYaml = (name: string) => /\.ya?ml$/i.test(name);

async function entries(abs: string) {
  try {
    return (await readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}

/**
 * YAML files directly in `dir/sub`, and, when `packs`, one level down in PACK folders. The PACK
 * folders are listed at once (the thread pool lists several together: a folder of 100 packs is
 * listed in a third of the time it takes one after another), their files kept in name order.
 */
async function yamlFiles(dir: string, sub: string, packs: boolean): Promise<ConfigFile[]> {
  const top = await entries(join(dir, sub));
  const inPacks = packs ? await Promise.all(top.map((e) => (e.isDirectory() && !e.name.startsWith('.') ? entries(join(dir, sub, e.name)) : undefined))) : [];
  const out: ConfigFile[] = [];
  for (const [i, e] of top.entries()) {
    if (e.isFile() && isYaml(e.name)) out.push({ rel: `${sub}/${e.name}`, abs: join(dir, sub, e.name) });
    const pack = inPacks[i];
    if (!pack) continue;
    // one join per folder, not per file (thousands of files)
    const abs = join(dir, sub, e.name);
    for (const f of pack) {
      if (f.isFile() && isYaml(f.name)) out.push({ rel: `${sub}/${e.name}/${f.name}`, abs: `${abs}${sep}${f.name}`, folder: e.name });
    }
  }
  return out;
}

/** Every config file of `dir`, sorted so reports come in a stable order. */
export async function listConfigFiles(dir: string): Promise<ConfigFiles> {
  const top = await entries(dir);
  const mainEntry = top.find((e) => e.isFile() && (e.name === 'switchboard.yaml' || e.name === 'switchboard.yml'));
  const [aliases, actions, channels, rules] = await Promise.all([
    yamlFiles(dir, 'aliases', true),
    yamlFiles(dir, 'actions', true),
    yamlFiles(dir, 'channels', false),
    yamlFiles(dir, 'rules', false),
  ]);
  return { main: mainEntry ? { rel: mainEntry.name, abs: join(dir, mainEntry.name) } : undefined, aliases, actions, channels, rules };
}
