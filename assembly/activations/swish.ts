import { expNegIndexAt, expNegIndexAtV, expNegScale, expNegScaleV, expNegReducedAt, expNegReducedAtV, expm1Reduced, expm1ReducedV, MAGIC60, MAGIC60_V, Z_MAX, Z_MAX_V } from "../math/expneg";
import { ONE_V, FLT_MAX, FLT_MAX_V, NEG_FLT_MAX_V, SIGN_V } from "../math/vconst";
import { MaybeFused, Unfused } from "../fma";
import { sigmoidNegAbs, sigmoidNegAbsV, clampAbs, clampAbsV, ABS_V } from "../math/logistic";

// swish(x) = x·σ(t), t = fl(β·x), in the direct form that rounds once per step:
//   t >= 0:  x / d,  d = 1 + e^-t
//   t <  0:  (x·e^t) / d,  d = 1 + e^t, with x multiplied by the still-scaled exponential
//            E = e^t·2^60 = s·(1 + p) by its factors, x·s + (x·s)·p (s = 2^(n+60), so x·s is
//            exact), rounding once where x·fl(E) rounds twice (the sweep at β = 1.702 found 3.03
//            ULP without it, 2.59 with it).
// Scale 2^60 (not expNegScaled's 2^32): s >= 2^-97 and s·p stay normal up to z = Z_MAX = 109.
// d = (E + 2^60)·2^-60 is formed from the scaled E, never from a subnormal e^-|t|.
// Flush: the t < 0 numerator is set to ±0 where |x·E| < 2^-66·(1 − 2^-20), i.e. where the result
// is below 2^-126 (less a margin of 2^-20, so that no result whose exact value is normal is
// flushed by the numerator's own rounding): the result is then ±0 (x's sign), the same rule as
// the JS fallback's. Every other intermediate is normal or zero for every input, so time does not
// depend on the values (x86 takes a ~100-cycle microcode assist for each subnormal operation).
// The quotient q = num/d is corrected for the rounding of D = E + 2^60 as in math/logistic.ts:
// num/(d − c') ≈ q + q·c'/d with c' = ((D − 2^60) − E)·2^-60, taking q·c' (1/d ≈ 1 over-corrects
// by at most 2×, which costs under 0.25 ULP and saves three operations), and 0 instead of it for
// |t| >= 17.5, where it is below half an ULP of q. (D − 2^60) − E is masked *before* it is scaled:
// beyond |t| = 87.3 its product with 2^-60 would be subnormal (swish took 4.7 instead of 2.4
// ns/element on [−100, −88] while it was masked after). The correction goes through
// pmin(FLT_MAX, ·), which turns ∞·0 = NaN (x = ±∞) into a finite number, so ±∞ stays ±∞.
// Range: |t| is clamped to Z_MAX and x to ±X_MAX = ±2^27 in the t < 0 numerator, which keeps x·s
// finite. For |β| >= WIDE_BELOW = 2^-20 neither clamp changes a result: a lane with |t| < 109 has
// |x| < 109·2^20 < 2^27, and a lane with |t| >= 109 has |x·e^t| <= 109·2^20·e^-109 < 2^-130, which
// the flush turns into ±0 by itself (with x clamped, 2^27·e^-109·2^60 < 2^-70 < 2^-66), so
// swish(−∞) = −0. Smaller |β| (and β = 0) take SwishWide below, whose range is every f32.
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
@inline const X_MAX: f32 = reinterpret<f32>(0x4D000000); // 2^27
const TWO60_V: usize = memory.data<f32>([TWO60, TWO60, TWO60, TWO60], 16);
const TWO_M60_V: usize = memory.data<f32>([TWO_M60, TWO_M60, TWO_M60, TWO_M60], 16);
const FLUSH_NUM_V: usize = memory.data<f32>([FLUSH_NUM, FLUSH_NUM, FLUSH_NUM, FLUSH_NUM], 16);
const X_MAX_V: usize = memory.data<f32>([X_MAX, X_MAX, X_MAX, X_MAX], 16);
const NEG_X_MAX_V: usize = memory.data<f32>([-X_MAX, -X_MAX, -X_MAX, -X_MAX], 16);
const CORR_T_MAX_V: usize = memory.data<f32>([CORR_T_MAX, CORR_T_MAX, CORR_T_MAX, CORR_T_MAX], 16);

/** swish(x) = x·σ(βx) for |β| >= 2^-20 (smaller: SwishWide); a = β. */
@final export class Swish {
  // @ts-ignore: decorator
  @inline s(x: f32, beta: f32, b: f32): f32 {
    const t = beta * x;
    const z = clampAbs(t);
    const k = expNegIndexAt(z, MAGIC60);
    const s = expNegScale(k);
    const p = expNegReducedAt(z, k, MAGIC60);
    const E = s * p + s;
    const D = E + TWO60;
    const xs = (x < -X_MAX ? -X_MAX : (X_MAX < x ? X_MAX : x)) * s;
    const numS = xs * p + xs;
    // The multiplier 2^-60, or 0 to flush, by an integer mask: V8 compiles a float select to a
    // branch, which mispredicts where flushed and kept lanes mix (swish 1.10–1.2× its u20 time on
    // [−100, −88] on the scalar build; now 1.03×). NaN fails the >= and is multiplied by 0: NaN.
    const flush = <u32>(abs<f32>(numS) >= FLUSH_NUM) - 1; // all ones to flush, 0 to keep
    const numNeg = numS * reinterpret<f32>(reinterpret<u32>(TWO_M60) & ~flush); // a zero of numS's sign
    const q = (t < 0 ? numNeg : x) / (D * TWO_M60); // t = −0 (x = −0) divides x itself
    const cr = q * ((z < CORR_T_MAX ? (D - TWO60) - E : 0) * TWO_M60); // +0, not −0, when dropped: −0 + q·(+0) stays −0
    return q + (cr < FLT_MAX ? cr : FLT_MAX);
  }
  // @ts-ignore: decorator
  @inline v(x: v128, beta: v128, b: v128): v128 {
    const t = f32x4.mul(beta, x);
    const z = clampAbsV(t);
    const magic = v128.load(MAGIC60_V);
    const k = expNegIndexAtV<MaybeFused>(z, magic);
    const s = expNegScaleV(k);
    const p = expNegReducedAtV<MaybeFused>(z, k, magic);
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
    const c = f32x4.mul(v128.and(f32x4.sub(f32x4.sub(D, two60), E), f32x4.lt(z, v128.load(CORR_T_MAX_V))), twoM60);
    return f32x4.add(q, f32x4.pmin(v128.load(FLT_MAX_V), f32x4.mul(q, c)));
  }
}

// SwishWide: swish for |β| < 2^-20, where |x| up to FLT_MAX meets |t| < 109 and x·e^t can be a
// normal number for |t| up to 176 (FLT_MAX·e^-176 ≈ 2^-126), beyond the f32 scales of Swish. The
// exponential and the quotient are formed in f64: z = min(|t|, Z_WIDE = 180) (FLT_MAX·e^-180 is
// below the flush), n = round(−z·log2 e) from the f64 magic number 1.5·2^52 + 1023, whose low
// bits shifted by 52 are 2^n; r = −z − n·ln2 in f64 (within 2^-45), rounded to f32 for the f32
// polynomial (2^-26 relative), e = 2^n·(1 + p) and the quotient in f64, then rounded to f32 once:
// within about 0.6 ULP. t = NaN (β = 0, x = ±∞) is taken as 0, so that swish(±∞, 0) = ±∞ = x/2,
// the limit; a NaN x stays NaN. The t < 0 numerator x·e (x clamped to ±FLT_MAX, so x = −∞ gives
// a finite product) is flushed to ±0 below SWISH_FLUSH = 2^-126·(1 − 2^-20), as in Swish.

// @ts-ignore: decorator
@inline const Z_WIDE: f32 = 180;
// @ts-ignore: decorator
@inline const MAGIC64W: f64 = 6755399441056767.0; // 1.5·2^52 + 1023
// @ts-ignore: decorator
@inline const LOG2E64: f64 = 1.4426950408889634;
// @ts-ignore: decorator
@inline const NEG_LN2_64: f64 = -0.6931471805599453;
// @ts-ignore: decorator
@inline const FLUSH64: f64 = 1.1754942106924411e-38 * (1 - 9.5367431640625e-7); // 2^-126·(1 − 2^-20)
// @ts-ignore: decorator
@inline const FLT_MAX64: f64 = 3.4028234663852886e38;
const Z_WIDE_V: usize = memory.data<f32>([Z_WIDE, Z_WIDE, Z_WIDE, Z_WIDE], 16);
const MAGIC64W_V: usize = memory.data<f64>([MAGIC64W, MAGIC64W], 16);
const LOG2E64_V: usize = memory.data<f64>([LOG2E64, LOG2E64], 16);
const NEG_LN2_64_V: usize = memory.data<f64>([NEG_LN2_64, NEG_LN2_64], 16);
const FLUSH64_V: usize = memory.data<f64>([FLUSH64, FLUSH64], 16);
const ONE64_V: usize = memory.data<f64>([1, 1], 16);
const ABS64_V: usize = memory.data<u64>([0x7FFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF], 16);

/** Two lanes of SwishWide's f64 steps after the polynomial: x, e = e^-|t|, the t < 0 mask. */
// @ts-ignore: decorator
@inline function swishWideHalf(x: v128, xc: v128, s: v128, p: v128, neg: v128): v128 {
  const one = v128.load(ONE64_V);
  const e = f64x2.add(f64x2.mul(s, p), s);
  const d = f64x2.add(one, e);
  const xe = f64x2.mul(xc, e);
  const kept = f64x2.mul(xe, v128.andnot(one, f64x2.lt(v128.and(xe, v128.load(ABS64_V)), v128.load(FLUSH64_V))));
  return f64x2.div(v128.bitselect(kept, x, neg), d);
}

// The wide forms are functions of their own, not inlined: they run only for small |β|, and an
// inlined copy in every unrolled loop of swish, swiglu, swigluBackward and biasSwish would only
// make the module larger (8.5 KB of the simd build).
function swishWide(x: f32, beta: f32): f32 {
  const t0 = beta * x;
  const t: f32 = t0 != t0 ? 0 : t0;
  const za = abs<f32>(t);
  const z = <f64>(Z_WIDE < za ? Z_WIDE : za);
  const k = MAGIC64W - z * LOG2E64;
  const s = reinterpret<f64>(reinterpret<i64>(k) << 52);
  const p = <f64>expm1Reduced(<f32>((k - MAGIC64W) * NEG_LN2_64 - z));
  const e = s * p + s;
  const d = 1 + e;
  const xc = <f64>(x < -FLT_MAX ? -FLT_MAX : (FLT_MAX < x ? FLT_MAX : x));
  const xe = xc * e;
  const kept = xe * (abs<f64>(xe) < FLUSH64 ? 0 : 1);
  return <f32>((t < 0 ? kept : <f64>x) / d);
}
function swishWideV(x: v128, beta: v128): v128 {
  const t0 = f32x4.mul(beta, x);
  const t = v128.and(t0, f32x4.eq(t0, t0));
  const z = f32x4.pmin(v128.and(t, v128.load(ABS_V)), v128.load(Z_WIDE_V));
  const zlo = f64x2.promote_low_f32x4(z);
  const zhi = f64x2.promote_low_f32x4(i64x2.shuffle(z, z, 1, 1));
  const magic = v128.load(MAGIC64W_V);
  const log2e = v128.load(LOG2E64_V);
  const nln2 = v128.load(NEG_LN2_64_V);
  const klo = f64x2.sub(magic, f64x2.mul(zlo, log2e));
  const khi = f64x2.sub(magic, f64x2.mul(zhi, log2e));
  const rlo = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(f64x2.sub(klo, magic), nln2), zlo));
  const rhi = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(f64x2.sub(khi, magic), nln2), zhi));
  const p = expm1ReducedV(i64x2.shuffle(rlo, rhi, 0, 2));
  const neg = f32x4.lt(t, f32x4.splat(0));
  const xc = f32x4.pmax(f32x4.pmin(x, v128.load(FLT_MAX_V)), v128.load(NEG_FLT_MAX_V));
  const xh = i64x2.shuffle(x, x, 1, 1);
  const xch = i64x2.shuffle(xc, xc, 1, 1);
  const lo = swishWideHalf(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(xc), i64x2.shl(klo, 52),
    f64x2.promote_low_f32x4(p), i64x2.extend_low_i32x4_s(neg));
  const hi = swishWideHalf(f64x2.promote_low_f32x4(xh), f64x2.promote_low_f32x4(xch), i64x2.shl(khi, 52),
    f64x2.promote_low_f32x4(i64x2.shuffle(p, p, 1, 1)), i64x2.extend_high_i32x4_s(neg));
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** swish(x) = x·σ(βx) for every f32 x, in f64 (slower: for |β| < 2^-20 and β = 0); a = β. */
@final export class SwishWide {
  // @ts-ignore: decorator
  @inline s(x: f32, beta: f32, b: f32): f32 { return swishWide(x, beta); }
  // @ts-ignore: decorator
  @inline v(x: v128, beta: v128, b: v128): v128 { return swishWideV(x, beta); }
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
