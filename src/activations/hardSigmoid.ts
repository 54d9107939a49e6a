// hardSigmoid(x) = clamp((x + 3)/6, 0, 1) (PyTorch's Hardsigmoid): the registry entry, the
// float64 references and the JS fallback. WebAssembly element math: assembly/activations/hardSigmoid.ts.
import { defineActivation } from '../kernel.js';

export const hardSigmoid = defineActivation({
  name: 'hardSigmoid',
  doc: 'The hard sigmoid, clamp((x + 3)/6, 0, 1): a piecewise-linear σ, as in MobileNetV3 and PyTorch.',
  forward: 'hardSigmoid',
  backward: 'hardSigmoidBackward',
  kinks: () => [-3, 3],
  kernels: {
    hardSigmoid: {
      shape: 'map',
      params: [],
      formula: 'hardSigmoid(x) = clamp((x + 3)/6, 0, 1)',
      notes: 'Correctly rounded for x <= −1.5, within 0.75 ULP above. 0 for x <= −3, 1 for x >= 3 (exactly), ' +
        'hardSigmoid(±0) = 0.5, hardSigmoid(±∞) = 1 or 0, hardSigmoid(NaN) = NaN.',
      bound: { ulp: { simd: 0.75, wasm: 0.75, js: 1 } },
      exact: [[Infinity, 1], [-Infinity, 0], [NaN, NaN], [0, 0.5], [-0, 0.5], [3, 1], [-3, 0], [-1.5, 0.25], [10, 1], [-10, 0]],
      // x clamped to [−3, 3] first: a different route from the kernels' clamp of the result.
      reference: (x) => (Math.min(Math.max(x, -3), 3) + 3) / 6,
      js: (x, o, n) => {
        for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v <= -3 ? 0 : v >= 3 ? 1 : (v + 3) / 6; }
      },
    },
    hardSigmoidBackward: {
      shape: 'grad',
      reads: 'x',
      params: [],
      formula: 'dx = −3 < x < 3 ? dy/6 : 0',
      notes: 'Correctly rounded. At the corners x = ±3 the gradient is 0, as in PyTorch. Outside (−3, 3) dy is not ' +
        'multiplied: the result is +0 even for dy = ±∞ or NaN. A NaN x gives NaN (PyTorch gives 0).',
      bound: { ulp: { simd: 0.5, wasm: 0.5, js: 0.5 } },
      exact: [[Infinity, 0], [-Infinity, 0], [NaN, NaN], [0, Math.fround(1 / 6)], [3, 0], [-3, 0], [2.5, Math.fround(1 / 6)]],
      reference: (x, dy) => (Math.abs(x) < 3 ? dy / 6 : Number.isNaN(x) ? NaN : 0),
      js: (x, d, o, n) => {
        for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > -3 && v < 3 ? d[i] / 6 : v !== v ? v : 0; }
      },
    },
  },
});
