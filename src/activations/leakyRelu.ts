// Leaky ReLU: x for x > 0, α·x below. The registry entry, the float64 references and the JS
// fallback. WebAssembly element math: assembly/activations/leakyRelu.ts.
import { defineActivation } from '../kernel.js';

const ALPHA = [{ name: 'alpha', default: 0.01, doc: 'the slope α for x <= 0' }] as const;

export const leakyRelu = defineActivation({
  name: 'leakyRelu',
  doc: 'Leaky ReLU (Maas et al. 2013): x for x > 0, α·x below, so negative inputs keep a small gradient.',
  forward: 'leakyRelu',
  backward: 'leakyReluBackward',
  kinks: () => [0],
  kernels: {
    leakyRelu: {
      shape: 'map',
      params: ALPHA,
      formula: 'leakyRelu(x) = x > 0 ? x : α·x',
      notes: 'Against α rounded to f32; correctly rounded (α·x is one f32 product, x is exact). ' +
        'leakyRelu(±∞) = ±∞ (for α > 0; α·(−∞) in general, NaN for α = 0), leakyRelu(NaN) = NaN, ' +
        'leakyRelu(−0) = α·(−0), −0 for α > 0.',
      bound: { ulp: { simd: 0.5, wasm: 0.5, js: 0.5 } },
      exact: [[Infinity, Infinity], [-Infinity, -Infinity], [NaN, NaN], [0, 0], [-0, -0], [-100, Math.fround(Math.fround(0.01) * -100)], [3, 3]],
      // max(x, 0) + α·min(x, 0): a different route from the kernels' branch.
      reference: (x, p) => Math.max(x, 0) + Math.fround(p[0]) * Math.min(x, 0),
      js: (x, o, n, a) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > 0 ? v : a * v; } },
    },
    leakyReluBackward: {
      shape: 'grad',
      reads: 'x',
      params: ALPHA,
      formula: 'dx = x > 0 ? dy : α·dy',
      notes: 'Correctly rounded. At the kink x = 0 (and −0) the slope is α, as in PyTorch. ' +
        'A NaN x gives NaN (PyTorch gives α·dy).',
      bound: { ulp: { simd: 0.5, wasm: 0.5, js: 0.5 } },
      exact: [[Infinity, 1], [-Infinity, Math.fround(0.01)], [NaN, NaN], [0, Math.fround(0.01)], [-0, Math.fround(0.01)], [2 ** -149, 1]],
      reference: (x, dy, p) => dy * (x > 0 ? 1 : x <= 0 ? Math.fround(p[0]) : NaN),
      js: (x, d, o, n, a) => {
        for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > 0 ? d[i] : v <= 0 ? a * d[i] : v; }
      },
    },
  },
});
