// `npm run bench`: every activation's forward and backward kernel on every backend (js, wasm,
// simd, and relaxed where the runtime has relaxed SIMD) at 256, 4K, 64K and 1M elements (16M
// for sigmoid and swish), through the copy path (ordinary Float32Arrays in and out) and the
// zero-copy path (arrays from `allocate`), beside
// the peers on the same inputs in the same run: the naive JS loop, tfjs-core on its wasm
// (XNNPACK) and cpu backends, onnxruntime-node and onnxruntime-web, and the floor (a copy of the
// same bytes). Timed with benchmark.js; every output is checked against the registry's float64
// reference before it is timed (the package's against its error bounds, a miss aborts the run;
// the peers' max ULP error is reported beside their speed).
//
// Value independence: every kernel of the registry (activations' and fused forms') on every
// WebAssembly backend, zero-copy at 64K, on each input distribution of lib.mjs (DISTRIBUTIONS:
// the baseline u20 = uniform [-20, 20], and wide, far-negative, huge and special inputs). A
// kernel's distributions are timed interleaved, round by round, so their ratio to u20 is measured
// under the same load; the report holds it against the target of 1.15×. Finite inputs are checked
// against the float64 reference within the registry bound, and special inputs (±∞, NaN) must give
// exactly the js backend's output.
//
//   npm run bench                         everything (about 21 minutes on 2 busy cores)
//   npm run bench -- --quick              sigmoid and swish at 256, 64K and 1M, shorter timing, and their
//                                         distribution cases (~2 minutes)
//   npm run bench -- --filter <text>      only cases whose name contains <text>; repeat to AND,
//                                         e.g. --filter swish --filter 64K, or --filter "simd zero-copy";
//                                         "a|b" matches names holding a or b; the text dist matches
//                                         the distribution cases (--filter dist --filter "swish 64K")
//   npm run bench -- --out <dir>          write the results there instead of bench/results/
//   npm run bench:relaxed [-- <args>]     the same with the relaxed backend too (node bench/bench.mjs --relaxed):
//                                         Node 20 needs the V8 flag --experimental-wasm-relaxed-simd, which --relaxed
//                                         adds by running the bench again under it (Node >= 22 has relaxed SIMD on by
//                                         default and rejects the flag); `node --experimental-wasm-relaxed-simd
//                                         bench/bench.mjs` is the same on Node 20. Without either, the relaxed cases
//                                         are left out, and the run says so
//
// Case names look like "swish 64K simd zero-copy", "sigmoid 1M relaxed zero-copy", "sigmoidBackward 1M tfjs-wasm kernel",
// "copy 16M floor set", "swish 64K simd zero-copy [u110]" (a distribution case).
// Results: <dir>/<date>-<host>[-quick|-filtered].{json,md} and one SVG
// chart per headline kernel beside them; `node bench/report.mjs <json> --readme` turns a
// results file into docs/bench/*.svg and the README's speed table.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Benchmark from 'benchmark';
import * as S from '../dist/node.mjs';
import { DISTRIBUTIONS, RELAXED_FLAG, distribution, machine, relaxedStatus, rng, sizeLabel } from './lib.mjs';
import { naive } from './peers/naive.mjs';
import { wasmCopier } from './peers/floor.mjs';
import { writeReport } from './report.mjs';

// ---- options ---------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { quick: false, relaxed: false, filters: [], out: undefined };
  const value = (i, flag) => {
    if (i + 1 >= argv.length) usage(`${flag} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--relaxed') opts.relaxed = true;
    else if (a === '--filter') opts.filters.push(value(i++, a));
    else if (a.startsWith('--filter=')) opts.filters.push(a.slice('--filter='.length));
    else if (a === '--out') opts.out = value(i++, a);
    else if (a.startsWith('--out=')) opts.out = a.slice('--out='.length);
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${JSON.stringify(a)}`);
  }
  return opts;
}

function usage(error) {
  const text = 'usage: node bench/bench.mjs [--quick] [--relaxed] [--filter <text>]... [--out <dir>]\n' +
    '--relaxed: run the relaxed backend too, or fail (on Node 20 the run restarts itself under --experimental-wasm-relaxed-simd)\n' +
    'case names look like "swish 64K simd zero-copy", "sigmoidBackward 1M tfjs-wasm as-called", "copy 16M floor set",\n' +
    '"sigmoid 1M relaxed zero-copy" (where relaxed SIMD is on: npm run bench:relaxed on Node 20),\n' +
    '"swish 64K simd zero-copy [u110]" (a distribution case; --filter dist selects them all); --filter "a|b" matches a or b';
  if (error) {
    console.error(`bench: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
const K = 1024;
const M = 1 << 20;
const SIZES = opts.quick ? [256, 64 * K, M] : [256, 4 * K, 64 * K, M];
/** Only the headline kernels (sigmoid and swish, forward and backward) run at 16M. */
const BIG = opts.quick ? [] : [16 * M];
/** Sizes at which the raw export is timed, to separate per-call overhead from kernel time. */
const EXPORT_SIZES = [256, 4 * K, 64 * K];
// Timing budget: benchmark.js samples each case (each sample at least minTime s) until it has
// minSamples samples and maxTime s have passed, and the median sample is reported. The budget is
// spread over the unfiltered run's cases, so a --filter run keeps the timing of the run it
// filters and its numbers compare.
const BUDGET_S = opts.quick ? 30 : 330;
/** The package's backends the size cases run, those of them this runtime has (relaxed: relaxed SIMD). */
const BACKEND_ORDER = ['js', 'wasm', 'simd', 'relaxed'];
const BUILD_FILE = { wasm: 'scalar', simd: 'simd', relaxed: 'relaxed' };

// ---- the package ------------------------------------------------------------------------------

// --relaxed: the relaxed backend must run. Where relaxed SIMD is off and the flag was not given
// (Node 20), run this same command again under the flag; fail where even that cannot have it.
if (opts.relaxed && !S.relaxedSimdSupported()) {
  if (!S.simdSupported() || process.execArgv.includes(RELAXED_FLAG)) {
    console.error(`bench: --relaxed, but ${relaxedStatus(S).reason}`);
    process.exit(1);
  }
  const r = spawnSync(process.execPath, [RELAXED_FLAG, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
await S.init();
// Every backend this runtime supports must be there: init() quietly falls back to js when a
// module fails to load (a broken build), which would turn this into a benchmark of js alone.
{
  const expected = ['wasm', ...(S.simdSupported() ? ['simd'] : []), ...(S.relaxedSimdSupported() ? ['relaxed'] : [])];
  const problems = [];
  for (const b of expected.filter((e) => !S.availableBackends().includes(e))) {
    const file = new URL(`../dist/swish-${BUILD_FILE[b]}.wasm`, import.meta.url);
    try {
      await S.init(readFileSync(file)); // init with explicit bytes reports why it fails
    } catch (e) {
      problems.push(`${b}: ${e?.message ?? e}`);
    }
  }
  if (problems.length > 0) {
    console.error(`bench: this runtime supports ${expected.join(', ')} but init() could not load ` +
      `${problems.length === 1 ? 'one of them' : 'them'}; is the build in dist/ broken?\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}
const backends = BACKEND_ORDER.filter((b) => S.availableBackends().includes(b));
/** The bare export (and the per-call overhead) stay on the simd build, relaxed or not. */
const rawBackend = backends.includes('simd') ? 'simd' : 'wasm';
const relaxed = relaxedStatus(S);

const act = (name) => S.activations.find((a) => a.name === name);
/** The kernels the README's headline figures are about, and the only ones the peers implement. */
const HEADLINE = [act('sigmoid').forward, act('swish').forward, act('sigmoid').backward, act('swish').backward];

/** Kernels: every activation's forward and backward at every size; the extras at 64K only. */
const kernelList = [];
for (const a of S.activations) {
  for (const [role, k] of Object.entries(a)) {
    if (role === 'name' || typeof k !== 'string' || !(k in S.kernels)) continue;
    if (kernelList.some((e) => e.kernel === k)) continue;
    const main = role === 'forward' || role === 'backward';
    if (opts.quick && !HEADLINE.includes(k)) continue;
    kernelList.push({ activation: a.name, role, kernel: k, sizes: main ? SIZES : SIZES.filter((n) => n === 64 * K) });
  }
}

// ---- the cases ---------------------------------------------------------------------------------

/**
 * Each case is one implementation of one kernel at one size. `impl` names the implementation,
 * `group` says whose it is (package, peer, floor) and `mode` how it is called:
 *   zero-copy / copy   the package's API with arrays from allocate() / ordinary Float32Arrays
 *   export             the WebAssembly export itself on pointers (no API, no checks): kernel time
 *   loop               a plain JS loop
 *   kernel             a peer's op on inputs already resident in its backend, output not read back
 *   as-called          a peer as users call it: tensors from Float32Arrays in, a Float32Array out
 *   floor              a copy of the same bytes
 */
const allCases = [];
const add = (c) => allCases.push({ ...c, name: `${c.kernel} ${sizeLabel(c.n)} ${c.impl}` });
for (const n of [...SIZES, ...BIG]) {
  for (const { activation, role, kernel, sizes } of kernelList) {
    const headline = HEADLINE.includes(kernel);
    if (!sizes.includes(n) && !(headline && BIG.includes(n))) continue;
    const base = { activation, role, kernel, n };
    for (const backend of backends) {
      for (const p of backend === 'js' ? ['copy'] : ['copy', 'zero-copy']) {
        add({ ...base, group: 'package', impl: `${backend} ${p}`, backend, mode: p });
      }
    }
    if (!headline) continue;
    if (EXPORT_SIZES.includes(n)) add({ ...base, group: 'package', impl: `${rawBackend} export`, backend: rawBackend, mode: 'export' });
    add({ ...base, group: 'peer', impl: 'naive loop', mode: 'loop' });
    // tfjs-cpu takes 20-250 ns per element: at 16M one call is seconds, so it stops at 1M.
    for (const tb of BIG.includes(n) ? ['wasm'] : ['wasm', 'cpu']) {
      add({ ...base, group: 'peer', impl: `tfjs-${tb} kernel`, peer: `tfjs-${tb}`, mode: 'kernel' });
      add({ ...base, group: 'peer', impl: `tfjs-${tb} as-called`, peer: `tfjs-${tb}`, mode: 'as-called' });
    }
    if (role === 'forward') {
      for (const o of ['ort-node', 'ort-web']) add({ ...base, group: 'peer', impl: `${o} as-called`, peer: o, mode: 'as-called' });
    }
  }
  add({ kernel: 'copy', n, group: 'floor', impl: 'floor set', mode: 'floor' });
  add({ kernel: 'copy', n, group: 'floor', impl: 'floor memory.copy', mode: 'floor' });
}

// The relaxed cases are left out of the count, so that a run with them times every case as one
// without them does (and takes longer by their share).
const perCase = BUDGET_S / allCases.filter((c) => c.backend !== 'relaxed').length;
const round3 = (v) => Math.round(v * 1000) / 1000;
const TIMING = { minTime: perCase >= 0.5 ? 0.05 : 0.025, maxTime: round3(Math.min(2, Math.max(0.1, perCase - 0.15))) };
TIMING.minSamples = Math.max(5, Math.min(10, Math.floor(TIMING.maxTime / TIMING.minTime)));

/**
 * The distribution cases: every kernel of the registry (in --quick, the headline ones), each on
 * every WebAssembly backend this runtime has, zero-copy at DIST_N elements, once per input
 * distribution. One kernel × backend is a group: its distributions are timed together, in
 * DIST_TIMING.rounds rounds of one benchmark.js run each (the order rotating by round), so the
 * ratios to u20 come from samples taken close together in time. The timing per case is fixed,
 * so a filtered run times as the full one does.
 */
const DIST_N = 64 * K;
const DIST_TARGET = 1.15;
const DIST_TIMING = { rounds: 4, minTime: 0.025, maxTime: 0.1, minSamples: 3 };
const distBackends = S.availableBackends().filter((b) => b !== 'js');
/** A kernel's registry entry, the activations' and the fused forms' alike. */
const specOf = (k) => S.kernels[k] ?? S.fusedKernels[k];
const distKernels = [];
for (const a of S.activations) {
  for (const [role, k] of Object.entries(a)) {
    if (role === 'name' || typeof k !== 'string' || !(k in S.kernels)) continue;
    if (distKernels.some((e) => e.kernel === k) || (opts.quick && !HEADLINE.includes(k))) continue;
    distKernels.push({ activation: a.name, role, kernel: k });
  }
}
if (!opts.quick) {
  for (const f of S.fusedSpecs) {
    for (const role of ['forward', 'backward']) distKernels.push({ activation: null, fused: f.name, role, kernel: f[role] });
  }
}
for (const { activation, fused, role, kernel } of distKernels) {
  for (const backend of distBackends) {
    for (const { id } of DISTRIBUTIONS) {
      allCases.push({
        activation, ...(fused ? { fused } : {}), role, kernel, n: DIST_N, group: 'package', impl: `${backend} zero-copy`, backend,
        mode: 'zero-copy', dist: id, name: `${kernel} ${sizeLabel(DIST_N)} ${backend} zero-copy [${id}]`,
      });
    }
  }
}

/** A --filter text: every alternative of "a|b" a substring of the name, or "dist" for the distribution cases. */
const matches = (c, f) => f.split('|').some((alt) => (alt === 'dist' ? c.dist !== undefined : c.name.includes(alt)));
const cases = allCases.filter((c) => opts.filters.every((f) => matches(c, f)));
if (cases.length === 0) {
  if (!relaxed.available && opts.filters.some((f) => f.includes('relaxed'))) {
    usage(`no relaxed cases: the relaxed backend is not available in this runtime (${relaxed.reason}); try npm run bench:relaxed`);
  }
  usage(`no case name contains ${opts.filters.map((f) => JSON.stringify(f)).join(' and ')}; ` +
    `e.g. ${allCases.slice(0, 3).map((c) => JSON.stringify(c.name)).join(', ')}`);
}

// ---- inputs and references ---------------------------------------------------------------------

/**
 * Seeded inputs for the current size: x in [-20, 20], dy in [-2, 2], ones (gradients' ULP figures
 * are for dy = 1, as the registry's bounds are), and the float64 references of each kernel
 * (computed once per size and kernel: at 16M they take seconds). Dropped when the size changes.
 */
let data = null;
function inputsFor(n) {
  if (data?.n !== n) {
    data = null; // let the previous size's arrays go first
    const r = rng(0x5eed + n);
    const x = new Float32Array(n);
    const dy = new Float32Array(n);
    for (let i = 0; i < n; i++) { x[i] = -20 + 40 * r(); dy[i] = -2 + 4 * r(); }
    data = { n, x, dy, ones: new Float32Array(n).fill(1), y: new Map(), refs: new Map() };
  }
  return data;
}

const paramsOf = (kernel) => (S.kernels[kernel] ?? S.fusedKernels[kernel]).params.map((p) => p.default);

/** The input a kernel reads: x, or for a kernel of a kept output y, the forward's y at x. */
function inputOf(d, kernel, activation) {
  const kr = S.kernels[kernel];
  if (kr.shape === 'map' || kr.reads !== 'y') return d.x;
  if (!d.y.has(activation)) {
    const fwd = act(activation).forward;
    d.y.set(activation, Float32Array.from(referenceOf(d, fwd, activation, false)));
  }
  return d.y.get(activation);
}

/** float64 reference outputs of a map or grad kernel, with dy = 1 (withDy false) or the benchmark's dy. */
function referenceOf(d, kernel, activation, withDy) {
  const key = `${kernel} ${withDy}`;
  if (!d.refs.has(key)) {
    const kr = S.kernels[kernel];
    const p = paramsOf(kernel);
    const input = inputOf(d, kernel, activation);
    const ref = new Float64Array(d.n);
    if (kr.shape === 'map') for (let i = 0; i < d.n; i++) ref[i] = kr.reference(input[i], p);
    else for (let i = 0; i < d.n; i++) ref[i] = kr.reference(input[i], withDy ? d.dy[i] : 1, p);
    d.refs.set(key, ref);
  }
  return d.refs.get(key);
}

// ---- checking ----------------------------------------------------------------------------------

class CheckError extends Error {}
const MIN_NORMAL = 2 ** -126;

// S.ulpError, fast for finite references (the checks run over up to 16M elements per case): the
// f32 spacing at |ref| from the float64 exponent bits, by table.
const f64 = new Float64Array(1);
const f64hi = new Uint32Array(f64.buffer, 4, 1);
const SPACING = Float64Array.from({ length: 2048 }, (_, e) => 2 ** (Math.max(e - 1023, -126) - 23));
function ulpOf(got, ref) {
  if (!Number.isFinite(ref) || !Number.isFinite(got)) return S.ulpError(got, ref);
  f64[0] = ref;
  return Math.abs(got - ref) / SPACING[(f64hi[0] >>> 20) & 0x7ff];
}

/**
 * Max error of `got` against `ref` in ULP, over results whose exact value is a normal float,
 * leaving out those within the kernel's absolute clause |error| <= absDy·|dy| near a gradient's
 * root (as S.maxUlpError does); the same measure for the package and for the peers. `misses`
 * counts elements outside `backend`'s bound (S.withinBound decides), when a backend is given.
 */
function errorOf(kernel, input, ref, got, dy, backend) {
  const kb = S.kernels[kernel].bound;
  const absDy = kb.absDy;
  const bound = backend !== undefined ? kb.ulp[backend] : Infinity;
  let maxUlp = 0;
  let at = null;
  let maxUlpRel = 0;
  let relAt = null;
  let misses = 0;
  let first = -1;
  let neg = false;
  let pos = false;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i];
    const e = ulpOf(got[i], r);
    if (backend !== undefined && !(e <= bound) && !S.withinBound(kernel, backend, got[i], r, dy ? dy[i] : 1)) {
      if (misses++ === 0) first = i;
    }
    if (!Number.isFinite(r) || Math.abs(r) < MIN_NORMAL) continue;
    if (r < 0) neg = true; else pos = true;
    if (e > maxUlpRel) { maxUlpRel = e; relAt = input[i]; }
    if (absDy !== undefined && Math.abs(got[i] - r) <= absDy * (dy ? Math.abs(dy[i]) : 1)) continue;
    if (e > maxUlp) { maxUlp = e; at = input[i]; }
  }
  // The figure shown beside the speed: purely relative, unless the kernel has an absolute clause
  // and its result crosses zero in these inputs (near a root no relative bound can hold).
  const mixed = absDy !== undefined && neg && pos;
  return { maxUlp, at, maxUlpRel, relAt, ulp: mixed ? maxUlp : maxUlpRel, ulpMeasure: mixed ? 'registry (ULP, or ≤ absDy·|dy| near the root)' : 'relative', misses, first };
}

/** Sum kernels (swishBetaGrad): |got − Σ term| <= relSum·Σ|term|, in float64. */
function checkSum(c, got, input, d) {
  const kr = S.kernels[c.kernel];
  const p = paramsOf(c.kernel);
  let ref = 0;
  let absSum = 0;
  for (let i = 0; i < c.n; i++) {
    const t = kr.reference(input[i], d.dy[i], p);
    ref += t;
    absSum += Math.abs(t);
  }
  const err = Math.abs(got - ref);
  const rel = absSum > 0 ? err / absSum : err;
  if (!(err <= kr.bound.relSum * absSum)) {
    throw new CheckError(`${c.name}: returned ${got}, float64 reference ${ref}; error/Σ|term| = ${rel.toExponential(3)} ` +
      `exceeds the registry bound ${kr.bound.relSum.toExponential(3)}`);
  }
  return { kind: 'relSum', errorOverAbsSum: rel, bound: kr.bound.relSum };
}

/**
 * Checks a map or grad implementation: `output(dy)` runs it once and returns its output. Its max
 * ULP error is measured with dy = 1; the package's must meet the registry bound, there and again
 * element by element with the benchmark's dy (grads). Peers are measured, never rejected.
 */
function checkOutputs(c, output, input, d) {
  const kr = S.kernels[c.kernel];
  const isGrad = kr.shape === 'grad';
  const own = c.group === 'package';
  const bound = own ? kr.bound.ulp[c.backend] : undefined;
  const ref1 = referenceOf(d, c.kernel, c.activation, false);
  const e = errorOf(c.kernel, input, ref1, output(isGrad ? d.ones : null), null, own ? c.backend : undefined);
  const where = `${c.name}: ${c.kernel} on ${own ? `the ${c.backend} backend, ${c.mode} path` : c.impl}, n = ${c.n}`;
  if (own && e.misses > 0) {
    throw new CheckError(`${where}: ${e.misses} outputs miss the registry bound of ${bound} ULP${isGrad ? ' (dy = 1)' : ''}; ` +
      `max error ${e.maxUlp.toFixed(3)} ULP at ${kr.shape === 'grad' && kr.reads === 'y' ? 'y' : 'x'} = ${e.at}`);
  }
  if (own && isGrad) {
    const refDy = referenceOf(d, c.kernel, c.activation, true);
    const got = output(d.dy);
    const e2 = errorOf(c.kernel, input, refDy, got, d.dy, c.backend);
    if (e2.misses > 0) {
      const i = e2.first;
      throw new CheckError(`${where}: ${e2.misses} of ${c.n} outputs with dy in [-2, 2] miss the registry bound ` +
        `(${bound} ULP${kr.bound.absDy !== undefined ? ` or ${kr.bound.absDy}·|dy|` : ''}); first at input ${input[i]}, dy ${d.dy[i]}: ` +
        `got ${got[i]}, reference ${refDy[i]} (${S.ulpError(got[i], refDy[i]).toFixed(2)} ULP)`);
    }
  }
  const { misses, first, ...figures } = e;
  return { kind: 'ulp', ...figures, ...(own ? { bound } : {}) };
}

// ---- implementations ---------------------------------------------------------------------------

let sink = 0;

/** The raw WebAssembly exports, in an instance of their own (not the package's). */
let rawInstance = null;
function rawExports() {
  if (!rawInstance) {
    const file = new URL(`../dist/swish-${rawBackend === 'simd' ? 'simd' : 'scalar'}.wasm`, import.meta.url);
    rawInstance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {}).exports;
  }
  return rawInstance;
}

/** Peers, loaded on first use (a filtered run of the package alone needs none of them). */
const peers = {};
async function tfjs(backend) {
  peers.tfjs ??= await import('./peers/tfjs.mjs');
  await peers.tfjs.useTfjs(backend);
  return peers.tfjs;
}
async function ort(which) {
  if (!peers[which]) {
    const m = await import('./peers/onnx.mjs');
    peers[which] = await (which === 'ort-node' ? m.ortNode() : m.ortWeb());
  }
  return peers[which];
}

/**
 * Sets up one case: returns { output(dy) → Float32Array (one run, for the check), fn (the timed
 * call; async for onnxruntime), async, free() } on the case's own arrays.
 */
async function prepare(c, d) {
  if (c.group === 'floor') return prepareFloor(c, d);
  const kr = S.kernels[c.kernel];
  const input = inputOf(d, c.kernel, c.activation);
  const isGrad = kr.shape === 'grad';
  const none = () => {};
  if (c.group === 'package' && c.mode !== 'export') {
    S.setBackend(c.backend);
    const f = S[c.kernel];
    const owned = [];
    let x; let dy; let out;
    if (c.mode === 'zero-copy') {
      // Allocate everything first: growing the memory detaches earlier views.
      const a = [S.allocate(c.n), kr.shape !== 'map' ? S.allocate(c.n) : null, kr.shape !== 'sum' ? S.allocate(c.n) : null];
      owned.push(...a.filter(Boolean));
      [x, dy, out] = a.map((v) => v?.array ?? null);
      x.set(input);
    } else {
      x = input.slice();
      dy = kr.shape !== 'map' ? new Float32Array(c.n) : null;
      out = kr.shape !== 'sum' ? new Float32Array(c.n) : null;
    }
    if (dy) dy.set(d.dy);
    const free = () => { for (const a of owned) a.free(); };
    if (kr.shape === 'sum') return { sum: () => f(x, dy), fn: () => { sink += f(x, dy); }, free };
    return {
      output(dyUse) {
        out.fill(NaN);
        if (isGrad) { dy.set(dyUse); f(x, dy, out); dy.set(d.dy); } else f(x, out);
        return out.slice();
      },
      fn: isGrad ? () => { f(x, dy, out); } : () => { f(x, out); },
      free,
    };
  }
  if (c.mode === 'export') {
    const ex = rawExports();
    const fn = ex[c.kernel];
    const [a = 0, b = 0] = paramsOf(c.kernel).map(Math.fround);
    const base = Math.ceil(ex.heapBase() / 64) * 64;
    const stride = Math.ceil((c.n * 4) / 64) * 64;
    const need = base + 3 * stride;
    if (need > ex.memory.buffer.byteLength) ex.memory.grow(Math.ceil((need - ex.memory.buffer.byteLength) / 65536));
    const [xp, dp, op] = [base, base + stride, base + 2 * stride];
    const view = (p) => new Float32Array(ex.memory.buffer, p, c.n);
    view(xp).set(input);
    view(dp).set(d.dy);
    return {
      output(dyUse) {
        if (isGrad) { view(dp).set(dyUse); fn(xp, dp, op, c.n, a, b); view(dp).set(d.dy); } else fn(xp, op, c.n, a, b);
        return view(op).slice();
      },
      fn: isGrad ? () => { fn(xp, dp, op, c.n, a, b); } : () => { fn(xp, op, c.n, a, b); },
      free: none,
    };
  }
  if (c.mode === 'loop') {
    const loop = naive[c.kernel];
    const x = input.slice();
    const dy = d.dy.slice();
    const out = new Float32Array(c.n);
    return {
      output(dyUse) { if (isGrad) loop(x, dyUse, out); else loop(x, out); return out.slice(); },
      fn: isGrad ? () => { loop(x, dy, out); } : () => { loop(x, out); },
      free: none,
    };
  }
  if (c.peer.startsWith('tfjs')) {
    const t = await tfjs(c.peer.slice('tfjs-'.length));
    const x = input.slice();
    const dy = isGrad ? d.dy.slice() : null;
    if (c.mode === 'as-called') {
      return { output: (dyUse) => Float32Array.from(t.asCalled(c.kernel, x, dyUse)), fn: () => { t.asCalled(c.kernel, x, dy); }, free: none };
    }
    const timed = t.resident(c.kernel, x, dy);
    return {
      output(dyUse) {
        const r = t.resident(c.kernel, x, dyUse);
        try { return Float32Array.from(r.output()); } finally { r.dispose(); }
      },
      fn: timed.kernel,
      free: () => timed.dispose(),
    };
  }
  const o = await ort(c.peer);
  const x = input.slice();
  return {
    output: async () => Float32Array.from(await o.run(c.kernel, x)),
    fn: async () => { await o.run(c.kernel, x); },
    async: true,
    free: none,
  };
}

function prepareFloor(c, d) {
  if (c.impl === 'floor set') {
    const src = d.x.slice();
    const dst = new Float32Array(c.n);
    return { output: () => { dst.set(src); return dst; }, fn: () => { dst.set(src); }, free: () => {} };
  }
  const w = wasmCopier(c.n);
  w.src.set(d.x);
  return { output: () => { w.copy(); return w.dst.slice(); }, fn: w.copy, free: () => {} };
}

// ---- timing ------------------------------------------------------------------------------------

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Calls `fn` for at least WARM_MS and 3 calls, so V8 has tiered the code up before timing. */
const WARM_MS = 60;
async function warmUp(fn, isAsync) {
  const t0 = performance.now();
  for (let i = 0; i < 3 || performance.now() - t0 < WARM_MS; i++) {
    if (isAsync) await fn(); else fn();
  }
}

/** benchmark.js on `fn` (deferred when async), after a warm-up; resolves with the finished Benchmark. */
async function time(name, fn, isAsync, timing = TIMING, warm = true) {
  if (warm) await warmUp(fn, isAsync);
  return new Promise((resolve) => {
    const options = isAsync
      ? { ...timing, defer: true, fn: (deferred) => { fn().then(() => deferred.resolve()); } }
      : { ...timing, fn };
    const bench = new Benchmark(name, options);
    bench.on('complete', () => resolve(bench));
    bench.run({ async: isAsync === true });
  });
}

async function runCase(c) {
  const w0 = performance.now();
  const d = inputsFor(c.n);
  const impl = await prepare(c, d);
  try {
    let check;
    if (c.group === 'floor') {
      const got = await impl.output();
      if (got.some((v, i) => !Object.is(v, d.x[i]))) throw new CheckError(`${c.name}: the copy differs from its source`);
      check = { kind: 'copy', maxUlp: 0 };
    } else if (S.kernels[c.kernel].shape === 'sum') {
      check = checkSum(c, impl.sum(), inputOf(d, c.kernel, c.activation), d);
    } else {
      // onnxruntime's output() is async; output(dy) is only asked of grads, which it has none of
      const outputs = new Map();
      if (impl.async) outputs.set(null, await impl.output());
      const output = (dyUse) => (impl.async ? outputs.get(null) : impl.output(dyUse));
      check = checkOutputs(c, output, inputOf(d, c.kernel, c.activation), d);
    }
    const w1 = performance.now();
    const bench = await time(c.name, impl.fn, impl.async);
    if (bench.error) throw new Error(`${c.name}: benchmark.js reported ${bench.error}`);
    const sample = bench.stats.sample;
    const perCall = median(sample) * 1e9;
    return {
      ...c,
      nsPerElement: perCall / c.n,
      nsPerCall: perCall,
      minNsPerCall: Math.min(...sample) * 1e9,
      meanNsPerElement: (bench.stats.mean * 1e9) / c.n,
      rme: bench.stats.rme,
      samples: sample.length,
      check,
      seconds: { check: round3((w1 - w0) / 1000), timing: round3((performance.now() - w1) / 1000) },
    };
  } finally {
    impl.free();
  }
}

// ---- the distribution cases ----------------------------------------------------------------------

/** dy in [-2, 2], a gate's b in [-3, 3], a bias of DIST_C channels in [-1, 1]: the same for every distribution. */
const DIST_C = 1024;
const distCommon = (() => {
  const r = rng(0xd15c);
  const n = DIST_N;
  const dy = new Float32Array(n);
  const b = new Float32Array(n);
  const bias = new Float32Array(DIST_C);
  for (let i = 0; i < n; i++) { dy[i] = -2 + 4 * r(); b[i] = -3 + 6 * r(); }
  for (let c = 0; c < DIST_C; c++) bias[c] = -1 + 2 * r();
  return { dy, b, bias, ones: new Float32Array(n).fill(1) };
})();
/** Per distribution: x and the kept outputs y of the forwards at x (made on first use). */
const distData = new Map();
function distInputs(id) {
  if (!distData.has(id)) distData.set(id, { id, n: DIST_N, x: distribution(id, DIST_N), y: new Map() });
  return distData.get(id);
}

/** Runs fn with the js backend current, then puts the previous backend back. */
function onJs(fn) {
  const prev = S.backend();
  S.setBackend('js');
  try { return fn(); } finally { S.setBackend(prev); }
}

/**
 * The kept output a `...FromOutput` kernel reads: the forward at the same x, the float64 reference
 * rounded to f32 where x is finite, the js backend's output where it is not (a reference formula
 * need not give the kernels' special values, e.g. x·σ(x) at −∞).
 */
function distY(d, activation) {
  if (!d.y.has(activation)) {
    const fwd = act(activation).forward;
    const kr = S.kernels[fwd];
    const p = paramsOf(fwd);
    const js = onJs(() => S[fwd](d.x));
    d.y.set(activation, Float32Array.from(d.x, (v, i) => (Number.isFinite(v) ? kr.reference(v, p) : js[i])));
  }
  return d.y.get(activation);
}

/**
 * How a kernel of each shape is called: its inputs ('v' the element input: x, the kept y, or a
 * gate's a; then dy, b or bias) and its outputs (lengths; the first `checked` are element
 * outputs checked against the reference), called as f(...inputs, ...outputs).
 */
const SHAPES = {
  map: { ins: ['v'], outs: ['n'], checked: 1 },
  grad: { ins: ['v', 'dy'], outs: ['n'], checked: 1 },
  sum: { ins: ['v', 'dy'], outs: [], checked: 0 },
  binary: { ins: ['v', 'b'], outs: ['n'], checked: 1 },
  gateGrad: { ins: ['v', 'b', 'dy'], outs: ['n', 'n'], checked: 2 },
  bias: { ins: ['v', 'bias'], outs: ['n'], checked: 1 },
  biasGrad: { ins: ['v', 'bias', 'dy'], outs: ['n', 'C'], checked: 1 }, // dbias is summed by the API from dx
};

/** The plain input arrays of case c on distribution data d, with dy replaced by `dy`. */
function distArrays(c, d, dy = distCommon.dy) {
  const kr = specOf(c.kernel);
  const v = kr.shape === 'grad' && kr.reads === 'y' ? distY(d, c.activation) : d.x;
  const of = { v, dy, b: distCommon.b, bias: distCommon.bias };
  return SHAPES[kr.shape].ins.map((name) => of[name]);
}

/**
 * The float64 references of element i's checked outputs, and for each the absolute slack the
 * bound's absDy clause allows (0 where it has none): |dy| for gradients, |dy·b| for a gate's ∂L/∂a.
 */
function distReference(kr, p, ins, i) {
  const absDy = kr.bound.absDy ?? 0;
  const [v, second, third] = ins;
  switch (kr.shape) {
    case 'map': return [[kr.reference(v[i], p)], [absDy]];
    case 'grad': return [[kr.reference(v[i], second[i], p)], [absDy * Math.abs(second[i])]];
    case 'binary': return [[kr.reference(v[i], second[i], p)], [absDy]];
    case 'gateGrad': return [kr.reference(v[i], second[i], third[i], p), [absDy * Math.abs(third[i] * second[i]), 0]];
    case 'bias': return [[kr.reference(v[i], second[i % second.length], p)], [absDy]];
    case 'biasGrad': return [[kr.reference(v[i], second[i % second.length], third[i], p)], [absDy * Math.abs(third[i])]];
    default: throw new Error(`no element reference for shape ${kr.shape}`);
  }
}

/** Within the bound: ulp ULP, or the absolute slack; results whose exact value is below 2^-126 may be flushed (as S.withinBound). */
function withinDist(got, ref, ulp, abs) {
  if (Number.isFinite(ref) && Math.abs(ref) < MIN_NORMAL && Math.abs(got) <= MIN_NORMAL) return true;
  if (ulpOf(got, ref) <= ulp) return true;
  return abs > 0 && Math.abs(got - ref) <= abs;
}
/** The same value, NaN for NaN whatever its sign or payload; ±0 told apart. */
const sameValue = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

const warnedBound = new Set();
/** The registry's ULP bound for a backend; a backend the registry has no bound for is held to simd's, with a warning. */
function ulpBoundOf(kr, kernel, backend) {
  const u = kr.bound.ulp[backend];
  if (u !== undefined) return { ulp: u, boundOf: backend };
  if (!warnedBound.has(backend)) {
    warnedBound.add(backend);
    console.error(`bench: the registry states no bound for the ${backend} backend; its distribution cases are checked against simd's`);
  }
  return { ulp: kr.bound.ulp.simd, boundOf: 'simd' };
}

/**
 * Allocates one distribution case's own zero-copy arrays (on c.backend, the current backend);
 * `bind()`, called once every case of the group has allocated (growing the memory detaches
 * earlier views), fills them and returns { fn, output(dy) → checked outputs (or sum()) }.
 */
function allocateDist(c, d) {
  const kr = specOf(c.kernel);
  const sh = SHAPES[kr.shape];
  const plain = distArrays(c, d);
  const owned = [];
  const free = () => { for (const a of owned) a.free(); };
  try {
    for (const a of plain) owned.push(S.allocate(a.length));
    for (const len of sh.outs) owned.push(S.allocate(len === 'C' ? DIST_C : DIST_N));
  } catch (e) {
    free();
    throw e;
  }
  return { free, bind: () => bindDist(c, kr, sh, plain, owned) };
}

function bindDist(c, kr, sh, plain, owned) {
  const f = S[c.kernel];
  const ins = owned.slice(0, plain.length).map((a) => a.array);
  const outs = owned.slice(plain.length).map((a) => a.array);
  ins.forEach((a, j) => a.set(plain[j]));
  const dyAt = sh.ins.indexOf('dy');
  const args = [...ins, ...outs];
  if (kr.shape === 'sum') return { sum: () => f(...args), fn: () => { sink += f(...args); } };
  return {
    output(dy) {
      for (const o of outs) o.fill(NaN);
      if (dyAt >= 0) ins[dyAt].set(dy);
      f(...args);
      if (dyAt >= 0) ins[dyAt].set(distCommon.dy);
      return outs.slice(0, sh.checked).map((o) => o.slice());
    },
    fn: () => { f(...args); },
  };
}

/** The js backend's checked outputs (or sum) of case c on plain copies of the same inputs. */
function jsOutputs(c, d, dy) {
  const kr = specOf(c.kernel);
  const sh = SHAPES[kr.shape];
  const ins = distArrays(c, d, dy).map((a) => a.slice());
  const outs = sh.outs.map((len) => new Float32Array(len === 'C' ? DIST_C : DIST_N));
  return onJs(() => {
    const r = S[c.kernel](...ins, ...outs);
    return kr.shape === 'sum' ? r : outs.slice(0, sh.checked);
  });
}

/**
 * Checks a distribution case before it is timed: outputs at finite inputs against the float64
 * reference within the registry bound, at special inputs (±∞, NaN; only the element input can
 * be one) against the js backend's output: the same value where that is NaN, ±∞ or ±0, within
 * the bound of a finite reference where it is an ordinary number. Gradients are checked with dy = 1 (the figures) and
 * with the benchmark's dy. Sums: within relSum·Σ|term|, or the js backend's sum when an input
 * is special. A miss throws a CheckError, which aborts the run.
 */
function checkDist(c, impl, d) {
  const kr = specOf(c.kernel);
  const sh = SHAPES[kr.shape];
  const p = paramsOf(c.kernel);
  const v = distArrays(c, d)[0];
  const special = Uint8Array.from(v, (e) => (Number.isFinite(e) ? 0 : 1));
  const nSpecial = special.reduce((s, e) => s + e, 0);
  const where = `${c.name}: ${c.kernel} on the ${c.backend} backend, zero-copy, inputs ${c.dist}`;
  const { ulp, boundOf } = ulpBoundOf(kr, c.kernel, c.backend);
  if (kr.shape === 'sum') {
    const got = impl.sum();
    if (nSpecial > 0) {
      const js = jsOutputs(c, d, distCommon.dy);
      if (!sameValue(got, js)) throw new CheckError(`${where}: returned ${got}, the js backend ${js} on the same inputs (${nSpecial} special)`);
      return { kind: 'sum-vs-js', got, js, specials: nSpecial };
    }
    const ins = distArrays(c, d);
    let ref = 0;
    let absSum = 0;
    for (let i = 0; i < c.n; i++) {
      const t = kr.reference(ins[0][i], ins[1][i], p);
      ref += t;
      absSum += Math.abs(t);
    }
    const err = Math.abs(got - ref);
    const rel = absSum > 0 ? err / absSum : err;
    if (!(err <= kr.bound.relSum * absSum)) {
      throw new CheckError(`${where}: returned ${got}, float64 reference ${ref}; error/Σ|term| = ${rel.toExponential(3)} ` +
        `exceeds the registry bound ${kr.bound.relSum.toExponential(3)}`);
    }
    return { kind: 'relSum', errorOverAbsSum: rel, bound: kr.bound.relSum, specials: 0 };
  }
  const hasDy = sh.ins.includes('dy');
  let maxUlp = 0;
  let at = null;
  let belowNormal = 0;
  let finiteChecked = 0;
  let specialExact = 0;
  let specialOrdinary = 0;
  for (const dy of hasDy ? [distCommon.ones, distCommon.dy] : [null]) {
    const got = impl.output(dy);
    const ins = distArrays(c, d, dy ?? undefined);
    const js = nSpecial > 0 ? jsOutputs(c, d, dy ?? undefined) : null;
    const dyText = dy === distCommon.ones ? ', dy = 1' : dy ? ', dy in [-2, 2]' : '';
    for (let i = 0; i < c.n; i++) {
      const [refs, abs] = distReference(kr, p, ins, i);
      if (special[i]) {
        for (let j = 0; j < got.length; j++) {
          // A special result (NaN, ±∞, ±0) must be the js backend's exactly. An ordinary number
          // (seluBackwardFromOutput at y = +∞ is dy·λ) is held, as at finite inputs, to the
          // registry bound of a finite reference: the backends round such results differently.
          const jv = js[j][i];
          const ordinary = Number.isFinite(jv) && jv !== 0 && Number.isFinite(refs[j]);
          if (ordinary ? !withinDist(got[j][i], refs[j], ulp, abs[j]) : !sameValue(got[j][i], jv)) {
            throw new CheckError(`${where}${dyText}: output ${j} at input ${v[i]} (element ${i}) is ${got[j][i]}, ` +
              (ordinary ? `float64 reference ${refs[j]}, outside the registry bound of ${ulp} ULP (the js backend gives ${jv})`
                : `the js backend's ${jv}; special inputs must give the js backend's value`));
          }
          if (ordinary) specialOrdinary++; else specialExact++;
        }
        continue;
      }
      for (let j = 0; j < got.length; j++) {
        const g = got[j][i];
        const r = refs[j];
        if (!withinDist(g, r, ulp, abs[j])) {
          throw new CheckError(`${where}${dyText}: output ${j} at input ${v[i]} (element ${i}) is ${g}, float64 reference ${r} ` +
            `(${S.ulpError(g, r).toFixed(2)} ULP): outside the registry bound of ${ulp} ULP${abs[j] > 0 ? ` or ${abs[j]} absolute` : ''}`);
        }
        finiteChecked++;
        if (dy === distCommon.dy) continue; // the figures are for dy = 1, as the registry bounds are
        if (!Number.isFinite(r) || Math.abs(r) < MIN_NORMAL) { belowNormal++; continue; }
        if (abs[j] > 0 && Math.abs(g - r) <= abs[j]) continue;
        const e = ulpOf(g, r);
        if (e > maxUlp) { maxUlp = e; at = v[i]; }
      }
    }
  }
  return { kind: 'dist', maxUlp, at, bound: ulp, boundOf, finiteChecked, specialExact, specialOrdinary, specials: nSpecial, belowNormalOrInfinite: belowNormal };
}

/** Median, and an approximate 95% relative margin of error of the mean in percent, of samples in s/call. */
function sampleStats(sample) {
  const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
  const sd = Math.sqrt(sample.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, sample.length - 1));
  return { median: median(sample), mean, rme: (1.96 * sd) / Math.sqrt(sample.length) / mean * 100 };
}

/**
 * One kernel × backend's distribution cases: all prepared and checked first, then timed in
 * DIST_TIMING.rounds rounds, each round one benchmark.js run of every case (starting one case
 * later each round), the samples of a case's rounds pooled and their median reported.
 */
async function runDistGroup(group) {
  const w0 = performance.now();
  const allocated = [];
  try {
    S.setBackend(group[0].backend);
    for (const c of group) allocated.push(allocateDist(c, distInputs(c.dist)));
    const impls = allocated.map((a) => a.bind());
    const checks = group.map((c, k) => checkDist(c, impls[k], distInputs(c.dist)));
    const w1 = performance.now();
    for (const impl of impls) await warmUp(impl.fn, false);
    const samples = group.map(() => []);
    const counts = group.map(() => 1);
    const { rounds, ...timing } = DIST_TIMING;
    for (let r = 0; r < rounds; r++) {
      for (let j = 0; j < group.length; j++) {
        const k = (j + r) % group.length;
        const bench = await time(group[k].name, impls[k].fn, false, { ...timing, initCount: counts[k] }, false);
        if (bench.error) throw new Error(`${group[k].name}: benchmark.js reported ${bench.error}`);
        samples[k].push(...bench.stats.sample);
        counts[k] = bench.count;
      }
    }
    const timingS = (performance.now() - w1) / 1000;
    return group.map((c, k) => {
      const st = sampleStats(samples[k]);
      return {
        ...c,
        nsPerElement: (st.median * 1e9) / c.n,
        nsPerCall: st.median * 1e9,
        minNsPerCall: Math.min(...samples[k]) * 1e9,
        meanNsPerElement: (st.mean * 1e9) / c.n,
        rme: st.rme,
        samples: samples[k].length,
        rounds,
        check: checks[k],
        seconds: { check: round3((w1 - w0) / 1000 / group.length), timing: round3(timingS / group.length) },
      };
    });
  } finally {
    for (const a of allocated) a.free();
  }
}

/**
 * Per-call overhead, measured apart from the suite: the bare export and the API's zero-copy and
 * copy calls of one kernel at size n, timed in alternating blocks of about 1 ms (40 rounds), the
 * fastest block of each kept. Alternating keeps other processes' load from landing on one of
 * the three only, which the separate benchmark.js cases cannot promise at these sizes.
 */
async function measureOverhead(kernel, n) {
  const d = inputsFor(n);
  const activation = S.activations.find((a) => a.forward === kernel || a.backward === kernel).name;
  const base = { activation, kernel, n, backend: rawBackend, group: 'package' };
  const impls = {};
  for (const mode of ['export', 'zero-copy', 'copy']) impls[mode] = await prepare({ ...base, mode, impl: `${rawBackend} ${mode}` }, d);
  try {
    let reps = 1;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) impls.copy.fn();
      if (performance.now() - t0 >= 1 || reps >= 1 << 20) break;
      reps *= 2;
    }
    const best = { export: Infinity, 'zero-copy': Infinity, copy: Infinity };
    for (let round = 0; round < 40; round++) {
      for (const mode of Object.keys(best)) {
        const fn = impls[mode].fn;
        const t0 = performance.now();
        for (let i = 0; i < reps; i++) fn();
        best[mode] = Math.min(best[mode], ((performance.now() - t0) * 1e6) / reps);
      }
    }
    return {
      kernel, n, backend: rawBackend, callsPerBlock: reps, exportNs: best.export, zeroCopyNs: best['zero-copy'], copyNs: best.copy,
      overheadNs: best['zero-copy'] - best.export, copyOverheadNs: best.copy - best.export,
    };
  } finally {
    for (const i of Object.values(impls)) i.free();
  }
}

// ---- run ---------------------------------------------------------------------------------------

const progress = process.stderr.isTTY
  ? (s) => process.stderr.write(`\r\x1b[K${s}`)
  : (s) => process.stderr.write(`${s}\n`);
const progressDone = () => { if (process.stderr.isTTY) process.stderr.write('\r\x1b[K'); };

/** The commit measured, and whether the package's sources differed from it. */
function gitState() {
  const git = (...a) => execFileSync('git', a, { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--', 'src', 'assembly').length > 0 };
  } catch {
    return null;
  }
}

const started = new Date();
const gitAtStart = gitState();
const machineLine = machine(S);
const fmtFilters = opts.filters.map((f) => `--filter ${JSON.stringify(f)}`).join(' ');
console.log(`swish-wasm benchmark on ${machineLine}`);
console.log(`${cases.length} case${cases.length === 1 ? '' : 's'}${fmtFilters ? ` (${fmtFilters})` : ''}, ` +
  `sizes ${[...SIZES, ...BIG].map(sizeLabel).join(', ')}, backends ${backends.join(', ')}; ` +
  `benchmark.js ${Benchmark.version}, minSamples ${TIMING.minSamples}, minTime ${TIMING.minTime} s, maxTime ${TIMING.maxTime} s per case`);
const relaxedCases = cases.filter((c) => c.backend === 'relaxed').length;
/** Whether the relaxed backend ran, and if not why. */
const relaxedLine = relaxed.available
  ? (relaxedCases > 0 ? `relaxed: ran (${relaxedCases} of ${cases.length} cases; relaxed SIMD on ${relaxed.flag ? `with ${RELAXED_FLAG}` : 'by default'})`
    : 'relaxed: available in this runtime, but no relaxed case matches the filter')
  : `relaxed: not available in this runtime (${relaxed.reason})${/without/.test(relaxed.reason) ? '; npm run bench:relaxed runs its cases' : ''}`;
console.log(relaxedLine);
if (cases.some((c) => c.dist !== undefined)) {
  console.log(`distribution cases: ${sizeLabel(DIST_N)} zero-copy on ${distBackends.join(', ')}, inputs ${DISTRIBUTIONS.map((d) => d.id).join(', ')}; ` +
    `each kernel × backend's timed interleaved in ${DIST_TIMING.rounds} rounds (minSamples ${DIST_TIMING.minSamples}, ` +
    `minTime ${DIST_TIMING.minTime} s, maxTime ${DIST_TIMING.maxTime} s per case and round); target: within ${DIST_TARGET}× of u20`);
}

const results = [];
// The 1-minute load average, sampled after every case: this process keeps about one core busy,
// so much more than that means other work competed for the CPU and the numbers are suspect.
const load = [os.loadavg()[0]];
const t0 = performance.now();
// The distribution cases run after the others, one kernel × backend (all its distributions) at a time.
const plainCases = cases.filter((c) => c.dist === undefined);
const distGroups = [];
for (const c of cases.filter((e) => e.dist !== undefined)) {
  const last = distGroups.at(-1);
  if (last && last[0].kernel === c.kernel && last[0].backend === c.backend) last.push(c);
  else distGroups.push([c]);
}
try {
  const status = (i, name) => `[${String(i).padStart(String(cases.length).length)}/${cases.length}] ` +
    `${((performance.now() - t0) / 1000).toFixed(0)} s, load ${os.loadavg()[0].toFixed(2)}: ${name}`;
  for (let i = 0; i < plainCases.length; i++) {
    progress(status(i + 1, plainCases[i].name));
    results.push(await runCase(plainCases[i]));
    load.push(os.loadavg()[0]);
  }
  for (const group of distGroups) {
    const ids = group.map((c) => c.dist);
    progress(status(results.length + group.length, `${group[0].kernel} ${sizeLabel(DIST_N)} ${group[0].backend} zero-copy [${ids.join(', ')}], interleaved`));
    results.push(...await runDistGroup(group));
    load.push(os.loadavg()[0]);
  }
} catch (e) {
  progressDone();
  if (e instanceof CheckError) console.error(`\nbench: CHECK FAILED, run aborted.\n  ${e.message}`);
  else console.error('\nbench: run aborted:', e);
  process.exit(1);
}
// The overhead measurement, for the sizes and kernels whose bare export this run timed.
const overhead = [];
for (const c of results.filter((r) => r.mode === 'export' && r.n <= 4 * K)) {
  progress(`overhead: ${c.kernel} ${sizeLabel(c.n)}, API against the bare export, alternating`);
  overhead.push(await measureOverhead(c.kernel, c.n));
}
progressDone();
const seconds = (performance.now() - t0) / 1000;

// ---- results -----------------------------------------------------------------------------------

const pad = (v) => String(v).padStart(2, '0');
const date = `${started.getUTCFullYear()}-${pad(started.getUTCMonth() + 1)}-${pad(started.getUTCDate())}`;
const host = os.hostname().replace(/[^\w.-]+/g, '_') || 'unknown-host';
const suffix = opts.filters.length > 0 ? '-filtered' : opts.quick ? '-quick' : '';
const dir = opts.out !== undefined ? path.resolve(opts.out) : fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const base = `${date}-${host}${suffix}`;
const maxLoad = Math.max(...load);
const command = `npm run bench${opts.relaxed || relaxed.flag ? ':relaxed' : ''}${opts.quick || fmtFilters ? ' --' : ''}${opts.quick ? ' --quick' : ''}${fmtFilters ? ` ${fmtFilters}` : ''}`;

const tfjsInfo = peers.tfjs ? peers.tfjs.tfjsInfo() : null;
const pkgVersion = (name) => {
  try {
    return JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  } catch {
    return null;
  }
};
const json = {
  package: 'swish-wasm',
  date,
  startedAt: started.toISOString(),
  hostname: os.hostname(),
  git: gitAtStart,
  machine: machineLine,
  cpu: os.cpus()[0]?.model?.trim() ?? null,
  cpus: os.cpus().length,
  node: process.version,
  v8: process.versions.v8,
  platform: `${os.platform()}-${os.arch()}`,
  simd: S.simdSupported(),
  relaxedSimd: S.relaxedSimdSupported(),
  relaxed: { ...relaxed, cases: relaxedCases, line: relaxedLine },
  benchmarkJs: Benchmark.version,
  command,
  peers: {
    '@tensorflow/tfjs-core': pkgVersion('@tensorflow/tfjs-core'),
    '@tensorflow/tfjs-backend-wasm': pkgVersion('@tensorflow/tfjs-backend-wasm'),
    '@tensorflow/tfjs-backend-cpu': pkgVersion('@tensorflow/tfjs-backend-cpu'),
    'onnxruntime-node': pkgVersion('onnxruntime-node'),
    'onnxruntime-web': pkgVersion('onnxruntime-web'),
    tfjsWasm: tfjsInfo,
    threads: 1,
  },
  options: {
    quick: opts.quick, filters: opts.filters, sizes: [...SIZES, ...BIG], headline: HEADLINE, ...TIMING,
    distributions: DISTRIBUTIONS,
    dist: { n: DIST_N, backends: distBackends, target: DIST_TARGET, biasChannels: DIST_C, ...DIST_TIMING,
      inputs: 'x (or a gate\'s a) from the distribution; a kept output y = the forward at that x; dy uniform in [-2, 2] ' +
        '(and dy = 1 for the ULP figures); a gate\'s b uniform in [-3, 3]; a bias of 1024 channels uniform in [-1, 1]' },
  },
  durationSeconds: Math.round(seconds * 10) / 10,
  loadAverage1m: { min: Math.min(...load), max: maxLoad, mean: load.reduce((p, q) => p + q, 0) / load.length, busy: maxLoad >= 1.75 },
  units: {
    nsPerElement: 'median of benchmark.js samples (s/call) × 1e9 / n',
    nsPerCall: 'median of benchmark.js samples (s/call) × 1e9', minNsPerCall: 'fastest sample (s/call) × 1e9',
    rme: 'percent (benchmark.js relative margin of error of the mean)',
    ulp: 'check.ulp: max |output − float64 reference| in ULP of the reference over the benchmark inputs (x uniform in [-20, 20], dy = 1), results below 2^-126 left out; check.maxUlp: the same leaving out errors within the registry absolute clause (absDy), as the registry bounds are stated',
    dist: 'cases with a dist: nsPerElement is the median of the samples of all rounds pooled; rme from the pooled samples (1.96·sd/√n/mean); ' +
      'check.kind dist: maxUlp over finite inputs with normal results (dy = 1), finiteChecked outputs within the registry bound, ' +
      'specialExact outputs at ±∞/NaN inputs equal to the js backend\'s (NaN, ±∞ or ±0 there), specialOrdinary ones (an ordinary number there) within the bound of the float64 reference',
  },
  cases: results,
  overhead,
};
const jsonPath = path.join(dir, `${base}.json`);
writeFileSync(jsonPath, JSON.stringify(json, null, 2) + '\n');
const written = writeReport(json, { mdPath: path.join(dir, `${base}.md`), svgDir: dir, svgPrefix: `${base}-` });
console.log(written.summary);
const nDist = results.filter((r) => r.dist !== undefined).length;
console.log(`\nChecks: all ${results.length} outputs checked against the float64 references before timing ` +
  '(the package within its registry bounds; peers measured)' +
  (nDist > 0 ? `; of them ${nDist} distribution cases, their outputs at ±∞ and NaN inputs against the js backend's.` : '.'));
console.log(relaxedLine);
console.log(`Run time: ${seconds.toFixed(0)} s for ${results.length} cases; load average (1 min) ${Math.min(...load).toFixed(2)} to ${maxLoad.toFixed(2)}.`);
console.log(`Results: ${[jsonPath, ...written.files].map((f) => path.relative(process.cwd(), f)).join(', ')}`);
if (sink === 0.5) console.log(''); // keeps the sums observable
