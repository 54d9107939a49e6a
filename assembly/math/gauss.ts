// The Gaussian tail of gelu and its slope, built on expneg.ts's reduction.
import { MAGIC, LOG2E, NEG_LN2_HI, LN2_LO, MAGIC_V, LOG2E_V, NEG_LN2_HI_V, LN2_LO_V, expm1Reduced, expm1ReducedV } from "./expneg";
import { ONE_V, HALF_V } from "./vconst";

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
