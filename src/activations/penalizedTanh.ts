// Penalized tanh (Xu, Huang & Li 2016, "Revise saturated activation functions"): tanh x for
// x > 0, a·tanh x for x <= 0. The registry entry, the float64 references and the JS fallback.
// WebAssembly element math: assembly/activations/penalizedTanh.ts (over tanh's element math).
import { defineActivation } from '../kernel.js';
import { sech2Js, sech2Ref, tanhJs } from './tanh.js';

const A = [{ name: 'a', default: 0.25, doc: 'the factor on tanh x for x <= 0' }] as const;

export const penalizedTanh = defineActivation({
  name: 'penalizedTanh',
  doc: 'Penalized tanh (Xu et al. 2016): tanh x for x > 0, a·tanh x below; a tanh with a gentler negative side.',
  forward: 'penalizedTanh',
  backward: 'penalizedTanhBackward',
  kinks: () => [0],
  kernels: {
    penalizedTanh: {
      shape: 'map',
      params: A,
      formula: 'penalizedTanh(x) = x > 0 ? tanh x : a·tanh x',
      notes: 'Against a rounded to f32. penalizedTanh(+∞) = 1, penalizedTanh(−∞) = −a, NaN gives NaN, ' +
        'penalizedTanh(±0) = a·(±0) (−0 for −0 when a > 0). tanh x is the tanh kernel\'s (1.5 ULP), so the result ' +
        'is exactly 1 and −a from |x| = 9.010914 on. a·tanh x adds a rounding unless a is a power of two: ' +
        'the bound is for any a; at the default 0.25 it is tanh\'s 1.5 ULP.',
      bound: { ulp: { simd: 3, wasm: 3, js: 1 } },
      exact: [[Infinity, 1], [-Infinity, -0.25], [NaN, NaN], [0, 0], [-0, -0], [10, 1], [-10, -0.25]],
      reference: (x, p) => (x > 0 ? 1 : Math.fround(p[0])) * Math.tanh(x),
      js: (x, o, n, a) => {
        for (let i = 0; i < n; i++) { const v = x[i]; const t = tanhJs(v); o[i] = v > 0 ? t : a * t; }
      },
    },
    penalizedTanhBackward: {
      shape: 'grad',
      reads: 'x',
      params: A,
      formula: 'dx = dy·(x > 0 ? 1 : a)·(1 − tanh²x)',
      notes: 'At the kink x = 0 the slope is a (the x <= 0 side, as PyTorch does for LeakyReLU): ' +
        'penalizedTanhBackward(0) = a·dy. The gradient at ±∞ is 0 (for finite dy); NaN gives NaN. ' +
        'sech²x is tanhBackward\'s; a·sech²x adds a rounding unless a is a power of two: the bound is for any a, ' +
        'at the default 0.25 it is tanhBackward\'s 3.5 ULP. As in tanhBackward, sech²x is +0 from |x| = 44.36142 on ' +
        '(below 2^-126), so with |a| > 1 results up to |a|·2^-126 are flushed there (within the absolute clause).',
      bound: { ulp: { simd: 4.5, wasm: 4.5, js: 1 }, absDy: 2 ** -23 },
      exact: [[Infinity, 0], [-Infinity, 0], [NaN, NaN], [0, 0.25], [-0, 0.25], [1e-30, 1]],
      reference: (x, dy, p) => dy * (x > 0 ? 1 : Math.fround(p[0])) * sech2Ref(x),
      js: (x, d, o, n, a) => {
        for (let i = 0; i < n; i++) { const v = x[i]; const g = sech2Js(v); o[i] = d[i] * (v > 0 ? g : a * g); }
      },
    },
  },
});
