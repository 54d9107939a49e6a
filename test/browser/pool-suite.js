// The pool's browser subset (test/browser/pool.test.ts), run on a page and in a module Worker:
// every kernel through createPool on inputs big enough to be split across the workers, on plain
// arrays and on arrays from pool.allocate, against the synchronous call of the same bundle: the
// same bits for element-wise results; sums within the kernel's bound of the float64 reference.
// `P` is the swish-wasm-pool bundle; suite.js gives the seeded inputs.
//
// runPoolSuite(P, { threads }) → { threads, reason, isolated, cases, failures: [...] }

import { uniform } from '../rng.js';

const C = 64;

function call(P, f, k, ins, outs) {
  const kr = P.allKernels?.[k] ?? P.kernels[k] ?? P.fusedKernels[k];
  const nOut = kr.shape === 'sum' ? 0 : kr.shape === 'gateGrad' || kr.shape === 'biasGrad' ? 2 : 1;
  return f(...ins, ...Array.from({ length: nOut }, (_, i) => outs?.[i]), ...kr.params.map((p) => p.default));
}

const arraysOf = (r) => (r instanceof Float32Array ? [r] : typeof r === 'number' ? [] : Object.values(r));

function firstDifference(a, b) {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return 'length';
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

export async function runPoolSuite(P, { threads = 2 } = {}) {
  await P.init();
  const pool = await P.createPool({ threads });
  const failures = [];
  let cases = 0;
  const all = { ...P.kernels, ...P.fusedKernels };
  let seed = 12;
  for (const [k, kr] of Object.entries(all)) {
    const bias = kr.shape === 'bias' || kr.shape === 'biasGrad';
    const n = bias ? Math.ceil((P.PARALLEL_MIN + 1) / C) * C : P.PARALLEL_MIN + 13;
    const arr = (m) => uniform(m, -20, 20, seed++);
    const ins = { map: [arr(n)], grad: [arr(n), arr(n)], sum: [arr(n), arr(n)], binary: [arr(n), arr(n)],
      gateGrad: [arr(n), arr(n), arr(n)], bias: [arr(n), arr(C)], biasGrad: [arr(n), arr(C), arr(n)] }[kr.shape];
    // Kept outputs lie in the forward's range: a kernel that reads y gets σ-like inputs.
    if (kr.reads === 'y') ins[0] = ins[0].map((v) => 1 / (1 + Math.exp(-v)));
    const want = call(P, P[k], k, ins);
    const mem = ins.map((a) => { const m = pool.allocate(a.length); m.array.set(a); return m; });
    for (const [how, got] of [['plain', await call(P, pool[k], k, ins)], ['allocate', await call(P, pool[k], k, mem.map((m) => m.array))]]) {
      cases++;
      if (kr.shape === 'sum') {
        let ref = 0, mag = 0;
        for (let i = 0; i < n; i++) { const t = kr.reference(ins[0][i], ins[1][i], kr.params.map((p) => p.default)); ref += t; mag += Math.abs(t); }
        if (!(Math.abs(got - ref) <= kr.bound.relSum * mag)) failures.push(`${k} (${how}): ${got}, reference ${ref}`);
        continue;
      }
      const g = arraysOf(got), w = arraysOf(want);
      // A bias form's dbias is a sum: within one f32 rounding of the synchronous one's float64 sums.
      const count = kr.shape === 'biasGrad' ? 1 : w.length;
      for (let j = 0; j < count; j++) {
        const d = firstDifference(g[j], w[j]);
        if (d !== -1) failures.push(`${k} (${how}) output ${j} differs at ${d}: ${g[j][d]} vs ${w[j][d]}`);
      }
      if (kr.shape === 'biasGrad') {
        for (let c = 0; c < C; c++) {
          if (Math.abs(g[1][c] - w[1][c]) > 2 ** -22 * Math.abs(w[1][c])) failures.push(`${k} (${how}) dbias[${c}] ${g[1][c]} vs ${w[1][c]}`);
        }
      }
    }
    for (const m of mem) m.free();
  }
  const report = { threads: pool.threads, reason: pool.reason, isolated: globalThis.crossOriginIsolated, cases, failures };
  await pool.close();
  return report;
}
