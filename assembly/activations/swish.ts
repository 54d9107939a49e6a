import { expNegIndex, expNegIndexV, expNegScale, expNegScaleV, expNegReduced, expNegReducedV, EXP_UNSCALE, Z_MAX, Z_MAX_V, EXP_UNSCALE_V } from "../math/expneg";
import { ONE_V, FLT_MAX, FLT_MAX_V, NEG_FLT_MAX_V, SIGN_V } from "../math/vconst";
import { sigmoidNegAbs, sigmoidNegAbsV, clampAbs, clampAbsV } from "./sigmoid";

// swish(x) = x·σ(t), t = fl(β·x), in the direct form that rounds once per step:
//   t >= 0:  x / (1 + e^-t)
//   t <  0:  (x·e^t) / (1 + e^t), with x multiplied by the still-scaled exponential E = e^t·2^32
//            before unscaling, so x·e^t stays exact where e^t alone would be subnormal; and by
//            its factors, x·E = x·s + (x·s)·p (s = 2^(n+32), so x·s is exact), rounding once
//            where x·fl(E) rounds twice. The sweep at β = 1.702 found 3.03 ULP (x = −3.1079)
//            without it, 2.59 with it (2.94 → 2.50 at β = 1), for three more operations.
// The quotient q = num/d is corrected for the rounding of d = fl(1 + e) as in sigmoid:
// num/(d − c) ≈ q + q·c/d, c = (d − 1) − e, taking q·c (1/d ≈ 1 over-corrects by at most 2×,
// which costs under 0.25 ULP and saves three operations). TINY = 2^-60 is added to c so that
// where c = 0 and q = ±∞ (x = ±∞) the correction is ±∞, not ∞·0 = NaN; elsewhere it changes
// q by 2^-60 relative at most, far below its last place. (Not 2^-126: q·2^-126 is subnormal,
// and x86 takes a ~100-cycle assist for every subnormal product: 3.1 instead of 1.6 ns/element.)
// Beyond |t| = Z_MAX, e is set to 0 (σ has underflowed), and x is clamped to ±2^95 in the t < 0
// numerator, so swish(−∞) = −0 and x·E cannot overflow (|x|·2^32 < 2^128).
// Measured over every finite f32: see the README (bound 3 ULP). The reference is x·σ(fl(βx)).

// @ts-ignore: decorator
@inline const TINY: f32 = reinterpret<f32>(0x21800000); // 2^-60
// @ts-ignore: decorator
@inline const X_MAX: f32 = reinterpret<f32>(0x6F000000); // 2^95
const TINY_V: usize = memory.data<f32>([TINY, TINY, TINY, TINY], 16);
const X_MAX_V: usize = memory.data<f32>([X_MAX, X_MAX, X_MAX, X_MAX], 16);
const NEG_X_MAX_V: usize = memory.data<f32>([-X_MAX, -X_MAX, -X_MAX, -X_MAX], 16);

/** swish(x) = x·σ(βx); a = β. */
@final export class Swish {
  // @ts-ignore: decorator
  @inline s(x: f32, beta: f32, b: f32): f32 {
    const t = beta * x;
    const z = clampAbs(t);
    // Beyond Z_MAX (and for NaN) s = p = 0, so E = 0 and x·s·(1 + p) is a zero of x's sign.
    const live = z < Z_MAX;
    const k = expNegIndex(z);
    const s: f32 = live ? expNegScale(k) : 0;
    const p: f32 = live ? expNegReduced(z, k) : 0;
    const E = s * p + s;
    const e = E * EXP_UNSCALE;
    const d = e + 1;
    const xs = min<f32>(max<f32>(x, -X_MAX), X_MAX) * s;
    const numNeg = (xs * p + xs) * EXP_UNSCALE;
    const q = (t < 0 ? numNeg : x) / d;
    const c = (d - 1) - e;
    return q + q * (c + TINY);
  }
  // @ts-ignore: decorator
  @inline v(x: v128, beta: v128, b: v128): v128 {
    const one = v128.load(ONE_V);
    const t = f32x4.mul(beta, x);
    const z = clampAbsV(t);
    const live = f32x4.lt(z, v128.load(Z_MAX_V));
    const k = expNegIndexV(z);
    const s = v128.and(expNegScaleV(k), live);
    const p = v128.and(expNegReducedV(z, k), live);
    const E = f32x4.add(f32x4.mul(s, p), s);
    const e = f32x4.mul(E, v128.load(EXP_UNSCALE_V));
    const d = f32x4.add(e, one);
    const xs = f32x4.mul(f32x4.pmax(f32x4.pmin(x, v128.load(X_MAX_V)), v128.load(NEG_X_MAX_V)), s);
    const numNeg = f32x4.mul(f32x4.add(f32x4.mul(xs, p), xs), v128.load(EXP_UNSCALE_V));
    const q = f32x4.div(v128.bitselect(numNeg, x, f32x4.lt(t, f32x4.splat(0))), d);
    const c = f32x4.sub(f32x4.sub(d, one), e);
    return f32x4.add(q, f32x4.mul(q, f32x4.add(c, v128.load(TINY_V))));
  }
}

// swish'(x) = σ(t) + t·σ(t)·(1 − σ(t)) = s·(1 + t·(1 − s)), s = σ(t), with t clamped to ±Z_MAX
// inside the bracket (the factor s is already 0 or 1 there), so t = ±∞ gives dy·1 and −0·dy.

/** dx = dy·swish'(x); a = β. */
@final export class SwishBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, beta: f32, b: f32): f32 {
    const t = beta * x;
    const z = clampAbs(t);
    const f: f32 = sigmoidNegAbs(z);
    const g: f32 = 1 - f;
    const neg = t < 0;
    const sig: f32 = neg ? f : g;
    return dy * (sig * (<f32>1 + copysign<f32>(z, t) * (neg ? g : f)));
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, beta: v128, b: v128): v128 {
    const t = f32x4.mul(beta, x);
    const z = clampAbsV(t);
    const f = sigmoidNegAbsV(z);
    const one = v128.load(ONE_V);
    const g = f32x4.sub(one, f);
    const neg = f32x4.lt(t, f32x4.splat(0));
    const tc = v128.or(z, v128.and(t, v128.load(SIGN_V)));
    const inner = f32x4.add(one, f32x4.mul(tc, v128.bitselect(g, f, neg)));
    return f32x4.mul(dy, f32x4.mul(v128.bitselect(f, g, neg), inner));
  }
}


/** w(x) = x·σ'(βx) = x·f·(1 − f), the factor of ∂L/∂β = Σ dy·x·w(x) (the loop multiplies by dy
 * and x in f64). For x = ±∞ with β ≠ 0, f = 0 and x is clamped to ±FLT_MAX, so w = 0; β = 0 makes
 * t = NaN there (0·∞), as in float arithmetic. */
@final export class SwishBetaGrad {
  // @ts-ignore: decorator
  @inline s(x: f32, beta: f32, b: f32): f32 {
    const f = sigmoidNegAbs(clampAbs(beta * x));
    const xc = FLT_MAX < x ? FLT_MAX : (x < -FLT_MAX ? -FLT_MAX : x);
    return xc * (f * (1 - f));
  }
  // @ts-ignore: decorator
  @inline v(x: v128, beta: v128, b: v128): v128 {
    const f = sigmoidNegAbsV(clampAbsV(f32x4.mul(beta, x)));
    const xc = f32x4.pmax(f32x4.pmin(x, v128.load(FLT_MAX_V)), v128.load(NEG_FLT_MAX_V));
    return f32x4.mul(xc, f32x4.mul(f, f32x4.sub(v128.load(ONE_V), f)));
  }
}
