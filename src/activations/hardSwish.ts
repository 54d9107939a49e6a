// hardSwish(x) = x·clamp((x + 3)/6, 0, 1) (MobileNetV3, PyTorch's Hardswish): the registry entry,
// the float64 references and the JS fallback. WebAssembly element math: assembly/activations/hardSwish.ts.
import { defineActivation } from '../kernel.js';

export const hardSwish = defineActivation({
  name: 'hardSwish',
  doc: 'The hard swish, x·clamp((x + 3)/6, 0, 1): a piecewise-quadratic swish without exponentials (MobileNetV3).',
  forward: 'hardSwish',
  backward: 'hardSwishBackward',
  kinks: () => [-3, 3],
  kernels: {
    hardSwish: {
      shape: 'map',
      params: [],
      formula: 'hardSwish(x) = x·clamp((x + 3)/6, 0, 1)',
      notes: 'x(x + 3)/6 on [−3, 3], x above 3 (exactly), −0 for x <= −3 (the sign of x·0, as PyTorch; also at ' +
        'x = −∞, where PyTorch gives NaN). hardSwish(±0) = ±0, hardSwish(+∞) = +∞, hardSwish(NaN) = NaN.',
      bound: { ulp: { simd: 1, wasm: 1, js: 1 } },
      // −2^-149: the exact −2^-150·(1 − 2^-149/3) rounds to −0.
      exact: [[Infinity, Infinity], [-Infinity, -0], [NaN, NaN], [0, 0], [-0, -0], [3, 3], [-3, -0], [-10, -0], [10, 10], [-1.5, -0.375],
        [-(2 ** -149), -0]],
      // x times the hard sigmoid of the clamped x: a different route from the kernels' branches.
      reference: (x) => x * ((Math.min(Math.max(x, -3), 3) + 3) / 6),
      js: (x, o, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i];
          o[i] = v <= -3 ? -0 : v > 3 ? v : (v * (v + 3)) / 6;
        }
      },
    },
    hardSwishBackward: {
      shape: 'grad',
      reads: 'x',
      params: [],
      formula: 'dx = x <= −3 ? 0 : x < 3 ? dy·(x/3 + 1/2) : dy',
      notes: 'As current PyTorch (pytorch/pytorch#148049, the fix of #147801), with the one-sided values of the outer pieces ' +
        'at the corners: 0 at x = −3, dy at x = 3 (earlier PyTorch gave the middle piece\'s −dy/2 and 3dy/2 there). ' +
        'A relative bound holds everywhere, through the root at x = −1.5 (where x/3 + 1/2 is formed exactly). ' +
        'Outside [−3, 3] dy is selected, not multiplied (+0 below even for dy = ±∞ or NaN). NaN gives NaN (PyTorch gives dy).',
      bound: { ulp: { simd: 2, wasm: 2, js: 1 } },
      exact: [[Infinity, 1], [-Infinity, 0], [NaN, NaN], [0, 0.5], [-0, 0.5], [-3, 0], [3, 1], [-1.5, 0], [-4, 0], [4, 1]],
      reference: (x, dy) => dy * (x <= -3 ? 0 : x >= 3 ? 1 : (2 * x + 3) / 6),
      js: (x, d, o, n) => {
        for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v <= -3 ? 0 : v >= 3 ? d[i] : d[i] * (v / 3 + 0.5); }
      },
    },
  },
});
