// `npm start`: what the kernels do on this machine. Throughput per backend for sigmoid and swish,
// forward and backward, at a few sizes (zero-copy and copy paths), then the measured max error
// of every kernel and backend on 2^20 inputs spread over the whole f32 range.
import * as S from '../dist/node.mjs';
import { machine, nsPerElement, spreadSample, table } from './lib.mjs';

const best = await S.init();
console.log(`swish-wasm on ${machine(S)}`);
console.log(`backends: ${S.availableBackends().join(', ')} (best: ${best})\n`);

const SIZES = [1024, 65536, 1 << 20];
const backends = S.availableBackends();
const cases = [
  ['sigmoid', (x, dy, o) => S.sigmoid(x, o)],
  ['sigmoidBackward', (x, dy, o) => S.sigmoidBackward(x, dy, o)],
  ['swish', (x, dy, o) => S.swish(x, o)],
  ['swishBackward', (x, dy, o) => S.swishBackward(x, dy, o)],
];

const rows = [];
for (const [name, run] of cases) {
  for (const n of SIZES) {
    const x = new Float32Array(n).map((_, i) => ((i * 7919) % 4001) / 100 - 20);
    const dy = new Float32Array(n).fill(0.5);
    const out = new Float32Array(n);
    const ns = {};
    for (const b of backends) {
      S.setBackend(b);
      ns[b] = nsPerElement(() => run(x, dy, out), n);
      if (b !== 'js') {
        const [ax, ady, aout] = [S.allocate(n), S.allocate(n), S.allocate(n)];
        ax.array.set(x); ady.array.set(dy);
        ns[`${b} zero-copy`] = nsPerElement(() => run(ax.array, ady.array, aout.array), n);
        ax.free(); ady.free(); aout.free();
      }
    }
    const fmt = (v) => (v === undefined ? '-' : v.toFixed(2));
    const speedup = (v) => (v === undefined ? '-' : `${(ns.js / v).toFixed(1)}×`);
    rows.push([name, n.toLocaleString('en'), fmt(ns.js), fmt(ns.wasm), fmt(ns['wasm zero-copy']), fmt(ns.simd),
      fmt(ns['simd zero-copy']), speedup(ns['simd zero-copy']), `${(4 / ns['simd zero-copy']).toFixed(2)} GB/s`]);
  }
}
console.log('Time per element (ns, median of 11 batches); "copy" rows take and return ordinary Float32Arrays.');
console.log(table(['kernel', 'n', 'js', 'wasm copy', 'wasm zero-copy', 'simd copy', 'simd zero-copy', 'simd vs js', 'simd input rate'], rows));

console.log('\nMax error against the float64 reference on 2^20 inputs spread over every finite f32');
console.log('(ULP of the exact result; results below 2^-126 excluded, as the README states; for gradients,');
console.log('ULP counts where the error exceeds 2^-23·|dy|, and "abs" is the largest error / |dy|):');
const sample = spreadSample(20);
const ones = new Float32Array(sample.length).fill(1);
const acc = [];
for (const [k, kr] of Object.entries(S.kernels)) {
  if (kr.shape === 'sum') continue;
  const input = kr.reads === 'y' ? sample.map((v) => S.sigmoid64(v)) : sample;
  const row = [k];
  for (const b of ['simd', 'wasm', 'js']) {
    if (!backends.includes(b)) { row.push('-'); continue; }
    S.setBackend(b);
    const got = kr.shape === 'map' ? S[k](input) : S[k](input, ones);
    const p = kr.params.map((q) => q.default);
    const { maxUlp, maxAbs } = S.maxUlpError(k, input, got, p);
    const abs = kr.bound.absDy ? `, abs ${maxAbs.toFixed(2)}·2^-23` : '';
    row.push(`${maxUlp.toFixed(2)} ULP (≤ ${kr.bound.ulp[b]})${abs}`);
  }
  acc.push(row);
}
console.log(table(['kernel', 'simd', 'wasm', 'js'], acc));
console.log('\nThe exhaustive figures (all 2^32 inputs) are in the README.');
