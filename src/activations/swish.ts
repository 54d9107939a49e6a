// swish(x) = x·σ(βx) (SiLU at β = 1): the registry entry, the float64 references and the JS
// fallback. WebAssembly element math: assembly/activations/swish.ts.
import { clampAbs, defineActivation, sigmoid64, SWISH_FLUSH, Z_LAST, Z_MAX } from '../kernel.js';

const BETA = [{ name: 'beta', default: 1, minAbs: 2 ** -60, doc: 'the slope β inside σ; trainable with swishBetaGrad' }] as const;

/** t = fl(β·x): every f32 implementation forms that product first, and the contract uses it. */
const swishT = (x: number, p: readonly number[]) => Math.fround(Math.fround(p[0]) * x);

/** As assembly/activations/swish.ts: x is clamped to ±FLT_MAX, so x = ±∞ (where σ' is 0) gives 0. */
const X_SQ_MAX = 3.4028234663852886e38;

/**
 * x·σ(t): x/(1+e^−t) for t ≥ 0, x·e^t/(1+e^t) below, and ±0 where x·e^t < SWISH_FLUSH. t = NaN
 * with x not NaN means β = 0 and x = ±∞: x/2 = ±∞ there, the limit of x·σ(0·x), as the kernels give.
 */
export function swishJs(x: number, beta: number): number {
  const t = Math.fround(beta * x);
  const e = t === t ? Math.exp(-Math.abs(t)) : 1;
  if (!(t < 0)) return x / (1 + e);
  const xe = x * e;
  return Math.abs(xe) < SWISH_FLUSH || e === 0 ? (x < 0 ? -0 : 0) : xe / (1 + e);
}

/** σ(−|t|) in float64, 0 beyond Z_LAST as math/logistic.ts flushes it. */
const sigmoidNegAbsFlushed = (t: number) => {
  const e = Math.abs(t) > Z_LAST ? 0 : Math.exp(-Math.abs(t));
  return e / (1 + e);
};

/** dy·s·(1 + t·(1 − s)), s = σ(t), with t clamped to ±Z_MAX inside the bracket as the kernels do. */
export function swishBackwardJs(x: number, dy: number, beta: number): number {
  const t = Math.fround(beta * x);
  const lo = sigmoidNegAbsFlushed(t); // σ(−|t|)
  const hi = 1 - lo; // σ(|t|), exact in float64 to far below f32's last place
  const neg = t < 0;
  return dy * ((neg ? lo : hi) * (1 + clampAbs(t, Z_MAX) * (neg ? hi : lo)));
}

/** A term of ∂L/∂β: not flushed (the kernels keep σ′ scaled by 2^64, so every normal term counts). */
function swishBetaGradTermJs(x: number, dy: number, beta: number): number {
  const e = Math.exp(-Math.abs(Math.fround(beta * x)));
  const lo = e / (1 + e);
  const xc = clampAbs(x, X_SQ_MAX);
  return dy * xc * (xc * (lo * (1 - lo)));
}

export const swish = defineActivation({
  name: 'swish',
  doc: 'Swish (Ramachandran et al. 2017), x·σ(βx); SiLU when β = 1. Smooth, non-monotonic, unbounded above.',
  forward: 'swish',
  backward: 'swishBackward',
  paramGrad: 'swishBetaGrad',
  kernels: {
    swish: {
      shape: 'map',
      wideBelow: 2 ** -20,
      params: BETA,
      formula: 'swish(x) = x·σ(βx)',
      notes: 'Against x·σ(fl(βx)). swish(+∞) = +∞, swish(−∞) = −0, swish(NaN) = NaN; with β = 0, swish(±∞) = ±∞ ' +
        '(the limit of x·σ(0) = x/2; the gradients give NaN there, 0·∞). β must be finite in f32; for |β| < 2^-20 (β = 0 too) the WebAssembly kernels take a slower path in float64 whose range is every f32 x (the fast one clamps |x| to 2^27). Results below 2^-126 are flushed to a zero of x\'s sign (from 2^-126·(1 − 2^-20) down).',
      bound: { ulp: { simd: 3, wasm: 3, js: 1 } },
      exact: [[Infinity, Infinity], [-Infinity, -0], [NaN, NaN], [0, 0], [-0, -0]],
      reference: (x, p) => x * sigmoid64(swishT(x, p)),
      js: (x, o, n, a) => { for (let i = 0; i < n; i++) o[i] = swishJs(x[i], a); },
    },
    swishBackward: {
      shape: 'grad',
      reads: 'x',
      params: BETA,
      formula: 'dx = dy·(σ(βx) + βx·σ(βx)·(1−σ(βx)))',
      notes: 'At βx = +∞ the gradient is dy; at βx = −∞ it is −0·dy. It has a root near βx = −1.2785. σ(βx) is flushed to 0 for βx < −87.3365402 (the result is then ±0, within 2^-23·|dy|).',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      exact: [[Infinity, 1], [-Infinity, -0], [NaN, NaN], [0, 0.5]],
      reference: (x, dy, p) => {
        const t = swishT(x, p);
        const s = sigmoid64(t);
        return dy * (s + t * s * sigmoid64(-t));
      },
      js: (x, d, o, n, a) => { for (let i = 0; i < n; i++) o[i] = swishBackwardJs(x[i], d[i], a); },
    },
    swishBetaGrad: {
      shape: 'sum',
      reads: 'x',
      params: BETA,
      formula: '∂L/∂β = Σ dy·x²·σ(βx)·(1−σ(βx))',
      notes: 'Each term dy·x·(x·σ′(βx)) formed and summed in float64 (no overflow). Infinite x contributes 0 (for β ≠ 0).',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, relSum: 2 ** -21 },
      reference: (x, dy, p) => {
        const t = swishT(x, p);
        return dy * x * x * sigmoid64(t) * sigmoid64(-t);
      },
      js: (x, d, n, a) => { let s = 0; for (let i = 0; i < n; i++) s += swishBetaGradTermJs(x[i], d[i], a); return s; },
    },
  },
});
