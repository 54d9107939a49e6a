// geglu(a, b) = gelu(a)·b: the GELU-gated feed-forward (GeGLU, as in T5 v1.1 and Gemma), in one
// pass. WebAssembly element math: assembly/fused/geglu.ts (over assembly/activations/gelu.ts).
import { defineFused } from '../kernel.js';
import { geluBackwardJs, geluFloat64, gelu64, geluSlope64, GT_MAX } from '../activations/gelu.js';

/**
 * The gate as the kernels form it: gelu(a), flushed to −0 for a <= −13.1462469 (GT_MAX), where its
 * exact value leaves the normal range (every backend: so geglu is −0·b there even when the exact
 * gelu(a)·b would be a normal number). Tiny |a|, whose gelu(a) ≈ a/2 is subnormal, are not flushed:
 * the kernels form gelu(a)·b scaled there (assembly/fused/gate.ts). The contract is stated against
 * this gate.
 */
const gate64 = (a: number): number => (a <= -GT_MAX ? -0 : gelu64(a));

export const geglu = defineFused({
  name: 'geglu',
  doc: 'The GeGLU gate, gelu(a)·b with the exact (erf) GELU, forward and backward in one pass each.',
  forward: 'geglu',
  backward: 'gegluBackward',
  kernels: {
    geglu: {
      shape: 'binary',
      args: ['a', 'b'],
      params: [],
      formula: 'geglu(a, b) = gelu(a)·b = a·Φ(a)·b',
      notes: 'One pass, no temporary array. gelu(a) is the gelu kernel\'s, flushed to −0 for a <= −13.1462469 ' +
        '(where it would be subnormal), so geglu(a, b) = −0·b there; otherwise special values as gelu(a) times b. ' +
        'For 0 < |a| < 2^-100 (a subnormal gelu(a)) the product is formed scaled, so geglu(2^-149, 2^100) = 2^-50.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 } },
      reference: (a, b) => gate64(a) * b,
      js: (a, b, o, n) => { for (let i = 0; i < n; i++) o[i] = geluFloat64(a[i]) * b[i]; },
    },
    gegluBackward: {
      shape: 'gateGrad',
      params: [],
      formula: '∂L/∂a = dy·b·gelu′(a), ∂L/∂b = dy·gelu(a)',
      notes: 'Both gradients in one pass. ∂L/∂a has the mixed bound of geluBackward, scaled by |dy·b|; ' +
        '∂L/∂b uses the flushed gate of the forward.',
      bound: { ulp: { simd: 5, wasm: 5, js: 1 }, absDy: 2 ** -23 },
      reference: (a, b, dy) => [dy * b * geluSlope64(a), dy * gate64(a)] as const,
      js: (a, b, dy, oa, ob, n) => {
        for (let i = 0; i < n; i++) {
          const x = a[i];
          const g = dy[i];
          oa[i] = geluBackwardJs(x, g * b[i]);
          ob[i] = g * geluFloat64(x);
        }
      },
    },
  },
});
