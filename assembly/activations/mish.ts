import { expNegScaled, expNegScaledV, EXP_UNSCALE, Z_MAX, Z_MAX_V, EXP_UNSCALE_V } from "../math/expneg";
import { ONE_V, TWO_V, SIGN_V } from "../math/vconst";
import { clampAbs, clampAbsV } from "../math/logistic";

// mish(x) = x·tanh(softplus(x)) = x·ω = x − x·(1 − ω). With z = min(|x|, Z_MAX),
// E = e^-z·2^32 (expNegScaled, set to 0 beyond Z_MAX and for NaN, as in swish), e = E·2^-32:
//   x <= 0 (e = e^x):   ω = N/(N + 2), N = e(e + 2), i.e. ω = e·(1 − c), c = e(1 + e)/(e² + 2e + 2),
//                       and mish = (A − A·c)·2^-32 with A = x·E: e^x stays scaled by 2^32 until the
//                       last product, so that where e^x is subnormal (x in [−104, −87]) but
//                       x·e^x is not, the result is rounded once (as in swish).
//   x >  0 (e = e^-x):  1 − ω = c = 2e²/(1 + 2e(1 + e)), and mish = x − x·c.
// Both are A' − A·Cn/Cd: a main term rounded once, less a correction that is at most 0.4 of it
// (at x = 0) and fades fast, so its own rounding errors weigh little. (The direct x·N/(N + 2)
// rounds five times, e + 2 and N + 2 near 2 included: up to 4 ULP.)
// Where e² would be subnormal (x > 43.7), e is raised to 2^-63 in x·2e²: that then stays normal
// (x86 takes a slow assist for every subnormal result), and at 2^-125·x it is far below x's last
// place, so x − … rounds it away.
// x is clamped to ±2^94 in the products: x·E is then −0, not NaN, for x = −∞ (E = 0), the
// correction stays finite for x = +∞ (mish(+∞) = +∞ − 2^-31 = +∞, not ∞ − ∞), and A·Cn < 2^128.
// The sign is copied from x last (mish(x) has the sign of x): the subtraction would make
// mish(−0) and mish(−∞) +0 (−0 − (−0) = +0). NaN gives NaN.

// @ts-ignore: decorator
@inline const E_MIN: f32 = reinterpret<f32>(0x20000000); // 2^-63
// @ts-ignore: decorator
@inline const X_MAX: f32 = reinterpret<f32>(0x6E800000); // 2^94
const E_MIN_V: usize = memory.data<f32>([E_MIN, E_MIN, E_MIN, E_MIN], 16);
const X_MAX_V: usize = memory.data<f32>([X_MAX, X_MAX, X_MAX, X_MAX], 16);
const NEG_X_MAX_V: usize = memory.data<f32>([-X_MAX, -X_MAX, -X_MAX, -X_MAX], 16);

/** mish(x) = x·tanh(softplus(x)). */
@final export class Mish {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 {
    const z = clampAbs(x);
    const E: f32 = z < Z_MAX ? expNegScaled(z) : 0;
    const e = E * EXP_UNSCALE;
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
    const z = clampAbsV(x);
    const E = v128.and(expNegScaledV(z), f32x4.lt(z, v128.load(Z_MAX_V)));
    const e = f32x4.mul(E, unscale);
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
// mish'(0) = f32(0.6)·dy.

// @ts-ignore: decorator
@inline const XB_MAX: f32 = reinterpret<f32>(0x6C800000); // 2^90
const XB_MAX_V: usize = memory.data<f32>([XB_MAX, XB_MAX, XB_MAX, XB_MAX], 16);
const NEG_XB_MAX_V: usize = memory.data<f32>([-XB_MAX, -XB_MAX, -XB_MAX, -XB_MAX], 16);
const NEG_ONE_V: usize = memory.data<f32>([-1, -1, -1, -1], 16);

/** dx = dy·mish'(x). */
@final export class MishBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 {
    const z = clampAbs(x);
    const E: f32 = z < Z_MAX ? expNegScaled(z) : 0;
    const e = E * EXP_UNSCALE;
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
    const g = (alpha + beta * (gamma + delta * iq)) * (neg ? EXP_UNSCALE : <f32>1);
    return dy * g;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const one = v128.load(ONE_V);
    const two = v128.load(TWO_V);
    const unscale = v128.load(EXP_UNSCALE_V);
    const z = clampAbsV(x);
    const E = v128.and(expNegScaledV(z), f32x4.lt(z, v128.load(Z_MAX_V)));
    const e = f32x4.mul(E, unscale);
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
    const g = f32x4.mul(f32x4.add(alpha, f32x4.mul(beta, f32x4.add(gamma, f32x4.mul(delta, iq)))), v128.bitselect(unscale, one, neg));
    return f32x4.mul(dy, g);
  }
}
