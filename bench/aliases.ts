/**
 * `npm run bench -- aliases`: time to match one command against 1,000 and 10,000 aliases (two
 * formats each) through the word index, beside a plain linear scan of the same compiled regexes.
 * Prints one JSON object. Targets: index >= 50x faster than the scan at 10,000; < 20 µs median at 1,000.
 */
import os from 'node:os';
import { compileAliases } from '../src/aliases/index.ts';
import type { AliasSpec } from '../src/aliases/index.ts';
import type { IndexedAliasMatcher } from '../src/aliases/matcher.ts';

const VERBS = ['restart', 'stop', 'start', 'deploy', 'rollback', 'scale', 'drain', 'reboot', 'ping', 'check', 'purge', 'flush',
  'rotate', 'backup', 'restore', 'promote', 'demote', 'pause', 'resume', 'upgrade', 'patch', 'tail', 'show', 'list', 'silence',
  'ack', 'resolve', 'escalate', 'enable', 'disable', 'lock', 'unlock', 'sync', 'reindex', 'vacuum', 'snapshot', 'migrate', 'warm', 'cordon', 'trace'];
const NOUNS = ['nginx', 'postgres', 'redis', 'kafka', 'cache', 'queue', 'worker', 'cron', 'dns', 'cdn', 'vpn', 'ldap', 'mail', 'api',
  'web', 'gateway', 'ingress', 'pod', 'node', 'cluster', 'bucket', 'volume', 'disk', 'cert', 'key', 'secret', 'user', 'group', 'alert',
  'incident', 'pager', 'build', 'pipeline', 'release', 'branch', 'tag', 'image', 'registry', 'mirror', 'proxy', 'firewall', 'route',
  'lb', 'vm', 'container', 'service', 'job', 'index', 'shard', 'replica', 'backup', 'log', 'metric', 'dashboard', 'monitor', 'probe',
  'tunnel', 'zone', 'record', 'ticket'];
const QUALIFIERS = ['blue', 'green', 'red', 'canary', 'edge', 'core', 'legacy', 'batch', 'stream', 'hot', 'cold', 'primary',
  'secondary', 'east', 'west', 'north', 'south', 'main', 'shadow', 'backup'];

function makeSpecs(n: number): AliasSpec[] {
  const specs: AliasSpec[] = [];
  for (let i = 0; i < n; i++) {
    const verb = VERBS[i % VERBS.length]!;
    const noun = NOUNS[Math.floor(i / VERBS.length) % NOUNS.length]!;
    const qual = QUALIFIERS[Math.floor(i / (VERBS.length * NOUNS.length)) % QUALIFIERS.length]!;
    specs.push({
      id: `pack${i % 97}.${verb}_${qual}_${noun}_${i}`,
      action: `pack${i % 97}.${verb}`,
      enabled: true,
      formats: [`${verb} ${qual} ${noun} {{name}} on {{host}}`, `${verb} ${qual} ${noun} {{name}} in {{region}} with {{count=1}}`],
      immutableParameters: {},
    });
  }
  return specs;
}

/** Deterministic pseudo-random numbers, so every run measures the same commands. */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function commands(n: number, count: number): string[] {
  const next = rng(42);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const i = Math.floor(next() * n);
    const verb = VERBS[i % VERBS.length]!;
    const noun = NOUNS[Math.floor(i / VERBS.length) % NOUNS.length]!;
    const qual = QUALIFIERS[Math.floor(i / (VERBS.length * NOUNS.length)) % QUALIFIERS.length]!;
    out.push(k % 2 === 0 ? `${verb} ${qual} ${noun} web-${k} on prod-${k % 7}` : `${verb} ${qual} ${noun} "db ${k}" in eu-west with 3`);
  }
  return out;
}

/** The baseline: every compiled RE2 regex tried in turn (the DFA test, then submatches on a hit). */
function linearScan(matcher: IndexedAliasMatcher, text: string): number {
  let hits = 0;
  for (const slot of matcher.table.slots) {
    const f = slot.format;
    const input = f.pad ? `${text} ` : text;
    if (f.regex.test(input) && f.regex.matcher(input).find()) hits++;
  }
  return hits;
}

function time(fn: (text: string) => unknown, texts: string[], rounds: number, warmup: number): { median_us: number; p99_us: number } {
  // warm-up: lazily built parts and the JIT settle; time the steady state a long-running gateway sees
  for (let i = 0; i < warmup; i++) fn(texts[i % texts.length]!);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const t of texts) {
      const t0 = performance.now();
      fn(t);
      samples.push((performance.now() - t0) * 1000);
    }
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => Number(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(2));
  return { median_us: at(0.5), p99_us: at(0.99) };
}

function run(n: number) {
  const specs = makeSpecs(n);
  const t0 = performance.now();
  const { matcher } = compileAliases(specs);
  const compileMs = performance.now() - t0;
  const texts = commands(n, 500);
  const t1 = performance.now();
  matcher.match(texts[0]!);
  const firstMs = performance.now() - t1;
  const matched = texts.filter((t) => matcher.match(t).kind === 'matched').length;
  const index = time((t) => matcher.match(t), texts, 5, 20 * texts.length);
  const linear = time((t) => linearScan(matcher, t), texts.slice(0, n >= 10_000 ? 100 : 300), 1, 3);
  return {
    aliases: n,
    formats: matcher.table.slots.length,
    compile_ms: Math.round(compileMs),
    first_match_ms: Number(firstMs.toFixed(2)),
    matched_of: `${matched}/${texts.length}`,
    index,
    linear_scan: linear,
    ratio_median: Number((linear.median_us / index.median_us).toFixed(1)),
  };
}

const results = [run(1_000), run(10_000)];
const at10k = results[1]!;
const at1k = results[0]!;
console.log(
  JSON.stringify(
    {
      bench: 'aliases',
      node: process.version,
      load_average: os.loadavg().map((x) => Number(x.toFixed(2))),
      cpus: os.cpus().length,
      results,
      ratio: at10k.ratio_median,
      targets: {
        'index >= 50x linear at 10,000': at10k.ratio_median >= 50,
        'median < 20 us at 1,000': at1k.index.median_us < 20,
      },
    },
    null,
    2,
  ),
);
