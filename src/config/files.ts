/** Finds the config files of a config folder (docs/contracts.md section 2). */
import { readFile } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

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

/** YAML files directly in `dir/sub`, and, when `packs`, one level down in PACK folders. */
async function yamlFiles(dir: string, sub: string, packs: boolean): Promise<ConfigFile[]> {
  const out: ConfigFile[] = [];
  for (const e of await entries(join(dir, sub))) {
    if (e.isFile() && isYaml(e.name)) out.push({ rel: `${sub}/${e.name}`, abs: join(dir, sub, e.name) });
    if (packs && e.isDirectory() && !e.name.startsWith('.')) {
      for (const f of await entries(join(dir, sub, e.name))) {
        if (f.isFile() && isYaml(f.name)) {
          out.push({ rel: `${sub}/${e.name}/${f.name}`, abs: join(dir, sub, e.name, f.name), folder: e.name });
        }
      }
    }
  }
  return out;
}

/** Every config file of `dir`, sorted so reports come in a stable order. */
export async function listConfigFiles(dir: string): Promise<ConfigFiles> {
  const top = await entries(dir);
  const mainEntry = top.find((e) => e.isFile() && (e.name === 'switchboard.yaml' || e.name === 'switchboard.yml'));
  return {
    main: mainEntry ? { rel: mainEntry.name, abs: join(dir, mainEntry.name) } : undefined,
    aliases: await yamlFiles(dir, 'aliases', true),
    actions: await yamlFiles(dir, 'actions', true),
    channels: await yamlFiles(dir, 'channels', false),
    rules: await yamlFiles(dir, 'rules', false),
  };
}

/**
 * Reads the texts of `files` ahead, `window` files at a time: `text(i)` is file i's text. Loaders
 * still take the files one by one in order (diagnostics keep their order, and a read error surfaces
 * at its file, as `readFile` would throw it), but thousands of small reads overlap.
 *
 * @example
 * const text = readAhead(files.aliases);
 * for (const [i, file] of files.aliases.entries()) parse(file, await text(i));
 */
export function readAhead(files: ConfigFile[], window = 32): (i: number) => Promise<string> {
  const reads: Promise<string>[] = [];
  return (i) => {
    for (let j = reads.length; j < Math.min(files.length, i + window); j++) {
      const read = readText(files[j]!.abs);
      // a failed read is thrown to whoever awaits it; one never awaited (an earlier file threw) is dropped
      read.catch(() => {});
      reads.push(read);
    }
    return reads[i] ?? readText(files[i]!.abs);
  };
}

/** `fs.readFile` with a callback: about half the cost of `fs/promises` per small file (thousands of them). */
function readText(abs: string): Promise<string> {
  return new Promise((resolve, reject) => readFile(abs, 'utf8', (err, text) => (err ? reject(err) : resolve(text))));
}
