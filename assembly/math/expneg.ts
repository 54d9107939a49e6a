// The scaled exponential e^-z·2^32 that sigmoid, swish and most of the family are built on, and
// the pieces of it (reduction constants, the e^r − 1 polynomial) that the other exponentials share.
//
// expNegScaled(z) returns E = e^-z · 2^32 for z in [0, Z_MAX]; callers multiply by 2^-32
// (EXP_UNSCALE) at the very end. The extra 2^32 keeps E normal where e^-z itself is
// subnormal, so results in or near the subnormal range are rounded once instead of being
// flushed or rounded twice (WebAssembly never flushes subnormals).
//
// Algorithm (no hardware exp in WebAssembly):
//   n = round(-z·log2 e), by adding a magic bias 1.5·2^23 that also carries the exponent
//       bias 127 and the extra 32, so the low bits of the sum, shifted left by 23, are the
//       bits of s = 2^(n+32);
//   r = -z - n·ln2 in two steps (ln2 = hi + lo, hi with 9 trailing zero bits, so n·hi is
//       exact for |n| < 512), |r| <= ~0.35;
//   e^r - 1 = r + r²·u(r), u of degree 4: a minimax fit of relative error over
//       |r| <= ln2/2 (scripts/fit-exp.py), 0.084·2^-24 with the coefficients rounded to f32, so
//       the polynomial is far below the rounding errors of its evaluation;
//   E = s·(e^r - 1) + s.
// Every step is a plain f32 operation in the scalar and simd builds, which therefore return
// bit-identical results. The ...MV<M> forms take their a·b + c steps from M (fma.ts): with
// MaybeFused the relaxed build lets the engine fuse them, so that k's rounding, the second
// reduction step, the polynomial and E round once instead of twice (n·ln2_hi stays a separate
// exact product); the plain ...V forms are Unfused in every build.
//
// Vector constants are read from memory (`splatted`, four copies in a data segment) rather than
// written as v128.const: V8 rebuilds an inline v128.const on every loop iteration, and Binaryen
// folds constants hoisted into locals back into the loop; a load is one cheap instruction
// (measured 1.69 vs 2.07 ns/element for sigmoid).

// Each vector constant is `const NAME_V: usize = memory.data<f32>([c, c, c, c], 16)`, read with
// v128.load(NAME_V).

import { Unfused } from "../fma";

// @ts-ignore: decorator
@inline export const Z_MAX: f32 = 109.0; // n+32 >= -125 keeps s normal; e^-109 < 2^-150 rounds to 0
// @ts-ignore: decorator
@inline export const LOG2E: f32 = reinterpret<f32>(0x3FB8AA3B);
// @ts-ignore: decorator
@inline export const MAGIC: f32 = reinterpret<f32>(0x4B40009F); // 1.5·2^23 + 127 + 32
// @ts-ignore: decorator
@inline export const NEG_LN2_HI: f32 = reinterpret<f32>(0xBF317200);
// @ts-ignore: decorator
@inline export const LN2_LO: f32 = reinterpret<f32>(0x35BFBE8E);
// @ts-ignore: decorator
@inline const A5: f32 = reinterpret<f32>(0x3AB5DF5A); // 1.38757680e-3
// @ts-ignore: decorator
@inline const A4: f32 = reinterpret<f32>(0x3C092E68); // 8.37288052e-3
// @ts-ignore: decorator
@inline const A3: f32 = reinterpret<f32>(0x3D2AABBC); // 4.16676849e-2
// @ts-ignore: decorator
@inline const A2: f32 = reinterpret<f32>(0x3E2AAA2C); // 1.66664779e-1
// @ts-ignore: decorator
@inline const A1: f32 = reinterpret<f32>(0x3EFFFFFE); // 4.99999940e-1
// @ts-ignore: decorator
@inline export const EXP_UNSCALE: f32 = reinterpret<f32>(0x2F800000); // 2^-32

export const MAGIC_V: usize = memory.data<f32>([MAGIC, MAGIC, MAGIC, MAGIC], 16);
export const LOG2E_V: usize = memory.data<f32>([LOG2E, LOG2E, LOG2E, LOG2E], 16);
export const NEG_LN2_HI_V: usize = memory.data<f32>([NEG_LN2_HI, NEG_LN2_HI, NEG_LN2_HI, NEG_LN2_HI], 16);
export const LN2_LO_V: usize = memory.data<f32>([LN2_LO, LN2_LO, LN2_LO, LN2_LO], 16);
const A5_V: usize = memory.data<f32>([A5, A5, A5, A5], 16);
const A4_V: usize = memory.data<f32>([A4, A4, A4, A4], 16);
const A3_V: usize = memory.data<f32>([A3, A3, A3, A3], 16);
const A2_V: usize = memory.data<f32>([A2, A2, A2, A2], 16);
const A1_V: usize = memory.data<f32>([A1, A1, A1, A1], 16);
export const Z_MAX_V: usize = memory.data<f32>([Z_MAX, Z_MAX, Z_MAX, Z_MAX], 16);
export const EXP_UNSCALE_V: usize = memory.data<f32>([EXP_UNSCALE, EXP_UNSCALE, EXP_UNSCALE, EXP_UNSCALE], 16);

/** e^r − 1 for |r| <= ~0.35, as r + r²·u(r): the polynomial both exponentials share. */
// @ts-ignore: decorator
@inline export function expm1Reduced(r: f32): f32 {
  let u = A5 * r + A4;
  u = u * r + A3;
  u = u * r + A2;
  u = u * r + A1;
  return (r * r) * u + r;
}

// @ts-ignore: decorator
@inline export function expm1ReducedV(r: v128): v128 { return expm1ReducedMV<Unfused>(r); }
/** expm1ReducedV with its multiply-adds from M (fma.ts: Unfused or MaybeFused). */
// @ts-ignore: decorator
@inline export function expm1ReducedMV<M>(r: v128): v128 {
  const m = changetype<M>(0);
  let u = m.madd(v128.load(A5_V), r, v128.load(A4_V));
  u = m.madd(u, r, v128.load(A3_V));
  u = m.madd(u, r, v128.load(A2_V));
  u = m.madd(u, r, v128.load(A1_V));
  return m.madd(f32x4.mul(r, r), u, r);
}

/**
 * The same polynomial in Estrin's scheme: u = (A1 + A2·r) + r²·((A5·r + A4)·r + A3), the same
 * operations as Horner's (r² is needed anyway) in three dependent steps instead of four, for
 * sigmoid, whose loop is bound by the latency of its chains. It rounds differently from
 * expm1Reduced, so kernels built on one are not bit-identical to kernels built on the other.
 */
// @ts-ignore: decorator
@inline export function expm1ReducedEstrin(r: f32): f32 {
  const r2 = r * r;
  const lo = A2 * r + A1;
  const hi = (A5 * r + A4) * r + A3;
  return r2 * (hi * r2 + lo) + r;
}
/** Four lanes of expm1ReducedEstrin, multiply-adds from M (Unfused: bit-identical to the scalar form). */
// @ts-ignore: decorator
@inline export function expm1ReducedEstrinMV<M>(r: v128): v128 {
  const m = changetype<M>(0);
  const r2 = f32x4.mul(r, r);
  const lo = m.madd(v128.load(A2_V), r, v128.load(A1_V));
  const hi = m.madd(m.madd(v128.load(A5_V), r, v128.load(A4_V)), r, v128.load(A3_V));
  return m.madd(r2, m.madd(hi, r2, lo), r);
}

// expNegScaled in its two factors, for callers that multiply E by x before rounding it
// (swish): E = s·(1 + p), with s = 2^(n+32) exact and p = e^r − 1. x·s is then exact and
// x·s·(1 + p) = x·s + (x·s)·p rounds once, where x·fl(s·p + s) rounds twice.
//   k = expNegIndex(z), s = expNegScale(k), p = expNegReduced(z, k).

/** The magic sum whose low bits hold n + 32 + 127, n = round(−z·log2 e). */
// @ts-ignore: decorator
@inline export function expNegIndex(z: f32): f32 { return MAGIC - z * LOG2E; }
// The same with another power-of-two scale 2^K carried in the magic number (1.5·2^23 + 127 + K):
// swish uses K = 60 (MAGIC60), so that s = 2^(n+60) and s·p stay normal up to z = Z_MAX.
// @ts-ignore: decorator
@inline export const MAGIC60: f32 = reinterpret<f32>(0x4B4000BB); // 1.5·2^23 + 127 + 60
export const MAGIC60_V: usize = memory.data<f32>([MAGIC60, MAGIC60, MAGIC60, MAGIC60], 16);
/** The magic sum for the scale carried by `magic`. */
// @ts-ignore: decorator
@inline export function expNegIndexAt(z: f32, magic: f32): f32 { return magic - z * LOG2E; }
/** r = −z − n·ln2 (in two steps, n·ln2_hi exact), n from the magic sum k made with `magic`. */
// @ts-ignore: decorator
@inline export function expNegArgAt(z: f32, k: f32, magic: f32): f32 {
  const n = k - magic;
  const r = n * NEG_LN2_HI - z;
  return r - n * LN2_LO;
}
/** p = e^r − 1 from the magic sum k made with `magic`. */
// @ts-ignore: decorator
@inline export function expNegReducedAt(z: f32, k: f32, magic: f32): f32 { return expm1Reduced(expNegArgAt(z, k, magic)); }
/** s = 2^(n+32) from the magic sum k. */
// @ts-ignore: decorator
@inline export function expNegScale(k: f32): f32 { return reinterpret<f32>(reinterpret<i32>(k) << 23); }
/** p = e^r − 1, r = −z − n·ln2, from the magic sum k. */
// @ts-ignore: decorator
@inline export function expNegReduced(z: f32, k: f32): f32 { return expNegReducedAt(z, k, MAGIC); }

/** E = e^-z · 2^32, z in [0, Z_MAX] (or NaN, which propagates). */
// @ts-ignore: decorator
@inline export function expNegScaled(z: f32): f32 {
  const k = expNegIndex(z);
  const s = expNegScale(k);
  return s * expNegReduced(z, k) + s;
}

// @ts-ignore: decorator
@inline export function expNegScaleV(k: v128): v128 { return i32x4.shl(k, 23); }
// @ts-ignore: decorator
@inline export function expNegIndexAtV<M>(z: v128, magic: v128): v128 { return changetype<M>(0).nmadd(z, v128.load(LOG2E_V), magic); }
// @ts-ignore: decorator
@inline export function expNegArgAtV<M>(z: v128, k: v128, magic: v128): v128 {
  const n = f32x4.sub(k, magic);
  // n·ln2_hi is exact, so its mul-then-sub is the fused result too; the second step may fuse.
  const r = f32x4.sub(f32x4.mul(n, v128.load(NEG_LN2_HI_V)), z);
  return changetype<M>(0).nmadd(n, v128.load(LN2_LO_V), r);
}
// @ts-ignore: decorator
@inline export function expNegReducedAtV<M>(z: v128, k: v128, magic: v128): v128 { return expm1ReducedMV<M>(expNegArgAtV<M>(z, k, magic)); }

/** Four lanes of expNegScaled, bit-identical to the scalar form. */
// @ts-ignore: decorator
@inline export function expNegScaledV(z: v128): v128 { return expNegScaledMV<Unfused>(z); }
/** expNegScaledV with its multiply-adds from M (Unfused: bit-identical to the scalar form). */
// @ts-ignore: decorator
@inline export function expNegScaledMV<M>(z: v128): v128 {
  const magic = v128.load(MAGIC_V);
  const k = expNegIndexAtV<M>(z, magic);
  const s = expNegScaleV(k);
  return changetype<M>(0).madd(s, expNegReducedAtV<M>(z, k, magic), s);
}

// e^-z flushed: 0 beyond Z_LAST = 87.3365402, the last f32 z whose exact e^-z (and σ(−z)) is a
// normal number, and never a subnormal intermediate before that (z is clamped to Z_LAST, so lanes
// beyond it compute a normal E that is then discarded). For kernels whose result is e^-z times a
// moderate factor (σ, the gradients of elu and selu): their subnormal results become zeros, and
// x86's ~100-cycle assist per subnormal operation never happens.

// @ts-ignore: decorator
@inline export const Z_LAST: f32 = reinterpret<f32>(0x42AEAC4F); // 87.3365402
export const Z_LAST_V: usize = memory.data<f32>([Z_LAST, Z_LAST, Z_LAST, Z_LAST], 16);

/** E = e^-z·2^32 for z >= 0 (or NaN), 0 for z > Z_LAST; never subnormal (E >= 2^-94). */
// @ts-ignore: decorator
@inline export function expNegFlushed(z: f32): f32 {
  const E = expNegScaled(Z_LAST < z ? Z_LAST : z);
  return z > Z_LAST ? 0 : E;
}
/** Four lanes of expNegFlushed, bit-identical to the scalar form; multiply-adds from M. */
// @ts-ignore: decorator
@inline export function expNegFlushedMV<M>(z: v128): v128 {
  const zl = v128.load(Z_LAST_V);
  return v128.andnot(expNegScaledMV<M>(f32x4.pmin(z, zl)), f32x4.gt(z, zl));
}
// @ts-ignore: decorator
@inline export function expNegFlushedV(z: v128): v128 { return expNegFlushedMV<Unfused>(z); }
