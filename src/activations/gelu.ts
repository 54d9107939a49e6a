// gelu(x) = x·Φ(x), Φ the standard normal CDF (Hendrycks & Gimpel's exact form): the registry
// entry, the float64 references and the JS fallback. WebAssembly element math:
// assembly/activations/gelu.ts over gaussTailScaled in assembly/math/gauss.ts.
//
// JavaScript has no erf, so this file has two independent float64 ones:
//  - the references: Φ(−a) (and erf, erfc, exported for test/erf-reference.test.ts) from the
//    series Σ y·(c·y²)^n/(2n+1)!! for small arguments and the continued fraction of the Mills
//    ratio for large ones, with e^(−y²) taken from an exact split of y²: about 1e-16 relative
//    everywhere, including the far tail (erfc(10) = 2.09e-45);
//  - the JS fallback: W. J. Cody's rational Chebyshev approximations of erf and erfc ("Rational
//    Chebyshev approximations for the error function", Math. Comp. 23 (1969), the CALERF
//    coefficients), about 1e-15 relative, with gelu's x/√2 rounded in float64 (relative
//    error 2^-53·x², far below the f32 half-ULP).
import { defineActivation } from '../kernel.js';

// ---- float64 references

const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const INV_SQRT_PI = 0.5641895835477563; // 1/√π

/** e^(−m·y²) for m in {1, ½}, with y² = hi + lo split exactly (Dekker), so y²'s rounding is not amplified. */
function expNegSq(y: number, m: number): number {
  if (y > 40) return 0; // e^(−800) and below: 0 in float64
  const hi = y * y;
  const t = 134217729 * y; // 2^27 + 1: Veltkamp split into two 26-bit halves
  const yh = t - (t - y);
  const yl = y - yh;
  const lo = yh * yh - hi + 2 * yh * yl + yl * yl;
  return Math.exp(-m * hi) * (1 - m * lo);
}

/** Σ_{n>=0} y·(c·y²)^n / (2n+1)!! for y >= 0, all terms positive (erf: c = 2, Φ: c = 1). */
function oddSeries(y: number, c: number): number {
  const w = c * y * y;
  let term = y;
  let sum = y;
  for (let n = 1; term > 1e-17 * sum; n++) {
    term *= w / (2 * n + 1);
    sum += term;
  }
  return sum;
}

/**
 * 1/(y + s/(y + 2s/(y + 3s/(y + …)))) for y > 0 (s = 1: the Mills ratio Φ(−y)/φ(y); s = ½: √π·e^(y²)·erfc(y)),
 * evaluated from the tail, where the rounding errors are damped, with enough terms for y²/s >= 1
 * (1.5 times what the forward Lentz method needs to converge to 1e-16).
 */
function millsFraction(y: number, s: number): number {
  const n = Math.min(Math.ceil((600 * s) / (y * y)) + 20, 5000);
  let f = 0;
  for (let k = n; k >= 1; k--) f = (k * s) / (y + f);
  return 1 / (y + f);
}

/** Φ(−a) for a >= 0: 0.5 − φ(a)·series below 1 (cancellation at most 3.2×), φ(a)·Mills ratio above. */
function normTail(a: number): number {
  if (a > 40) return 0; // φ(40) = e^(−800): 0 in float64
  if (a < 1) return 0.5 - INV_SQRT_2PI * expNegSq(a, 0.5) * oddSeries(a, 1);
  return INV_SQRT_2PI * expNegSq(a, 0.5) * millsFraction(a, 1);
}

/** φ(a), the standard normal density. */
const density = (a: number): number => INV_SQRT_2PI * expNegSq(Math.abs(a), 0.5);

/** erfc(z) in float64, about 1e-16 relative for every z (the reference's; not the JS fallback's). */
export function erfcRef(z: number): number {
  if (Number.isNaN(z)) return z;
  if (z < 0) return 2 - erfcRef(-z);
  if (z > 28) return 0; // below 2^-1074
  if (z < 1) return 1 - TWO_OVER_SQRT_PI * expNegSq(z, 1) * oddSeries(z, 2);
  return INV_SQRT_PI * expNegSq(z, 1) * millsFraction(z, 0.5);
}

/** erf(z) in float64 (the reference's). */
export function erfRef(z: number): number {
  if (z < 0) return -erfRef(-z);
  if (z < 1) return TWO_OVER_SQRT_PI * expNegSq(z, 1) * oddSeries(z, 2);
  return 1 - erfcRef(z);
}

// ---- the JS fallback: Cody's erfc

const CA = [3.16112374387056560e0, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
const CB = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
const CC = [5.64188496988670089e-1, 8.88314979438837594e0, 6.61191906371416295e1, 2.98635138197400131e2,
  8.81952221241769090e2, 1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8];
const CD = [1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3,
  3.29079923573345963e3, 4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3];
const CP = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
  6.58749161529837803e-4, 1.63153871373020978e-2];
const CQ = [2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1, 6.05183413124413191e-2,
  2.33520497626869185e-3];

/** erfc(y) for y >= 0 by Cody's three rational approximations; 0 from 26.543 on (and for NaN). */
function erfcCody(y: number): number {
  if (y <= 0.46875) {
    const ysq = y * y;
    let num = CA[4] * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + CA[i]) * ysq;
      den = (den + CB[i]) * ysq;
    }
    return 1 - (y * (num + CA[3])) / (den + CB[3]);
  }
  let r: number;
  if (y <= 4) {
    let num = CC[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + CC[i]) * y;
      den = (den + CD[i]) * y;
    }
    r = (num + CC[7]) / (den + CD[7]);
  } else if (y < 26.543) {
    const ysq = 1 / (y * y);
    let num = CP[5] * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + CP[i]) * ysq;
      den = (den + CQ[i]) * ysq;
    }
    r = (INV_SQRT_PI - (ysq * (num + CP[4])) / (den + CQ[4])) / y;
  } else {
    return 0;
  }
  // e^(−y²) as e^(−yh²)·e^(−(y − yh)(y + yh)), yh = y rounded down to 1/16: yh² is exact.
  const yh = Math.trunc(y * 16) / 16;
  return Math.exp(-yh * yh) * Math.exp(-(y - yh) * (y + yh)) * r;
}

/**
 * As assembly/math/gauss.ts: the first f32 a with |gelu(−a)| < 2^-126 (13.1462469), from which every
 * backend flushes gelu to −0; test/fused.test.ts checks it against the float64 reference.
 */
export const GT_MAX = Math.fround(13.146246910095215);
/** And the first with |gelu'(−a)| < 2^-126 (13.3418827): gelu' is −0 from −GD_MAX down. */
export const GD_MAX = Math.fround(13.341882705688477);

/**
 * gelu(x) for |x| < 2^-125, where the result is subnormal: x/2 + x²/√(2π)·(1 + …) rounds to x/2
 * rounded towards +∞ (x/2 is exact in float64, and rounding x·Φ(x) there twice would round a
 * tie to even instead). ±0 stays ±0.
 */
function geluSubnormal(x: number): number {
  const h = x * 0.5;
  const r = Math.fround(h);
  const up = r < h ? r + 2 ** -149 : r;
  return up === 0 ? x * 0 : up;
}

/** gelu(x) = x·Φ(x), Φ(−|x|) = ½·erfc(|x|/√2); flushed where the kernels flush. */
export function geluJs(x: number): number {
  return Math.abs(x) < 2 ** -125 ? geluSubnormal(x) : geluFloat64(x);
}

/** gelu(x) in float64 before its rounding to f32 (geglu multiplies it by b first); flushed where the kernels flush. */
export function geluFloat64(x: number): number {
  if (Math.abs(x) >= GT_MAX) return x < 0 ? -0 : x;
  const tail = 0.5 * erfcCody(Math.abs(x) * Math.SQRT1_2);
  if (!(x < 0)) return x * (1 - tail);
  return tail === 0 ? -0 : x * tail;
}

/** gelu'(x) = Φ(x) + x·φ(x) = x < 0 ? D : 1 − D, D = Φ(−a) − a·φ(a), a = |x|; D = −0 from GD_MAX on. */
export function geluBackwardJs(x: number, dy: number): number {
  const a = Math.abs(x);
  if (a >= GD_MAX) return dy * (x < 0 ? -0 : 1);
  const tail = 0.5 * erfcCody(a * Math.SQRT1_2);
  const aDensity = a * Math.exp(-0.5 * a * a) * INV_SQRT_2PI;
  return dy * (x < 0 ? -(aDensity - tail) : 1 + (aDensity - tail));
}

/** gelu(x) in float64: the reference of the gelu kernel and of the fused geglu. */
export const gelu64 = (x: number): number => (x >= 0 ? x * (1 - normTail(x)) : x * normTail(-x));
/** gelu'(x) = Φ(x) + x·φ(x) in float64. */
export const geluSlope64 = (x: number): number => {
  const a = Math.abs(x);
  return x >= 0 ? 1 - normTail(a) + a * density(a) : normTail(a) - a * density(a);
};

export const gelu = defineActivation({
  name: 'gelu',
  doc: 'GELU (Hendrycks & Gimpel 2016) in its exact form x·Φ(x), Φ the standard normal CDF: the activation of BERT and ViT.',
  forward: 'gelu',
  backward: 'geluBackward',
  kernels: {
    gelu: {
      shape: 'map',
      params: [],
      formula: 'gelu(x) = x·Φ(x) = ½x·(1 + erf(x/√2))',
      notes: 'Φ(x) for x < 0 is computed as a tail of its own (no 1 − erf), so gelu keeps its relative accuracy ' +
        'down to x = −13.1462469, where it leaves the normal range; from there down it is flushed to −0 ' +
        'in every backend. For |x| < 2^-125 the result is subnormal and correctly rounded (x/2 rounded towards +∞), ' +
        'the same bits in every backend. gelu(+∞) = +∞, gelu(−∞) = −0, gelu(±0) = ±0, gelu(NaN) = NaN.',
      bound: { ulp: { simd: 3, wasm: 3, js: 1 } },
      // 2^-149 and 0x007fffff·2^-149: x/2 is a tie, and x²/√(2π) > 0 breaks it upwards.
      exact: [[Infinity, Infinity], [-Infinity, -0], [NaN, NaN], [0, 0], [-0, -0], [2 ** -149, 2 ** -149], [-(2 ** -149), -0],
        [0x7fffff * 2 ** -149, 2 ** -127], [-0x7fffff * 2 ** -149, -0x3fffff * 2 ** -149]],
      reference: (x) => gelu64(x),
      js: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = geluJs(x[i]); },
    },
    geluBackward: {
      shape: 'grad',
      reads: 'x',
      params: [],
      formula: 'dx = dy·(Φ(x) + x·φ(x)), φ the standard normal density',
      notes: 'gelu\'(+∞) = 1, gelu\'(−∞) = −0 (the gradient approaches 0 from below), gelu\'(NaN) = NaN. ' +
        'It has a root at x ≈ −0.7518. Its subnormal values are flushed: −0·dy from x = −13.3418827 down.',
      bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
      exact: [[Infinity, 1], [-Infinity, -0], [NaN, NaN], [0, 0.5], [-0, 0.5]],
      reference: (x, dy) => dy * geluSlope64(x),
      js: (x, d, o, n) => { for (let i = 0; i < n; i++) o[i] = geluBackwardJs(x[i], d[i]); },
    },
  },
});
