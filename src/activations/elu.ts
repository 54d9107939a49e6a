// elu(x) = x for x > 0, α·(e^x − 1) below (Clevert et al. 2015): the registry entry, the float64
// references and the JS fallback. WebAssembly element math: assembly/activations/elu.ts.
import { defineActivation, Z_LAST } from '../kernel.js';

/**
 * α > 0, as in the paper: the kept-output backward needs it (for α < 0 a negative x gives y > 0
 * as well, and y no longer tells the branches apart; PyTorch refuses that case too), and every
 * kernel of an activation takes the same parameters.
 */
const ALPHA = [{ name: 'alpha', default: 1, doc: 'the value −α the negative side saturates to (α > 0)', positive: true }] as const;

/** e^x − 1 as 2u/(1 − u), u = tanh(x/2): no cancellation for x < 0 (u ∈ (−1, 0], 1 − u ∈ [1, 2)). */
function expm1ViaTanh(x: number): number {
  const u = Math.tanh(x / 2);
  return (2 * u) / (1 - u);
}

export const elu = defineActivation({
  name: 'elu',
  doc: 'ELU (Clevert et al. 2015): x for x > 0, α·(e^x − 1) below; smooth for α = 1, saturating to −α.',
  forward: 'elu',
  backward: 'eluBackward',
  backwardFromOutput: 'eluBackwardFromOutput',
  kinks: () => [0],
  kernels: {
    elu: {
      shape: 'map',
      params: ALPHA,
      formula: 'elu(x) = x > 0 ? x : α·(e^x − 1)',
      notes: 'α must be > 0 (a RangeError otherwise). elu(±0) = ±0, elu(+∞) = +∞, elu(−∞) = −α, elu(NaN) = NaN. Below x ≈ −17.3, e^x − 1 has rounded to −1 and the result is −α.',
      bound: { ulp: { simd: 2, wasm: 2, js: 1 } },
      exact: [[Infinity, Infinity], [-Infinity, -1], [NaN, NaN], [0, 0], [-0, -0]],
      reference: (x, p) => (x > 0 ? x : p[0] * expm1ViaTanh(x)),
      js: (x, o, n, a) => {
        for (let i = 0; i < n; i++) {
          const v = x[i];
          o[i] = v < 0 ? a * Math.expm1(v) : v;
        }
      },
    },
    eluBackward: {
      shape: 'grad',
      reads: 'x',
      params: ALPHA,
      formula: 'dx = dy·(x > 0 ? 1 : α·e^x)',
      notes: 'At the kink x = 0 the gradient is α·dy (the left derivative, as PyTorch). x = +∞ gives dy, x = −∞ gives 0·dy. e^x is flushed to 0 for x < −87.3365402 (the result is then ±0, within 2^-23·|dy|).',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      exact: [[Infinity, 1], [-Infinity, 0], [NaN, NaN], [0, 1], [-0, 1]],
      reference: (x, dy, p) => (x > 0 ? dy : (dy * p[0]) / Math.exp(-x)),
      js: (x, d, o, n, a) => {
        for (let i = 0; i < n; i++) {
          const v = x[i];
          o[i] = v > 0 ? d[i] : d[i] * (a * (v < -Z_LAST ? 0 : Math.exp(v))); // e^x flushed as math/expneg.ts does
        }
      },
    },
    eluBackwardFromOutput: {
      shape: 'grad',
      reads: 'y',
      domain: [-1, Infinity],
      params: ALPHA,
      formula: 'dx = dy·(y > 0 ? 1 : y + α), y = elu(x) kept from the forward pass',
      notes: 'Needs α > 0 (as every elu kernel): only then does y > 0 mean x > 0. y = 0 gives α·dy, as eluBackward at x = 0. ' +
        'Once y has rounded to −α (x ≲ −17) the result is 0, not the true tiny α·e^x·dy.',
      bound: { ulp: { simd: 2, wasm: 2, js: 1 } },
      exact: [[0, 1], [-0, 1], [-1, 0], [1, 1], [Infinity, 1], [NaN, NaN]],
      reference: (y, dy, p) => (y > 0 ? dy : dy * (y + p[0])),
      js: (y, d, o, n, a) => {
        for (let i = 0; i < n; i++) {
          const v = y[i];
          o[i] = v > 0 ? d[i] : d[i] * (v + a);
        }
      },
    },
  },
});
