// Shared element math: the scaled exponential both sigmoid and swish are built on.
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
// Every step is a plain f32 operation (no FMA), so the scalar and the SIMD forms return
// bit-identical results.
//
// Vector constants are read from memory (`splatted`, four copies in a data segment) rather than
// written as v128.const: V8 rebuilds an inline v128.const on every loop iteration, and Binaryen
// folds constants hoisted into locals back into the loop; a load is one cheap instruction
// (measured 1.69 vs 2.07 ns/element for sigmoid).

// Each vector constant is `const NAME_V: usize = memory.data<f32>([c, c, c, c], 16)`, read with
// v128.load(NAME_V).

// @ts-ignore: decorator
@inline export const Z_MAX: f32 = 109.0; // n+32 >= -125 keeps s normal; e^-109 < 2^-150 rounds to 0
// @ts-ignore: decorator
@inline const LOG2E: f32 = reinterpret<f32>(0x3FB8AA3B);
// @ts-ignore: decorator
@inline const MAGIC: f32 = reinterpret<f32>(0x4B40009F); // 1.5·2^23 + 127 + 32
// @ts-ignore: decorator
@inline const NEG_LN2_HI: f32 = reinterpret<f32>(0xBF317200);
// @ts-ignore: decorator
@inline const LN2_LO: f32 = reinterpret<f32>(0x35BFBE8E);
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

const MAGIC_V: usize = memory.data<f32>([MAGIC, MAGIC, MAGIC, MAGIC], 16);
const LOG2E_V: usize = memory.data<f32>([LOG2E, LOG2E, LOG2E, LOG2E], 16);
const NEG_LN2_HI_V: usize = memory.data<f32>([NEG_LN2_HI, NEG_LN2_HI, NEG_LN2_HI, NEG_LN2_HI], 16);
const LN2_LO_V: usize = memory.data<f32>([LN2_LO, LN2_LO, LN2_LO, LN2_LO], 16);
const A5_V: usize = memory.data<f32>([A5, A5, A5, A5], 16);
const A4_V: usize = memory.data<f32>([A4, A4, A4, A4], 16);
const A3_V: usize = memory.data<f32>([A3, A3, A3, A3], 16);
const A2_V: usize = memory.data<f32>([A2, A2, A2, A2], 16);
const A1_V: usize = memory.data<f32>([A1, A1, A1, A1], 16);
export const ONE_V: usize = memory.data<f32>([1, 1, 1, 1], 16);
export const Z_MAX_V: usize = memory.data<f32>([Z_MAX, Z_MAX, Z_MAX, Z_MAX], 16);
export const EXP_UNSCALE_V: usize = memory.data<f32>([EXP_UNSCALE, EXP_UNSCALE, EXP_UNSCALE, EXP_UNSCALE], 16);

/** e^r − 1 for |r| <= ~0.35, as r + r²·u(r): the polynomial both exponentials share. */
// @ts-ignore: decorator
@inline function expm1Reduced(r: f32): f32 {
  let u = A5 * r + A4;
  u = u * r + A3;
  u = u * r + A2;
  u = u * r + A1;
  return (r * r) * u + r;
}

// @ts-ignore: decorator
@inline function expm1ReducedV(r: v128): v128 {
  let u = f32x4.add(f32x4.mul(v128.load(A5_V), r), v128.load(A4_V));
  u = f32x4.add(f32x4.mul(u, r), v128.load(A3_V));
  u = f32x4.add(f32x4.mul(u, r), v128.load(A2_V));
  u = f32x4.add(f32x4.mul(u, r), v128.load(A1_V));
  return f32x4.add(f32x4.mul(f32x4.mul(r, r), u), r);
}

/** E = e^-z · 2^32, z in [0, Z_MAX] (or NaN, which propagates). */
// @ts-ignore: decorator
@inline export function expNegScaled(z: f32): f32 {
  const t = MAGIC - z * LOG2E;
  const s = reinterpret<f32>(reinterpret<i32>(t) << 23);
  const n = t - MAGIC;
  let r = n * NEG_LN2_HI - z;
  r = r - n * LN2_LO;
  return s * expm1Reduced(r) + s;
}

/** Four lanes of expNegScaled, bit-identical to the scalar form. */
// @ts-ignore: decorator
@inline export function expNegScaledV(z: v128): v128 {
  const magic = v128.load(MAGIC_V);
  const t = f32x4.sub(magic, f32x4.mul(z, v128.load(LOG2E_V)));
  const s = i32x4.shl(t, 23);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(f32x4.mul(n, v128.load(NEG_LN2_HI_V)), z);
  r = f32x4.sub(r, f32x4.mul(n, v128.load(LN2_LO_V)));
  return f32x4.add(f32x4.mul(s, expm1ReducedV(r)), s);
}

// e^-z − 1 for z in [0, EXPM1_Z_MAX]: the same reduction without the 2^32 (s = 2^n stays normal
// since n >= -30), then s·(e^r − 1) + (s − 1). For |z| < ln2/2, n = 0 and the result is the
// polynomial itself, so it keeps its relative accuracy as z → 0 where e^-z − 1 would cancel.
// Beyond EXPM1_Z_MAX = 20 the exact value rounds to −1 in f32; callers clamp z there.

// @ts-ignore: decorator
@inline export const EXPM1_Z_MAX: f32 = 20.0;
// @ts-ignore: decorator
@inline const MAGIC0: f32 = reinterpret<f32>(0x4B40007F); // 1.5·2^23 + 127
const MAGIC0_V: usize = memory.data<f32>([MAGIC0, MAGIC0, MAGIC0, MAGIC0], 16);
export const EXPM1_Z_MAX_V: usize = memory.data<f32>([EXPM1_Z_MAX, EXPM1_Z_MAX, EXPM1_Z_MAX, EXPM1_Z_MAX], 16);

/** e^-z − 1, z in [0, EXPM1_Z_MAX] (NaN propagates). */
// @ts-ignore: decorator
@inline export function expm1Neg(z: f32): f32 {
  const t = MAGIC0 - z * LOG2E;
  const s = reinterpret<f32>(reinterpret<i32>(t) << 23);
  const n = t - MAGIC0;
  let r = n * NEG_LN2_HI - z;
  r = r - n * LN2_LO;
  return s * expm1Reduced(r) + (s - 1);
}

/** Four lanes of expm1Neg, bit-identical to the scalar form. */
// @ts-ignore: decorator
@inline export function expm1NegV(z: v128): v128 {
  const magic = v128.load(MAGIC0_V);
  const t = f32x4.sub(magic, f32x4.mul(z, v128.load(LOG2E_V)));
  const s = i32x4.shl(t, 23);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(f32x4.mul(n, v128.load(NEG_LN2_HI_V)), z);
  r = f32x4.sub(r, f32x4.mul(n, v128.load(LN2_LO_V)));
  return f32x4.add(f32x4.mul(s, expm1ReducedV(r)), f32x4.sub(s, v128.load(ONE_V)));
}

// log(1 + u) for u in [0, 1]: with s = u/(2 + u) in [0, 1/3], log(1 + u) = 2·atanh(s)
// = 2s + s³·Q(s²), Q of degree 3 fitted for relative error (scripts/fit-log1p.py: 0.72·2^-24
// with f32 coefficients). The s³ term is at most 4% of the result, so Q's own rounding hardly
// shows; the error is mostly s's two roundings. Used by softplus: log(1 + e^-|t|).

// @ts-ignore: decorator
@inline const L1: f32 = reinterpret<f32>(0x3F2AAAAA); // 0.666666627
// @ts-ignore: decorator
@inline const L2: f32 = reinterpret<f32>(0x3ECCCE86); // 0.400013149
// @ts-ignore: decorator
@inline const L3: f32 = reinterpret<f32>(0x3E9158FA); // 0.283881962
// @ts-ignore: decorator
@inline const L4: f32 = reinterpret<f32>(0x3E851B3B); // 0.259973377
const L1_V: usize = memory.data<f32>([L1, L1, L1, L1], 16);
const L2_V: usize = memory.data<f32>([L2, L2, L2, L2], 16);
const L3_V: usize = memory.data<f32>([L3, L3, L3, L3], 16);
const L4_V: usize = memory.data<f32>([L4, L4, L4, L4], 16);
const TWO_V: usize = memory.data<f32>([2, 2, 2, 2], 16);

/** log(1 + u), u in [0, 1] (NaN propagates). */
// @ts-ignore: decorator
@inline export function log1pUnit(u: f32): f32 {
  const s = u / (u + 2);
  const w = s * s;
  let q = L4 * w + L3;
  q = q * w + L2;
  q = q * w + L1;
  return (s + s) + (s * w) * q;
}

/** Four lanes of log1pUnit, bit-identical to the scalar form. */
// @ts-ignore: decorator
@inline export function log1pUnitV(u: v128): v128 {
  const s = f32x4.div(u, f32x4.add(u, v128.load(TWO_V)));
  const w = f32x4.mul(s, s);
  let q = f32x4.add(f32x4.mul(v128.load(L4_V), w), v128.load(L3_V));
  q = f32x4.add(f32x4.mul(q, w), v128.load(L2_V));
  q = f32x4.add(f32x4.mul(q, w), v128.load(L1_V));
  return f32x4.add(f32x4.add(s, s), f32x4.mul(f32x4.mul(s, w), q));
}
