// geluTanh(x) = ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))), GELU's tanh approximation (GPT-2,
// PyTorch's approximate='tanh'): the registry entry, the float64 references and the JS
// fallback. WebAssembly element math: assembly/activations/geluTanh.ts.
//
// The references take tanh as written, with 1 + tanh u = e^u/cosh u for u < 0 (no
// cancellation), and u in float64 from the f32 input: the contract includes the rounding of the
// kernels' own t = 2u. The fallback uses ½(1 + tanh u) = σ(2u) instead: x·σ(t) by exp, as swish.
import { clampAbs, defineActivation } from '../kernel.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const C3 = 0.044715;

/** u = √(2/π)·(x + 0.044715x³). */
const uOf = (x: number): number => SQRT_2_OVER_PI * (x + C3 * x * x * x);

/** ½(1 + tanh u), without cancellation for u < 0. */
const halfOnePlusTanh = (u: number): number => (u >= 0 ? 0.5 * (1 + Math.tanh(u)) : (0.5 * Math.exp(u)) / Math.cosh(u));

/** t = 2u = x·(K0 + K1·x²), as the kernels. */
const K0 = 2 * Math.sqrt(2 / Math.PI);
const K1 = C3 * K0;

/** As assembly/activations/geluTanh.ts: geluTanh(x) is subnormal from x = −10.1006 down, flushed to −0 from −XS. */
const XS = Math.fround(10.125);
/** And σ(−|t|) is taken as 0 in the gradient from |t| = ZB on (the gradient is then within 7e-17 of 0 or 1). */
const ZB = 43;

/** x·σ(t): x/(1+e^−t) for t >= 0, x·e^t/(1+e^t) below; −0 from x = −XS down, as the kernels. */
function geluTanhJs(x: number): number {
  if (x <= -XS) return -0;
  const t = x * (K0 + K1 * x * x);
  const e = Math.exp(-Math.abs(t));
  if (!(t < 0)) return x / (1 + e);
  return e === 0 ? -0 : (x * e) / (1 + e);
}

/** dy·s·(1 + x·t'·(1 − s)), s = σ(t), t' = K0 + 3K1·x², with x clamped to ±XS in the bracket as the kernels do. */
function geluTanhBackwardJs(x: number, dy: number): number {
  const t = x * (K0 + K1 * x * x);
  const e = Math.abs(t) < ZB ? Math.exp(-Math.abs(t)) : 0;
  const lo = e / (1 + e); // σ(−|t|)
  const hi = 1 / (1 + e); // σ(|t|)
  const neg = t < 0;
  const xc = clampAbs(x, XS);
  const slope = xc * (K0 + 3 * K1 * xc * xc);
  return dy * ((neg ? lo : hi) * (1 + slope * (neg ? hi : lo)));
}

export const geluTanh = defineActivation({
  name: 'geluTanh',
  doc: "GELU's tanh approximation ½x·(1 + tanh(√(2/π)(x + 0.044715x³))), as in GPT-2 and PyTorch's approximate='tanh'.",
  forward: 'geluTanh',
  backward: 'geluTanhBackward',
  kernels: {
    geluTanh: {
      shape: 'map',
      params: [],
      formula: 'geluTanh(x) = ½x·(1 + tanh(√(2/π)·(x + 0.044715x³)))',
      notes: 'Computed as x·σ(2u) with 2u formed in float64 inside the kernel, so the bound holds against the ' +
        'formula itself, including for x < 0 where an f32 u would cost |2u|·2^-24 relative. ' +
        'geluTanh(+∞) = +∞, geluTanh(−∞) = −0, geluTanh(±0) = ±0, geluTanh(NaN) = NaN. Its subnormal values ' +
        '(x < −10.1006) are flushed: −0 from x = −10.125 down.',
      bound: { ulp: { simd: 3, wasm: 3, js: 1 } },
      exact: [[Infinity, Infinity], [-Infinity, -0], [NaN, NaN], [0, 0], [-0, -0]],
      reference: (x) => x * halfOnePlusTanh(uOf(x)),
      js: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = geluTanhJs(x[i]); },
    },
    geluTanhBackward: {
      shape: 'grad',
      reads: 'x',
      params: [],
      formula: 'dx = dy·(½(1 + tanh u) + ½x·(1 − tanh²u)·u\'), u = √(2/π)·(x + 0.044715x³), u\' = √(2/π)·(1 + 0.134145x²)',
      notes: 'geluTanh\'(+∞) = 1, geluTanh\'(−∞) = −0, geluTanh\'(NaN) = NaN. It has a root near x = −0.7522. ' +
        'Where |2u| >= 43 (|x| >= 8.3) it is exactly 1 (x > 0) or −0 (x < 0): the exact value is within 7e-17 of those.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      exact: [[Infinity, 1], [-Infinity, -0], [NaN, NaN], [0, 0.5], [-0, 0.5]],
      reference: (x, dy) => {
        const u = uOf(x);
        const du = SQRT_2_OVER_PI * (1 + 3 * C3 * x * x);
        const sech = 1 / Math.cosh(u);
        return dy * (halfOnePlusTanh(u) + 0.5 * x * (sech * sech) * du);
      },
      js: (x, d, o, n) => { for (let i = 0; i < n; i++) o[i] = geluTanhBackwardJs(x[i], d[i]); },
    },
  },
});
