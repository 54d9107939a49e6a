// tanh x: the registry entry, the float64 references and the JS fallback.
// WebAssembly element math: assembly/activations/tanh.ts.
import { defineActivation } from '../kernel.js';

/** tanh x in float64 as −m/(2+m), m = e^−2|x| − 1 (no cancellation), sign copied back; ±0 and NaN pass through. */
export function tanhJs(x: number): number {
  const m = Math.expm1(-2 * Math.abs(x));
  const t = -m / (2 + m);
  return x > 0 ? t : x < 0 ? -t : x;
}

/** sech²x = 1 − tanh²x in float64 as 4E/(1+E)², E = e^−2|x|: 0 at ±∞, NaN for NaN. */
export function sech2Js(x: number): number {
  const e = Math.exp(-2 * Math.abs(x));
  const d = 1 + e;
  return (4 * e) / (d * d);
}

/** sech²x as 1/cosh²x, for the references (cosh² overflows to ∞ only where sech² is far below f32). */
export const sech2Ref = (x: number): number => 1 / Math.cosh(x) ** 2;

export const tanh = defineActivation({
  name: 'tanh',
  doc: 'The hyperbolic tangent: the classic zero-centred squashing function of RNNs and LSTMs.',
  forward: 'tanh',
  backward: 'tanhBackward',
  backwardFromOutput: 'tanhBackwardFromOutput',
  kernels: {
    tanh: {
      shape: 'map',
      params: [],
      formula: 'tanh(x) = (e^x − e^−x)/(e^x + e^−x)',
      notes: 'tanh(±∞) = ±1, tanh(NaN) = NaN, tanh(±0) = ±0, tanh(x) = x for tiny |x| (subnormals too); ' +
        'exactly ±1 from |x| = 9.010914 on, where the exact value rounds to ±1.',
      bound: { ulp: { simd: 1.5, wasm: 1.5, js: 1 } },
      exact: [[Infinity, 1], [-Infinity, -1], [NaN, NaN], [0, 0], [-0, -0], [10, 1], [-10, -1], [2 ** -149, 2 ** -149], [-(2 ** -126), -(2 ** -126)]],
      reference: (x) => Math.tanh(x),
      js: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = tanhJs(x[i]); },
    },
    tanhBackward: {
      shape: 'grad',
      reads: 'x',
      params: [],
      formula: 'dx = dy·(1 − tanh²x) = dy·sech²x',
      notes: 'From the forward input x, as 4e/(1 + e)² with e = e^−2|x|: accurate for every x (relative error ' +
        'under 3·2^-24 before the product with dy), with no cancellation where tanh x is near ±1. ' +
        'The gradient at ±∞ is 0 (for finite dy), at ±0 it is dy. Where sech²x < 2^-126 (|x| >= 44.36142) the ' +
        'WebAssembly kernels give +0 (no subnormal intermediates); the JS fallback keeps the subnormal value.',
      bound: { ulp: { simd: 3.5, wasm: 3.5, js: 1 }, absDy: 2 ** -23 },
      exact: [[Infinity, 0], [-Infinity, 0], [NaN, NaN], [0, 1], [-0, 1]],
      reference: (x, dy) => dy * sech2Ref(x),
      js: (x, d, o, n) => { for (let i = 0; i < n; i++) o[i] = d[i] * sech2Js(x[i]); },
    },
    tanhBackwardFromOutput: {
      shape: 'grad',
      reads: 'y',
      domain: [-1, 1],
      params: [],
      formula: 'dx = dy·(1 − y²), y = tanh x kept from the forward pass',
      notes: 'Cheaper, but once y has rounded to ±1 (|x| >= 9.010914) the result is 0, not the true tiny ' +
        'gradient; near there it inherits the rounding of y (use tanhBackward for accuracy). Outside its domain ' +
        '[−1, 1] (not an output of tanh) the result is dy·((1 − y)·(1 + y)) in f32 arithmetic, each step rounded, ' +
        'the same bits in every backend: −∞·dy once |y| > 1.8e19 (NaN for dy = 0).',
      bound: { ulp: { simd: 2, wasm: 2, js: 1 }, absDy: 2 ** -23 },
      exact: [[1, 0], [-1, 0], [0, 1], [-0, 1], [NaN, NaN]],
      reference: (y, dy) => dy * (1 - y * y),
      // Outside [−1, 1] ((1 − y)(1 + y) < 0) in f32 arithmetic, step by step as the kernels: see the notes.
      js: (y, d, o, n) => {
        for (let i = 0; i < n; i++) {
          const v = y[i];
          const g = (1 - v) * (1 + v);
          o[i] = g >= 0 ? d[i] * g : d[i] * Math.fround(Math.fround(1 - v) * Math.fround(1 + v));
        }
      },
    },
  },
});
