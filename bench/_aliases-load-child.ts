/**
 * One measurement for bench/aliases-load.ts, in a fresh process: loads the config folder argv[2] the
 * way `serve` does (`loadConfig` with overlaps off, then `compileAliases`), and prints wall time and
 * memory (RSS and heap after a GC, before and after; peak RSS) as one JSON line.
 */
import { compileAliases } from '../src/aliases/index.ts';
import { toAliasSpecs } from '../src/config/alias-specs.ts';
import { loadConfig } from '../src/config/load.ts';

const dir = process.argv[2]!;
const overlaps = process.argv[3] === 'overlaps';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (n: number) => Number((n / 1024 / 1024).toFixed(1));

gc();
const before = process.memoryUsage();
const t0 = performance.now();
const { config, diagnostics } = await loadConfig(dir, { env: {}, overlaps });
const t1 = performance.now();
if (!config) {
  console.error(diagnostics.filter((d) => d.severity === 'error').slice(0, 5));
  process.exit(1);
}
const { matcher, problems } = compileAliases(toAliasSpecs(config), { maxLength: config.main.limits.command_length });
const t2 = performance.now();
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
    rss_before_mb: mb(before.rss),
    rss_after_mb: mb(after.rss),
    rss_peak_mb: mb(peak),
    heap_before_mb: mb(before.heapUsed),
    heap_after_mb: mb(after.heapUsed),
  }),
);
