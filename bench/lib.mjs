// Helpers shared by `npm start` (bench/demo.mjs) and `npm run bench` (bench/bench.mjs).
import os from 'node:os';

/** One line naming this machine, printed with every report. */
export function machine(S) {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, Node ${process.version} (V8 ${process.versions.v8}), ` +
    `${os.platform()}-${os.arch()}, WebAssembly SIMD ${S.simdSupported() ? 'yes' : 'no'}`;
}

const median = (a) => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; };

/**
 * Median ns per element of `run()` over `batches` timed batches of about `batchMs` each, after a
 * warm-up long enough for V8 to tier up both JS and WebAssembly.
 */
export function nsPerElement(run, elements, { batches = 11, batchMs = 4, warmMs = 60 } = {}) {
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  let reps = 1;
  for (let t0 = now(); now() - t0 < warmMs;) run();
  for (;;) {
    const t0 = now();
    for (let i = 0; i < reps; i++) run();
    const dt = now() - t0;
    if (dt >= batchMs || reps > 1e6) break;
    reps *= 2;
  }
  const times = [];
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < reps; i++) run();
    times.push(((now() - t0) * 1e6) / reps / elements);
  }
  return median(times);
}

/**
 * 2^log2n inputs spread evenly over every finite f32 bit pattern (both signs, every exponent,
 * subnormals included), plus ±0: the sample `npm start` measures errors on.
 */
export function spreadSample(log2n = 20) {
  const n = 2 ** log2n;
  const bits = new Uint32Array(n + 2);
  const step = 2 ** 32 / n;
  for (let i = 0; i < n; i++) bits[i] = Math.floor(i * step + ((i * 2654435761) % step));
  bits[n] = 0;
  bits[n + 1] = 0x80000000;
  const f = new Float32Array(bits.buffer);
  return f.filter(Number.isFinite);
}

/** 256 → "256", 4096 → "4K", 2^20 → "1M". */
export const sizeLabel = (n) => (n >= 1 << 20 ? `${n / (1 << 20)}M` : n >= 1024 ? `${n / 1024}K` : String(n));

export function table(header, rows) {
  const w = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((c, i) => String(c).padStart(w[i])).join(' | ') + ' |';
  return [line(header), '|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

// rng: the tests' seeded generator (mulberry32), so inputs are the same every run.
import { rng } from '../test/rng.js';
export { rng };

/**
 * The input distributions of the benchmark's value-independence cases (`npm run bench`, names
 * ending in [<id>]): x for map kernels, the first input (x, or a of a gate) otherwise. `u20` is the
 * baseline, the inputs every other case uses; the others are where kernels may slow down: x86
 * takes a microcode assist for every float operation that reads or writes a subnormal, and some
 * kernels form subnormal intermediates in the far tails.
 */
export const DISTRIBUTIONS = [
  { id: 'u20', text: 'uniform in [−20, 20] (the baseline, the inputs of every other case)' },
  { id: 'u110', text: 'uniform in [−110, 110]: every regime, past the clamps at |x| = 109' },
  { id: 'neg60', text: 'uniform in [−60, −44]: the far negative tail, σ(x) and e^x around 2^-86 to 2^-64' },
  { id: 'neg100', text: 'uniform in [−100, −88]: σ(x) and e^x subnormal (below 2^-126)' },
  { id: 'huge', text: '|x| log-uniform in [1, 3e38], either sign with probability ½' },
  { id: 'specials', text: 'u20 with about 1% each of +∞, −∞ and NaN mixed in' },
];

/** Seeded inputs of distribution `id`, n of them: the same every run. */
export function distribution(id, n, seed = 0xd157) {
  const r = rng(seed + n + 7919 * DISTRIBUTIONS.findIndex((d) => d.id === id));
  const x = new Float32Array(n);
  const uniform = (lo, hi) => { for (let i = 0; i < n; i++) x[i] = lo + (hi - lo) * r(); };
  switch (id) {
    case 'u20': uniform(-20, 20); break;
    case 'u110': uniform(-110, 110); break;
    case 'neg60': uniform(-60, -44); break;
    case 'neg100': uniform(-100, -88); break;
    case 'huge': {
      const L = Math.log(3e38);
      for (let i = 0; i < n; i++) {
        const m = Math.exp(L * r());
        x[i] = r() < 0.5 ? -m : m;
      }
      break;
    }
    case 'specials':
      for (let i = 0; i < n; i++) {
        const u = r();
        const v = -20 + 40 * r();
        x[i] = u < 0.01 ? Infinity : u < 0.02 ? -Infinity : u < 0.03 ? NaN : v;
      }
      break;
    default: throw new Error(`no input distribution ${JSON.stringify(id)}`);
  }
  return x;
}

/** The V8 flag that turns relaxed SIMD on in Node 20 (Node >= 22 has it on by default). */
export const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

/**
 * Whether the package's `relaxed` backend runs in this process (after S.init()), and if not,
 * why: { available, reason (null when available), flag (whether RELAXED_FLAG was given) }.
 */
export function relaxedStatus(S) {
  const flag = process.execArgv.includes(RELAXED_FLAG) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(RELAXED_FLAG);
  if (S.availableBackends().includes('relaxed')) return { available: true, reason: null, flag };
  const major = Number(process.versions.node.split('.')[0]);
  let reason;
  if (!S.simdSupported()) reason = 'this runtime has no WebAssembly SIMD';
  else if (!S.relaxedSimdSupported()) reason = flag ? `relaxed SIMD not supported by Node ${process.version} even with ${RELAXED_FLAG}` : `Node ${major} without ${RELAXED_FLAG}`;
  else reason = 'relaxed SIMD is supported but init() did not load the relaxed build';
  return { available: false, reason, flag };
}
