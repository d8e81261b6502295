/**
 * `npm run bench -- aliases-load [N=10000] [ROUNDS=3] [templates]`: loading a config folder of N alias files and
 * their N actions, the way `serve` starts (`loadConfig` without the overlap check, then
 * `compileAliases`), beside the same folder with no aliases or actions (the baseline), and beside
 * the same load with every file parsed by `yaml` with positions (`yaml-only`: the loader before the
 * fast reader of src/config/yaml-fast.ts; `ratio_to_yaml_only`), each in a fresh process
 * (`node --expose-gc --import tsx bench/_aliases-load-child.ts`), rounds alternated. `read_files`:
 * the bare cost of reading the 2N files (`fs.readFileSync` one by one; `fs.readFile` 32 at a time).
 *
 * The aliases are the StackStorm corpus's (test/fixtures/corpus/st2-aliases, the files with errors
 * left out) renamed to be unique (`NAME_i` in pack `p<i mod 100>`, a leading word `u<i>` on every
 * format, `notify` dropped); each action is a shell action with the parameters of the corpus action
 * metadata it named. The ack/result templates repeat (one per corpus file) unless the third argument
 * is `templates`, which makes each file's templates distinct too (every template compiled).
 * `full` is a cold load (the load snapshot cache of src/config/load-cache.ts off); `warm` the same
 * load with the cache present (written by a load just before, `cache_write`: a first load with the
 * cache on, which writes it), as a restart finds it.
 * `cpu_ms` is the process's CPU time (every thread: the file-reading thread of src/config/read-ahead.ts,
 * V8's GC helpers), `main_thread_cpu_ms` the main thread's alone (Linux: /proc), the steadier figure
 * on a busy machine.
 * `ALIASES_LOAD_KEEP=1` keeps the generated folders (ROUNDS=0: build only);
 * `ALIASES_LOAD_NODE_FLAGS='--max-semi-space-size=2'` runs the children with the flags `npm start`
 * and the Docker image use (a 2 MB young generation: about 20 MB less RSS for the same load).
 * Targets (issue 16): under 1 s and under 100 MB (RSS) more than the empty config.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, '..', 'test', 'fixtures', 'corpus');
const N = Number(process.argv[3] ?? 10_000);
const ROUNDS = Number(process.argv[4] ?? 3);
const DISTINCT_TEMPLATES = process.argv[5] === 'templates';
const PACKS = 100;
/** the corpus files with errors of their own (key typos, repeated placeholders) */
const BROKEN = new Set(['st2-aliases/duo/enroll_status.yaml', 'st2-aliases/vyatta/cfg_ebgp.yaml', 'st2-aliases/vyatta/cfg_interface.yaml']);

interface Entry {
  path: string;
  action_metadata: string | null;
}

type Doc = Record<string, unknown>;

/** `uI ` before the first word of a format (after a leading `^` or inline flags), so every alias is distinct. */
function distinct(format: string, i: number): string {
  const m = /^(\^?(?:\(\?[a-z]+\))?\s*)/.exec(format)!;
  return `${m[1]}u${i} ${format.slice(m[1]!.length)}`;
}

function renameFormats(formats: unknown, i: number): unknown {
  if (!Array.isArray(formats)) return formats;
  return formats.map((f) => {
    if (typeof f === 'string') return distinct(f, i);
    if (typeof f !== 'object' || f === null) return f;
    const o = { ...(f as Doc) };
    if (typeof o.display === 'string') o.display = distinct(o.display, i);
    if (Array.isArray(o.representation)) o.representation = o.representation.map((r) => (typeof r === 'string' ? distinct(r, i) : r));
    return o;
  });
}

async function build(n: number): Promise<{ full: string; empty: string; base: string }> {
  const base = await mkdtemp(join(os.tmpdir(), 'sb-aliases-load-'));
  const manifest = (JSON.parse(await readFile(join(corpus, 'st2-aliases/MANIFEST.json'), 'utf8')) as Entry[]).filter((e) => !BROKEN.has(e.path));
  const sources = await Promise.all(
    manifest.map(async (e) => ({
      alias: parse(await readFile(join(corpus, e.path), 'utf8')) as Doc,
      params: e.action_metadata ? ((parse(await readFile(join(corpus, e.action_metadata), 'utf8')) as Doc).parameters ?? undefined) : undefined,
    })),
  );
  const empty = join(base, 'empty');
  const full = join(base, 'full');
  for (const dir of [empty, full]) {
    await mkdir(join(dir, 'channels'), { recursive: true });
    await writeFile(join(dir, 'switchboard.yaml'), 'server: { port: 8080 }\n');
    await writeFile(join(dir, 'channels', 'log.yaml'), 'name: log\nkind: log\n');
  }
  for (let p = 0; p < PACKS; p++) {
    await mkdir(join(full, 'aliases', `p${p}`), { recursive: true });
    await mkdir(join(full, 'actions', `p${p}`), { recursive: true });
  }
  for (let i = 0; i < n; i++) {
    const src = sources[i % sources.length]!;
    const pack = `p${i % PACKS}`;
    const name = `${String(src.alias.name)}_${i}`;
    const alias: Doc = { ...src.alias, name, pack, action_ref: `${pack}.${name}`, formats: renameFormats(src.alias.formats, i) };
    // notify routes name channels of their own: not part of this measure
    delete alias.notify;
    if (DISTINCT_TEMPLATES) {
      for (const k of ['ack', 'result'] as const) {
        const part = alias[k] as Doc | undefined;
        if (typeof part?.format === 'string') alias[k] = { ...part, format: `#${i} ${part.format}` };
      }
    }
    const action: Doc = { name, pack, description: `action ${i}`, runner: 'shell', command: ['echo', name] };
    // StackStorm's `${VAR}`s in defaults are the shell's, at run time: not our environment's
    if (src.params) action.parameters = JSON.parse(JSON.stringify(src.params).replaceAll('${', '{'));
    await writeFile(join(full, 'aliases', pack, `${name}.yaml`), `---\n${stringify(alias)}`);
    await writeFile(join(full, 'actions', pack, `${name}.yaml`), stringify(action));
  }
  return { full, empty, base };
}

interface Figures {
  aliases: number;
  formats: number;
  load_ms: number;
  compile_ms: number;
  total_ms: number;
  rss_after_mb: number;
  rss_peak_mb: number;
  heap_after_mb: number;
  [k: string]: unknown;
}

/** Node flags for the children, e.g. `--max-semi-space-size=2` (as `npm start` and the Docker image run): `ALIASES_LOAD_NODE_FLAGS`. */
const nodeFlags = (process.env.ALIASES_LOAD_NODE_FLAGS ?? '').split(' ').filter(Boolean);

function measure(dir: string, ...flags: string[]): Figures {
  const out = execFileSync(process.execPath, [...nodeFlags, '--expose-gc', '--import', 'tsx', join(here, '_aliases-load-child.ts'), dir, ...flags], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Figures;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r1 = (x: number) => Number(x.toFixed(1));

const { full, empty, base } = await build(N);
const runs: { empty: Figures; full: Figures; yamlOnly: Figures; read: Figures; cacheWrite: Figures; warm: Figures }[] = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    // a fresh cache folder each round: the first load writes the snapshot, the second reads it
    const cache = join(base, `cache-${r}`);
    runs.push({
      empty: measure(empty),
      full: measure(full),
      yamlOnly: measure(full, 'yaml-only'),
      read: measure(full, 'read'),
      cacheWrite: measure(full, `cache=${cache}`),
      warm: measure(full, `cache=${cache}`),
    });
  }
} finally {
  // ALIASES_LOAD_KEEP=1 keeps the folders (for profiling the child by hand)
  if (process.env.ALIASES_LOAD_KEEP === '1') console.error(`kept: ${full} ${empty}`);
  else await rm(base, { recursive: true, force: true });
}
if (runs.length === 0) process.exit(0);
const e = runs.map((r) => r.empty);
const f = runs.map((r) => r.full);
const totalMs = median(f.map((x) => x.total_ms));
const baseMs = median(e.map((x) => x.total_ms));
const rssMore = median(runs.map((r) => r.full.rss_after_mb - r.empty.rss_after_mb));
const peakMore = median(runs.map((r) => r.full.rss_peak_mb - r.empty.rss_peak_mb));
const heapMore = median(runs.map((r) => r.full.heap_after_mb - r.empty.heap_after_mb));
const y = runs.map((r) => r.yamlOnly);
const yamlMs = median(y.map((x) => x.total_ms));
console.log(
  JSON.stringify(
    {
      bench: 'aliases-load',
      node: process.version,
      load_average: os.loadavg().map((x) => Number(x.toFixed(2))),
      cpus: os.cpus().length,
      node_flags: nodeFlags,
      aliases: f[0]!.aliases,
      formats: f[0]!.formats,
      rounds: ROUNDS,
      distinct_templates: DISTINCT_TEMPLATES,
      empty: { total_ms: baseMs, rss_after_mb: median(e.map((x) => x.rss_after_mb)), rss_peak_mb: median(e.map((x) => x.rss_peak_mb)) },
      full: {
        load_ms: median(f.map((x) => x.load_ms)),
        compile_ms: median(f.map((x) => x.compile_ms)),
        total_ms: totalMs,
        total_ms_each: f.map((x) => x.total_ms),
        cpu_ms: median(f.map((x) => x.cpu_ms as number)),
        main_thread_cpu_ms: median(f.map((x) => (x.main_thread_cpu_ms as number | undefined) ?? Number.NaN)),
        rss_after_mb: median(f.map((x) => x.rss_after_mb)),
        rss_peak_mb: median(f.map((x) => x.rss_peak_mb)),
        heap_after_mb: median(f.map((x) => x.heap_after_mb)),
      },
      warm: {
        load_ms: median(runs.map((r) => r.warm.load_ms)),
        compile_ms: median(runs.map((r) => r.warm.compile_ms)),
        total_ms: median(runs.map((r) => r.warm.total_ms)),
        total_ms_each: runs.map((r) => r.warm.total_ms),
        cpu_ms: median(runs.map((r) => r.warm.cpu_ms as number)),
        main_thread_cpu_ms: median(runs.map((r) => (r.warm.main_thread_cpu_ms as number | undefined) ?? Number.NaN)),
        rss_more_mb: r1(median(runs.map((r) => r.warm.rss_after_mb - r.empty.rss_after_mb))),
        rss_peak_more_mb: r1(median(runs.map((r) => r.warm.rss_peak_mb - r.empty.rss_peak_mb))),
      },
      cache_write: { total_ms: median(runs.map((r) => r.cacheWrite.total_ms)), total_ms_each: runs.map((r) => r.cacheWrite.total_ms) },
      yaml_only: {
        total_ms: yamlMs,
        total_ms_each: y.map((x) => x.total_ms),
        cpu_ms: median(y.map((x) => x.cpu_ms as number)),
        rss_more_mb: r1(median(runs.map((r) => r.yamlOnly.rss_after_mb - r.empty.rss_after_mb))),
        rss_peak_more_mb: r1(median(runs.map((r) => r.yamlOnly.rss_peak_mb - r.empty.rss_peak_mb))),
        heap_more_mb: r1(median(runs.map((r) => r.yamlOnly.heap_after_mb - r.empty.heap_after_mb))),
      },
      read_files: {
        files: runs[0]!.read.files,
        read_sync_ms: median(runs.map((r) => r.read.read_sync_ms as number)),
        read_async32_ms: median(runs.map((r) => r.read.read_async32_ms as number)),
      },
      rss_more_mb: r1(rssMore),
      rss_peak_more_mb: r1(peakMore),
      heap_more_mb: r1(heapMore),
      ratio: r1(totalMs / Math.max(1, baseMs)),
      ratio_to_yaml_only: Number((totalMs / Math.max(1, yamlMs)).toFixed(3)),
      cpu_ratio_to_yaml_only: Number((median(f.map((x) => x.cpu_ms as number)) / Math.max(1, median(y.map((x) => x.cpu_ms as number)))).toFixed(3)),
      targets: {
        'under 1 s': totalMs < 1000,
        'under 1 s (warm)': median(runs.map((r) => r.warm.total_ms)) < 1000,
        'under 100 MB more RSS (peak)': peakMore < 100,
        'under 100 MB more RSS (after GC)': rssMore < 100,
      },
    },
    null,
    2,
  ),
);
