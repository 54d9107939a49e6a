import { EXP_UNSCALE, EXP_UNSCALE_V } from "../math/expneg";
import { ONE_V, FLT_MAX, FLT_MAX_V } from "../math/vconst";
import { expNegScaled64, expNegScaled64V } from "../math/expneg64";
import { sigmoidNegAbs, sigmoidNegAbsV } from "../math/logistic";

// geluTanh(x) = ½x·(1 + tanh u), u = √(2/π)·(x + 0.044715x³), is x·σ(t) with t = 2u =
// x·(K0 + K1·x²), K0 = 2√(2/π), K1 = 0.044715·K0. For x < 0 the result is x·e^t/(1 + e^t), whose
// relative error is the absolute error of t: t rounded to f32 would cost up to |t|·2^-24
// relative (|t| = 35.6 at x = −7), so t and the reduction of e^-|t| are done in f64 (x² and
// the cubic to 2^-50; expNegScaled64 rounds r = −|t| − n·ln2 to f32 once). Then as swish:
//   x >= 0:  x / (1 + e^-t)
//   x <  0:  (x·E)·2^-32 / (1 + e^t), E = e^t·2^32, so the numerator is exact where e^t alone
//            would be subnormal,
// with the quotient corrected for the rounding of d = fl(1 + e): q + q·c, c = (d − 1) − e (see
// assembly/activations/swish.ts). Unlike swish, q is clamped to FLT_MAX in that product rather
// than c offset by a tiny constant against ∞·0 (x = +∞): here q is tiny on common inputs
// (x < −6.5), and q·2^-60 would be a subnormal product.
// t has the sign of x. Subnormal results and intermediates are avoided (on x86 each costs a
// microcode assist: 7% of inputs in [−13, 13] reaching them made the kernel 4× slower):
//  - the numerator's E is set to 0 from |x| = XS = 10.125 on, where |geluTanh(x)| < 2^-126 for
//    x < 0 (from 10.100637): those results are flushed to −0. Below XS, |t| < 90.2; |t| is
//    clamped to 100 (< Z_MAX) in f64 so that s = 2^(n+32) stays a normal number even where E
//    is then discarded (unclamped, the garbage cost 0.2 ns/element on inputs in [−20, 20]);
//  - e = E·2^-32 in the denominator is set to 0 from |x| = XD = 6.95 on (t > 35, e < 2^-50.5),
//    which changes 1 + e by less than 2^-50 and makes c exactly 0 there; below XD,
//    |q·c| >= 2^-100 (for x < 0, q ≈ x·e and c = −e once e < 2^-25).
// x is clamped to −XS in the t < 0 numerator, so geluTanh(−∞) = −0 and geluTanh(+∞) = +∞.

// @ts-ignore: decorator
@inline const K0_64: f64 = 1.5957691216057308; // 2√(2/π)
// @ts-ignore: decorator
@inline const K1_64: f64 = 0.07135481627260025; // 0.044715·2√(2/π)
// @ts-ignore: decorator
@inline const XS: f32 = 10.125;
// @ts-ignore: decorator
@inline const XD: f32 = 6.95;
// @ts-ignore: decorator
@inline const ZC_64: f64 = 100;
const ZC_64_V: usize = memory.data<f64>([ZC_64, ZC_64], 16);
const K0_64_V: usize = memory.data<f64>([K0_64, K0_64], 16);
const K1_64_V: usize = memory.data<f64>([K1_64, K1_64], 16);
const XS_V: usize = memory.data<f32>([XS, XS, XS, XS], 16);
const XD_V: usize = memory.data<f32>([XD, XD, XD, XD], 16);
const NEG_XS_V: usize = memory.data<f32>([-XS, -XS, -XS, -XS], 16);

/** |t| = |x·(K0 + K1·x²)| in f64 for one f64x2 half. */
// @ts-ignore: decorator
@inline function absTV(x: v128): v128 {
  return f64x2.pmin(f64x2.abs(f64x2.mul(f64x2.add(f64x2.mul(f64x2.mul(x, x), v128.load(K1_64_V)), v128.load(K0_64_V)), x)), v128.load(ZC_64_V));
}

/** geluTanh(x) = ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))). */
@final export class GeluTanh {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 {
    const xd = <f64>x;
    const za = abs<f64>((xd * xd * K1_64 + K0_64) * xd);
    const z: f64 = ZC_64 < za ? ZC_64 : za;
    const E = expNegScaled64(z);
    const ax = abs<f32>(x);
    const e = (ax < XD ? E : 0) * EXP_UNSCALE;
    const d = e + 1;
    const xc: f32 = x < -XS ? -XS : x;
    const numNeg = (xc * (ax < XS ? E : 0)) * EXP_UNSCALE;
    const q = (x < 0 ? numNeg : x) / d;
    const c = (d - 1) - e;
    const qc: f32 = FLT_MAX < q ? FLT_MAX : q;
    return q + qc * c;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 {
    const one = v128.load(ONE_V);
    const unscale = v128.load(EXP_UNSCALE_V);
    const zlo = absTV(f64x2.promote_low_f32x4(x));
    const zhi = absTV(f64x2.promote_low_f32x4(i64x2.shuffle(x, x, 1, 1)));
    const E = expNegScaled64V(zlo, zhi);
    const ax = f32x4.abs(x);
    const e = f32x4.mul(v128.and(E, f32x4.lt(ax, v128.load(XD_V))), unscale);
    const d = f32x4.add(e, one);
    const xc = f32x4.pmax(x, v128.load(NEG_XS_V));
    const numNeg = f32x4.mul(f32x4.mul(xc, v128.and(E, f32x4.lt(ax, v128.load(XS_V)))), unscale);
    const q = f32x4.div(v128.bitselect(numNeg, x, f32x4.lt(x, f32x4.splat(0))), d);
    const c = f32x4.sub(f32x4.sub(d, one), e);
    return f32x4.add(q, f32x4.mul(f32x4.pmin(q, v128.load(FLT_MAX_V)), c));
  }
}

// geluTanh'(x) = σ(t) + x·σ(t)·(1 − σ(t))·t'(x), t' = K0 + 3K1·x², as swishBackward:
// s·(1 + x·t'·(1 − s)) with s = σ(t) from f = σ(−|t|), t in f32. Where t's rounding shows
// (x < 0, |t| large) the gradient is tiny and within the absolute clause of the mixed bound;
// it has a root near x = −0.7522. f is set to 0 from |t| = ZB = 43 on: there the gradient is
// within 7e-17 of 0 (x < 0, flushed to −0) or of 1 (x > 0), and sigmoidNegAbs would go through
// subnormal products (its correction term is about e^-2|t|, below 2^-126 beyond |t| = 43.7;
// |x| > 8.3 in geluTanh's units, a third of the inputs in [−20, 20], each then taking an x86
// microcode assist). x is clamped to ±XS inside the bracket, so it stays finite:
// geluTanh'(+∞) = 1, geluTanh'(−∞) = −0.

// @ts-ignore: decorator
@inline const K0: f32 = reinterpret<f32>(0x3FCC422A); // 1.59576917
// @ts-ignore: decorator
@inline const K1: f32 = reinterpret<f32>(0x3D922279); // 0.0713548139
// @ts-ignore: decorator
@inline const K3: f32 = reinterpret<f32>(0x3E5B33B6); // 0.214064449 = f32(3·K1)
const K0_V: usize = memory.data<f32>([K0, K0, K0, K0], 16);
const K1_V: usize = memory.data<f32>([K1, K1, K1, K1], 16);
const K3_V: usize = memory.data<f32>([K3, K3, K3, K3], 16);
// @ts-ignore: decorator
@inline const ZB: f32 = 43;
const ZB_V: usize = memory.data<f32>([ZB, ZB, ZB, ZB], 16);

/** dx = dy·geluTanh'(x). */
@final export class GeluTanhBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 {
    const t = x * (K1 * (x * x) + K0);
    const at = abs<f32>(t);
    const f: f32 = at < ZB ? sigmoidNegAbs(ZB < at ? ZB : at) : 0;
    const g: f32 = 1 - f;
    const neg = t < 0;
    const xc: f32 = XS < x ? XS : (x < -XS ? -XS : x);
    const slope = xc * (K3 * (xc * xc) + K0);
    return dy * ((neg ? f : g) * (<f32>1 + slope * (neg ? g : f)));
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const k0 = v128.load(K0_V);
    const t = f32x4.mul(x, f32x4.add(f32x4.mul(v128.load(K1_V), f32x4.mul(x, x)), k0));
    const at = f32x4.abs(t);
    const zb = v128.load(ZB_V);
    const f = v128.and(sigmoidNegAbsV(f32x4.pmin(at, zb)), f32x4.lt(at, zb));
    const one = v128.load(ONE_V);
    const g = f32x4.sub(one, f);
    const neg = f32x4.lt(t, f32x4.splat(0));
    const xc = f32x4.pmax(f32x4.pmin(x, v128.load(XS_V)), v128.load(NEG_XS_V));
    const slope = f32x4.mul(xc, f32x4.add(f32x4.mul(v128.load(K3_V), f32x4.mul(xc, xc)), k0));
    const inner = f32x4.add(one, f32x4.mul(slope, v128.bitselect(g, f, neg)));
    return f32x4.mul(dy, f32x4.mul(v128.bitselect(f, g, neg), inner));
  }
}
