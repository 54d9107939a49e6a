// softplus(x) = log(1 + e^{βx})/β, and x itself where βx > threshold (PyTorch's nn.Softplus): the
// registry entry, the float64 references and the JS fallback. WebAssembly element math:
// assembly/activations/softplus.ts.
import { defineActivation, sigmoid64, SWISH_FLUSH, Z_LAST } from '../kernel.js';

const PARAMS = [
  // β >= 2^-31: beyond βx = −109 (where e^βx has underflowed) the kernels give 0, which is within
  // the bound only while e^-109/β < 2^-126 (a result that may flush).
  { name: 'beta', default: 1, doc: 'the sharpness β (softplus → relu as β → ∞), at least 2^-31', positive: true, minAbs: 2 ** -31 },
  { name: 'threshold', default: 20, doc: 'above βx = threshold the result is x itself', positive: true },
] as const;

/** t = fl(β·x): every f32 implementation forms that product first, and the contract uses it. */
const softplusT = (x: number, p: readonly number[]) => Math.fround(Math.fround(p[0]) * x);

/** The linear branch's switch, on the f32 product as PyTorch: fl(βx) > threshold. */
const linear = (t: number, p: readonly number[]) => t > Math.fround(p[1]);

/** softplus(t) = max(t, 0) − log(σ(|t|)), as −log1p(−σ(−|t|)) (σ(−|t|) <= 1/2: no cancellation). */
const softplus64 = (t: number) => Math.max(t, 0) - Math.log1p(-sigmoid64(-Math.abs(t)));

export const softplus = defineActivation({
  name: 'softplus',
  doc: 'Softplus, log(1 + e^{βx})/β: a smooth ReLU; returns x itself above βx = threshold, as PyTorch.',
  forward: 'softplus',
  backward: 'softplusBackward',
  kinks: (p) => [p[1] / p[0]],
  kernels: {
    softplus: {
      shape: 'map',
      params: PARAMS,
      formula: 'softplus(x) = βx > threshold ? x : log(1 + e^{βx})/β',
      notes: 'Against log(1 + e^t)/β with t = fl(βx), and x where t > threshold (a jump of log1p(e^−threshold)/β at x = threshold/β). ' +
        'softplus(+∞) = +∞, softplus(−∞) = +0, softplus(NaN) = NaN, softplus(±0) = log(2)/β. β must be at least 2^-31 (a RangeError otherwise). ' +
        'At β = 1 (or any power of two) the error is at most 2.5 ULP; other β add the rounding of the division by β. ' +
        'Flush: for βx < 0 a result below 2^-126·(1 − 2^-20) is +0 (at β = 1, x < −87.34); within 2^-20 below 2^-126 it may be either.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 } },
      exact: [[Infinity, Infinity], [-Infinity, 0], [NaN, NaN], [0, Math.fround(Math.LN2)], [-0, Math.fround(Math.LN2)], [30, 30], [-200, 0]],
      reference: (x, p) => {
        const t = softplusT(x, p);
        return linear(t, p) ? x : softplus64(t) / Math.fround(p[0]);
      },
      js: (x, o, n, a, b) => {
        for (let i = 0; i < n; i++) {
          const v = x[i];
          const t = Math.fround(a * v);
          const r = (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) / a;
          o[i] = t > b ? v : t < 0 && r < SWISH_FLUSH ? 0 : r; // flushed as the kernels
        }
      },
    },
    softplusBackward: {
      shape: 'grad',
      reads: 'x',
      params: PARAMS,
      formula: 'dx = dy·(βx > threshold ? 1 : σ(βx))',
      notes: 'At βx = threshold exactly the gradient is σ(threshold)·dy (the left side, as PyTorch). x = +∞ gives dy, x = −∞ gives 0·dy. σ(βx) is flushed to 0 for βx < −87.3365402.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 }, // as every gradient: σ(βx) is flushed below 2^-126, and dy·σ need not be
      exact: [[Infinity, 1], [-Infinity, 0], [NaN, NaN], [0, 0.5], [30, 1]],
      reference: (x, dy, p) => {
        const t = softplusT(x, p);
        return linear(t, p) ? dy : dy * sigmoid64(t);
      },
      js: (x, d, o, n, a, b) => {
        for (let i = 0; i < n; i++) {
          const t = Math.fround(a * x[i]);
          const e = Math.abs(t) > Z_LAST ? 0 : Math.exp(-Math.abs(t)); // σ flushed as math/logistic.ts does
          o[i] = t > b ? d[i] : d[i] * (t < 0 ? e / (1 + e) : 1 / (1 + e));
        }
      },
    },
  },
});
