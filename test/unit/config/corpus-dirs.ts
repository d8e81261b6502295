/**
 * Builds config folders from the StackStorm alias corpus (test/fixtures/corpus, vendored): each alias file under
 * aliases/<corpus folder>/, its action metadata under actions/<pack of action_ref>/, a stub action for
 * each alias without one, and a rule for the `slack` notify route the vyatta actions use. Aliases
 * whose ids (or action files) would collide go to separate folders, so every file loads.
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';

export { corpusRoot } from '../../corpus.ts';
import { corpusRoot } from '../../corpus.ts';

interface ManifestEntry {
  path: string;
  alias_name: string;
  action_ref: string;
  action_metadata: string | null;
}

export interface CorpusAlias {
  /** path under st2-aliases/, e.g. `vyatta/cfg_ebgp.yaml` */
  corpusPath: string;
  /** the id the spec gives it: `pack` field, else the folder, then `.name` */
  expectedId: string;
  actionRef: string;
  /** the config folder it was put in */
  dir: string;
}

interface Slot {
  dir: string;
  ids: Set<string>;
  /** action ref -> metadata file (or '' for a stub) */
  actions: Map<string, string>;
}

export async function readManifest(): Promise<ManifestEntry[]> {
  return JSON.parse(await readFile(join(corpusRoot, 'st2-aliases/MANIFEST.json'), 'utf8')) as ManifestEntry[];
}

const rules = `rules:
  - name: StackStorm routes
    channel: [slack]
    to: [{ channel: log }]
`;

async function newSlot(base: string, n: number): Promise<Slot> {
  const dir = join(base, `c${n}`);
  await mkdir(join(dir, 'channels'), { recursive: true });
  await mkdir(join(dir, 'rules'), { recursive: true });
  await mkdir(join(dir, 'actions'), { recursive: true });
  await writeFile(join(dir, 'channels', 'log.yaml'), 'name: log\nkind: log\n');
  await writeFile(join(dir, 'switchboard.yaml'), 'server: { port: 8080 }\n');
  await writeFile(join(dir, 'rules', 'stackstorm.yaml'), rules);
  return { dir, ids: new Set(), actions: new Map() };
}

export async function buildCorpusDirs(): Promise<{ dirs: string[]; aliases: CorpusAlias[]; stubs: string[] }> {
  const manifest = await readManifest();
  const base = await mkdtemp(join(tmpdir(), 'sb-corpus-'));
  const slots: Slot[] = [];
  const aliases: CorpusAlias[] = [];
  const stubs = new Set<string>();
  for (const entry of manifest) {
    const corpusPath = entry.path.replace(/^st2-aliases\//, '');
    const folder = dirname(corpusPath);
    const doc = parse(await readFile(join(corpusRoot, entry.path), 'utf8')) as { name: string; pack?: string };
    const expectedId = `${doc.pack ?? folder}.${doc.name}`;
    const actionFile = entry.action_metadata ?? '';
    const fits = (s: Slot) => !s.ids.has(expectedId) && (s.actions.get(entry.action_ref) ?? actionFile) === actionFile;
    let slot = slots.find(fits);
    if (!slot) {
      slot = await newSlot(base, slots.length);
      slots.push(slot);
    }
    slot.ids.add(expectedId);
    await mkdir(join(slot.dir, 'aliases', folder), { recursive: true });
    await copyFile(join(corpusRoot, entry.path), join(slot.dir, 'aliases', corpusPath));
    if (!slot.actions.has(entry.action_ref)) {
      slot.actions.set(entry.action_ref, actionFile);
      if (entry.action_metadata) {
        const dest = join(slot.dir, 'actions', entry.action_ref.split('.')[0] as string, basename(entry.action_metadata));
        await mkdir(dirname(dest), { recursive: true });
        await copyFile(join(corpusRoot, entry.action_metadata), dest);
      } else {
        stubs.add(entry.action_ref);
        const stub = `name: ${entry.action_ref}\nrunner: builtin\nbuiltin: noop\n`;
        await writeFile(join(slot.dir, 'actions', `stub-${entry.action_ref}.yaml`), stub);
      }
    }
    aliases.push({ corpusPath, expectedId, actionRef: entry.action_ref, dir: slot.dir });
  }
  return { dirs: slots.map((s) => s.dir), aliases, stubs: [...stubs] };
}
