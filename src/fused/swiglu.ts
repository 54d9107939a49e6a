// swiglu(a, b) = swish(a)·b: the gated feed-forward of LLaMA-style transformers, in one pass.
// WebAssembly element math: assembly/fused/swiglu.ts (over assembly/activations/swish.ts).
import { defineFused, sigmoid64, SWISH_FLUSH } from '../kernel.js';
import { swishBackwardJs, swishJs } from '../activations/swish.js';

const BETA = [{ name: 'beta', default: 1, minAbs: 2 ** -60, doc: 'the slope β of the swish gate' }] as const;
const t32 = (a: number, p: readonly number[]) => Math.fround(Math.fround(p[0]) * a);

/** As assembly/fused/gate.ts: for 0 < |a| < 2^-100 the gate is formed as swish(a·2^70; β·2^-70)·2^-70. */
const TINY = 2 ** -100;
const isTiny = (a: number) => a !== 0 && Math.abs(a) < TINY;

/**
 * The gate swish(a) as every backend forms it: a zero of a's sign where a·σ(βa) < SWISH_FLUSH, or
 * for tiny a (formed scaled by 2^70), where a·2^70·σ(βa) < SWISH_FLUSH.
 */
const gate64 = (a: number, p: readonly number[]): number => {
  const g = a * sigmoid64(t32(a, p));
  return Math.abs(isTiny(a) ? g * 2 ** 70 : g) < SWISH_FLUSH ? (a < 0 ? -0 : 0) : g;
};

/** swish(a)·m as the kernels form it (float64 scaling by 2^±70 is exact, and t = fl(βa) unchanged). */
const gateTimesJs = (a: number, m: number, beta: number): number =>
  isTiny(a) ? swishJs(a * 2 ** 70, beta * 2 ** -70) * m * 2 ** -70 : swishJs(a, beta) * m;

export const swiglu = defineFused({
  name: 'swiglu',
  doc: 'The SwiGLU gate, swish(a)·b, forward and backward in one pass each.',
  forward: 'swiglu',
  backward: 'swigluBackward',
  kernels: {
    swiglu: {
      shape: 'binary',
      wideBelow: 2 ** -20,
      args: ['a', 'b'],
      params: BETA,
      formula: 'swiglu(a, b) = a·σ(βa)·b',
      notes: 'One pass, no temporary array. Special values as swish(a) times b. The gate is swish(a) as the swish kernel returns it, flushed to a zero of a\'s sign below 2^-126 (like geglu\'s): the bound is stated against that gate. ' +
        'For 0 < |a| < 2^-100 (a subnormal gate) the product is formed scaled, swish(a·2^70; β·2^-70)·b·2^-70, so swiglu(2^-149, 2^100) = 2^-50.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 } },
      reference: (a, b, p) => gate64(a, p) * b,
      js: (a, b, o, n, beta) => { for (let i = 0; i < n; i++) o[i] = gateTimesJs(a[i], b[i], beta); },
    },
    swigluBackward: {
      shape: 'gateGrad',
      wideBelow: 2 ** -20,
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
          ob[i] = gateTimesJs(x, g, beta);
        }
      },
    },
  },
});
