/**
 * `npm run bench -- aliases`: time to match one command against 1,000 and 10,000 aliases (two
 * formats each) through the word index, beside a plain linear scan of the same compiled regexes.
 * Prints one JSON object. Targets: index >= 50x faster than the scan at 10,000; < 20 µs median at 1,000.
 *
 * It also times commands that match nothing (typos of real commands, and words no alias has), whose
 * answer is the "did you mean" list: targets no-match <= 2x match, and no-match at 10,000 <= 3x at
 * 1,000. `suggest_top1` is how often the misspelt command's own format comes first.
 */
import os from 'node:os';
import { buildFormatTable } from '../src/aliases/format-table.ts';
import { compileAliases } from '../src/aliases/index.ts';
import type { AliasSpec } from '../src/aliases/index.ts';
import type { IndexedAliasMatcher } from '../src/aliases/matcher.ts';
import { suggest } from '../src/aliases/suggest.ts';
import { NOUNS, QUALIFIERS, VERBS } from './alias-corpus.ts';

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
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
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

/** Misspelt commands (two letters of the verb swapped, or a letter dropped) and words no alias has. */
function misses(n: number, count: number): { text: string; intended: string }[] {
  const next = rng(7);
  const out: { text: string; intended: string }[] = [];
  for (let k = 0; k < count; k++) {
    const i = Math.floor(next() * n);
    const verb = VERBS[i % VERBS.length]!;
    const noun = NOUNS[Math.floor(i / VERBS.length) % NOUNS.length]!;
    const qual = QUALIFIERS[Math.floor(i / (VERBS.length * NOUNS.length)) % QUALIFIERS.length]!;
    const at = 1 + Math.floor(next() * (verb.length - 2));
    const typo = k % 2 === 0 ? verb.slice(0, at) + verb[at + 1] + verb[at] + verb.slice(at + 2) : verb.slice(0, at) + verb.slice(at + 1);
    const text = k % 5 === 4 ? `frobnicate the ${noun}-${k} quickly` : `${typo} ${qual} ${noun} svc-${k} on h${k % 7}`;
    out.push({ text, intended: k % 5 === 4 ? '' : `${verb} ${qual} ${noun} {{name}} on {{host}}` });
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
  const missing = misses(n, 500);
  const missTexts = missing.map((m) => m.text);
  const t2 = performance.now();
  matcher.match(missTexts[0]!);
  const firstMissMs = performance.now() - t2;
  let none = 0;
  let top1 = 0;
  let typos = 0;
  for (const m of missing) {
    const r = matcher.match(m.text);
    if (r.kind !== 'none') continue;
    none++;
    if (m.intended) {
      typos++;
      if (r.suggestions[0] === m.intended) top1++;
    }
  }
  // the same misses through the reference scan (every entry scored), on a sample: same quality?
  let agree = 0;
  let scanTop1 = 0;
  const sample = missing.filter((m) => m.intended).slice(0, n >= 10_000 ? 40 : 120);
  const { suggestions } = buildFormatTable(specs);
  for (const m of sample) {
    const ref = suggest(m.text, suggestions);
    const r = matcher.match(m.text);
    if (r.kind === 'none' && r.suggestions[0] === ref[0]) agree++;
    if (ref[0] === m.intended) scanTop1++;
  }
  const noMatch = time((t) => matcher.match(t), missTexts, 5, 20 * missTexts.length);
  const linear = time((t) => linearScan(matcher, t), texts.slice(0, n >= 10_000 ? 100 : 300), 1, 3);
  return {
    aliases: n,
    formats: matcher.table.slots.length,
    compile_ms: Math.round(compileMs),
    first_match_ms: Number(firstMs.toFixed(2)),
    matched_of: `${matched}/${texts.length}`,
    index,
    no_match: { ...noMatch, first_ms: Number(firstMissMs.toFixed(2)), none_of: `${none}/${missing.length}`, suggest_top1: `${top1}/${typos}` },
    scan_sample: { top1_same_as_index: `${agree}/${sample.length}`, suggest_top1: `${scanTop1}/${sample.length}` },
    no_match_vs_match: Number((noMatch.median_us / index.median_us).toFixed(2)),
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
        'no-match <= 2x match (1,000 and 10,000)': at1k.no_match_vs_match <= 2 && at10k.no_match_vs_match <= 2,
        'no-match at 10,000 <= 3x at 1,000': at10k.no_match.median_us <= 3 * at1k.no_match.median_us,
      },
      no_match_10k_vs_1k: Number((at10k.no_match.median_us / at1k.no_match.median_us).toFixed(2)),
    },
    null,
    2,
  ),
);
