// `npm run bench`: throughput of every kernel in the registry, on every backend, at 1K, 64K and
// 1M elements, through the copy path (ordinary Float32Arrays) and the zero-copy path (arrays from
// `allocate`), timed with benchmark.js. Each case's output is checked against the registry's
// float64 reference and error bound before it is timed; a failing check aborts the run.
//
//   npm run bench                       all cases (about 4 minutes on 2 cores)
//   npm run bench -- --quick            64K only, shorter timing (about a minute)
//   npm run bench -- --filter <text>    only the cases whose name contains <text>,
//                                       e.g. "swish 64K" or "simd zero-copy"
//
// Results go to bench/results/<date>-<hostname>.{json,md} (runs with --quick or --filter add
// "-quick" / "-filtered" to the name, so they never overwrite a full run).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import Benchmark from 'benchmark';
import * as S from '../dist/esm/index.js';
import { machine, rng, table } from './lib.mjs';

// ---- options ---------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { quick: false, filter: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--filter') {
      if (i + 1 >= argv.length) usage('--filter needs a value');
      opts.filter = argv[++i];
    } else if (a.startsWith('--filter=')) opts.filter = a.slice('--filter='.length);
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${JSON.stringify(a)}`);
  }
  return opts;
}

function usage(error) {
  const text = 'usage: node bench/bench.mjs [--quick] [--filter <substring of a case name>]\n' +
    'case names look like "swish 64K simd zero-copy" or "sigmoidBackward 1M js copy"';
  if (error) {
    console.error(`bench: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
const SIZES = opts.quick ? [65536] : [1024, 65536, 1048576];
// benchmark.js keeps sampling (each sample at least minTime s) until it has minSamples samples
// and maxTime s have passed; the median of the samples is what is reported. The three are set
// from the number of cases so that the unfiltered run fits BUDGET_S whatever the registry holds
// (each case also spends about CASE_OVERHEAD_S on calibration, the last sample and the output
// check); --filter keeps the timing of the run it filters, so the numbers compare.
const BUDGET_S = opts.quick ? 45 : 200;
const CASE_OVERHEAD_S = 0.3;
const BACKEND_ORDER = ['js', 'wasm', 'simd'];

const sizeLabel = (n) => (n >= 1 << 20 ? `${n / (1 << 20)}M` : n >= 1024 ? `${n / 1024}K` : String(n));

// ---- the cases, from the registry ------------------------------------------------------------

await S.init();
// Every backend this runtime supports must be there: init() quietly falls back to js when a
// module fails to load (a broken build), which would turn this into a benchmark of js alone.
{
  const expected = ['wasm', ...(S.simdSupported() ? ['simd'] : [])];
  const problems = [];
  for (const b of expected.filter((e) => !S.availableBackends().includes(e))) {
    const file = new URL(`../dist/swish-${b === 'simd' ? 'simd' : 'scalar'}.wasm`, import.meta.url);
    try {
      await S.init(readFileSync(file)); // init with explicit bytes reports why it fails
    } catch (e) {
      problems.push(`${b}: ${e?.message ?? e}`);
    }
  }
  if (problems.length > 0) {
    console.error(`bench: this runtime supports ${expected.join(' and ')} but init() could not load ` +
      `${problems.length === 1 ? 'one of them' : 'them'}; is the build in dist/ broken?\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}
const backends = BACKEND_ORDER.filter((b) => S.availableBackends().includes(b));

/** Every kernel an activation names (forward, backward, backwardFromOutput, paramGrad, ...). */
const kernelList = [];
for (const act of S.activations) {
  for (const [role, k] of Object.entries(act)) {
    if (role === 'name' || typeof k !== 'string' || !(k in S.kernels)) continue;
    if (!kernelList.some((e) => e.kernel === k)) kernelList.push({ activation: act.name, role, kernel: k });
  }
}

const allCases = [];
for (const { activation, role, kernel } of kernelList) {
  for (const n of SIZES) {
    for (const backend of backends) {
      for (const path of backend === 'js' ? ['copy'] : ['copy', 'zero-copy']) {
        const name = `${kernel} ${sizeLabel(n)} ${backend} ${path}`;
        allCases.push({ name, activation, role, kernel, n, backend, path });
      }
    }
  }
}
const perCase = BUDGET_S / allCases.length;
const round2 = (v) => Math.round(v * 100) / 100;
const TIMING = {
  minTime: perCase >= 1 ? 0.05 : 0.025,
  maxTime: round2(Math.min(2, Math.max(0.1, perCase - CASE_OVERHEAD_S))),
};
TIMING.minSamples = Math.max(5, Math.min(10, Math.floor(TIMING.maxTime / TIMING.minTime)));
const cases = opts.filter === undefined ? allCases : allCases.filter((c) => c.name.includes(opts.filter));
if (cases.length === 0) {
  usage(`no case name contains ${JSON.stringify(opts.filter)}; e.g. ${allCases.slice(0, 3).map((c) => JSON.stringify(c.name)).join(', ')}`);
}

// ---- inputs ------------------------------------------------------------------------------------

/** Seeded inputs per size: x in [-20, 20], dy in [-2, 2], and ones (for the dy = 1 check). */
const inputs = new Map();
function inputsFor(n) {
  if (!inputs.has(n)) {
    const r = rng(0x5eed + n);
    const x = new Float32Array(n);
    const dy = new Float32Array(n);
    for (let i = 0; i < n; i++) { x[i] = -20 + 40 * r(); dy[i] = -2 + 4 * r(); }
    inputs.set(n, { x, dy, ones: new Float32Array(n).fill(1), y: new Map() });
  }
  return inputs.get(n);
}

/**
 * For a kernel that reads a kept output y: the outputs of its activation's forward at the same x
 * (σ(x) for sigmoid), from the forward's float64 reference rounded to f32, default parameters.
 */
function keptOutputs(data, activation) {
  if (!data.y.has(activation)) {
    const fwd = S.kernels[S.activations.find((a) => a.name === activation).forward];
    const p = fwd.params.map((q) => q.default);
    data.y.set(activation, data.x.map((v) => fwd.reference(v, p)));
  }
  return data.y.get(activation);
}

// ---- checking ----------------------------------------------------------------------------------

class CheckError extends Error {}

/**
 * Runs the case's kernel on its own arrays (so through the same path and backend as the timing)
 * and checks the output against the registry's bound. Map and grad kernels: S.maxUlpError (for
 * grads with dy = 1, as it assumes), then for grads once more with the benchmark's dy, element by
 * element with S.withinBound. Sum kernels: |got − Σ term| ≤ relSum·Σ|term| in float64.
 */
function check(c, kr, f, arrays, input, data, params) {
  const { x, dy, out } = arrays;
  const where = `${c.name}: ${c.kernel} on the ${c.backend} backend, ${c.path} path, n = ${c.n}`;
  if (kr.shape === 'sum') {
    dy.set(data.dy);
    const got = f(x, dy);
    let ref = 0;
    let absSum = 0;
    for (let i = 0; i < c.n; i++) {
      const t = kr.reference(input[i], data.dy[i], params);
      ref += t;
      absSum += Math.abs(t);
    }
    if (kr.bound.relSum === undefined) throw new CheckError(`${where}: the registry gives no relSum bound for a sum kernel`);
    const err = Math.abs(got - ref);
    const limit = kr.bound.relSum * absSum;
    const rel = absSum > 0 ? err / absSum : err;
    if (!(err <= limit)) {
      throw new CheckError(`${where}: returned ${got}, float64 reference ${ref}; error ${err.toExponential(3)} ` +
        `exceeds relSum·Σ|term| = ${limit.toExponential(3)} (error/Σ|term| = ${rel.toExponential(3)}, bound ${kr.bound.relSum.toExponential(3)})`);
    }
    return { kind: 'relSum', errorOverAbsSum: rel, bound: kr.bound.relSum };
  }

  const bound = kr.bound.ulp[c.backend];
  out.fill(NaN);
  if (kr.shape === 'map') f(x, out);
  else { dy.set(data.ones); f(x, dy, out); }
  const { maxUlp, at, maxAbs } = S.maxUlpError(c.kernel, input, out.slice(), params);
  if (!(maxUlp <= bound)) {
    throw new CheckError(`${where}: max error ${maxUlp.toFixed(3)} ULP (at ${kr.shape === 'grad' && kr.reads === 'y' ? 'y' : 'x'} = ${at}) ` +
      `exceeds the registry bound of ${bound} ULP${kr.shape === 'grad' ? ' (dy = 1)' : ''}`);
  }
  const result = { kind: 'ulp', maxUlp, bound, ...(kr.bound.absDy !== undefined ? { maxAbsOver2m23: maxAbs } : {}) };
  if (kr.shape === 'grad') {
    dy.set(data.dy);
    out.fill(NaN);
    f(x, dy, out);
    let fails = 0;
    let first = -1;
    for (let i = 0; i < c.n; i++) {
      const ref = kr.reference(input[i], data.dy[i], params);
      if (!S.withinBound(c.kernel, c.backend, out[i], ref, data.dy[i])) { if (fails++ === 0) first = i; }
    }
    if (fails > 0) {
      const ref = kr.reference(input[first], data.dy[first], params);
      throw new CheckError(`${where}: ${fails} of ${c.n} outputs with dy in [-2, 2] miss the registry bound ` +
        `(${bound} ULP${kr.bound.absDy !== undefined ? ` or ${kr.bound.absDy}·|dy|` : ''}); first at input ${input[first]}, dy ${data.dy[first]}: ` +
        `got ${out[first]}, reference ${ref} (${S.ulpError(out[first], ref).toFixed(2)} ULP)`);
    }
  }
  return result;
}

// ---- timing ------------------------------------------------------------------------------------

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const progress = process.stderr.isTTY
  ? (s) => process.stderr.write(`\r\x1b[K${s}`)
  : (s) => process.stderr.write(`${s}\n`);
const progressDone = () => { if (process.stderr.isTTY) process.stderr.write('\r\x1b[K'); };

let sink = 0;

function runCase(c) {
  S.setBackend(c.backend);
  const kr = S.kernels[c.kernel];
  const f = S[c.kernel];
  if (typeof f !== 'function') throw new CheckError(`${c.name}: the package exports no function '${c.kernel}'`);
  const params = kr.params.map((p) => p.default);
  const data = inputsFor(c.n);
  const input = kr.shape !== 'map' && kr.reads === 'y' ? keptOutputs(data, c.activation) : data.x;
  const needsOut = kr.shape !== 'sum';
  const needsDy = kr.shape !== 'map';

  const owned = [];
  let arrays;
  if (c.path === 'zero-copy') {
    // Allocate everything first: growing the memory detaches earlier views.
    const [ax, ady, aout] = [S.allocate(c.n), needsDy ? S.allocate(c.n) : null, needsOut ? S.allocate(c.n) : null];
    owned.push(...[ax, ady, aout].filter(Boolean));
    arrays = { x: ax.array, dy: ady?.array ?? null, out: aout?.array ?? null };
    arrays.x.set(input);
    if (arrays.dy) arrays.dy.set(data.dy);
  } else {
    arrays = { x: input.slice(), dy: needsDy ? data.dy.slice() : null, out: needsOut ? new Float32Array(c.n) : null };
  }
  try {
    const checked = check(c, kr, f, arrays, input, data, params);
    const { x, dy, out } = arrays;
    if (dy) dy.set(data.dy);
    const fn = kr.shape === 'map' ? () => { f(x, out); }
      : kr.shape === 'grad' ? () => { f(x, dy, out); }
        : () => { sink += f(x, dy); };
    const bench = new Benchmark(c.name, fn, { ...TIMING, async: false });
    bench.run();
    if (bench.error) throw new Error(`${c.name}: benchmark.js reported ${bench.error}`);
    const sample = bench.stats.sample;
    return {
      ...c,
      shape: kr.shape,
      nsPerElement: (median(sample) * 1e9) / c.n,
      meanNsPerElement: (bench.stats.mean * 1e9) / c.n,
      rme: bench.stats.rme,
      samples: sample.length,
      opsPerSecond: bench.hz,
      check: checked,
    };
  } finally {
    for (const a of owned) a.free();
  }
}

// ---- run ---------------------------------------------------------------------------------------

const started = new Date();
const gitAtStart = gitState();
const machineLine = machine(S);
console.log(`swish-wasm benchmark on ${machineLine}`);
console.log(`${cases.length} case${cases.length === 1 ? '' : 's'}${opts.filter !== undefined ? ` matching ${JSON.stringify(opts.filter)}` : ''}, ` +
  `sizes ${SIZES.map(sizeLabel).join(', ')}, backends ${backends.join(', ')}; ` +
  `benchmark.js ${Benchmark.version}, minSamples ${TIMING.minSamples}, minTime ${TIMING.minTime} s, maxTime ${TIMING.maxTime} s per case\n`);

const results = [];
// The 1-minute load average, sampled after every case: this process keeps about one core busy,
// so much more than that means other work competed for the CPU and the numbers are suspect.
const load = [os.loadavg()[0]];
const t0 = performance.now();
try {
  for (let i = 0; i < cases.length; i++) {
    progress(`[${String(i + 1).padStart(String(cases.length).length)}/${cases.length}] ${cases[i].name}`);
    results.push(runCase(cases[i]));
    load.push(os.loadavg()[0]);
  }
} catch (e) {
  progressDone();
  if (e instanceof CheckError) console.error(`\nbench: CHECK FAILED, run aborted.\n  ${e.message}`);
  else console.error(`\nbench: run aborted:`, e);
  process.exit(1);
}
progressDone();
const seconds = (performance.now() - t0) / 1000;

// ---- report ------------------------------------------------------------------------------------

const find = (kernel, n, backend, path) =>
  results.find((r) => r.kernel === kernel && r.n === n && r.backend === backend && r.path === path);
const fmtNs = (r) => (r ? `${r.nsPerElement.toFixed(r.nsPerElement < 10 ? 3 : 2)} ±${r.rme.toFixed(1)}%` : '-');
const ratio = (a, b) => (a && b ? a.nsPerElement / b.nsPerElement : undefined);
const fmtRatio = (v, digits = 1) => (v === undefined ? '-' : `${v.toFixed(digits)}×`);

const header = ['kernel', 'n', 'js', 'wasm copy', 'wasm zero-copy', 'simd copy', 'simd zero-copy',
  'simd zero-copy vs js', 'simd copy / zero-copy'];
const rows = [];
for (const { kernel } of kernelList) {
  for (const n of SIZES) {
    const r = Object.fromEntries(['js copy', 'wasm copy', 'wasm zero-copy', 'simd copy', 'simd zero-copy']
      .map((k) => [k, find(kernel, n, ...k.split(' '))]));
    if (!Object.values(r).some(Boolean)) continue;
    rows.push([kernel, sizeLabel(n), fmtNs(r['js copy']), fmtNs(r['wasm copy']), fmtNs(r['wasm zero-copy']),
      fmtNs(r['simd copy']), fmtNs(r['simd zero-copy']),
      fmtRatio(ratio(r['js copy'], r['simd zero-copy'])), fmtRatio(ratio(r['simd copy'], r['simd zero-copy']), 2)]);
  }
}
const legend = 'ns per element: median of benchmark.js samples / n, ± relative margin of error (stats.rme). ' +
  '"copy" takes and returns ordinary Float32Arrays, "zero-copy" passes arrays from allocate().';
const resultTable = table(header, rows);

// Targets: (a) simd swish forward, zero-copy, 64K: ≥ 10× faster than js; (b) simd copy within
// 1.5× of simd zero-copy for every kernel × size.
const targetLines = [];
const swishForward = S.activations.find((a) => a.name === 'swish')?.forward;
const aJs = find(swishForward, 65536, 'js', 'copy');
const aSimd = find(swishForward, 65536, 'simd', 'zero-copy');
const aRatio = ratio(aJs, aSimd);
const targetA = aRatio === undefined ? null : aRatio >= 10;
targetLines.push(aRatio === undefined
  ? `(a) simd ${swishForward} zero-copy at 64K ≥ 10× js: not measured in this run`
  : `(a) simd ${swishForward} zero-copy at 64K ≥ 10× js: ${targetA ? 'PASS' : 'MISS'}, ${aRatio.toFixed(2)}× ` +
    `(js ${aJs.nsPerElement.toFixed(3)} ns/element, simd zero-copy ${aSimd.nsPerElement.toFixed(3)} ns/element)`);
const copyRatios = [];
for (const { kernel } of kernelList) {
  for (const n of SIZES) {
    const v = ratio(find(kernel, n, 'simd', 'copy'), find(kernel, n, 'simd', 'zero-copy'));
    if (v !== undefined) copyRatios.push({ kernel, n, ratio: v, pass: v <= 1.5 });
  }
}
const targetB = copyRatios.length === 0 ? null : copyRatios.every((r) => r.pass);
if (copyRatios.length === 0) {
  targetLines.push('(b) simd copy within 1.5× of simd zero-copy: not measured in this run');
} else {
  const worst = copyRatios.reduce((p, q) => (q.ratio > p.ratio ? q : p));
  const misses = copyRatios.filter((r) => !r.pass);
  targetLines.push(`(b) simd copy within 1.5× of simd zero-copy, every case: ${targetB ? 'PASS' : 'MISS'}` +
    ` (${copyRatios.length - misses.length}/${copyRatios.length} within; worst ${worst.ratio.toFixed(2)}× for ${worst.kernel} ${sizeLabel(worst.n)})`);
  targetLines.push('    ' + copyRatios.map((r) => `${r.kernel} ${sizeLabel(r.n)} ${r.ratio.toFixed(2)}×${r.pass ? '' : ' MISS'}`).join(', '));
}

const checkLine = `Checks: all ${results.length} cases within the registry's error bounds before timing.`;
const durationLine = `Run time: ${seconds.toFixed(0)} s for ${results.length} cases.`;
const maxLoad = Math.max(...load);
const busy = maxLoad >= 1.75;
const loadLine = `Load average (1 min) during the run: ${Math.min(...load).toFixed(2)} to ${maxLoad.toFixed(2)}` +
  (busy ? ' — WARNING: other processes competed for the CPU; rerun on a quiet machine before trusting these numbers.' : '.');

console.log(legend);
console.log(resultTable);
console.log(`\n${checkLine}`);
console.log(`\nTargets:\n${targetLines.join('\n')}`);
console.log(`\n${durationLine}\n${loadLine}`);

// ---- files -------------------------------------------------------------------------------------

const pad = (v) => String(v).padStart(2, '0');
const date = `${started.getFullYear()}-${pad(started.getMonth() + 1)}-${pad(started.getDate())}`;
const host = os.hostname().replace(/[^\w.-]+/g, '_') || 'unknown-host';
const suffix = opts.filter !== undefined ? '-filtered' : opts.quick ? '-quick' : '';
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const base = `${date}-${host}${suffix}`;

/** The commit measured, and whether the working tree differed from it. */
function gitState() {
  const git = (...a) => execFileSync('git', a, { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--', 'src', 'assembly').length > 0 };
  } catch {
    return null;
  }
}

const json = {
  package: 'swish-wasm',
  date,
  startedAt: started.toISOString(),
  hostname: os.hostname(),
  git: gitAtStart,
  machine: machineLine,
  node: process.version,
  v8: process.versions.v8,
  platform: `${os.platform()}-${os.arch()}`,
  cpus: os.cpus().length,
  benchmarkJs: Benchmark.version,
  options: { quick: opts.quick, filter: opts.filter ?? null, sizes: SIZES, ...TIMING },
  durationSeconds: Math.round(seconds * 10) / 10,
  loadAverage1m: { min: Math.min(...load), max: maxLoad, busy },
  units: { nsPerElement: 'median of benchmark.js samples (s/op) × 1e9 / n', rme: 'percent' },
  cases: results,
  targets: {
    simdSwishZeroCopy64KOverJs: { target: '>= 10', ratio: aRatio ?? null, pass: targetA },
    simdCopyOverZeroCopy: { target: '<= 1.5 for every case', pass: targetB, ratios: copyRatios },
  },
};
writeFileSync(new URL(`${base}.json`, dir), JSON.stringify(json, null, 2) + '\n');

const md = [
  `# swish-wasm benchmark, ${date}`,
  '',
  `Machine: ${machineLine}`,
  '',
  `\`npm run bench${opts.quick ? ' -- --quick' : ''}${opts.filter !== undefined ? ` -- --filter ${JSON.stringify(opts.filter)}` : ''}\`: ` +
    `benchmark.js ${Benchmark.version}, minSamples ${TIMING.minSamples}, minTime ${TIMING.minTime} s, maxTime ${TIMING.maxTime} s per case. ${durationLine} ${loadLine}`,
  '',
  legend,
  '',
  resultTable,
  '',
  checkLine,
  '',
  'Targets:',
  '',
  ...targetLines.map((l) => `- ${l.trim()}`),
  '',
].join('\n');
writeFileSync(new URL(`${base}.md`, dir), md);
console.log(`Results: bench/results/${base}.json, bench/results/${base}.md`);
if (sink === 0.5) console.log(''); // keeps the sums observable
