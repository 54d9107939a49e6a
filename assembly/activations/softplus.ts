import { expNegScaled, expNegScaledV, EXP_UNSCALE, EXP_UNSCALE_V, Z_MAX, Z_MAX_V } from "../math/expneg";
import { ONE_V, TWO_V } from "../math/vconst";
import { sigmoidNegAbs, sigmoidNegAbsV, clampAbs, clampAbsV, ABS_V } from "../math/logistic";
import { FLUSH_SCALED, FLUSH_SCALED_V } from "../flush";

// softplus(x) = log(1 + e^{βx})/β, and x itself where βx > threshold (PyTorch's switch), with
// t = fl(β·x), z = |t|, E = e^-z·2^32 (expNegScaled), e = e^-|t|:
//   t >= 0:  (t + log1p(e))/β
//   t <  0:  log1p(e)/β, kept scaled by 2^32 until the last multiplication, so that results near
//            and below 2^-126 (t < −86 or so, sooner for β < 1) are rounded once instead of losing
//            bits in a subnormal e or in log1p's internal s = e/(e + 2).
// log1p(e) is log1pComp(e) (below) while e >= 2^-34, and e itself after that (z > 23.6): the next
// term −e²/2 is under 2^-35 relative there. log1pComp gets max(E, 2^-2)·2^-32 >= 2^-34, so the
// lanes that take the other branch never form a subnormal inside it (s·w >= 2^-105): x86 takes a
// slow assist for every subnormal result. The t >= 0 branch uses that same floored log1p: for
// z > 23.6, t > 16 and t + log1p(e) rounds to t either way.
//
// log1pComp(u) is log(1 + u) as 2·atanh(u/(u + 2)) (scripts/fit-log1p.py fits the polynomial; its coefficients
// live here only) with the rounding error of d = fl(u + 2) put back: c = (d − 2) − u
// is exact (Fast2Sum, u <= 1 < 2), u/(u + 2) = s·(1 + c/d) to first order, and 1/d = (1 − s)/2,
// so 2s gains s·c·(1 − s) = c·(s − s²), added with the small terms before the last rounding. That
// takes log1p's error from 2 ULP to 1.6, and softplus's at β = 1 (with the exponential's ~1 ULP)
// from 2.8 to 2.4; at other β, where the division by β rounds too, from 4.0 to 3.4.
// (A correction added after the plain log1p would round twice, and s itself cannot absorb it: the
// correction is below half its last place.)

// @ts-ignore: decorator
@inline const L1: f32 = reinterpret<f32>(0x3F2AAAAA); // 0.666666627
// @ts-ignore: decorator
@inline const L2: f32 = reinterpret<f32>(0x3ECCCE86);
// @ts-ignore: decorator
@inline const L3: f32 = reinterpret<f32>(0x3E9158FA);
// @ts-ignore: decorator
@inline const L4: f32 = reinterpret<f32>(0x3E851B3B);
const L1_V: usize = memory.data<f32>([L1, L1, L1, L1], 16);
const L2_V: usize = memory.data<f32>([L2, L2, L2, L2], 16);
const L3_V: usize = memory.data<f32>([L3, L3, L3, L3], 16);
const L4_V: usize = memory.data<f32>([L4, L4, L4, L4], 16);

/** log(1 + u), u in [2^-34, 1] (NaN propagates), with d = u + 2's rounding error put back. */
// @ts-ignore: decorator
@inline function log1pComp(u: f32): f32 {
  const d = u + 2;
  const c = (d - 2) - u;
  const s = u / d;
  const w = s * s;
  const lo = c * (s - w); // s·c·(1 − s)
  let q = L4 * w + L3;
  q = q * w + L2;
  q = q * w + L1;
  return (s + s) + ((s * w) * q + lo);
}

// @ts-ignore: decorator
@inline function log1pCompV(u: v128): v128 {
  const two = v128.load(TWO_V);
  const d = f32x4.add(u, two);
  const c = f32x4.sub(f32x4.sub(d, two), u);
  const s = f32x4.div(u, d);
  const w = f32x4.mul(s, s);
  const lo = f32x4.mul(c, f32x4.sub(s, w));
  let q = f32x4.add(f32x4.mul(v128.load(L4_V), w), v128.load(L3_V));
  q = f32x4.add(f32x4.mul(q, w), v128.load(L2_V));
  q = f32x4.add(f32x4.mul(q, w), v128.load(L1_V));
  return f32x4.add(f32x4.add(s, s), f32x4.add(f32x4.mul(f32x4.mul(s, w), q), lo));
}
// Beyond z = Z_MAX (and for NaN) E is set to 0, as in swish, so t <= −109 gives +0 for every β;
// the registry keeps β >= 2^-31, where the exact e^t/β is then below 2^-126 (a result that may
// flush), and where log1p(e)·2^32/β cannot overflow. expNegScaled is given z = 0 on those lanes
// (its s·p is subnormal at z = Z_MAX itself, which every huge |t| and ±∞ would be clamped to).
// Flush: for t < 0 the result is +0 where the scaled quotient log1p(e)·2^32/β is below
// 2^-94·(1 − 2^-20) (assembly/flush.ts), i.e. where the result is below 2^-126·(1 − 2^-20): the multiplier
// 2^-32 is replaced by 0 before the product, so that no subnormal number is formed (at β = 1,
// t < −87.3); the JS fallback flushes the same results. (For β > 4, q itself is subnormal where
// z is near Z_MAX, a narrow band of results that are flushed.)
// The threshold compare is on the f32 t, as PyTorch: thr < t ? x : …, so NaN gives NaN and
// x = +∞ gives +∞ (t = +∞ > thr); x = −∞ gives +0.

// @ts-ignore: decorator
@inline const E_FLOOR: f32 = reinterpret<f32>(0x3E800000); // 2^-2: e = 2^-34 once unscaled
// @ts-ignore: decorator
@inline const SCALE: f32 = reinterpret<f32>(0x4F800000); // 2^32
const E_FLOOR_V: usize = memory.data<f32>([E_FLOOR, E_FLOOR, E_FLOOR, E_FLOOR], 16);
const SCALE_V: usize = memory.data<f32>([SCALE, SCALE, SCALE, SCALE], 16);

/** softplus(x) = thr < βx ? x : log(1 + e^{βx})/β; a = β, b = threshold. */
@final export class Softplus {
  // @ts-ignore: decorator
  @inline s(x: f32, beta: f32, thr: f32): f32 {
    const t = beta * x;
    const z = abs<f32>(t);
    const live = z < Z_MAX; // false for NaN
    const Ez = expNegScaled(live ? z : 0);
    const E: f32 = live ? Ez : 0;
    const Ef: f32 = E < E_FLOOR ? E_FLOOR : E;
    const L = log1pComp(Ef * EXP_UNSCALE); // log1p(max(e, 2^-34))
    const neg = t < 0;
    const S: f32 = E < E_FLOOR ? E : L * SCALE; // log1p(e)·2^32
    const num: f32 = neg ? S : t + L;
    const q = num / beta;
    const r = q * (neg ? (q < FLUSH_SCALED ? 0 : EXP_UNSCALE) : <f32>1);
    return thr < t ? x : r;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, beta: v128, thr: v128): v128 {
    const t = f32x4.mul(beta, x);
    const z = v128.and(t, v128.load(ABS_V));
    const live = f32x4.lt(z, v128.load(Z_MAX_V));
    const E = v128.and(expNegScaledV(v128.and(z, live)), live);
    const small = f32x4.lt(E, v128.load(E_FLOOR_V));
    const L = log1pCompV(f32x4.mul(f32x4.pmax(E, v128.load(E_FLOOR_V)), v128.load(EXP_UNSCALE_V)));
    const neg = f32x4.lt(t, f32x4.splat(0));
    const S = v128.bitselect(E, f32x4.mul(L, v128.load(SCALE_V)), small);
    const num = v128.bitselect(S, f32x4.add(t, L), neg);
    const q = f32x4.div(num, beta);
    const tiny = f32x4.lt(q, v128.load(FLUSH_SCALED_V)); // q >= 0 where t < 0 (β > 0)
    const r = f32x4.mul(q, v128.bitselect(v128.andnot(v128.load(EXP_UNSCALE_V), tiny), v128.load(ONE_V), neg));
    return v128.bitselect(x, r, f32x4.lt(thr, t));
  }
}

// softplus'(x) = σ(βx) (the β cancels), and 1 where βx > threshold (PyTorch: at βx = threshold
// exactly, the left value σ(threshold)). σ as in sigmoid: f = σ(−|t|), σ(t) = t < 0 ? f : 1 − f.

/** dx = dy·(thr < βx ? 1 : σ(βx)); a = β, b = threshold. */
@final export class SoftplusBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, beta: f32, thr: f32): f32 {
    const t = beta * x;
    const f = sigmoidNegAbs(clampAbs(t));
    const sig: f32 = t < 0 ? f : 1 - f;
    return dy * (thr < t ? <f32>1 : sig);
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, beta: v128, thr: v128): v128 {
    const one = v128.load(ONE_V);
    const t = f32x4.mul(beta, x);
    const f = sigmoidNegAbsV(clampAbsV(t));
    const sig = v128.bitselect(f, f32x4.sub(one, f), f32x4.lt(t, f32x4.splat(0)));
    return f32x4.mul(dy, v128.bitselect(one, sig, f32x4.lt(thr, t)));
  }
}
