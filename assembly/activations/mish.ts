import { expNegScaled, expNegScaledV, EXP_UNSCALE, EXP_UNSCALE_V } from "../math/expneg";
import { ONE_V, TWO_V, SIGN_V } from "../math/vconst";
import { ABS_V } from "../math/logistic";
import { FLUSH_SCALED, FLUSH_SCALED_V } from "../flush";

// mish(x) = x·tanh(softplus(x)) = x·ω = x − x·(1 − ω). With z = |x|,
// E = e^-z·2^32 (expNegScaled, set to 0 beyond MISH_Z_LAST and for NaN, below), e = E·2^-32:
//   x <= 0 (e = e^x):   ω = N/(N + 2), N = e(e + 2), i.e. ω = e·(1 − c), c = e(1 + e)/(e² + 2e + 2),
//                       and mish = (A − A·c)·2^-32 with A = x·E: e^x stays scaled by 2^32 until the
//                       last product, so that where e^x is subnormal (x in [−104, −87]) but
//                       x·e^x is not, the result is rounded once (as in swish).
//   x >  0 (e = e^-x):  1 − ω = c = 2e²/(1 + 2e(1 + e)), and mish = x − x·c.
// Both are A' − A·Cn/Cd: a main term rounded once, less a correction that is at most 0.4 of it
// (at x = 0) and fades fast, so its own rounding errors weigh little. (The direct x·N/(N + 2)
// rounds five times, e + 2 and N + 2 near 2 included: up to 4 ULP.)
// No subnormal number is formed for an input whose result is normal (x86 takes a ~100-cycle
// microcode assist for every operation that reads or writes one):
// - e is set to 0 from z = E_CUT_Z = 40 on (its multiplier 2^-32 replaced by 0): there the
//   correction is below 2^-58 of the main term (c <= e < 2^-57), so A − A·c rounds to A and
//   x − x·c to x, the same bits as with the true e, while e (subnormal beyond 87.3), P, and
//   A·cn ≈ x·e²·2^32 (subnormal from |x| ≈ 56) would not be normal numbers.
// - In x·2e² (x > 0) e is raised to 2^-63: 2^-125·x stays normal and x − … rounds it away.
// - Flush: E is 0 for z > MISH_Z_LAST = 91.8567734, the last f32 whose exact |mish(−z)| is at
//   least 2^-126 (float64 reference, src/activations/mish.ts holds the same constant for the JS
//   fallback), so x < −MISH_Z_LAST gives A = −0 and the result −0: the flush depends on the input
//   alone, and no subnormal result is formed there. expNegScaled is given z = 0 on those lanes
//   (and for NaN): at its own limit Z_MAX = 109 its s·p is subnormal. Results that are subnormal
//   near x = 0 (|x| < 2^-125.3, a subnormal or near-subnormal input) are kept.
// x is clamped to ±2^94 in the products: x·E is then −0, not NaN, for x = −∞ (E = 0), the
// correction stays finite for x = +∞ (mish(+∞) = +∞ − 2^-31 = +∞, not ∞ − ∞), and A·Cn < 2^128.
// The sign is copied from x last (mish(x) has the sign of x): the subtraction would make
// mish(−0) and mish(−∞) +0 (−0 − (−0) = +0). NaN gives NaN.

// @ts-ignore: decorator
@inline const E_MIN: f32 = reinterpret<f32>(0x20000000); // 2^-63
// @ts-ignore: decorator
@inline const E_CUT_Z: f32 = 40; // e = 0 from here on: the correction no longer reaches the last place
// @ts-ignore: decorator
@inline const MISH_Z_LAST: f32 = reinterpret<f32>(0x42B7B6AB); // 91.8567734: beyond, mish(−z) is −0
// @ts-ignore: decorator
@inline const MISH_BACKWARD_Z_LAST: f32 = reinterpret<f32>(0x42B7B100); // 91.8457031: beyond, mish'(−z) is −0
const E_CUT_Z_V: usize = memory.data<f32>([E_CUT_Z, E_CUT_Z, E_CUT_Z, E_CUT_Z], 16);
const MISH_Z_LAST_V: usize = memory.data<f32>([MISH_Z_LAST, MISH_Z_LAST, MISH_Z_LAST, MISH_Z_LAST], 16);
const MISH_BACKWARD_Z_LAST_V: usize = memory.data<f32>([MISH_BACKWARD_Z_LAST, MISH_BACKWARD_Z_LAST, MISH_BACKWARD_Z_LAST, MISH_BACKWARD_Z_LAST], 16);
// @ts-ignore: decorator
@inline const X_MAX: f32 = reinterpret<f32>(0x6E800000); // 2^94
const E_MIN_V: usize = memory.data<f32>([E_MIN, E_MIN, E_MIN, E_MIN], 16);
const X_MAX_V: usize = memory.data<f32>([X_MAX, X_MAX, X_MAX, X_MAX], 16);
const NEG_X_MAX_V: usize = memory.data<f32>([-X_MAX, -X_MAX, -X_MAX, -X_MAX], 16);

/** mish(x) = x·tanh(softplus(x)). */
@final export class Mish {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 {
    const z = abs<f32>(x);
    const live = z <= MISH_Z_LAST; // false for NaN
    const Ez = expNegScaled(live ? z : 0);
    const E: f32 = live ? Ez : 0;
    const e = E * (z < E_CUT_Z ? EXP_UNSCALE : 0);
    const neg = x <= 0;
    const xp: f32 = X_MAX < x ? X_MAX : x; // pmin, then pmax: as the vector form
    const xc: f32 = xp < -X_MAX ? -X_MAX : xp;
    const P = e * (e + 1);
    const ef: f32 = e < E_MIN ? E_MIN : e;
    const cn: f32 = neg ? P : (ef + ef) * ef;
    const cd: f32 = neg ? (P + e) + 2 : (P + P) + 1;
    const A = xc * (neg ? E : <f32>1);
    const k = (A * cn) / cd;
    const r = ((neg ? A : x) - k) * (neg ? EXP_UNSCALE : <f32>1);
    return copysign<f32>(r, x);
  }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 {
    const one = v128.load(ONE_V);
    const unscale = v128.load(EXP_UNSCALE_V);
    const z = v128.and(x, v128.load(ABS_V));
    const live = f32x4.le(z, v128.load(MISH_Z_LAST_V));
    const E = v128.and(expNegScaledV(v128.and(z, live)), live);
    const e = f32x4.mul(E, v128.and(unscale, f32x4.lt(z, v128.load(E_CUT_Z_V))));
    const neg = f32x4.le(x, f32x4.splat(0));
    const xc = f32x4.pmax(f32x4.pmin(x, v128.load(X_MAX_V)), v128.load(NEG_X_MAX_V));
    const P = f32x4.mul(e, f32x4.add(e, one));
    const ef = f32x4.pmax(e, v128.load(E_MIN_V));
    const cn = v128.bitselect(P, f32x4.mul(f32x4.add(ef, ef), ef), neg);
    const cd = v128.bitselect(f32x4.add(f32x4.add(P, e), v128.load(TWO_V)), f32x4.add(f32x4.add(P, P), one), neg);
    const A = f32x4.mul(xc, v128.bitselect(E, one, neg));
    const k = f32x4.div(f32x4.mul(A, cn), cd);
    const r = f32x4.mul(f32x4.sub(v128.bitselect(A, x, neg), k), v128.bitselect(unscale, one, neg));
    return v128.bitselect(x, r, v128.load(SIGN_V));
  }
}

// mish'(x) = ω + x·(1 − ω²)·σ(x), with 1 − ω² in closed form (no cancellation as ω → 1):
//   x <= 0 (e = e^x):   1 − ω² = 4(1 + e)²/Q², Q = N + 2 = e² + 2e + 2, σ = e/(1 + e), so
//                       mish' = (e/Q)·[(e + 2) + 4x(1 + e)/Q];
//   x >  0 (e = e^-x):  ω = 1 − c, c = 2e²/D, D = 1 + 2e(1 + e), 1 − ω² = c(2 − c), σ = 1/(1 + e):
//                       mish' = 1 + c·(2x(1 + e)/D − 1), the correction at most 0.4 (x = 0).
// One form for both (Q = D on the second branch):
//   (α + β·(γ + δ/Q))·scale,  β = B/Q by a division of its own, δ/Q as δ·(1/Q).
// With β = B·(1/Q) the rounding of 1/Q entered twice: 4.22 ULP at x = −0.2386 in the exhaustive
// sweep (bound 4); dividing for β costs one more division and measured 2.20 on a dense check
// (every f32 in [−0.5, −0.2]). One division by Q² for the whole (B·(γQ + δ)/Q²) was worse: 5.08.
//   first branch:  α = −0, β = E/Q (e^x still scaled by 2^32), γ = e + 2, δ = 4x(1 + e), scale 2^-32,
//   second branch: α = 1,  β = 2e²/D,                          γ = −1,    δ = 2x(1 + e), scale 1.
// The scaled E keeps mish' ≈ e^x(1 + x) accurate where e^x is subnormal (x < −87) but the result
// is not; α = −0 keeps the sign of a zero product (mish'(−∞) = −0·dy, the limit from below, as
// swish). The first bracket cancels near the root x ≈ −1.1924 (the mixed bound). e² is floored
// at 2^-126 as in the forward; x is clamped to ±2^90 so δ stays finite. mish'(+∞) = dy,
// mish'(0) = f32(0.6)·dy. e is raised to 2^-126 (E to 2^-94), so that it stays normal beyond
// z = 87.3: from z = 17 on its value no longer matters (1 + e, 2 + e and Q round to 1, 2 and 2 or 1
// either way, and 1 + β(…) to 1; one operation fewer than the forward's mask, which A·e² needs),
// and E is 0 for z > MISH_BACKWARD_Z_LAST =
// 91.8457031, the last f32 whose exact |mish'(−z)| is at least 2^-126: beyond it β = 0 and the
// result is −0·dy, within the gradients' 2^-23·|dy|, and g = (α + β(…))·2^-32 is normal where it
// is not. dx = dy·g is flushed too, on the first branch: where |dy·(α + β(…))| < 2^-94·(1 − 2^-20)
// (assembly/flush.ts; ∞ when dy is huge, not flushed), the multiplier 2^-32 is 0, so dx is a zero
// and no subnormal dx is formed for |dy| < 1 near the cut (as the JS fallback: |dx| below
// 2^-126·(1 − 2^-20) is ±0 for x <= 0).

// @ts-ignore: decorator
@inline const XB_MAX: f32 = reinterpret<f32>(0x6C800000); // 2^90
// @ts-ignore: decorator
@inline const E_MIN_SCALED: f32 = reinterpret<f32>(0x10800000); // 2^-94: e = E·2^-32 >= 2^-126
const E_MIN_SCALED_V: usize = memory.data<f32>([E_MIN_SCALED, E_MIN_SCALED, E_MIN_SCALED, E_MIN_SCALED], 16);
const XB_MAX_V: usize = memory.data<f32>([XB_MAX, XB_MAX, XB_MAX, XB_MAX], 16);
const NEG_XB_MAX_V: usize = memory.data<f32>([-XB_MAX, -XB_MAX, -XB_MAX, -XB_MAX], 16);
const NEG_ONE_V: usize = memory.data<f32>([-1, -1, -1, -1], 16);

/** dx = dy·mish'(x). */
@final export class MishBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 {
    const z = abs<f32>(x);
    const live = z <= MISH_BACKWARD_Z_LAST; // false for NaN
    const Ez = expNegScaled(live ? z : 0);
    const E: f32 = live ? Ez : 0;
    const e = (E < E_MIN_SCALED ? E_MIN_SCALED : E) * EXP_UNSCALE; // >= 2^-126
    const neg = x <= 0;
    const xp: f32 = XB_MAX < x ? XB_MAX : x;
    const xc: f32 = xp < -XB_MAX ? -XB_MAX : xp;
    const ef: f32 = e < E_MIN ? E_MIN : e;
    const e1 = e + 1;
    const Q: f32 = neg ? e * (e + 2) + 2 : (e + e) * e1 + 1;
    const iq = <f32>1 / Q;
    const xe = xc * e1;
    const xe2 = xe + xe;
    const alpha: f32 = neg ? -0.0 : 1;
    const beta = (neg ? E : (ef + ef) * ef) / Q;
    const gamma: f32 = neg ? e + 2 : -1;
    const delta: f32 = neg ? xe2 + xe2 : xe2;
    const gs = alpha + beta * (gamma + delta * iq);
    const g = gs * (neg ? (abs<f32>(dy * gs) < FLUSH_SCALED ? 0 : EXP_UNSCALE) : <f32>1);
    return dy * g;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const one = v128.load(ONE_V);
    const two = v128.load(TWO_V);
    const unscale = v128.load(EXP_UNSCALE_V);
    const z = v128.and(x, v128.load(ABS_V));
    const live = f32x4.le(z, v128.load(MISH_BACKWARD_Z_LAST_V));
    const E = v128.and(expNegScaledV(v128.and(z, live)), live);
    const e = f32x4.mul(f32x4.pmax(E, v128.load(E_MIN_SCALED_V)), unscale); // >= 2^-126
    const neg = f32x4.le(x, f32x4.splat(0));
    const xc = f32x4.pmax(f32x4.pmin(x, v128.load(XB_MAX_V)), v128.load(NEG_XB_MAX_V));
    const ef = f32x4.pmax(e, v128.load(E_MIN_V));
    const e1 = f32x4.add(e, one);
    const e2 = f32x4.add(e, two);
    const Q = v128.bitselect(f32x4.add(f32x4.mul(e, e2), two), f32x4.add(f32x4.mul(f32x4.add(e, e), e1), one), neg);
    const iq = f32x4.div(one, Q);
    const xe = f32x4.mul(xc, e1);
    const xe2 = f32x4.add(xe, xe);
    const alpha = v128.bitselect(v128.load(SIGN_V), one, neg);
    const beta = f32x4.div(v128.bitselect(E, f32x4.mul(f32x4.add(ef, ef), ef), neg), Q);
    const gamma = v128.bitselect(e2, v128.load(NEG_ONE_V), neg);
    const delta = v128.bitselect(f32x4.add(xe2, xe2), xe2, neg);
    const gs = f32x4.add(alpha, f32x4.mul(beta, f32x4.add(gamma, f32x4.mul(delta, iq))));
    const tiny = f32x4.lt(v128.and(f32x4.mul(dy, gs), v128.load(ABS_V)), v128.load(FLUSH_SCALED_V));
    const g = f32x4.mul(gs, v128.bitselect(v128.andnot(unscale, tiny), one, neg));
    return f32x4.mul(dy, g);
  }
}
