import { expNegIndexAt, expNegIndexAtV, expNegScale, expNegScaleV, expNegReducedAt, expNegReducedAtV, MAGIC60, MAGIC60_V, Z_MAX, Z_MAX_V } from "../math/expneg";
import { ONE_V, FLT_MAX, FLT_MAX_V, NEG_FLT_MAX_V, SIGN_V } from "../math/vconst";
import { MaybeFused, Unfused } from "../fma";
import { sigmoidNegAbs, sigmoidNegAbsV, clampAbs, clampAbsV, ABS_V } from "../math/logistic";

// swish(x) = x·σ(t), t = fl(β·x), in the direct form that rounds once per step:
//   t >= 0:  x / d,  d = 1 + e^-t
//   t <  0:  (x·e^t) / d,  d = 1 + e^t, with x multiplied by the still-scaled exponential
//            E = e^t·2^60 = s·(1 + p) by its factors, x·s + (x·s)·p (s = 2^(n+60), so x·s is
//            exact), rounding once where x·fl(E) rounds twice (the sweep at β = 1.702 found 3.03
//            ULP without it, 2.59 with it).
// Scale 2^60 (not expNegScaled's 2^32): s >= 2^-97 and s·p stay normal up to z = Z_MAX = 109,
// and x·s cannot overflow where σ has not underflowed (|t| < 109 and |β| >= 2^-60 mean
// |x| < 2^67). d = (E + 2^60)·2^-60 is formed from the scaled E, never from a subnormal e^-|t|.
// Flush: the t < 0 numerator is set to ±0 where |x·E| < 2^-66·(1 − 2^-20), i.e. where the result
// is below 2^-126 (less a margin of 2^-20, so that no result whose exact value is normal is
// flushed by the numerator's own rounding): the result is then ±0 (x's sign), the same rule as
// the JS fallback's. Every other intermediate is normal or zero for every input, so time does not
// depend on the values (x86 takes a ~100-cycle microcode assist for each subnormal operation).
// The quotient q = num/d is corrected for the rounding of D = E + 2^60 as in math/logistic.ts:
// num/(d − c') ≈ q + q·c'/d with c' = ((D − 2^60) − E)·2^-60, taking q·c' (1/d ≈ 1 over-corrects
// by at most 2×, which costs under 0.25 ULP and saves three operations), and 0 instead of it for
// |t| >= 17.5, where it is below half an ULP of q and would be a subnormal product. The correction
// goes through pmin(FLT_MAX, ·), which turns ∞·0 = NaN (x = ±∞) into a finite number, so ±∞ stays
// ±∞; elsewhere |q·c'| < FLT_MAX already.
// Beyond |t| = Z_MAX, s is set to 0 (σ has underflowed) and x is clamped to ±2^67 in the t < 0
// numerator, so that it is a zero of x's sign there: swish(−∞) = −0.
// Measured over every finite f32: see the README (bound 3 ULP). The reference is x·σ(fl(βx)).

// @ts-ignore: decorator
@inline const TWO60: f32 = reinterpret<f32>(0x5D800000); // 2^60
// @ts-ignore: decorator
@inline const TWO_M60: f32 = reinterpret<f32>(0x21800000); // 2^-60
// @ts-ignore: decorator
@inline const FLUSH_NUM: f32 = reinterpret<f32>(0x1E7FFFF0); // 2^-66·(1 − 2^-20)
// @ts-ignore: decorator
@inline const CORR_T_MAX: f32 = 17.5;
// @ts-ignore: decorator
@inline const X_MAX: f32 = reinterpret<f32>(0x61000000); // 2^67
const TWO60_V: usize = memory.data<f32>([TWO60, TWO60, TWO60, TWO60], 16);
const TWO_M60_V: usize = memory.data<f32>([TWO_M60, TWO_M60, TWO_M60, TWO_M60], 16);
const FLUSH_NUM_V: usize = memory.data<f32>([FLUSH_NUM, FLUSH_NUM, FLUSH_NUM, FLUSH_NUM], 16);
const X_MAX_V: usize = memory.data<f32>([X_MAX, X_MAX, X_MAX, X_MAX], 16);
const NEG_X_MAX_V: usize = memory.data<f32>([-X_MAX, -X_MAX, -X_MAX, -X_MAX], 16);
const CORR_T_MAX_V: usize = memory.data<f32>([CORR_T_MAX, CORR_T_MAX, CORR_T_MAX, CORR_T_MAX], 16);

/** swish(x) = x·σ(βx); a = β. */
@final export class Swish {
  // @ts-ignore: decorator
  @inline s(x: f32, beta: f32, b: f32): f32 {
    const t = beta * x;
    const z = clampAbs(t);
    const live = z < Z_MAX; // false beyond Z_MAX and for NaN
    const k = expNegIndexAt(z, MAGIC60);
    const s: f32 = live ? expNegScale(k) : 0;
    const p: f32 = live ? expNegReducedAt(z, k, MAGIC60) : 0; // (x·s)·p + x·s stays a zero of x's sign
    const E = s * p + s;
    const D = E + TWO60;
    const xs = (x < -X_MAX ? -X_MAX : (X_MAX < x ? X_MAX : x)) * s;
    const numS = xs * p + xs;
    const numNeg = numS * (abs<f32>(numS) < FLUSH_NUM ? 0 : TWO_M60); // a zero of numS's sign
    const q = (t < 0 ? numNeg : x) / (D * TWO_M60); // t = −0 (β = 0 or x = −0) divides x itself
    const cr = q * (z < CORR_T_MAX ? ((D - TWO60) - E) * TWO_M60 : 0); // +0, not −0, when dropped: −0 + q·(+0) stays −0
    return q + (cr < FLT_MAX ? cr : FLT_MAX);
  }
  // @ts-ignore: decorator
  @inline v(x: v128, beta: v128, b: v128): v128 {
    const t = f32x4.mul(beta, x);
    const z = clampAbsV(t);
    const live = f32x4.lt(z, v128.load(Z_MAX_V));
    const magic = v128.load(MAGIC60_V);
    const k = expNegIndexAtV<MaybeFused>(z, magic);
    const s = v128.and(expNegScaleV(k), live);
    const p = v128.and(expNegReducedAtV<MaybeFused>(z, k, magic), live);
    const m = changetype<MaybeFused>(0); // multiply-adds the relaxed build may fuse
    const E = m.madd(s, p, s);
    const two60 = v128.load(TWO60_V);
    const twoM60 = v128.load(TWO_M60_V);
    const D = f32x4.add(E, two60);
    const xs = f32x4.mul(f32x4.pmax(f32x4.pmin(x, v128.load(X_MAX_V)), v128.load(NEG_X_MAX_V)), s);
    const numS = m.madd(xs, p, xs);
    const tiny = f32x4.lt(v128.and(numS, v128.load(ABS_V)), v128.load(FLUSH_NUM_V));
    const numNeg = f32x4.mul(numS, v128.andnot(twoM60, tiny));
    const q = f32x4.div(v128.bitselect(numNeg, x, f32x4.lt(t, f32x4.splat(0))), f32x4.mul(D, twoM60));
    const c = v128.and(f32x4.mul(f32x4.sub(f32x4.sub(D, two60), E), twoM60), f32x4.lt(z, v128.load(CORR_T_MAX_V)));
    const cr = f32x4.mul(q, c);
    return f32x4.add(q, f32x4.pmin(v128.load(FLT_MAX_V), cr));
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


// ∂L/∂β = Σ dy·x²·σ'(βx): the op gives v = σ'(t)·2^64, t = fl(βx), and the loop (sumGrad) forms
// dy·x²·v and the sum in f64, then multiplies by 2^-64. The 2^64 keeps v normal for every t up to
// Z_MAX (σ'(t) >= e^-109 ≈ 2^-157 there; ·2^64 >= 2^-93), so the terms with |t| in (87.3, 109),
// whose σ' is subnormal in f32 but whose dy·x²·σ' is not, are kept without a subnormal operation.
// With E = e^-z·2^60 and D = E + 2^60 as in Swish: F = σ(−z)·2^64 = E/(D·2^-64), corrected for D's
// rounding as in math/logistic.ts; 1 − σ(−z) is 1 in f32 for z >= 17.5 (σ(−z) < 2^-25), and is
// formed from F·2^-64 only below that, so no product there is subnormal either. For x = ±∞ with
// β ≠ 0, v = 0 and x is clamped to ±FLT_MAX, so the term is 0; β = 0 makes t = NaN there (0·∞).

// @ts-ignore: decorator
@inline const TWO_M64: f32 = reinterpret<f32>(0x1F800000); // 2^-64
// @ts-ignore: decorator
@inline const TWO_M4: f32 = reinterpret<f32>(0x3D800000); // 2^-4
const TWO_M64_V: usize = memory.data<f32>([TWO_M64, TWO_M64, TWO_M64, TWO_M64], 16);
const TWO_M4_V: usize = memory.data<f32>([TWO_M4, TWO_M4, TWO_M4, TWO_M4], 16);

/** v(x) = σ'(βx)·2^64, for terms dy·x²·v·2^-64 (sumGrad); a = β. */
@final export class SwishBetaGrad {
  /** The factor sumGrad applies to the f64 sum of dy·x²·v. */
  // @ts-ignore: decorator
  @inline unscale(): f64 { return 5.421010862427522e-20; } // 2^-64
  // @ts-ignore: decorator
  @inline s(x: f32, beta: f32, b: f32): f32 {
    const z = clampAbs(beta * x);
    const live = z < Z_MAX;
    const k = expNegIndexAt(z, MAGIC60);
    const s: f32 = live ? expNegScale(k) : 0;
    const E = s * expNegReducedAt(z, k, MAGIC60) + s;
    const D = E + TWO60;
    const F = E / (D * TWO_M64);
    const w: f32 = z < CORR_T_MAX ? TWO_M60 : 0;
    const g: f32 = 1 - F * (w * TWO_M4);
    const Fc = F + F * (g * (((D - TWO60) - E) * w));
    return Fc * g;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, beta: v128, b: v128): v128 {
    const z = clampAbsV(f32x4.mul(beta, x));
    const live = f32x4.lt(z, v128.load(Z_MAX_V));
    const magic = v128.load(MAGIC60_V);
    const k = expNegIndexAtV<Unfused>(z, magic);
    const s = v128.and(expNegScaleV(k), live);
    const E = f32x4.add(f32x4.mul(s, expNegReducedAtV<Unfused>(z, k, magic)), s);
    const two60 = v128.load(TWO60_V);
    const D = f32x4.add(E, two60);
    const F = f32x4.div(E, f32x4.mul(D, v128.load(TWO_M64_V)));
    const w = v128.and(v128.load(TWO_M60_V), f32x4.lt(z, v128.load(CORR_T_MAX_V)));
    const g = f32x4.sub(v128.load(ONE_V), f32x4.mul(F, f32x4.mul(w, v128.load(TWO_M4_V))));
    const Fc = f32x4.add(F, f32x4.mul(F, f32x4.mul(g, f32x4.mul(f32x4.sub(f32x4.sub(D, two60), E), w))));
    return f32x4.mul(Fc, g);
  }
}
