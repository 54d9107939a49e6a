// ReLU, max(0, x), exact. relu(−0) = +0 and relu(NaN) = NaN, as Math.max(x, 0) and the
// NaN-propagating f32x4.max / max<f32> give; here as pmax(x, 0) + 0, two single instructions
// (f32x4.max is a seven-instruction sequence on x86): pmax(x, 0) = x < 0 ? 0 : x keeps −0 and
// NaN, and adding +0 turns −0 into +0 while leaving every other value, NaN included, as it is.

/** relu(x) = max(0, x). */
@final export class Relu {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 { return (x < 0 ? <f32>0 : x) + <f32>0; }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 {
    const zero = f32x4.splat(0);
    return f32x4.add(f32x4.pmax(x, zero), zero);
  }
}

// The gradient is dy where x > 0 and +0 where x <= 0 (PyTorch's convention at 0), picked rather
// than multiplied, so dy = ±∞ or NaN where x <= 0 still gives 0. A NaN x gives NaN (x itself):
// PyTorch passes dy through there, but a NaN input has no gradient, and every other backward
// kernel of the library propagates it.

/** dx = x > 0 ? dy : 0 (NaN for NaN x). */
@final export class ReluBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 { return x != x ? x : x > 0 ? dy : <f32>0; }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const r = v128.and(dy, f32x4.gt(x, f32x4.splat(0)));
    return v128.bitselect(x, r, f32x4.ne(x, x));
  }
}
