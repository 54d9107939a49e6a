// mish(x) = x·tanh(softplus(x)) (Misra 2019): the registry entry, the float64 references and the
// JS fallback. WebAssembly element math: assembly/activations/mish.ts.
import { defineActivation, sigmoid64, SWISH_FLUSH } from '../kernel.js';

/**
 * As assembly/activations/mish.ts: the last f32 z whose exact |mish(−z)| is at least 2^-126
 * (float64 reference). mish(x) is −0 for x < −MISH_Z_LAST in every backend, so no kernel forms a
 * subnormal number there, and the flush depends on the input alone.
 */
export const MISH_Z_LAST = 91.85677337646484;

/** The same for mish′: mish′(x) is −0 (dx = −0·dy) for x < −MISH_BACKWARD_Z_LAST. */
export const MISH_BACKWARD_Z_LAST = 91.845703125;

/** softplus(x) = max(x, 0) + log1p(e^−|x|), overflow-free for either sign. */
const softplus64 = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/**
 * x·tanh(softplus(x)) from e = e^−|x| (rational in e; no tanh, no log): x·N/(N + 2) with
 * N = e(e + 2) for x <= 0, x·(1 + 2e)/(1 + 2e(1 + e)) above.
 */
function mishJs(x: number): number {
  const e = Math.exp(-Math.abs(x));
  if (x <= 0) {
    if (x < -MISH_Z_LAST) return -0; // flushed, as the kernels (and −∞: −∞·0 would be NaN)
    const N = e * (e + 2);
    return (x * N) / (N + 2);
  }
  return (x * (1 + 2 * e)) / (1 + 2 * e * (1 + e));
}

/**
 * mish'(x) with 1 − ω² in closed form: e·[(e + 2)/Q + 4x(1 + e)/Q²] for x <= 0, (1 + 2e)/D + 4x·e²(1 + e)/D² above.
 * For x <= 0, dx is flushed as the kernels: −0·dy beyond −MISH_BACKWARD_Z_LAST, and a zero where |dx| < SWISH_FLUSH.
 */
function mishBackwardJs(x: number, dy: number): number {
  const e = Math.exp(-Math.abs(x));
  if (x <= 0) {
    if (x < -MISH_BACKWARD_Z_LAST) return dy * -0;
    const Q = e * (e + 2) + 2;
    const g = e * ((e + 2) / Q + (4 * x * (1 + e)) / (Q * Q));
    return Math.abs(dy * g) < SWISH_FLUSH ? dy * (g * 0) : dy * g;
  }
  if (e === 0) return dy;
  const D = 1 + 2 * e * (1 + e);
  return dy * ((1 + 2 * e) / D + (4 * x * e * e * (1 + e)) / (D * D));
}

export const mish = defineActivation({
  name: 'mish',
  doc: 'Mish (Misra 2019), x·tanh(softplus(x)): smooth, non-monotonic, unbounded above, like swish.',
  forward: 'mish',
  backward: 'mishBackward',
  kernels: {
    mish: {
      shape: 'map',
      params: [],
      formula: 'mish(x) = x·tanh(log(1 + e^x))',
      notes: 'mish(+∞) = +∞, mish(−∞) = −0, mish(NaN) = NaN, mish(±0) = ±0. ' +
        'Flush: mish(x) = −0 for x < −91.8567734, the last f32 whose exact result is at least 2^-126 in magnitude (results below it would be subnormal); ' +
        'subnormal results near 0 (|x| < 2^-125.3) are kept.',
      bound: { ulp: { simd: 3, wasm: 3, js: 1 } },
      exact: [[Infinity, Infinity], [-Infinity, -0], [NaN, NaN], [0, 0], [-0, -0], [-200, -0]],
      reference: (x) => (x === -Infinity ? -0 : x * Math.tanh(softplus64(x))),
      js: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = mishJs(x[i]); },
    },
    mishBackward: {
      shape: 'grad',
      reads: 'x',
      params: [],
      formula: 'dx = dy·(ω + x·(1 − ω²)·σ(x)), ω = tanh(softplus(x))',
      notes: 'mish′(0) = 0.6, mish′(+∞) = 1, mish′(−∞) = −0 (the limit from below). It has a root near x = −1.1924. ' +
        'Flush (within the 2^-23·|dy| clause): for x < −91.8457031 mish′(x) is −0 (its exact value is below 2^-126), and for x <= 0 a dx below 2^-126·(1 − 2^-20) in magnitude is ±0.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      exact: [[Infinity, 1], [-Infinity, -0], [NaN, NaN], [0, Math.fround(0.6)], [-0, Math.fround(0.6)]],
      reference: (x, dy) => {
        if (x === Infinity) return dy;
        if (x === -Infinity) return dy * -0;
        const s = softplus64(x);
        const sech = 1 / Math.cosh(s);
        return dy * (Math.tanh(s) + x * sech * sech * sigmoid64(x));
      },
      js: (x, d, o, n) => { for (let i = 0; i < n; i++) o[i] = mishBackwardJs(x[i], d[i]); },
    },
  },
});
