// e^-z·2^32 for an f64 argument (geluTanh), with expneg.ts's polynomial.
import { expm1Reduced, expm1ReducedV } from "./expneg";

// e^-z·2^32 for an f64 argument z in [0, Z_MAX], the f32 result bit-identical between the scalar
// and SIMD forms (f64 arithmetic is as deterministic as f32). For arguments that f32 cannot hold
// exactly, such as geluTanh's t = x·(k0 + k1·x²), whose rounding e^-t would amplify by t (up to
// 100 ULP): the reduction r = −z − n·ln2 is done in f64 (ln2 to 53 bits, |n·ln2| < 2^7, so r is
// within 2^-45 of exact) and rounded to f32 once (2^-26 at most, as expNegScaled's own r), then
// the f32 polynomial and s = 2^(n+32) of expNegScaled. n comes from the f64 magic-number
// rounding; its low 32 bits are n + 127 + 32, the f32 exponent field of s.

// @ts-ignore: decorator
@inline const MAGIC64: f64 = 6755399441055903.0; // 1.5·2^52 + 127 + 32
// @ts-ignore: decorator
@inline const LOG2E64: f64 = 1.4426950408889634;
// @ts-ignore: decorator
@inline const NEG_LN2_64: f64 = -0.6931471805599453;
const MAGIC64_V: usize = memory.data<f64>([MAGIC64, MAGIC64], 16);
const LOG2E64_V: usize = memory.data<f64>([LOG2E64, LOG2E64], 16);
const NEG_LN2_64_V: usize = memory.data<f64>([NEG_LN2_64, NEG_LN2_64], 16);

/** e^-z·2^32, z an f64 in [0, Z_MAX] (NaN propagates; beyond Z_MAX the result is meaningless). */
// @ts-ignore: decorator
@inline export function expNegScaled64(z: f64): f32 {
  const t = MAGIC64 - z * LOG2E64;
  const s = reinterpret<f32>(<i32>reinterpret<i64>(t) << 23);
  const r = <f32>((t - MAGIC64) * NEG_LN2_64 - z);
  return s * expm1Reduced(r) + s;
}

/** Four lanes of expNegScaled64 from two f64x2 halves (lanes 0, 1 and 2, 3). */
// @ts-ignore: decorator
@inline export function expNegScaled64V(zlo: v128, zhi: v128): v128 {
  const magic = v128.load(MAGIC64_V);
  const log2e = v128.load(LOG2E64_V);
  const nln2 = v128.load(NEG_LN2_64_V);
  const tlo = f64x2.sub(magic, f64x2.mul(zlo, log2e));
  const thi = f64x2.sub(magic, f64x2.mul(zhi, log2e));
  const s = i32x4.shl(i32x4.shuffle(tlo, thi, 0, 2, 4, 6), 23);
  const rlo = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(f64x2.sub(tlo, magic), nln2), zlo));
  const rhi = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(f64x2.sub(thi, magic), nln2), zhi));
  const r = i64x2.shuffle(rlo, rhi, 0, 2);
  return f32x4.add(f32x4.mul(s, expm1ReducedV(r)), s);
}
