// The logistic function σ, the core of sigmoid, swish's gradients, softplus', tanh's and geluTanh's
// tails: σ(−z) for z = |t| (sigmoidNegAbs) and σ(x) itself (sigmoidOf), with no subnormal number
// anywhere for an input whose result is a normal number.
//
// With E = e^-z·2^32 (expNegScaled, K = 32), σ(−z) = e/(1 + e) = E/D, D = E + 2^32: the scale cancels
// in the quotient, so no unscaling multiply is needed and no intermediate is subnormal while
// σ(−z) >= 2^-126 (E >= 2^-94). D rounds: c = (D − 2^32) − E is exactly minus its rounding error
// (Fast2Sum: E <= 2^32), and E/(D − c) = f·(1 + c/D) to first order, so
//   σ(−z) = f + f·(g·(c·2^-32)),  f = E/D, g = 1 − f ≈ 2^32/D.
// The correction is a product of size ~e², which is subnormal once z > 43.7 (x86 then takes a
// ~100-cycle microcode assist per operation: 3.1 instead of 1.6 ns/element measured on [−60, −44]).
// It cannot change the rounded result once |c/D| < 2^-25, i.e. for z >= 17.33 (then D = 2^32 and
// c = −E, so |g·c·2^-32| <= e < 2^-25, below half an ULP of f): the factor 2^-32 is replaced by 0
// for z >= CORR_Z_MAX = 17.5, which keeps the result bit for bit and every product normal.
// Without the correction sigmoid measures 2.37 ULP (x < 0, sampled), with it 1.97 (exhaustive).
//
// Flush: σ(−z) is returned as 0 for z > Z_LAST = 87.3365402, the last f32 whose exact σ(−z) is a
// normal number (found against the float64 reference; e^-z's last is the same f32): the flush
// depends on the input alone, and the same threshold is applied by the JS fallback. E comes from
// expNegFlushed (math/expneg.ts), which clamps z to Z_LAST first, so that lanes beyond it compute
// a normal E (then discarded) rather than subnormal or garbage intermediates.
//
// sigmoidOf(x) takes the signed form instead, which needs neither |x| nor a numerator select:
//   E = e^-x (x clamped to [−Z_LAST, SIG_X_HI = 17.5]: E in [2.5·10^-8, 2^126], normal, and so
//   is every intermediate; σ(17.5) rounds to 1, as σ does for every larger x), D = 1 + E, q = 1/D,
// and the same correction for D's rounding, with the exact residual c = (E − D) + 1 (E − D is
// exact by Sterbenz for E >= 1/2, i.e. x <= 0.69; above, c is that residual rounded to a multiple
// of 2^-24, which never corrects further from the exact quotient than not correcting at all):
//   σ = q − q·(c·q).
// For x < −20 the term c·q is replaced by 0: there D rounds to E (c = 1, the lost 1, below half
// an ULP of the result) and q·(c·q) ≈ q² would be subnormal once x < −43.7. The exponential is
// e^r − 1 in Estrin's scheme (expm1ReducedEstrin): the loop is bound by the latency of its
// chains, and this form takes 0.90–0.92 of the |x| form's time at 64K–1M (194 against 217
// instructions per 16 elements in V8's x64 code, 29 against 39 of them spills). Flush: 0 for x < −Z_LAST, as above,
// by a numerator of 0: at the clamp, 1/D is within rounding of 2^-126 and could be subnormal.
import { expNegArgAt, expNegArgAtV, expNegFlushed, expNegFlushedMV, expNegIndexAt, expNegIndexAtV, expNegScale, expNegScaleV, expm1ReducedEstrin, expm1ReducedEstrinMV, Z_LAST, Z_LAST_V, Z_MAX, Z_MAX_V } from "./expneg";
import { ONE_V } from "./vconst";
import { MaybeFused, Unfused } from "../fma";

// @ts-ignore: decorator
@inline const CORR_Z_MAX: f32 = 17.5; // from here on the correction is below half an ULP
// @ts-ignore: decorator
@inline const TWO32: f32 = reinterpret<f32>(0x4F800000); // 2^32, the scale of expNegScaled
// @ts-ignore: decorator
@inline const TWO_M32: f32 = reinterpret<f32>(0x2F800000); // 2^-32
// @ts-ignore: decorator
@inline const ABS_MASK: u32 = 0x7FFFFFFF;
const CORR_Z_MAX_V: usize = memory.data<f32>([CORR_Z_MAX, CORR_Z_MAX, CORR_Z_MAX, CORR_Z_MAX], 16);
const TWO32_V: usize = memory.data<f32>([TWO32, TWO32, TWO32, TWO32], 16);
const TWO_M32_V: usize = memory.data<f32>([TWO_M32, TWO_M32, TWO_M32, TWO_M32], 16);
export const ABS_V: usize = memory.data<u32>([ABS_MASK, ABS_MASK, ABS_MASK, ABS_MASK], 16);


/** c/D ≈ (c·2^-32)·(2^32/D): c = (D − 2^32) − E, times 2^-32, or 0 where z >= CORR_Z_MAX. */
// @ts-ignore: decorator
@inline function roundingOfD(E: f32, D: f32, z: f32): f32 {
  const w: f32 = z < CORR_Z_MAX ? TWO_M32 : 0;
  return ((D - TWO32) - E) * w;
}
// @ts-ignore: decorator
@inline function roundingOfDV(E: v128, D: v128, z: v128): v128 {
  const w = v128.and(v128.load(TWO_M32_V), f32x4.lt(z, v128.load(CORR_Z_MAX_V)));
  return f32x4.mul(f32x4.sub(f32x4.sub(D, v128.load(TWO32_V)), E), w);
}

/** σ(−z) for z >= 0 (NaN propagates): ≤ 2 ULP, 0 for z > Z_LAST. */
// @ts-ignore: decorator
@inline export function sigmoidNegAbs(z: f32): f32 {
  const E = expNegFlushed(z);
  const D = E + TWO32;
  const f = E / D;
  return f + f * ((1 - f) * roundingOfD(E, D, z));
}

/** Four lanes of sigmoidNegAbs, bit-identical to the scalar form. */
// @ts-ignore: decorator
@inline export function sigmoidNegAbsV(z: v128): v128 {
  const E = expNegFlushedMV<Unfused>(z);
  const D = f32x4.add(E, v128.load(TWO32_V));
  const f = f32x4.div(E, D);
  return f32x4.add(f, f32x4.mul(f, f32x4.mul(f32x4.sub(v128.load(ONE_V), f), roundingOfDV(E, D, z))));
}

// @ts-ignore: decorator
@inline const SIG_X_HI: f32 = 17.5; // σ(x) rounds to 1 from here on
// @ts-ignore: decorator
@inline const SIG_CORR_X_MIN: f32 = -20; // below, the correction is dropped (see above)
// @ts-ignore: decorator
@inline const MAGIC_UNSCALED: f32 = reinterpret<f32>(0x4B40007F); // 1.5·2^23 + 127: s = 2^n
const NEG_Z_LAST_V: usize = memory.data<f32>([-Z_LAST, -Z_LAST, -Z_LAST, -Z_LAST], 16);
const SIG_X_HI_V: usize = memory.data<f32>([SIG_X_HI, SIG_X_HI, SIG_X_HI, SIG_X_HI], 16);
const SIG_CORR_X_MIN_V: usize = memory.data<f32>([SIG_CORR_X_MIN, SIG_CORR_X_MIN, SIG_CORR_X_MIN, SIG_CORR_X_MIN], 16);
const MAGIC_UNSCALED_V: usize = memory.data<f32>([MAGIC_UNSCALED, MAGIC_UNSCALED, MAGIC_UNSCALED, MAGIC_UNSCALED], 16);

/** σ(x) = 1/(1 + e^-x): ≤ 2 ULP, 0 for x < −Z_LAST, NaN for NaN. */
// @ts-ignore: decorator
@inline export function sigmoidOf(x: f32): f32 {
  const lo = x < -Z_LAST ? -Z_LAST : x; // pmax, pmin: a NaN x stays NaN
  const xc = SIG_X_HI < lo ? SIG_X_HI : lo;
  const k = expNegIndexAt(xc, MAGIC_UNSCALED);
  const s = expNegScale(k);
  const E = s * expm1ReducedEstrin(expNegArgAt(xc, k, MAGIC_UNSCALED)) + s;
  const D = E + 1;
  const num: f32 = x < -Z_LAST ? 0 : 1;
  const q = num / D; // flushed by its numerator: 0/D, never a subnormal quotient
  const cq: f32 = x < SIG_CORR_X_MIN ? 0 : ((E - D) + 1) * q;
  return q - q * cq;
}

/** Four lanes of sigmoidOf, bit-identical to the scalar form (in the relaxed build its
 * multiply-adds may fuse: the one kernel here that differs there, with swish). */
// @ts-ignore: decorator
@inline export function sigmoidOfV(x: v128): v128 {
  const m = changetype<MaybeFused>(0);
  const negZLast = v128.load(NEG_Z_LAST_V);
  const xc = f32x4.pmin(f32x4.pmax(x, negZLast), v128.load(SIG_X_HI_V));
  const magic = v128.load(MAGIC_UNSCALED_V);
  const k = expNegIndexAtV<MaybeFused>(xc, magic);
  const s = expNegScaleV(k);
  const E = m.madd(s, expm1ReducedEstrinMV<MaybeFused>(expNegArgAtV<MaybeFused>(xc, k, magic)), s);
  const one = v128.load(ONE_V);
  const D = f32x4.add(E, one);
  const q = f32x4.div(v128.andnot(one, f32x4.lt(x, negZLast)), D);
  let cq = f32x4.mul(f32x4.add(f32x4.sub(E, D), one), q);
  // The relaxed build keeps c·q below −20 (7% faster): its nmadd fuses on FMA hardware, where
  // q − q·(c·q) forms no subnormal product; either way the result is q there, as with the mask
  // (q·(c·q) = q² < 2^-28·q), only slower on x < −43.7 where it is lowered unfused (x64 without FMA3).
  if (!ASC_FEATURE_RELAXED_SIMD) cq = v128.andnot(cq, f32x4.lt(x, v128.load(SIG_CORR_X_MIN_V)));
  return m.nmadd(q, cq, q);
}

/** |t| clamped to Z_MAX (pmin: a NaN stays NaN), for kernels that need the bound themselves. */
// @ts-ignore: decorator
@inline export function clampAbs(x: f32): f32 { const z = abs<f32>(x); return Z_MAX < z ? Z_MAX : z; }
// @ts-ignore: decorator
@inline export function clampAbsV(x: v128): v128 { return f32x4.pmin(v128.and(x, v128.load(ABS_V)), v128.load(Z_MAX_V)); }
