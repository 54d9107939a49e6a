// `node bench/overhead.mjs` (after `npm run build`): the per-call overhead of the public API, for
// every kernel in the registry, at 256 elements: the API called on zero-copy arrays (from
// `allocate`, in WebAssembly memory) against the bare WebAssembly export called on pointers to
// the same arrays: the backend's own export, in the same instance and memory, so that both run
// the same compiled code on the same addresses (a second instance, as bench/bench.mjs's "simd
// export" case, tiers up and lays out memory on its own: up to ±400 ns apart here). Beside
// them: the API on two sets of zero-copy arrays in turn ("rotating": a call never repeats the
// previous one, so the repeated-call shortcut of src/wrappers.ts never applies and every check
// runs, as when one function serves several layers), and the copy path (plain Float32Arrays,
// streamed through scratch).
//
// The machine is shared: every round times one block of each (kernel, way of calling) in turn,
// so a burst of load lands on all of them alike, and the figures are medians over the rounds.
// The overhead is the median over rounds of (API − export) within the same round.
//
//   node bench/overhead.mjs                  every kernel, simd (else scalar wasm), 256 elements
//   node bench/overhead.mjs --filter swish   only kernels whose name contains the text (repeat: OR)
//   options: --n <elements> (256)  --rounds <count> (41)  --block-us <µs per block> (250)
//            --warm-ms <ms per case and pass of the warm-up> (10)  --backend simd|wasm
//            --target-ns <ns> (100)  --json (also print the rows as JSON)
import * as S from '../dist/node.mjs';
import { createRequire } from 'node:module';
// The backend state of the Node entry (dist/node.mjs re-exports dist/cjs): its own select module.
const { currentBackend } = createRequire(import.meta.url)('../dist/cjs/backends/select.js');
import { machine, rng, table } from './lib.mjs';

function parseArgs(argv) {
  const opts = { n: 256, rounds: 41, blockUs: 250, warmMs: 10, backend: undefined, filters: [], targetNs: 100, json: false };
  const numeric = { '--n': 'n', '--rounds': 'rounds', '--block-us': 'blockUs', '--warm-ms': 'warmMs', '--target-ns': 'targetNs' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    if (flag in numeric) {
      const v = Number(value());
      if (!(v > 0)) usage(`${flag} must be a positive number`);
      opts[numeric[flag]] = v;
    } else if (flag === '--filter') opts.filters.push(value());
    else if (flag === '--backend') opts.backend = value();
    else if (flag === '--json') opts.json = true;
    else if (flag === '--help' || flag === '-h') usage();
    else usage(`unknown argument ${JSON.stringify(argv[i])}`);
  }
  return opts;
}

function usage(error) {
  const text = 'usage: node bench/overhead.mjs [--filter <kernel text>]... [--n 256] [--rounds 41] [--block-us 250] ' +
    '[--warm-ms 10] [--backend simd|wasm] [--target-ns 100] [--json]';
  if (error) {
    console.error(`overhead: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
const n = opts.n;

await S.init();
const backend = opts.backend ?? (S.availableBackends().includes('simd') ? 'simd' : 'wasm');
if (!S.availableBackends().includes(backend)) {
  console.error(`overhead: backend ${backend} is not available here (have ${S.availableBackends().join(', ')})`);
  process.exit(1);
}
S.setBackend(backend);

/** The backend's exports by kernel name (WasmBackend.exportOf, the wrappers' own way to them). */
const wasm = currentBackend();

const allKernels = { ...S.kernels, ...S.fusedKernels };
const names = Object.keys(allKernels).filter((k) => opts.filters.length === 0 || opts.filters.some((f) => k.includes(f)));
if (names.length === 0) usage(`no kernel name contains ${opts.filters.map((f) => JSON.stringify(f)).join(' or ')}`);

/** Channels of the bias forms: x is n / C rows of C. */
const C = n % 64 === 0 ? 64 : 1;

/**
 * What each shape's API takes and its export: the inputs (their lengths), the outputs the API
 * takes after them, and those the export writes (a bias form's dbias is summed by the API).
 */
const SHAPES = {
  map: { inputs: [n], apiOutputs: [n], exportOutputs: 1 },
  grad: { inputs: [n, n], apiOutputs: [n], exportOutputs: 1 },
  binary: { inputs: [n, n], apiOutputs: [n], exportOutputs: 1 },
  sum: { inputs: [n, n], apiOutputs: [], exportOutputs: 0 },
  gateGrad: { inputs: [n, n, n], apiOutputs: [n, n], exportOutputs: 2 },
  bias: { inputs: [n, C], apiOutputs: [n], exportOutputs: 1, channels: true },
  biasGrad: { inputs: [n, C, n], apiOutputs: [n, C], exportOutputs: 1, channels: true },
};

/** Seeded inputs: values in [-20, 20] (dy in [-2, 2]); a kept output y is the forward's y of x. */
function inputsOf(k) {
  const kr = allKernels[k];
  const r = rng(0x5eed);
  const { inputs } = SHAPES[kr.shape];
  const arrays = inputs.map((len, i) => Float32Array.from({ length: len }, () => (i === 0 ? 20 : 2) * (2 * r() - 1)));
  if (kr.reads === 'y') {
    const a = S.activations.find((v) => v.backwardFromOutput === k);
    arrays[0] = S[a.forward](arrays[0]);
  }
  return arrays;
}

// Two sets of zero-copy arrays for every kernel, allocated before any view is taken (growth
// detaches views).
const owned = new Map(names.map((k) => {
  const s = SHAPES[allKernels[k].shape];
  const set = () => [...s.inputs, ...s.apiOutputs].map((len) => S.allocate(len));
  return [k, [set(), set()]];
}));

let sink = 0;
/**
 * A timed loop of its own for each case (compiled apart, so that its call site sees only this
 * case's function, as a user's would): runs the call `reps` times, returns a sum so nothing is
 * optimised away.
 */
function loop(fn, args, returnsNumber) {
  const params = args.map((_, i) => `a${i}`);
  const call = `fn(${params.join(', ')})`;
  const body = returnsNumber
    ? `return (reps) => { let s = 0; for (let i = 0; i < reps; i++) s += ${call}; return s; };`
    : `return (reps) => { for (let i = 0; i < reps; i++) ${call}; return 0; };`;
  return new Function('fn', ...params, body)(fn, ...args);
}

/** As loop, calling on the arrays `first` and `second` in turn (reps even). */
function rotatingLoop(fn, first, second, returnsNumber) {
  const a = first.map((_, i) => `a${i}`);
  const b = second.map((_, i) => `b${i}`);
  const calls = returnsNumber ? `s += fn(${a.join(', ')}); s += fn(${b.join(', ')});` : `fn(${a.join(', ')}); fn(${b.join(', ')});`;
  const body = `return (reps) => { let s = 0; for (let i = 0; i < reps; i += 2) { ${calls} } return s; };`;
  return new Function('fn', ...a, ...b, body)(fn, ...first, ...second);
}

const cases = names.map((k) => {
  const kr = allKernels[k];
  const shape = SHAPES[kr.shape];
  const inputs = inputsOf(k);
  const params = kr.params.map((p) => Math.fround(p.default));
  const [p0 = 0, p1 = 0] = params;
  const returnsNumber = kr.shape === 'sum';
  const api = S[k];

  const [zc, zc2] = owned.get(k).map((set) => set.map((w) => w.array));
  inputs.forEach((v, i) => { zc[i].set(v); zc2[i].set(v); });
  const zcOutputs = zc.slice(inputs.length);

  const copyInputs = inputs.map((v) => v.slice());
  const copyOutputs = shape.apiOutputs.map((len) => new Float32Array(len));

  // The export on the same arrays' pointers (a bias form's dbias is the API's, not the kernel's).
  const exportFn = wasm.exportOf(k);
  const ptrs = zc.slice(0, inputs.length + shape.exportOutputs).map((a) => a.byteOffset);
  const exportArgs = [...ptrs, n, ...(shape.channels ? [C] : []), p0, p1];

  // The API's result and the export's must be the same bits: the two calls do the same work.
  const apiResult = api(...zc);
  const apiOutputs = zcOutputs.slice(0, shape.exportOutputs).map((o) => new Uint32Array(o.slice().buffer));
  zcOutputs.forEach((o) => o.fill(0));
  const exportResult = exportFn(...exportArgs);
  for (let o = 0; o < shape.exportOutputs; o++) {
    const got = new Uint32Array(zcOutputs[o].buffer, zcOutputs[o].byteOffset, zcOutputs[o].length);
    if (got.some((v, i) => v !== apiOutputs[o][i])) throw new Error(`overhead: ${k}'s API output ${o} differs from its export's`);
  }
  if (returnsNumber && !Object.is(apiResult, exportResult)) {
    throw new Error(`overhead: ${k}'s API returned ${apiResult}, its export ${exportResult}`);
  }

  return {
    kernel: k,
    shape: kr.shape,
    run: {
      api: loop(api, zc, returnsNumber),
      export: loop(exportFn, exportArgs, returnsNumber),
      rotating: rotatingLoop(api, zc, zc2, returnsNumber),
      copy: loop(api, [...copyInputs, ...copyOutputs], returnsNumber),
    },
    ns: { api: [], export: [], rotating: [], copy: [] },
    reps: 2,
  };
});
const WAYS = ['api', 'export', 'rotating', 'copy'];

const nowNs = () => Number(process.hrtime.bigint());

// Warm-up, long enough for V8 to optimise every loop and wrapper with every kernel seen; then
// the calls per block, so the API's block takes about --block-us.
for (let pass = 0; pass < 3; pass++) {
  for (const c of cases) {
    for (const way of WAYS) {
      const t0 = nowNs();
      while (nowNs() - t0 < opts.warmMs * 1e6) sink += c.run[way](64);
    }
  }
}
for (const c of cases) {
  for (;;) {
    const t0 = nowNs();
    sink += c.run.api(c.reps);
    if (nowNs() - t0 >= opts.blockUs * 1e3 || c.reps >= 1 << 24) break;
    c.reps *= 2;
  }
}

for (let round = 0; round < opts.rounds; round++) {
  for (const c of cases) {
    // Alternate the order too, so neither comes first every time.
    for (const way of round % 2 === 0 ? WAYS : [...WAYS].reverse()) {
      const t0 = nowNs();
      sink += c.run[way](c.reps);
      c.ns[way].push((nowNs() - t0) / c.reps);
    }
  }
}
if (Number.isNaN(sink)) console.log(''); // keeps the results live

const median = (a) => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; };
const pairedMedian = (a, b) => median(a.map((v, i) => v - b[i]));
const rows = cases.map((c) => ({
  kernel: c.kernel,
  shape: c.shape,
  apiNs: median(c.ns.api),
  exportNs: median(c.ns.export),
  overheadNs: pairedMedian(c.ns.api, c.ns.export),
  rotatingOverheadNs: pairedMedian(c.ns.rotating, c.ns.export),
  copyNs: median(c.ns.copy),
  copyOverheadNs: pairedMedian(c.ns.copy, c.ns.export),
}));

const f1 = (v) => v.toFixed(1);
console.log(`Per-call overhead at ${n} elements, ${backend} backend, on ${machine(S)}`);
console.log(`${opts.rounds} interleaved rounds of ~${opts.blockUs} µs blocks per kernel and way of calling; medians ` +
  '(overhead: median over rounds of zero-copy API − bare export; rotating: the API on two sets of zero-copy arrays in turn; ' +
  'copy: on ordinary Float32Arrays)\n');
console.log(table(
  ['kernel', 'shape', 'API ns/call', 'export ns/call', 'overhead ns', `≤ ${opts.targetNs} ns`, 'rotating overhead ns',
    'copy ns/call', 'copy overhead ns'],
  rows.map((r) => [r.kernel, r.shape, f1(r.apiNs), f1(r.exportNs), f1(r.overheadNs), r.overheadNs <= opts.targetNs ? 'yes' : 'NO',
    f1(r.rotatingOverheadNs), f1(r.copyNs), f1(r.copyOverheadNs)]),
));
const worst = rows.reduce((w, r) => (r.overheadNs > w.overheadNs ? r : w));
const met = rows.filter((r) => r.overheadNs <= opts.targetNs).length;
console.log(`\nTarget ≤ ${opts.targetNs} ns: ${met === rows.length ? 'met for every kernel' : `MISSED, met for ${met} of ${rows.length} kernels`}; ` +
  `worst ${worst.kernel} ${f1(worst.overheadNs)} ns, median ${f1(median(rows.map((r) => r.overheadNs)))} ns`);
if (opts.json) console.log(JSON.stringify({ machine: machine(S), backend, n, rounds: opts.rounds, rows }));

for (const sets of owned.values()) for (const set of sets) for (const w of set) w.free();
