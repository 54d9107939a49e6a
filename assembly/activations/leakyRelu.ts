// Leaky ReLU: x for x > 0, α·x for x <= 0 (α = a, 0.01 by default), one f32 product, so the
// result is the correctly rounded α·x: leakyRelu(−0) = α·(−0) (−0 for α > 0), NaN gives NaN.
// The gradient follows PyTorch: dy for x > 0, α·dy for x <= 0 (α·dy at the kink x = 0); a NaN x
// gives NaN (x itself) where PyTorch would give α·dy.

/** leakyRelu(x) = x > 0 ? x : α·x. */
@final export class LeakyRelu {
  // @ts-ignore: decorator
  @inline s(x: f32, alpha: f32, b: f32): f32 { return x > 0 ? x : alpha * x; }
  // @ts-ignore: decorator
  @inline v(x: v128, alpha: v128, b: v128): v128 {
    return v128.bitselect(x, f32x4.mul(alpha, x), f32x4.gt(x, f32x4.splat(0)));
  }
}

/** dx = x > 0 ? dy : α·dy (NaN for NaN x). */
@final export class LeakyReluBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, alpha: f32, b: f32): f32 { return x != x ? x : x > 0 ? dy : alpha * dy; }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, alpha: v128, b: v128): v128 {
    const r = v128.bitselect(dy, f32x4.mul(alpha, dy), f32x4.gt(x, f32x4.splat(0)));
    return v128.bitselect(x, r, f32x4.ne(x, x));
  }
}
