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

/** gelu(x) = x·Φ(x). */
@final export class Gelu {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 {
    const g = gaussTailScaled(abs<f32>(x)) * EXP_UNSCALE;
    return x < 0 ? -g : x - g;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 {
    const g = f32x4.mul(gaussTailScaledV(f32x4.abs(x)), v128.load(EXP_UNSCALE_V));
    return v128.bitselect(f32x4.neg(g), f32x4.sub(x, g), f32x4.lt(x, f32x4.splat(0)));
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
