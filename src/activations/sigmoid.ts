// σ(x) = 1/(1+e^−x): the registry entry, the float64 references and the JS fallback.
// WebAssembly element math: assembly/activations/sigmoid.ts.
import { defineActivation, sigmoid64, Z_LAST } from '../kernel.js';

/** e^−|x|, and 0 for |x| > Z_LAST (where σ(−|x|) leaves the normal range), as every backend flushes. */
const expNegAbsFlushed = (x: number) => (Math.abs(x) > Z_LAST ? 0 : Math.exp(-Math.abs(x)));

/** σ(x) in float64 from e = e^−|x|, so neither sign overflows; rounded once when stored. */
export function sigmoidJs(x: number): number {
  const e = expNegAbsFlushed(x);
  const f = e / (1 + e);
  return x < 0 ? f : 1 - f;
}

function sigmoidBackwardJs(x: number, dy: number): number {
  const e = expNegAbsFlushed(x);
  return dy * ((e / (1 + e)) * (1 / (1 + e)));
}

export const sigmoid = defineActivation({
  name: 'sigmoid',
  doc: 'The logistic function: the gate of LSTMs and the output of binary classifiers.',
  forward: 'sigmoid',
  backward: 'sigmoidBackward',
  backwardFromOutput: 'sigmoidBackwardFromOutput',
  kernels: {
    sigmoid: {
      shape: 'map',
      params: [],
      formula: 'σ(x) = 1/(1+e^−x)',
      notes: 'σ(+∞) = 1, σ(−∞) = 0, σ(NaN) = NaN, σ(±0) = 0.5. Flushed to 0 for x < −87.3365402, where the exact value leaves the normal range.',
      bound: { ulp: { simd: 2, wasm: 2, js: 1 } },
      exact: [[Infinity, 1], [-Infinity, 0], [NaN, NaN], [0, 0.5], [-0, 0.5]],
      reference: (x) => sigmoid64(x),
      js: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = sigmoidJs(x[i]); },
    },
    sigmoidBackward: {
      shape: 'grad',
      reads: 'x',
      params: [],
      formula: 'dx = dy·σ(x)·(1−σ(x))',
      notes: 'From the forward input x: accurate for every x. ±0 (dy·0) for |x| > 87.3365402, where σ(−|x|) is flushed.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      exact: [[Infinity, 0], [-Infinity, 0], [NaN, NaN], [0, 0.25]],
      reference: (x, dy) => dy * sigmoid64(x) * sigmoid64(-x),
      js: (x, d, o, n) => { for (let i = 0; i < n; i++) o[i] = sigmoidBackwardJs(x[i], d[i]); },
    },
    sigmoidBackwardFromOutput: {
      shape: 'grad',
      reads: 'y',
      domain: [0, 1],
      params: [],
      formula: 'dx = dy·y·(1−y), y = σ(x) kept from the forward pass',
      notes: 'Cheaper, but once y has rounded to 1 (x ≳ 17) the result is 0, not the true tiny gradient. ' +
        'Outside its domain [0, 1] (not an output of σ) the result is dy·(y·(1 − y)) in f32 arithmetic, each step ' +
        'rounded, the same bits in every backend: −∞·dy once |y| > 1.8e19 (NaN for dy = 0).',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      exact: [[0, 0], [1, 0], [0.5, 0.25]],
      reference: (y, dy) => dy * y * (1 - y),
      // Outside [0, 1] (y·(1 − y) < 0) in f32 arithmetic, step by step as the kernels: see the notes.
      js: (y, d, o, n) => {
        for (let i = 0; i < n; i++) {
          const v = y[i];
          const g = v * (1 - v);
          o[i] = g >= 0 ? d[i] * g : d[i] * Math.fround(v * Math.fround(1 - v));
        }
      },
    },
  },
});
