import { expNegScaled, expNegScaledV, EXP_UNSCALE, Z_MAX, Z_MAX_V, EXP_UNSCALE_V } from "../math/expneg";
import { ONE_V } from "../math/vconst";

// σ(-z) for z = min(|x|, Z_MAX), corrected for the rounding of d = 1 + e:
//   e = e^-z, d = fl(1 + e), c = (d - 1) - e is exactly -(rounding error of d) (Fast2Sum,
//   since e <= 1), f = e/d, and e/(d - c) ≈ f + f·c/d ≈ f + f·(g·c) with g = 1 - f ≈ 1/d.
// Measured: σ ≤ 2 ULP over all finite f32 inputs (see README). σ(x) = x < 0 ? f : 1 - f.

// @ts-ignore: decorator
@inline export function sigmoidNegAbs(z: f32): f32 {
  const e = expNegScaled(z) * EXP_UNSCALE;
  const d = e + 1;
  const c = (d - 1) - e;
  const f = e / d;
  return f + f * ((1 - f) * c);
}

// @ts-ignore: decorator
@inline export function sigmoidNegAbsV(z: v128): v128 {
  const one = v128.load(ONE_V);
  const e = f32x4.mul(expNegScaledV(z), v128.load(EXP_UNSCALE_V));
  const d = f32x4.add(e, one);
  const c = f32x4.sub(f32x4.sub(d, one), e);
  const f = f32x4.div(e, d);
  return f32x4.add(f, f32x4.mul(f, f32x4.mul(f32x4.sub(one, f), c)));
}

// pmin(z, Z_MAX) keeps a NaN z (it returns the first operand unless the second is smaller).
// @ts-ignore: decorator
@inline export function clampAbs(x: f32): f32 { const z = abs<f32>(x); return Z_MAX < z ? Z_MAX : z; }
// @ts-ignore: decorator
@inline export function clampAbsV(x: v128): v128 { return f32x4.pmin(f32x4.abs(x), v128.load(Z_MAX_V)); }

/** σ(x) = 1/(1+e^-x). */
@final export class Sigmoid {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 {
    const f = sigmoidNegAbs(clampAbs(x));
    return x < 0 ? f : 1 - f;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 {
    const f = sigmoidNegAbsV(clampAbsV(x));
    return v128.bitselect(f, f32x4.sub(v128.load(ONE_V), f), f32x4.lt(x, f32x4.splat(0)));
  }
}

/** dx = dy·σ(x)·(1 − σ(x)) = dy·f·(1 − f), f = σ(-|x|) (the product is even in x). */
@final export class SigmoidBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 {
    const f = sigmoidNegAbs(clampAbs(x));
    return dy * (f * (1 - f));
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const f = sigmoidNegAbsV(clampAbsV(x));
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
