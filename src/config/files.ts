/** Finds the config files of a config folder (docs/contracts.md section 2). */
import { readFileSync } from 'node:fs';
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
 * Reads the texts of `files` ahead, `batch` files at a time: `text(i)` is file i's text. Loaders
 * still take the files one by one in order (diagnostics keep their order, and a read error surfaces
 * at its file, as `readFile` would throw it). Each batch is read with `fs.readFileSync` (one call
 * per file instead of the four thread-pool round trips of `fs.readFile`: about half the cost for
 * thousands of small files, bench/aliases-load.ts `read_files`), and the event loop runs between
 * batches, so a reload of a large folder holds it for a few milliseconds at a time.
 *
 * @example
 * const text = readAhead(files.aliases);
 * for (const [i, file] of files.aliases.entries()) parse(file, await text(i));
 */
export function readAhead(files: ConfigFile[], batch = 64): (i: number) => Promise<string> {
  const texts: (string | Error | undefined)[] = [];
  return async (i) => {
    while (texts.length <= i && texts.length < files.length) {
      await new Promise((resolve) => setImmediate(resolve));
      const end = Math.min(files.length, texts.length + batch);
      for (let j = texts.length; j < end; j++) {
        try {
          texts.push(readFileSync(files[j]!.abs, 'utf8'));
        } catch (e) {
          texts.push(e as Error);
        }
      }
    }
    const text = texts[i] ?? readFileSync(files[i]!.abs, 'utf8');
    // handed out: not held to the end of the load (thousands of texts; asked again, it is read again)
    texts[i] = undefined;
    if (text instanceof Error) throw text;
    return text;
  };
}
