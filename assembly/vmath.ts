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

// expNegScaled in its two factors, for callers that multiply E by x before rounding it
// (swish): E = s·(1 + p), with s = 2^(n+32) exact and p = e^r − 1. x·s is then exact and
// x·s·(1 + p) = x·s + (x·s)·p rounds once, where x·fl(s·p + s) rounds twice.
//   k = expNegIndex(z), s = expNegScale(k), p = expNegReduced(z, k).

/** The magic sum whose low bits hold n + 32 + 127, n = round(−z·log2 e). */
// @ts-ignore: decorator
@inline export function expNegIndex(z: f32): f32 { return MAGIC - z * LOG2E; }
/** s = 2^(n+32) from the magic sum k. */
// @ts-ignore: decorator
@inline export function expNegScale(k: f32): f32 { return reinterpret<f32>(reinterpret<i32>(k) << 23); }
/** p = e^r − 1, r = −z − n·ln2, from the magic sum k. */
// @ts-ignore: decorator
@inline export function expNegReduced(z: f32, k: f32): f32 {
  const n = k - MAGIC;
  let r = n * NEG_LN2_HI - z;
  r = r - n * LN2_LO;
  return expm1Reduced(r);
}

/** E = e^-z · 2^32, z in [0, Z_MAX] (or NaN, which propagates). */
// @ts-ignore: decorator
@inline export function expNegScaled(z: f32): f32 {
  const k = expNegIndex(z);
  const s = expNegScale(k);
  return s * expNegReduced(z, k) + s;
}

// @ts-ignore: decorator
@inline export function expNegIndexV(z: v128): v128 { return f32x4.sub(v128.load(MAGIC_V), f32x4.mul(z, v128.load(LOG2E_V))); }
// @ts-ignore: decorator
@inline export function expNegScaleV(k: v128): v128 { return i32x4.shl(k, 23); }
// @ts-ignore: decorator
@inline export function expNegReducedV(z: v128, k: v128): v128 {
  const n = f32x4.sub(k, v128.load(MAGIC_V));
  let r = f32x4.sub(f32x4.mul(n, v128.load(NEG_LN2_HI_V)), z);
  r = f32x4.sub(r, f32x4.mul(n, v128.load(LN2_LO_V)));
  return expm1ReducedV(r);
}

/** Four lanes of expNegScaled, bit-identical to the scalar form. */
// @ts-ignore: decorator
@inline export function expNegScaledV(z: v128): v128 {
  const k = expNegIndexV(z);
  const s = expNegScaleV(k);
  return f32x4.add(f32x4.mul(s, expNegReducedV(z, k)), s);
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

// ------------------------------------------------------------------------------------------------
// The Gaussian tail a·Φ(−a) (Φ the standard normal CDF, a >= 0), for gelu(x) = x·Φ(x):
// gelu(−a) = −a·Φ(−a) and gelu(a) = a − a·Φ(−a). Φ(−a) = ½·erfc(a/√2) is computed from its own
// expansion, never as 1 − Φ(a), so it keeps its relative accuracy down to where a·Φ(−a) leaves
// the normal range (a = 13.146). With c = f32(√(2/π)) (GC) and K = −ln(c/2) (e^−K ≈ 1/√(2π)):
//
//   a·Φ(−a) = e^(−a²/2 − K) · u · (1 + h(a)),   u = a/(a + c),   h = a·P(a)/Q(a),
//
// P of degree 3, Q of degree 5, fitted for the relative error of 1 + h (scripts/fit-gelu.py:
// 0.12·2^-24 in float64). h lies in [0, 0.19] (0 at a = 0 and as a → ∞, for this c), so the
// rounding errors of its evaluation reach the result damped about five times.
// The exponential is the reduction of expNegScaled applied to a²/2 + K without rounding a²:
// a = ah + al with ah the top 12 bits of a, so wh = ah²/2 is exact and wl = ah·al + al²/2 (two
// exact products, one rounding) is below 2^-11·a²; K = GK_HI + GK_LO with GK_HI on a 2^-12 grid.
// Then r = ((n·(−ln2_hi) − GK_HI) − wh) − (wl + (n·ln2_lo + GK_LO)): the first two steps are
// exact for a >= 1, so r is rounded once at its own small size. Rounding a²/2 itself would cost
// up to a²/2·2^-24 relative (100 ULP at a = 14), which is why an erfc built on exp(−z²) needs this.
// The result is assembled from the pieces of e^r = 1 + p and s = 2^(n+32) without rounding e^r:
//   s·(e^r)·u·(1 + h) = us + us·k,  us = u·s (exact: s is a power of two),  k = h + p + h·p,
// so the only full-size rounding is the last addition. u's denominator d = fl(a + c) is
// corrected too: its rounding error ε = (a + c) − d is exact (Fast2Sum of max(a, c) and
// min(a, c)) and u·(1 − ε/d) = u − u·(1 − u)·ε/c, folded into k.
// Measured against float64 (gelu on a dense grid of x in [−13.2, 14]): 2.5 ULP, mostly u's
// division and the last addition. Results are scaled by 2^32 like expNegScaled's (callers
// multiply by EXP_UNSCALE last). Subnormal results are flushed: from a = GT_MAX on, s is set to
// 0, so the result is 0 (gelu: ±0). GT_MAX is the first f32 where the exact result is subnormal
// (found against the float64 reference), so the flush depends on the input alone and the fused
// geglu can state its contract against gelu(a) with subnormals flushed. Computing them would be right (the scaling keeps them
// exact) but slow on x86, where every subnormal product takes a microcode assist: with inputs
// uniform in [−20, 20], 3% of them in the subnormal band doubled gelu's time (5.4 vs 2.7 ns).

// @ts-ignore: decorator
@inline export const GT_MAX: f32 = reinterpret<f32>(0x41525707); // 13.1462469: the first f32 a with a·Φ(−a) < 2^-126
// @ts-ignore: decorator
@inline export const GD_MAX: f32 = reinterpret<f32>(0x4155785A); // 13.3418827: the first f32 a with |Φ(−a) − a·φ(a)| < 2^-126
// @ts-ignore: decorator
@inline export const GC: f32 = reinterpret<f32>(0x3F4C422A); // 0.797884583 = f32(√(2/π))
// @ts-ignore: decorator
@inline const GC_INV: f32 = reinterpret<f32>(0x3FA06C99); // 1.25331414
// @ts-ignore: decorator
@inline const GK_HI: f32 = reinterpret<f32>(0x3F6B4000); // 0.918945313 = 3764·2^-12
// @ts-ignore: decorator
@inline const GK_LO: f32 = reinterpret<f32>(0xB6E46DC5); // −6.80770836e-6; GK_HI + GK_LO = −ln(GC/2)
// @ts-ignore: decorator
@inline const GP0: f32 = reinterpret<f32>(0x3EE92E1E); // 0.455429971
// @ts-ignore: decorator
@inline const GP1: f32 = reinterpret<f32>(0x3E95C049); // 0.292482644
// @ts-ignore: decorator
@inline const GP2: f32 = reinterpret<f32>(0x3DAEF56B); // 0.0854290351
// @ts-ignore: decorator
@inline const GP3: f32 = reinterpret<f32>(0x3C39917C); // 0.0113261901
// @ts-ignore: decorator
@inline const GQ1: f32 = reinterpret<f32>(0x3FDEBB6D); // 1.74009478
// @ts-ignore: decorator
@inline const GQ2: f32 = reinterpret<f32>(0x3FA726D9); // 1.30587304
// @ts-ignore: decorator
@inline const GQ3: f32 = reinterpret<f32>(0x3F09C4FA); // 0.538161874
// @ts-ignore: decorator
@inline const GQ4: f32 = reinterpret<f32>(0x3DFF9E3D); // 0.124813534
// @ts-ignore: decorator
@inline const GQ5: f32 = reinterpret<f32>(0x3C6897AB); // 0.0141963167
// @ts-ignore: decorator
@inline const HI12: u32 = 0xFFFFF000;
const GT_MAX_V: usize = memory.data<f32>([GT_MAX, GT_MAX, GT_MAX, GT_MAX], 16);
const GD_MAX_V: usize = memory.data<f32>([GD_MAX, GD_MAX, GD_MAX, GD_MAX], 16);
const GC_V: usize = memory.data<f32>([GC, GC, GC, GC], 16);
const GC_INV_V: usize = memory.data<f32>([GC_INV, GC_INV, GC_INV, GC_INV], 16);
const GK_HI_V: usize = memory.data<f32>([GK_HI, GK_HI, GK_HI, GK_HI], 16);
const GK_LO_V: usize = memory.data<f32>([GK_LO, GK_LO, GK_LO, GK_LO], 16);
const GP0_V: usize = memory.data<f32>([GP0, GP0, GP0, GP0], 16);
const GP1_V: usize = memory.data<f32>([GP1, GP1, GP1, GP1], 16);
const GP2_V: usize = memory.data<f32>([GP2, GP2, GP2, GP2], 16);
const GP3_V: usize = memory.data<f32>([GP3, GP3, GP3, GP3], 16);
const GQ1_V: usize = memory.data<f32>([GQ1, GQ1, GQ1, GQ1], 16);
const GQ2_V: usize = memory.data<f32>([GQ2, GQ2, GQ2, GQ2], 16);
const GQ3_V: usize = memory.data<f32>([GQ3, GQ3, GQ3, GQ3], 16);
const GQ4_V: usize = memory.data<f32>([GQ4, GQ4, GQ4, GQ4], 16);
const GQ5_V: usize = memory.data<f32>([GQ5, GQ5, GQ5, GQ5], 16);
const HI12_V: usize = memory.data<u32>([HI12, HI12, HI12, HI12], 16);
const HALF_V: usize = memory.data<f32>([0.5, 0.5, 0.5, 0.5], 16);

/** P(a) and Q(a) of h = a·P/Q, by Horner. */
// @ts-ignore: decorator
@inline function gaussP(a: f32): f32 { return ((GP3 * a + GP2) * a + GP1) * a + GP0; }
// @ts-ignore: decorator
@inline function gaussQ(a: f32): f32 { return ((((GQ5 * a + GQ4) * a + GQ3) * a + GQ2) * a + GQ1) * a + 1; }
// @ts-ignore: decorator
@inline function gaussPV(a: v128): v128 {
  let p = f32x4.add(f32x4.mul(v128.load(GP3_V), a), v128.load(GP2_V));
  p = f32x4.add(f32x4.mul(p, a), v128.load(GP1_V));
  return f32x4.add(f32x4.mul(p, a), v128.load(GP0_V));
}
// @ts-ignore: decorator
@inline function gaussQV(a: v128): v128 {
  let q = f32x4.add(f32x4.mul(v128.load(GQ5_V), a), v128.load(GQ4_V));
  q = f32x4.add(f32x4.mul(q, a), v128.load(GQ3_V));
  q = f32x4.add(f32x4.mul(q, a), v128.load(GQ2_V));
  q = f32x4.add(f32x4.mul(q, a), v128.load(GQ1_V));
  return f32x4.add(f32x4.mul(q, a), v128.load(ONE_V));
}

/** a²/2 = wh + wl: wh = ah²/2 exact (ah = the top 12 bits of a), wl = ah·al + al²/2 rounded once. */
// @ts-ignore: decorator
@inline function gaussWh(a: f32): f32 { const ah = reinterpret<f32>(reinterpret<u32>(a) & HI12); return (ah * ah) * <f32>0.5; }
// @ts-ignore: decorator
@inline function gaussWl(a: f32): f32 {
  const ah = reinterpret<f32>(reinterpret<u32>(a) & HI12);
  const al = a - ah;
  return ah * al + (al * al) * <f32>0.5;
}
/** MAGIC − (a²/2 + K)·log2 e: its low bits, shifted, are s = 2^(n+32); minus MAGIC, n. */
// @ts-ignore: decorator
@inline function gaussMagic(wh: f32, wl: f32): f32 { return MAGIC - (wh + (wl + GK_HI)) * LOG2E; }
/** r = −(a²/2 + K) − n·ln2, rounded once at its own size (exact up to the last step for a >= 1). */
// @ts-ignore: decorator
@inline function gaussReduced(t: f32, wh: f32, wl: f32): f32 {
  const n = t - MAGIC;
  const r = (n * NEG_LN2_HI - GK_HI) - wh;
  return r - (wl + (n * LN2_LO + GK_LO));
}
// @ts-ignore: decorator
@inline function gaussWhV(a: v128): v128 {
  const ah = v128.and(a, v128.load(HI12_V));
  return f32x4.mul(f32x4.mul(ah, ah), v128.load(HALF_V));
}
// @ts-ignore: decorator
@inline function gaussWlV(a: v128): v128 {
  const ah = v128.and(a, v128.load(HI12_V));
  const al = f32x4.sub(a, ah);
  return f32x4.add(f32x4.mul(ah, al), f32x4.mul(f32x4.mul(al, al), v128.load(HALF_V)));
}
// @ts-ignore: decorator
@inline function gaussMagicV(wh: v128, wl: v128): v128 {
  return f32x4.sub(v128.load(MAGIC_V), f32x4.mul(f32x4.add(wh, f32x4.add(wl, v128.load(GK_HI_V))), v128.load(LOG2E_V)));
}
// @ts-ignore: decorator
@inline function gaussReducedV(t: v128, wh: v128, wl: v128): v128 {
  const n = f32x4.sub(t, v128.load(MAGIC_V));
  const r = f32x4.sub(f32x4.sub(f32x4.mul(n, v128.load(NEG_LN2_HI_V)), v128.load(GK_HI_V)), wh);
  return f32x4.sub(r, f32x4.add(wl, f32x4.add(f32x4.mul(n, v128.load(LN2_LO_V)), v128.load(GK_LO_V))));
}

/**
 * 2^32·a·Φ(−a) for a >= 0: 0 from GT_MAX on (and for a = +∞), NaN for NaN. gelu(x) is
 * x < 0 ? −G·EXP_UNSCALE : x − G·EXP_UNSCALE with G = gaussTailScaled(|x|).
 */
// @ts-ignore: decorator
@inline export function gaussTailScaled(a: f32): f32 {
  const ac: f32 = GT_MAX < a ? GT_MAX : a;
  const wh = gaussWh(ac);
  const wl = gaussWl(ac);
  const t = gaussMagic(wh, wl);
  const s: f32 = ac < GT_MAX ? reinterpret<f32>(reinterpret<i32>(t) << 23) : 0;
  const p = expm1Reduced(gaussReduced(t, wh, wl));
  const h = (ac * gaussP(ac)) / gaussQ(ac);
  const d = ac + GC;
  const u = ac / d;
  const big: f32 = ac < GC ? GC : ac;
  const small: f32 = GC < ac ? GC : ac;
  const eps = small - (d - big);
  const k = ((h + p) + h * p) - ((1 - u) * eps) * GC_INV;
  const us = u * s;
  return us + us * k;
}

/** Four lanes of gaussTailScaled, bit-identical to the scalar form. */
// @ts-ignore: decorator
@inline export function gaussTailScaledV(a: v128): v128 {
  const amax = v128.load(GT_MAX_V);
  const c = v128.load(GC_V);
  const ac = f32x4.pmin(a, amax);
  const wh = gaussWhV(ac);
  const wl = gaussWlV(ac);
  const t = gaussMagicV(wh, wl);
  const s = v128.and(i32x4.shl(t, 23), f32x4.lt(ac, amax));
  const p = expm1ReducedV(gaussReducedV(t, wh, wl));
  const h = f32x4.div(f32x4.mul(ac, gaussPV(ac)), gaussQV(ac));
  const d = f32x4.add(ac, c);
  const u = f32x4.div(ac, d);
  const eps = f32x4.sub(f32x4.pmin(ac, c), f32x4.sub(d, f32x4.pmax(ac, c)));
  const k = f32x4.sub(f32x4.add(f32x4.add(h, p), f32x4.mul(h, p)),
    f32x4.mul(f32x4.mul(f32x4.sub(v128.load(ONE_V), u), eps), v128.load(GC_INV_V)));
  const us = f32x4.mul(u, s);
  return f32x4.add(us, f32x4.mul(us, k));
}

// The derivative D(a) = d/da (a·Φ(−a)) = Φ(−a) − a·φ(a), φ the normal density, for gelu'(x):
// x < 0 ? D(|x|) : 1 − D(|x|). With the same pieces, Φ(−a) = e^(−a²/2 − K)·v·(1 + h),
// v = 1/(a + c), and a·φ(a) = e^(−a²/2 − K)·a (c·√(π/2) rounds to 1 in f32), so
//   D(a) = e^(−a²/2 − K)·m,   m = v + (v·h − a),
// assembled as sm + sm·p (sm = s·m) like the forward. D has a root at a ≈ 0.7518, so the
// gradient's bound is the mixed one; m cancels there only in absolute terms. Measured on a dense
// grid: |error| <= 0.75·2^-23 for every a, 2.9 ULP where |gelu'| >= 1/4. Subnormal results are
// flushed as in the forward: for a >= GD_MAX, s = 0 and m < 0, so sm = −0, and
// −0 + (−0)·p = −0 as p(GD_MAX) > 0: gelu'(−∞) = −0.

/** 2^32·(Φ(−a) − a·φ(a)) for a >= 0: −0 from GD_MAX on (and for a = +∞), NaN for NaN. */
// @ts-ignore: decorator
@inline export function gaussTailSlopeScaled(a: f32): f32 {
  const ac: f32 = GD_MAX < a ? GD_MAX : a;
  const wh = gaussWh(ac);
  const wl = gaussWl(ac);
  const t = gaussMagic(wh, wl);
  const s: f32 = ac < GD_MAX ? reinterpret<f32>(reinterpret<i32>(t) << 23) : 0;
  const p = expm1Reduced(gaussReduced(t, wh, wl));
  const h = (ac * gaussP(ac)) / gaussQ(ac);
  const v = <f32>1 / (ac + GC);
  const m = v + (v * h - ac);
  const sm = s * m;
  return sm + sm * p;
}

/** Four lanes of gaussTailSlopeScaled, bit-identical to the scalar form. */
// @ts-ignore: decorator
@inline export function gaussTailSlopeScaledV(a: v128): v128 {
  const amax = v128.load(GD_MAX_V);
  const ac = f32x4.pmin(a, amax);
  const wh = gaussWhV(ac);
  const wl = gaussWlV(ac);
  const t = gaussMagicV(wh, wl);
  const s = v128.and(i32x4.shl(t, 23), f32x4.lt(ac, amax));
  const p = expm1ReducedV(gaussReducedV(t, wh, wl));
  const h = f32x4.div(f32x4.mul(ac, gaussPV(ac)), gaussQV(ac));
  const v = f32x4.div(v128.load(ONE_V), f32x4.add(ac, v128.load(GC_V)));
  const m = f32x4.add(v, f32x4.sub(f32x4.mul(v, h), ac));
  const sm = f32x4.mul(s, m);
  return f32x4.add(sm, f32x4.mul(sm, p));
}

// ------------------------------------------------------------------------------------------------
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
