// biasSwish(x, bias) = swish(x + bias) over rows of bias.length channels: the bias-then-activation
// step after a linear layer, in one pass. WebAssembly: assembly/fused/biasSwish.ts over the bias
// loops of assembly/loop.ts and swish's element math.
import { defineFused, sigmoid64 } from '../kernel.js';
import { swishBackwardJs, swishJs } from '../activations/swish.js';

const BETA = [{ name: 'beta', default: 1, minAbs: 2 ** -60, doc: 'the slope β of swish' }] as const;
/** The kernels form u = fl(x + bias), then t = fl(β·u); the contract is stated against that. */
const u32 = (x: number, bias: number) => Math.fround(x + bias);

export const biasSwish = defineFused({
  name: 'biasSwish',
  doc: 'swish(x + bias) with x as rows of bias.length channels; the backward gives dx and dbias.',
  forward: 'biasSwish',
  backward: 'biasSwishBackward',
  kernels: {
    biasSwish: {
      shape: 'bias',
      wideBelow: 2 ** -20,
      params: BETA,
      formula: 'out[r, c] = swish(x[r, c] + bias[c])',
      notes: 'x.length must be a multiple of bias.length. Against swish(fl(x + bias)).',
      bound: { ulp: { simd: 3, wasm: 3, js: 1 } },
      reference: (x, bias, p) => {
        const u = u32(x, bias);
        return u * sigmoid64(Math.fround(Math.fround(p[0]) * u));
      },
      js: (x, bias, o, n, C, beta) => {
        for (let i = 0, c = 0; i < n; i++) {
          o[i] = swishJs(Math.fround(x[i] + bias[c]), beta);
          if (++c === C) c = 0;
        }
      },
    },
    biasSwishBackward: {
      shape: 'biasGrad',
      params: BETA,
      formula: 'dx[r, c] = dy[r, c]·swish′(x[r, c] + bias[c]), dbias[c] = Σ_r dx[r, c]',
      notes: 'Returns { dx, dbias }; dbias is summed in float64 from dx.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      reference: (x, bias, dy, p) => {
        const t = Math.fround(Math.fround(p[0]) * u32(x, bias));
        const s = sigmoid64(t);
        return dy * (s + t * s * sigmoid64(-t));
      },
      js: (x, bias, dy, o, n, C, beta) => {
        for (let i = 0, c = 0; i < n; i++) {
          o[i] = swishBackwardJs(Math.fround(x[i] + bias[c]), dy[i], beta);
          if (++c === C) c = 0;
        }
      },
    },
  },
});
