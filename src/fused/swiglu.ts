// swiglu(a, b) = swish(a)·b: the gated feed-forward of LLaMA-style transformers, in one pass.
// WebAssembly element math: assembly/fused/swiglu.ts (over assembly/activations/swish.ts).
import { defineFused, sigmoid64, SWISH_FLUSH } from '../kernel.js';
import { swishBackwardJs, swishJs } from '../activations/swish.js';

const BETA = [{ name: 'beta', default: 1, minAbs: 2 ** -60, doc: 'the slope β of the swish gate' }] as const;
const t32 = (a: number, p: readonly number[]) => Math.fround(Math.fround(p[0]) * a);

/** The gate swish(a) as every backend forms it: a zero of a's sign where a·σ(βa) < SWISH_FLUSH. */
const gate64 = (a: number, p: readonly number[]): number => {
  const g = a * sigmoid64(t32(a, p));
  return Math.abs(g) < SWISH_FLUSH ? (a < 0 ? -0 : 0) : g;
};

export const swiglu = defineFused({
  name: 'swiglu',
  doc: 'The SwiGLU gate, swish(a)·b, forward and backward in one pass each.',
  forward: 'swiglu',
  backward: 'swigluBackward',
  kernels: {
    swiglu: {
      shape: 'binary',
      args: ['a', 'b'],
      params: BETA,
      formula: 'swiglu(a, b) = a·σ(βa)·b',
      notes: 'One pass, no temporary array. Special values as swish(a) times b. The gate is swish(a) as the swish kernel returns it, flushed to a zero of a\'s sign below 2^-126 (like geglu\'s): the bound is stated against that gate.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 } },
      reference: (a, b, p) => gate64(a, p) * b,
      js: (a, b, o, n, beta) => { for (let i = 0; i < n; i++) o[i] = swishJs(a[i], beta) * b[i]; },
    },
    swigluBackward: {
      shape: 'gateGrad',
      params: BETA,
      formula: '∂L/∂a = dy·b·swish′(a), ∂L/∂b = dy·swish(a)',
      notes: 'Both gradients in one pass. ∂L/∂a has the mixed bound of swishBackward, scaled by |dy·b|; ∂L/∂b uses the flushed gate of the forward.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      reference: (a, b, dy, p) => {
        const t = t32(a, p);
        const s = sigmoid64(t);
        return [dy * b * (s + t * s * sigmoid64(-t)), dy * gate64(a, p)] as const;
      },
      js: (a, b, dy, oa, ob, n, beta) => {
        for (let i = 0; i < n; i++) {
          const x = a[i];
          const g = dy[i];
          const bi = b[i];
          oa[i] = swishBackwardJs(x, g * bi, beta);
          ob[i] = g * swishJs(x, beta);
        }
      },
    },
  },
});
