import { expNegScaled, expNegScaledV, EXP_UNSCALE, EXP_UNSCALE_V } from "../math/expneg";
import { ONE_V, TWO_V, HALF_V, SIGN_V } from "../math/vconst";
import { EXPM1_Z_MAX, EXPM1_Z_MAX_V } from "../math/expm1neg";
import { sigmoidNegAbs, sigmoidNegAbsV } from "../math/logistic";

// tanh x = copysign(tanh|x|, x), tanh|x| in two regimes, both computed in the SIMD form and
// selected per lane (a = |x|):
//   a <  X0 = 0.55:  tanh a = a + (a·w)·P(w), w = a², P of degree 4 fitted for the relative
//        error of tanh over [0, X0] (minimax by linear programme, the method of
//        scripts/fit-exp.py): 0.27·2^-24 with the coefficients rounded to f32. The a³ term is
//        under 10% of the result, so tiny |x| (tanh x ≈ x, subnormals) come out as |x| itself.
//        (Evaluated on a, not x: with P < 0 the term would be +0 at x = −0, and −0 + +0 = +0.)
//   a >= X0:  tanh a = 1 − 2σ(−2a) = 1 − 2f, f = sigmoidNegAbs(z) < 1/4, so 1 − 2f does not
//        cancel. (X0 must exceed ln 3 / 2 = 0.5493, where tanh = 1/2: just below it an error of
//        f in [1/4, 1/2) doubles in ULP of the result, 2.25 ULP at X0 = 0.5493.) From
//        |x| = 9.010914 on the exact value rounds to 1, so z = 2a is clamped at 20 (f ≈ 2·10^-9,
//        1 − 2f rounds to 1): no subnormal intermediates, and tanh(±∞) = ±1.
// The sign of x is copied onto the result, so tanh(−0) = −0; NaN fails a < X0 and propagates
// through the second regime. Measured: 1.28 ULP over every f32. (−m/(2 + m) with
// m = expm1Neg(2a) gave 2.5 ULP: where m ≈ −1 it carries e^−2a only to 2^-25, and the quotient
// doubles that; 1 − 2e/(1 + e) or (1 − e)/(1 + e) without sigmoid's correction 1.5 ULP.)

// @ts-ignore: decorator
@inline const X0: f32 = 0.55;
// @ts-ignore: decorator
@inline const T1: f32 = reinterpret<f32>(0xBEAAAAAB); // -0.333333343
// @ts-ignore: decorator
@inline const T2: f32 = reinterpret<f32>(0x3E088870); // 0.133332968
// @ts-ignore: decorator
@inline const T3: f32 = reinterpret<f32>(0xBD5CF483); // -0.053944122
// @ts-ignore: decorator
@inline const T4: f32 = reinterpret<f32>(0x3CB0333B); // 0.0215088036
// @ts-ignore: decorator
@inline const T5: f32 = reinterpret<f32>(0xBBE3D830); // -0.00695326179
const X0_V: usize = memory.data<f32>([X0, X0, X0, X0], 16);
const T1_V: usize = memory.data<f32>([T1, T1, T1, T1], 16);
const T2_V: usize = memory.data<f32>([T2, T2, T2, T2], 16);
const T3_V: usize = memory.data<f32>([T3, T3, T3, T3], 16);
const T4_V: usize = memory.data<f32>([T4, T4, T4, T4], 16);
const T5_V: usize = memory.data<f32>([T5, T5, T5, T5], 16);
const FOUR_V: usize = memory.data<f32>([4, 4, 4, 4], 16);

/** tanh x (shared with penalizedTanh). */
// @ts-ignore: decorator
@inline export function tanhS(x: f32): f32 {
  const a = abs<f32>(x);
  let r: f32;
  if (a < X0) {
    const w = a * a;
    let p = T5 * w + T4;
    p = p * w + T3;
    p = p * w + T2;
    p = p * w + T1;
    r = a + (a * w) * p;
  } else {
    const z0 = a + a;
    const f = sigmoidNegAbs(EXPM1_Z_MAX < z0 ? EXPM1_Z_MAX : z0); // pmin: NaN stays NaN
    r = <f32>1 - (f + f);
  }
  return copysign<f32>(r, x);
}

/** Four lanes of tanhS, bit-identical to it. */
// @ts-ignore: decorator
@inline export function tanhV(x: v128): v128 {
  const a = f32x4.abs(x);
  const w = f32x4.mul(a, a);
  let p = f32x4.add(f32x4.mul(v128.load(T5_V), w), v128.load(T4_V));
  p = f32x4.add(f32x4.mul(p, w), v128.load(T3_V));
  p = f32x4.add(f32x4.mul(p, w), v128.load(T2_V));
  p = f32x4.add(f32x4.mul(p, w), v128.load(T1_V));
  const small = f32x4.add(a, f32x4.mul(f32x4.mul(a, w), p));
  const f = sigmoidNegAbsV(f32x4.pmin(f32x4.add(a, a), v128.load(EXPM1_Z_MAX_V)));
  const big = f32x4.sub(v128.load(ONE_V), f32x4.add(f, f));
  return v128.bitselect(x, v128.bitselect(small, big, f32x4.lt(a, v128.load(X0_V))), v128.load(SIGN_V));
}

// sech²x = 1 − tanh²x = 4e/(1 + e)², e = e^−2|x|, with the denominator as 1 + e·(2 + e): no
// cancellation anywhere, and each rounding of the denominator is scaled down by e·(2 + e)/(1 + e)²
// except the last, so the relative error stays under 3·2^-24 (measured 2.98; 4f·(1 − f) with
// f = σ(−2|x|) from sigmoidNegAbs reaches 4.1, (4e/d)/d or 4e/(d·d) with d = 1 + e reach 4.7).
// The numerator is the still-scaled E = e·2^32, unscaled after the division, so results near the
// bottom of the normal range (|x| ≈ 44) are rounded once. No subnormal intermediates (x86 takes a
// microcode assist for each): e only enters the denominator, where it is 0 in effect from
// e < 2^-25 on, so it is formed from max(E, 2^-28) (e >= 2^-60, the same denominator 1), and from
// z = 88.72284 (|x| = 44.36142) on, where 4e^-z < 2^-126, E is set to 0: those results, which
// may flush, are +0 (the JS fallback keeps them), and so is sech²(±∞). z is clamped at Z_FLUSH
// first (pmin: NaN stays): the SIMD form evaluates the exponential in every lane, and near
// Z_MAX = 109 expNegScaled's s·(e^r − 1) is subnormal (s = 2^-125), beyond it s itself (measured
// for x uniform in ±100: 12 ns/element clamped at Z_MAX, 17.6 unclamped, 1.9 at Z_FLUSH). NaN
// fails z >= Z_FLUSH and propagates. sech²(0) = 2^34/4·2^-32 = 1 exactly.

// @ts-ignore: decorator
@inline const Z_FLUSH: f32 = reinterpret<f32>(0x42B17218); // 88.7228394 >= ln 4 + 126 ln 2
// @ts-ignore: decorator
@inline const E_MIN: f32 = reinterpret<f32>(0x31800000); // 2^-28: E·2^-32 >= 2^-60
const Z_FLUSH_V: usize = memory.data<f32>([Z_FLUSH, Z_FLUSH, Z_FLUSH, Z_FLUSH], 16);
const E_MIN_V: usize = memory.data<f32>([E_MIN, E_MIN, E_MIN, E_MIN], 16);

/** sech²x·2^32 (shared with penalizedTanhBackward): the caller multiplies by EXP_UNSCALE. */
// @ts-ignore: decorator
@inline export function sech2ScaledS(x: f32): f32 {
  const z0 = abs<f32>(x + x);
  const z = Z_FLUSH < z0 ? Z_FLUSH : z0;
  const E: f32 = z >= Z_FLUSH ? 0 : expNegScaled(z);
  const e = (E < E_MIN ? E_MIN : E) * EXP_UNSCALE; // pmax(E, E_MIN): NaN stays
  return (E * 4) / (<f32>1 + e * (<f32>2 + e));
}

/** Four lanes of sech2ScaledS, bit-identical to it. */
// @ts-ignore: decorator
@inline export function sech2ScaledV(x: v128): v128 {
  const z = f32x4.pmin(f32x4.abs(f32x4.add(x, x)), v128.load(Z_FLUSH_V));
  const E = v128.andnot(expNegScaledV(z), f32x4.ge(z, v128.load(Z_FLUSH_V)));
  const e = f32x4.mul(f32x4.pmax(E, v128.load(E_MIN_V)), v128.load(EXP_UNSCALE_V));
  const den = f32x4.add(v128.load(ONE_V), f32x4.mul(e, f32x4.add(v128.load(TWO_V), e)));
  return f32x4.div(f32x4.mul(E, v128.load(FOUR_V)), den);
}

/** tanh x. */
@final export class Tanh {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 { return tanhS(x); }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 { return tanhV(x); }
}

/** dx = dy·(1 − tanh²x), from x. */
@final export class TanhBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 { return dy * (sech2ScaledS(x) * EXP_UNSCALE); }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    return f32x4.mul(dy, f32x4.mul(sech2ScaledV(x), v128.load(EXP_UNSCALE_V)));
  }
}

// From a kept y = tanh x: 1 − y² as (1 − y)(1 + y) for |y| >= 1/2, where 1 ∓ y is exact (Sterbenz)
// for the factor that cancels, and as 1 − y·y for |y| < 1/2, where y² <= 1/4 is too small for its
// rounding to show and the two roundings of 1 ∓ y are saved.

/** dx = dy·(1 − y²) from a kept y = tanh x. */
@final export class TanhBackwardFromOutput {
  // @ts-ignore: decorator
  @inline s(y: f32, dy: f32, a: f32, b: f32): f32 {
    const g: f32 = abs<f32>(y) < 0.5 ? 1 - y * y : (1 - y) * (1 + y);
    return dy * g;
  }
  // @ts-ignore: decorator
  @inline v(y: v128, dy: v128, a: v128, b: v128): v128 {
    const one = v128.load(ONE_V);
    const small = f32x4.sub(one, f32x4.mul(y, y));
    const big = f32x4.mul(f32x4.sub(one, y), f32x4.add(one, y));
    return f32x4.mul(dy, v128.bitselect(small, big, f32x4.lt(f32x4.abs(y), v128.load(HALF_V))));
  }
}
