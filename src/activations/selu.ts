// selu(x) = λ·x for x > 0, λα·(e^x − 1) below (Klambauer et al. 2017), with PyTorch's fixed
// constants: the registry entry, the float64 references and the JS fallback. WebAssembly element
// math: assembly/activations/selu.ts.
import { defineActivation, Z_LAST } from '../kernel.js';

/** PyTorch's constants (torch/nn/functional.py, aten Activation.cpp). */
const LAMBDA = 1.0507009873554804934193349852946;
const ALPHA = 1.6732632423543772848170429916717;
/** λα in float64 (1.7580993408473768599…). */
const LA = LAMBDA * ALPHA;
/** λα rounded to f32: the value selu saturates to, −1.7580993175506592. */
const LA_F32 = Math.fround(LA);

/** λ·x, as ±∞ where it rounds beyond the f32 range (x ≳ 3.24e38), as an f32 result must. */

export const selu = defineActivation({
  name: 'selu',
  doc: 'SELU (Klambauer et al. 2017), λ·elu(x, α) with λ ≈ 1.0507, α ≈ 1.6733: self-normalising networks. No parameters.',
  forward: 'selu',
  backward: 'seluBackward',
  backwardFromOutput: 'seluBackwardFromOutput',
  kinks: () => [0],
  kernels: {
    selu: {
      shape: 'map',
      params: [],
      formula: 'selu(x) = λ·(x > 0 ? x : α·(e^x − 1)), λ = 1.0507009873554805, α = 1.6732632423543772',
      notes: `selu(±0) = ±0, selu(+∞) = +∞, selu(−∞) = −λα rounded to f32 (${-LA_F32}), selu(NaN) = NaN.`,
      // Measured over every f32: 2.07 ULP (e^x − 1's error of up to 0.94 ULP, grown by the factor λα ≈ 1.76).
      bound: { ulp: { simd: 2.5, wasm: 2.5, js: 1 } },
      exact: [[Infinity, Infinity], [-Infinity, -LA_F32], [NaN, NaN], [0, 0], [-0, -0]],
      // e^x − 1 as sinh(x/2)·2e^{x/2} (no cancellation), guarded where sinh overflows.
      reference: (x) => (x > 0 ? LAMBDA * x : x < -40 ? LA * (Math.exp(x) - 1) : LA * 2 * Math.sinh(x / 2) * Math.exp(x / 2)),
      js: (x, o, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i];
          o[i] = v < 0 ? LA * Math.expm1(v) : LAMBDA * v;
        }
      },
    },
    seluBackward: {
      shape: 'grad',
      reads: 'x',
      params: [],
      formula: 'dx = dy·(x > 0 ? λ : λα·e^x)',
      notes: 'At the kink x = 0 the gradient is λα·dy (the left derivative, as PyTorch). x = +∞ gives λ·dy, x = −∞ gives 0·dy. e^x is flushed to 0 for x < −87.3365402 (the result is then ±0, within 2^-23·|dy|).',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      exact: [[Infinity, Math.fround(LAMBDA)], [-Infinity, 0], [NaN, NaN], [0, LA_F32], [-0, LA_F32]],
      reference: (x, dy) => (x > 0 ? dy * LAMBDA : (dy * LA) / Math.exp(-x)),
      js: (x, d, o, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i];
          o[i] = d[i] * (v > 0 ? LAMBDA : LA * (v < -Z_LAST ? 0 : Math.exp(v))); // e^x flushed as math/expneg.ts does
        }
      },
    },
    seluBackwardFromOutput: {
      shape: 'grad',
      reads: 'y',
      domain: [-LA_F32, Infinity],
      params: [],
      formula: 'dx = dy·(y > 0 ? λ : y + λα), y = selu(x) kept from the forward pass',
      notes: 'y = 0 gives λα·dy, as seluBackward at x = 0. Once y has saturated to −λα in f32 (x ≲ −17), the result is (λα − f32(λα))·dy ≈ 2.33e-8·dy, not the true tiny λα·e^x·dy.',
      bound: { ulp: { simd: 2, wasm: 2, js: 1 } },
      exact: [[0, LA_F32], [-0, LA_F32], [-LA_F32, Math.fround(LA - LA_F32)], [Infinity, Math.fround(LAMBDA)], [NaN, NaN]],
      reference: (y, dy) => (y > 0 ? dy * LAMBDA : dy * (y + LA)),
      js: (y, d, o, n) => {
        for (let i = 0; i < n; i++) {
          const v = y[i];
          o[i] = d[i] * (v > 0 ? LAMBDA : v + LA);
        }
      },
    },
  },
});
