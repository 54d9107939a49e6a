// ReLU, max(0, x): the registry entry, the float64 references and the JS fallback.
// WebAssembly element math: assembly/activations/relu.ts.
import { defineActivation } from '../kernel.js';

export const relu = defineActivation({
  name: 'relu',
  doc: 'The rectified linear unit, max(0, x): the default hidden activation of deep networks.',
  forward: 'relu',
  backward: 'reluBackward',
  kinks: () => [0],
  kernels: {
    relu: {
      shape: 'map',
      params: [],
      formula: 'relu(x) = max(0, x)',
      notes: 'Exact. relu(−0) = +0 and relu(NaN) = NaN (as Math.max(x, 0)); relu(+∞) = +∞, relu(−∞) = 0.',
      bound: { ulp: { simd: 0.5, wasm: 0.5, js: 0.5 } },
      exact: [[Infinity, Infinity], [-Infinity, 0], [NaN, NaN], [0, 0], [-0, 0], [-1, 0], [2 ** -149, 2 ** -149], [1.5, 1.5]],
      reference: (x) => (x > 0 ? x : x <= 0 ? 0 : NaN),
      js: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.max(x[i], 0); },
    },
    reluBackward: {
      shape: 'grad',
      reads: 'x',
      params: [],
      formula: 'dx = x > 0 ? dy : 0',
      notes: 'Exact. At the kink x = 0 (and −0) the gradient is 0, as in PyTorch. dy is selected, not multiplied: ' +
        'where x <= 0 the result is +0 even for dy = ±∞ or NaN. A NaN x gives NaN (PyTorch passes dy through).',
      bound: { ulp: { simd: 0.5, wasm: 0.5, js: 0.5 } },
      exact: [[Infinity, 1], [-Infinity, 0], [NaN, NaN], [0, 0], [-0, 0], [2 ** -149, 1], [-1, 0]],
      reference: (x, dy) => (Number.isNaN(x) ? NaN : x > 0 ? dy : 0),
      js: (x, d, o, n) => {
        for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > 0 ? d[i] : v <= 0 ? 0 : v; }
      },
    },
  },
});
