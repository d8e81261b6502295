/**
 * Soak: a steady rate of commands through the full path (signed Twilio webhooks and the JSON API ->
 * match -> execution -> two webhook deliveries to a local receiver) for MINUTES, with RSS and heap
 * sampled every few seconds. Reports the RSS and heap slopes over the last half of the run (least
 * squares, MB per minute) and whether every command's two deliveries arrived.
 *
 * `npm run bench -- soak [MINUTES=10] [RATE=50] [SAMPLE_SECONDS=5]`
 *
 * RSS "grows without bound" is judged as: the last half's RSS slope is above 1 MB/min *and* the
 * heap used after a GC at the end is more than 1.5x the heap used after a GC at the half-way point.
 * (`--expose-gc` is not needed: without it the samples are plain and the verdict uses slopes only.)
 */
import { closedLoop, percentile, startWorld } from './_e2e-world.ts';

const MINUTES = Number(process.argv[3] ?? 10);
const RATE = Number(process.argv[4] ?? 50);
const SAMPLE_SECONDS = Number(process.argv[5] ?? 5);
const MAX_OUTSTANDING = 2000;

const world = await startWorld({ concurrency: 20 });
// warm up (JIT, Lua scripts, connections)
await closedLoop({ lanes: 20, total: 400, send: world.send, receiver: world.receiver, perCommand: 2 });

interface Sample {
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}
const samples: Sample[] = [];
const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
const t0 = performance.now();
const sample = () => {
  const m = process.memoryUsage();
  samples.push({ t: (performance.now() - t0) / 60_000, rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) });
};
sample();
const sampler = setInterval(sample, SAMPLE_SECONDS * 1000);

let sent = 0;
let completed = 0;
let failed = 0;
let skipped = 0;
let outstanding = 0;
const latencies: number[] = [];
const endAt = t0 + MINUTES * 60_000;
const intervalMs = 1000 / RATE;
let i = 1_000_000;

// open loop: one command every 1/RATE s whatever the answers do (bounded by MAX_OUTSTANDING)
await new Promise<void>((resolve) => {
  let due = performance.now();
  const tick = () => {
    const now = performance.now();
    if (now >= endAt) return resolve();
    while (due <= now) {
      due += intervalMs;
      if (outstanding >= MAX_OUTSTANDING) {
        skipped++;
        continue;
      }
      const n = i++;
      sent++;
      outstanding++;
      const start = performance.now();
      world
        .send(n)
        .then((id) =>
          world.receiver.waitFor(id, 2).then((last) => {
            latencies.push(last - start);
            if (latencies.length > 200_000) latencies.splice(0, 100_000);
            world.receiver.forget(id);
            completed++;
          }),
        )
        .catch(() => void failed++)
        .finally(() => void outstanding--);
    }
    setTimeout(tick, Math.max(1, due - performance.now()));
  };
  tick();
});
// drain (bounded)
for (let k = 0; k < 600 && outstanding > 0; k++) await new Promise((r) => setTimeout(r, 100));
clearInterval(sampler);
sample();

function slope(xs: Sample[], key: 'rss' | 'heapUsed'): number {
  const n = xs.length;
  const mx = xs.reduce((a, s) => a + s.t, 0) / n;
  const my = xs.reduce((a, s) => a + s[key], 0) / n;
  const num = xs.reduce((a, s) => a + (s.t - mx) * (s[key] - my), 0);
  const den = xs.reduce((a, s) => a + (s.t - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}
const lastHalf = samples.filter((s) => s.t >= MINUTES / 2);
const rssSlope = slope(lastHalf, 'rss');
const heapSlope = slope(lastHalf, 'heapUsed');
const firstHalfRss = samples.filter((s) => s.t < MINUTES / 2).map((s) => s.rss);
const lastHalfRss = lastHalf.map((s) => s.rss);
await world.stop();

console.log(
  JSON.stringify({
    bench: 'soak',
    minutes: MINUTES,
    target_rate_per_sec: RATE,
    achieved_rate_per_sec: Math.round((completed / ((performance.now() - t0) / 1000)) * 10) / 10,
    sent,
    completed,
    failed,
    skipped_backpressure: skipped,
    latency_ms: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), max: Math.round(Math.max(...latencies)) },
    rss_mb: { start: samples[0]!.rss, max_first_half: Math.max(...firstHalfRss), max_last_half: Math.max(...lastHalfRss), end: samples.at(-1)!.rss },
    heap_used_mb: { start: samples[0]!.heapUsed, end: samples.at(-1)!.heapUsed, max: Math.max(...samples.map((s) => s.heapUsed)) },
    last_half_slope_mb_per_min: { rss: Math.round(rssSlope * 100) / 100, heap_used: Math.round(heapSlope * 100) / 100 },
    rss_grows_without_bound: rssSlope > 1 && Math.max(...lastHalfRss) > 1.5 * Math.max(...firstHalfRss),
    sample_seconds: SAMPLE_SECONDS,
    samples: samples.map((s) => [Math.round(s.t * 60), s.rss, s.heapUsed]),
  }),
);
process.exit(failed > 0 ? 1 : 0);
