/**
 * One measurement for bench/aliases-load.ts, in a fresh process: loads the config folder argv[2] the
 * way `serve` does (`loadConfig` with overlaps off, then `compileAliases`), and prints wall time and
 * memory (RSS and heap after a GC, before and after; peak RSS) as one JSON line.
 * Flags after the folder: `overlaps` (run the overlap check too), `yaml-only` (every file parsed by
 * `yaml` with positions, the way loading worked before the fast reader: the baseline), `read`
 * (only read every alias and action file, twice: `fs.readFileSync` one by one, then `fs.readFile`
 * 32 at a time, as files.ts does; prints both times), `cache=DIR` (the load snapshot cache in DIR,
 * src/config/load-cache.ts; without it the cache is off: a cold load).
 */
import { readFile, readFileSync } from 'node:fs';
import { compileAliases } from '../src/aliases/index.ts';
import { toAliasSpecs } from '../src/config/alias-specs.ts';
import { listConfigFiles } from '../src/config/files.ts';
import { loadConfig } from '../src/config/load.ts';
import { setFastYaml } from '../src/config/yaml-fast.ts';

const dir = process.argv[2]!;
const flags = new Set(process.argv.slice(3));
const cacheDir = process.argv
  .slice(3)
  .find((f) => f.startsWith('cache='))
  ?.slice('cache='.length);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/**
 * CPU time (ms) of the main thread alone, from /proc (Linux; undefined elsewhere): the load reads
 * files on a thread of its own, which the process's CPU time (`cpu_ms`) counts too.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks (100 a second on Linux)
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
const mb = (n: number) => Number((n / 1024 / 1024).toFixed(1));

if (flags.has('read')) {
  const files = await listConfigFiles(dir);
  const paths = [...files.aliases, ...files.actions].map((f) => f.abs);
  let t = performance.now();
  let bytes = 0;
  for (const p of paths) bytes += readFileSync(p, 'utf8').length;
  const syncMs = performance.now() - t;
  t = performance.now();
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let active = 0;
    const pump = () => {
      if (next >= paths.length && active === 0) return resolve();
      while (active < 32 && next < paths.length) {
        active++;
        readFile(paths[next++]!, 'utf8', (err) => {
          if (err) return reject(err);
          active--;
          pump();
        });
      }
    };
    pump();
  });
  const asyncMs = performance.now() - t;
  console.log(JSON.stringify({ files: paths.length, bytes, read_sync_ms: Math.round(syncMs), read_async32_ms: Math.round(asyncMs) }));
  process.exit(0);
}

if (flags.has('yaml-only')) setFastYaml(false);
gc();
const before = process.memoryUsage();
const cpu0 = process.cpuUsage();
const mainCpu0 = mainThreadCpuMs();
const t0 = performance.now();
const { config, diagnostics } = await loadConfig(dir, { env: {}, overlaps: flags.has('overlaps'), cacheDir: cacheDir ?? false });
const t1 = performance.now();
if (!config) {
  console.error(diagnostics.filter((d) => d.severity === 'error').slice(0, 5));
  process.exit(1);
}
const { matcher, problems } = compileAliases(toAliasSpecs(config), { maxLength: config.main.limits.command_length });
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const mainCpu1 = mainThreadCpuMs();
const peak = process.resourceUsage().maxRSS * 1024;
gc();
const after = process.memoryUsage();
console.log(
  JSON.stringify({
    aliases: config.aliases.length,
    actions: config.actions.size,
    formats: matcher.table.slots.length,
    problems: problems.length,
    diagnostics: diagnostics.length,
    load_ms: Math.round(t1 - t0),
    compile_ms: Math.round(t2 - t1),
    total_ms: Math.round(t2 - t0),
    // CPU time (user + system) of the load and compile: steadier than wall time on a busy machine
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    main_thread_cpu_ms: mainCpu0 === undefined || mainCpu1 === undefined ? undefined : mainCpu1 - mainCpu0,
    rss_before_mb: mb(before.rss),
    rss_after_mb: mb(after.rss),
    rss_peak_mb: mb(peak),
    heap_before_mb: mb(before.heapUsed),
    heap_after_mb: mb(after.heapUsed),
  }),
);
