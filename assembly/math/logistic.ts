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
// sigmoidOf(x) divides a selected numerator instead of forming 1 − σ(−|x|) after the quotient:
//   num = x < 0 ? E : 2^32,  σ(x) = num/D  (+ the same correction, which is exact for both: the
// true quotient is num/(D − c) either way); num = pmax(E, 0 or 2^32 by x's sign bit), which is E
// for x < 0 (E >= 0) and 2^32 for x >= 0 (E <= 2^32), a NaN E staying NaN (pmax keeps its first
// operand unless the second is larger). Measured over every f32 sampled with stride 13: 1.91 ULP
// for x < 0 and 1.37 for x >= 0 (1/D·(1 + c/D) with 1/d ≈ 1 over-corrects by d at most, within
// the bound), against 1.91 and 1.19 for 1 − σ(−x).
import { expNegFlushed, expNegFlushedMV, Z_MAX, Z_MAX_V } from "./expneg";
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

/** σ(x) = 1/(1 + e^-x): ≤ 2 ULP, 0 for x < −Z_LAST, NaN for NaN. */
// @ts-ignore: decorator
@inline export function sigmoidOf(x: f32): f32 {
  const z = abs<f32>(x);
  const E = expNegFlushed(z);
  const D = E + TWO32;
  const q = (reinterpret<i32>(x) < 0 ? E : TWO32) / D;
  // 2^32/D ≈ 1 in the correction (q = num/D either way): over-corrects by at most 2×.
  return q + q * roundingOfD(E, D, z);
}

/** Four lanes of sigmoidOf, bit-identical to the scalar form (in the relaxed build its
 * multiply-adds may fuse: the one kernel here that differs there). */
// @ts-ignore: decorator
@inline export function sigmoidOfV(x: v128): v128 {
  const z = v128.and(x, v128.load(ABS_V));
  const E = expNegFlushedMV<MaybeFused>(z);
  const two32 = v128.load(TWO32_V);
  const D = f32x4.add(E, two32);
  const q = f32x4.div(f32x4.pmax(E, v128.andnot(two32, i32x4.shr_s(x, 31))), D);
  return changetype<MaybeFused>(0).madd(q, roundingOfDV(E, D, z), q);
}

/** |t| clamped to Z_MAX (pmin: a NaN stays NaN), for kernels that need the bound themselves. */
// @ts-ignore: decorator
@inline export function clampAbs(x: f32): f32 { const z = abs<f32>(x); return Z_MAX < z ? Z_MAX : z; }
// @ts-ignore: decorator
@inline export function clampAbsV(x: v128): v128 { return f32x4.pmin(v128.and(x, v128.load(ABS_V)), v128.load(Z_MAX_V)); }
