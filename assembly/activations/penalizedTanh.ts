import { EXP_UNSCALE, EXP_UNSCALE_V } from "../math/expneg";
import { tanhS, tanhV, sech2ScaledS, sech2ScaledV } from "./tanh";

// Penalized tanh (Xu, Huang & Li 2016): tanh x for x > 0, a·tanh x below, a = 0.25 by default.
// The tanh and sech² element math is tanh's (assembly/activations/tanh.ts); the branch is picked
// on x > 0, so x = ±0 takes the a-branch (a·(±0), as the gradient at the kink) and NaN gives NaN.

/** penalizedTanh(x) = x > 0 ? tanh x : a·tanh x. */
@final export class PenalizedTanh {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 {
    const t = tanhS(x);
    return x > 0 ? t : a * t;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 {
    const t = tanhV(x);
    return v128.bitselect(t, f32x4.mul(a, t), f32x4.gt(x, f32x4.splat(0)));
  }
}

/** dx = dy·(x > 0 ? 1 : a)·sech²x: at the kink x = 0 the slope is a (the x <= 0 side). */
@final export class PenalizedTanhBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 {
    const g = sech2ScaledS(x) * EXP_UNSCALE;
    return dy * (x > 0 ? g : a * g);
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const g = f32x4.mul(sech2ScaledV(x), v128.load(EXP_UNSCALE_V));
    return f32x4.mul(dy, v128.bitselect(g, f32x4.mul(a, g), f32x4.gt(x, f32x4.splat(0))));
  }
}
