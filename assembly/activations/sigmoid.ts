import { sigmoidNegAbs, sigmoidNegAbsV, sigmoidOf, sigmoidOfV, ABS_V } from "../math/logistic";
import { ONE_V } from "../math/vconst";

// σ and its gradient from math/logistic.ts: ≤ 2 ULP, flushed to 0 (σ) and ±0 (the gradient)
// beyond |x| = Z_LAST = 87.3365402, where the exact result leaves the normal range.

/** σ(x) = 1/(1+e^-x). */
@final export class Sigmoid {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 { return sigmoidOf(x); }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 { return sigmoidOfV(x); }
}

/** dx = dy·σ(x)·(1 − σ(x)) = dy·f·(1 − f), f = σ(-|x|) (the product is even in x). */
@final export class SigmoidBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 {
    const f = sigmoidNegAbs(abs<f32>(x));
    return dy * (f * (1 - f));
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const f = sigmoidNegAbsV(v128.and(x, v128.load(ABS_V)));
    return f32x4.mul(dy, f32x4.mul(f, f32x4.sub(v128.load(ONE_V), f)));
  }
}

/** dx = dy·y·(1 − y) from a kept output y: cheap, but inherits y's rounding (see README). */
@final export class SigmoidBackwardFromOutput {
  // @ts-ignore: decorator
  @inline s(y: f32, dy: f32, a: f32, b: f32): f32 { return dy * (y * (1 - y)); }
  // @ts-ignore: decorator
  @inline v(y: v128, dy: v128, a: v128, b: v128): v128 {
    return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(v128.load(ONE_V), y)));
  }
}
