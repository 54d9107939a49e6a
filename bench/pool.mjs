// The worker pool's benchmark (issue #12): time per element by size, 256 … 16M, for sigmoid,
// swish, sigmoidBackward and swishBackward, on one thread (the synchronous call) and on a pool of
// 2 threads, beside onnxruntime-node (intraOpNumThreads 2) and onnxruntime-web (env.wasm.numThreads
// 2) for the forward kernels (the only graphs bench/peers/onnx.mjs writes). Every implementation's
// output is checked before it is timed; each figure is the median of timed batches.
//
//   node bench/pool.mjs [--quick] [--threads 2] [--kernels a,b] [--sizes 256,1048576] [--out bench/results/NAME]
//
// Series: 'sync, 1 thread' (the synchronous API on arrays from allocate: no copy); 'pool, 2
// threads' as users call it (pool.allocate arrays, awaited; below PARALLEL_MIN on the calling
// thread); 'pool, 2 threads, forced' (the threads at every size: where they start to pay is the
// crossover); 'pool, 2 threads, plain arrays' (streamed through the workers' scratch). The series
// of a kernel and size are timed batch by batch in turn (timeInterleaved), and the targets read
// the paired ratios, the median over rounds of a series' batch over that round's synchronous
// batch: microsecond calls on a VM drift by more than 5% between series timed one after another.
// Targets: >= 1.8x the single thread at 1M and 16M with 2 threads, and the
// pool as called <= 1.05x the synchronous call's time from 256 to 64K. --out writes NAME.json,
// NAME.md and one chart per kernel (NAME-pool-KERNEL.svg). --quick: sizes 256, 64K and 1M, short
// batches, no peers: a check that it all runs, not figures to quote.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import * as S from '../dist/esm/index.js';
import { createPool, INTERNAL, PARALLEL_MIN } from '../dist/esm/pool/index.js';
import { lineChart } from './charts.mjs';
import { distribution, machine, sizeLabel, table } from './lib.mjs';
import { ortNode, ortWeb } from './peers/onnx.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const QUICK = flag('--quick');
const THREADS = Number(option('--threads', '2'));
const OUT = option('--out', null);
const KERNELS = option('--kernels', 'sigmoid,swish,sigmoidBackward,swishBackward').split(',');
const SIZES = option('--sizes', null)?.split(',').map(Number) ??
  (QUICK ? [256, 1 << 16, 1 << 20] : [256, 1024, 4096, 1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22, 1 << 24]);
for (const k of KERNELS) if (typeof S[k] !== 'function') throw new Error(`--kernels: no kernel ${JSON.stringify(k)}`);
const TIMING = QUICK ? { batches: 5, batchMs: 5, warmMs: 30 } : { batches: 15, batchMs: 40, warmMs: 300 };

const median = (a) => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; };
const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Times every series of one kernel and size in turn, batch after batch, so that a slow spell of the
 * machine falls on all of them alike: each series is warmed, its repetitions per batch are
 * calibrated to `batchMs`, then round b times batch b of every series (in an order shuffled
 * each round). Returns, per series, the median ns per element of `await run()` and the median over
 * rounds of its batch's time over the same round's batch of the first series (the paired ratio,
 * which a drift in the machine's speed between rounds does not move).
 */
async function timeInterleaved(cases, elements, { batches, batchMs, warmMs }) {
  const names = Object.keys(cases);
  const reps = {};
  for (const name of names) {
    const run = cases[name];
    for (let t0 = now(); now() - t0 < warmMs;) await run();
    let r = 1;
    for (;;) {
      const t0 = now();
      for (let i = 0; i < r; i++) await run();
      if (now() - t0 >= batchMs || r > 1e6) break;
      r *= 2;
    }
    reps[name] = r;
  }
  const times = Object.fromEntries(names.map((n) => [n, []]));
  // A fresh order each round (seeded: the same rounds each run), so that no series always follows
  // the same other one: the pool's workers fall asleep during a synchronous batch, and are awake
  // after a pool batch.
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let b = 0; b < batches; b++) {
    const order = names.slice();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const name of order) {
      const run = cases[name];
      const r = reps[name];
      const t0 = now();
      for (let i = 0; i < r; i++) await run();
      times[name].push(((now() - t0) * 1e6) / r / elements);
    }
  }
  const first = times[names[0]];
  return Object.fromEntries(names.map((n) => [n, { ns: median(times[n]), ratio: median(times[n].map((t, b) => t / first[b])) }]));
}

function sameBits(a, b) {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** onnxruntime's max absolute error against ours (its kernels are built for absolute error). */
function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

await S.init();
const pool = await createPool({ threads: THREADS });
const internal = pool[INTERNAL];
console.log(`# swish-wasm pool benchmark${QUICK ? ' (--quick: not figures to quote)' : ''}`);
console.log(`machine: ${machine(S)}; load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
console.log(`backend ${S.backend()}, pool of ${pool.threads} thread(s)${pool.reason ? ` (${pool.reason})` : ''}, PARALLEL_MIN ${PARALLEL_MIN}`);
if (pool.threads < 2) console.log(`the pool has ${pool.threads} thread: the 2-thread figures below are the calling thread's`);

const peers = {};
if (!QUICK) {
  for (const [name, make] of [['onnxruntime-node, 2 threads', () => ortNode(THREADS)], ['onnxruntime-web, 2 threads', () => ortWeb(THREADS)]]) {
    try {
      peers[name] = await make();
    } catch (e) {
      console.log(`${name}: not run (${e?.message ?? e})`);
    }
  }
}

const results = [];
for (const k of KERNELS) {
  const grad = k !== 'sigmoid' && k !== 'swish';
  for (const n of SIZES) {
    const x = distribution('u20', n);
    const dy = distribution('u20', n, 77);
    const mine = [S.allocate(n), S.allocate(n), S.allocate(n)];
    const theirs = [pool.allocate(n), pool.allocate(n), pool.allocate(n)];
    for (const m of [mine, theirs]) { m[0].array.set(x); m[1].array.set(dy); }
    const plainOut = new Float32Array(n);
    const args = (m) => (grad ? [m[0].array, m[1].array, m[2].array] : [m[0].array, m[2].array]);
    const plainArgs = grad ? [x, dy, plainOut] : [x, plainOut];
    const f = S[k];
    const p = pool[k];
    const want = f(...args(mine)).slice();
    const cases = {
      'sync, 1 thread': () => f(...args(mine)),
      [`pool, ${THREADS} threads`]: () => p(...args(theirs)),
      [`pool, ${THREADS} threads, forced`]: async () => {
        internal.parallelMin = 0;
        try { return await p(...args(theirs)); } finally { internal.parallelMin = PARALLEL_MIN; }
      },
      [`pool, ${THREADS} threads, plain arrays`]: () => p(...plainArgs),
    };
    for (const [name, ort] of Object.entries(peers)) if (!grad) cases[name] = () => ort.run(k, x);
    for (const [name, run] of Object.entries(cases)) {
      const got = await run();
      const check = name.startsWith('onnxruntime') ? maxAbsDiff(got, want) <= 1e-5 : sameBits(got, want);
      if (!check) throw new Error(`${name}, ${k} at ${n}: the output differs from the synchronous call's${name.startsWith('onnx') ? ` by ${maxAbsDiff(got, want)}` : ''}`);
    }
    const timed = await timeInterleaved(cases, n, TIMING);
    for (const [name, { ns, ratio }] of Object.entries(timed)) results.push({ kernel: k, n, series: name, ns, ratioToSync: ratio });
    for (const m of [...mine, ...theirs]) m.free();
    const row = results.filter((r) => r.kernel === k && r.n === n);
    console.log(`${k} ${sizeLabel(n)}: ${row.map((r) => `${r.series} ${r.ns.toFixed(3)}`).join(', ')} ns/element`);
  }
}
await pool.close();

// ---- report -------------------------------------------------------------------------------------
const at = (k, n, s) => results.find((r) => r.kernel === k && r.n === n && r.series === s)?.ns;
/** The median over rounds of series s's batch time over the same round's synchronous batch. */
const ratio = (k, n, s) => results.find((r) => r.kernel === k && r.n === n && r.series === s)?.ratioToSync;
const SYNC = 'sync, 1 thread';
const POOL = `pool, ${THREADS} threads`;
const FORCED = `${POOL}, forced`;
const lines = [];
lines.push(table(['kernel', 'size', ...new Set(results.map((r) => r.series))],
  KERNELS.flatMap((k) => SIZES.map((n) => [k, sizeLabel(n), ...[...new Set(results.map((r) => r.series))].map((s) => at(k, n, s)?.toFixed(3) ?? '—')]))));
// The crossover: the smallest size from which the threads (forced) beat the single thread at every larger size measured.
for (const k of KERNELS) {
  const wins = SIZES.map((n) => at(k, n, FORCED) < at(k, n, SYNC));
  const from = wins.findIndex((_, i) => wins.slice(i).every(Boolean));
  lines.push(`crossover ${k}: ${from < 0 ? 'threads never pay here' : `threads pay from ${sizeLabel(SIZES[from])}`} (PARALLEL_MIN is ${sizeLabel(PARALLEL_MIN)})`);
}
for (const k of KERNELS) {
  for (const n of [1 << 20, 1 << 24].filter((v) => SIZES.includes(v))) {
    const r = 1 / ratio(k, n, POOL);
    lines.push(`target ${k} ${sizeLabel(n)}: ${r.toFixed(2)}x the single thread with ${THREADS} threads (target >= 1.8x): ${r >= 1.8 ? 'met' : `missed by ${(1.8 - r).toFixed(2)}x`}`);
  }
  const small = SIZES.filter((n) => n <= 1 << 16).map((n) => [n, ratio(k, n, POOL)]);
  if (small.length === 0) continue;
  const worst = small.reduce((a, b) => (b[1] > a[1] ? b : a));
  lines.push(`target ${k} 256-64K: the pool as called at worst ${worst[1].toFixed(3)}x the synchronous call's time (${sizeLabel(worst[0])}; paired ratios ${small.map(([n, r]) => `${sizeLabel(n)} ${r.toFixed(3)}`).join(', ')}; target <= 1.05x): ${worst[1] <= 1.05 ? 'met' : 'missed'}`);
}
console.log(lines.join('\n'));

if (OUT) {
  mkdirSync(dirname(OUT), { recursive: true });
  const head = `machine: ${machine(S)}; load average at the end ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}; backend ${S.backend()}; ${THREADS} threads`;
  writeFileSync(`${OUT}.json`, JSON.stringify({ machine: machine(S), loadavg: os.loadavg(), backend: S.backend(), threads: THREADS, parallelMin: PARALLEL_MIN, quick: QUICK, results }, null, 1) + '\n');
  writeFileSync(`${OUT}.md`, `# Pool benchmark\n\n${head}\n\nns per element (median)\n\n${lines.join('\n\n')}\n`);
  for (const k of KERNELS) {
    const series = [...new Set(results.filter((r) => r.kernel === k).map((r) => r.series))].map((s) => ({
      label: s,
      bold: s === POOL,
      dash: s === FORCED ? '4 3' : undefined,
      points: results.filter((r) => r.kernel === k && r.series === s).map((r) => [r.n, r.ns]),
    }));
    writeFileSync(`${OUT}-pool-${k}.svg`, lineChart(series, { title: `${k}: ns per element by size, 1 and ${THREADS} threads`, subtitle: head, xLabel: sizeLabel }));
  }
  console.log(`wrote ${OUT}.json, ${OUT}.md and ${KERNELS.length} charts`);
}
