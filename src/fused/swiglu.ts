// swiglu(a, b) = swish(a)·b: the gated feed-forward of LLaMA-style transformers, in one pass.
// WebAssembly element math: assembly/fused/swiglu.ts (over assembly/activations/swish.ts).
import { defineFused, sigmoid64 } from '../kernel.js';

const BETA = [{ name: 'beta', default: 1, minAbs: 2 ** -60, doc: 'the slope β of the swish gate' }] as const;
const t32 = (a: number, p: readonly number[]) => Math.fround(Math.fround(p[0]) * a);

/** swish(a) in float64 as the JS fallback computes it (see src/activations/swish.ts). */
function swishJs(a: number, beta: number): number {
  const t = Math.fround(beta * a);
  const e = Math.exp(-Math.abs(t));
  if (!(t < 0)) return a / (1 + e);
  return e === 0 ? (a < 0 ? -0 : 0) : (a * e) / (1 + e);
}

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
      notes: 'One pass, no temporary array. Special values as swish(a) times b.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 } },
      reference: (a, b, p) => a * sigmoid64(t32(a, p)) * b,
      js: (a, b, o, n, beta) => { for (let i = 0; i < n; i++) o[i] = swishJs(a[i], beta) * b[i]; },
    },
    swigluBackward: {
      shape: 'gateGrad',
      params: BETA,
      formula: '∂L/∂a = dy·b·swish′(a), ∂L/∂b = dy·swish(a)',
      notes: 'Both gradients in one pass. ∂L/∂a has the mixed bound of swishBackward, scaled by |dy·b|.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      reference: (a, b, dy, p) => {
        const t = t32(a, p);
        const s = sigmoid64(t);
        return [dy * b * (s + t * s * sigmoid64(-t)), dy * a * s] as const;
      },
      js: (a, b, dy, oa, ob, n, beta) => {
        for (let i = 0; i < n; i++) {
          const x = a[i];
          const t = Math.fround(beta * x);
          const e = Math.exp(-Math.abs(t));
          const lo = e / (1 + e);
          const hi = 1 / (1 + e);
          const neg = t < 0;
          const tc = t > 109 ? 109 : t < -109 ? -109 : t;
          const g = dy[i];
          const bi = b[i];
          oa[i] = g * bi * ((neg ? lo : hi) * (1 + tc * (neg ? hi : lo)));
          ob[i] = g * swishJs(x, beta);
        }
      },
    },
  },
});
