import { EXP_UNSCALE, EXP_UNSCALE_V } from "../math/expneg";
import { ONE_V } from "../math/vconst";
import { gaussTailScaled, gaussTailScaledV, gaussTailSlopeScaled, gaussTailSlopeScaledV } from "../math/gauss";

// gelu(x) = x·Φ(x), Φ the standard normal CDF (the exact form, with erf). With G = a·Φ(−a),
// a = |x|, from assembly/math/gauss.ts (gaussTailScaled, scaled by 2^32):
//   x <  0:  gelu(x) = −G         (Φ(x) = Φ(−a) keeps its relative accuracy: no 1 − erf)
//   x >= 0:  gelu(x) = x − G      (G <= x/2, so the subtraction loses nothing)
// G is 0 from |x| = GT_MAX = 13.1462469 on, exactly where gelu(x) leaves the normal range (its
// subnormal results are flushed), so gelu(−∞) = −0 and gelu(+∞) = +∞ − 0 = +∞; NaN propagates.
// Measured over the quick sweep: see the entry's bound.
// Subnormal results (|x| < 2^-125) come from x's bits instead: gelu(x) = x/2 + x²/√(2π)·(1 + …),
// so the exact value is x/2 nudged towards +∞ by far less than a unit, and rounds to x/2 rounded
// towards +∞: |result| bits = (|x| bits + (x > 0)) >> 1, with x's sign (±0 stays ±0). G in f32
// would round into the subnormal range (0x007fffff gave 0x003fffff, not 0x00400000).
// @ts-ignore: decorator
@inline const TINY: u32 = 0x01000000; // bits of 2^-125
const TINY_V: usize = memory.data<u32>([TINY, TINY, TINY, TINY], 16);
const MAG_V: usize = memory.data<u32>([0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF], 16);

/** gelu(x) = x·Φ(x). */
@final export class Gelu {
  /** A marker: a fused gate over gelu runs two chains a step, not four (loop.ts, `narrow`). */
  // @ts-ignore: decorator
  @inline narrowGate(): void {}
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 {
    const bits = reinterpret<u32>(x);
    const n = bits & 0x7FFFFFFF;
    if (n < TINY) return reinterpret<f32>(((n + (x > 0 ? 1 : 0)) >> 1) | (bits ^ n));
    const g = gaussTailScaled(abs<f32>(x)) * EXP_UNSCALE;
    return x < 0 ? -g : x - g;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 {
    const g = f32x4.mul(gaussTailScaledV(f32x4.abs(x)), v128.load(EXP_UNSCALE_V));
    const y = v128.bitselect(f32x4.neg(g), f32x4.sub(x, g), f32x4.lt(x, f32x4.splat(0)));
    const n = v128.and(x, v128.load(MAG_V));
    const half = i32x4.shr_u(i32x4.sub(n, i32x4.gt_s(x, i32x4.splat(0))), 1); // gt_s: −1 where x > 0
    return v128.bitselect(v128.or(half, v128.xor(x, n)), y, i32x4.lt_u(n, v128.load(TINY_V)));
  }
}

// gelu'(x) = Φ(x) + x·φ(x). With D(a) = Φ(−a) − a·φ(a) (gaussTailSlopeScaled, scaled by 2^32):
//   x < 0: D(|x|),   x >= 0: 1 − D(|x|).
// D is −0 from |x| = GD_MAX = 13.3418827 on (where gelu' leaves the normal range), so gelu'(−∞) = −0 and gelu'(+∞) = 1. It has a root at
// x ≈ −0.7518: the mixed bound.

/** dx = dy·gelu'(x). */
@final export class GeluBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 {
    const d = gaussTailSlopeScaled(abs<f32>(x)) * EXP_UNSCALE;
    return dy * (x < 0 ? d : 1 - d);
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const d = f32x4.mul(gaussTailSlopeScaledV(f32x4.abs(x)), v128.load(EXP_UNSCALE_V));
    return f32x4.mul(dy, v128.bitselect(d, f32x4.sub(v128.load(ONE_V), d), f32x4.lt(x, f32x4.splat(0))));
  }
}
