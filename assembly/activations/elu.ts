import { expm1Neg, expm1NegV, EXPM1_Z_MAX, EXPM1_Z_MAX_V } from "../math/expm1neg";
import { expNegFlushed, expNegFlushedV, EXP_UNSCALE, EXP_UNSCALE_V } from "../math/expneg";
import { ONE_V } from "../math/vconst";
import { ABS_V } from "../math/logistic";

// elu(x) = x for x >= 0, α·(e^x − 1) below, with e^x − 1 = expm1Neg(|x|): the polynomial itself
// for |x| < ln2/2, so the result keeps its relative accuracy as x → 0⁻ (no e^x − 1 cancellation).
// |x| is clamped to EXPM1_Z_MAX = 20, beyond which e^x − 1 rounds to −1 in f32 anyway (and a
// positive x only gets a discarded value). The select is on x < 0, so ±0 and NaN return x itself:
// elu(±0) = ±0, elu(NaN) = NaN, elu(+∞) = +∞, elu(−∞) = −α.

/** elu(x) = x > 0 ? x : α·(e^x − 1); a = α. */
@final export class Elu {
  // @ts-ignore: decorator
  @inline s(x: f32, alpha: f32, b: f32): f32 {
    const z = abs<f32>(x);
    const m = expm1Neg(EXPM1_Z_MAX < z ? EXPM1_Z_MAX : z);
    return x < 0 ? alpha * m : x;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, alpha: v128, b: v128): v128 {
    const m = expm1NegV(f32x4.pmin(f32x4.abs(x), v128.load(EXPM1_Z_MAX_V)));
    return v128.bitselect(f32x4.mul(alpha, m), x, f32x4.lt(x, f32x4.splat(0)));
  }
}

// elu'(x) = 1 for x > 0, α·e^x for x <= 0 (PyTorch's convention: the left derivative α at the kink
// x = 0). e^x = E·2^-32 with E = expNegFlushed(|x|) (math/expneg.ts: 0 beyond |x| = 87.3365402,
// where e^x leaves the normal range, so no operation meets a subnormal, for either sign of x),
// unscaled before the product with α so that α·E cannot overflow for α > 2^96 (then dy = 0 would
// give 0·∞ = NaN). The flushed results, dy·α·e^x with e^x < 2^-126, are within 2^-23·|dy| for
// any α < 2^103.

/** dx = dy·(x > 0 ? 1 : α·e^x); a = α. */
@final export class EluBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, alpha: f32, b: f32): f32 {
    const g = alpha * (expNegFlushed(abs<f32>(x)) * EXP_UNSCALE);
    return dy * (x > 0 ? <f32>1 : g);
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, alpha: v128, b: v128): v128 {
    const g = f32x4.mul(alpha, f32x4.mul(expNegFlushedV(v128.and(x, v128.load(ABS_V))), v128.load(EXP_UNSCALE_V)));
    return f32x4.mul(dy, v128.bitselect(v128.load(ONE_V), g, f32x4.gt(x, f32x4.splat(0))));
  }
}

// From a kept output y = elu(x): for y <= 0, y + α = α·e^x. This needs α > 0 (the registry makes
// it a RangeError otherwise): with α < 0 a negative x gives y > 0 too, and the branch can no longer
// be told from y (PyTorch refuses that case as well).

/** dx = dy·(y > 0 ? 1 : y + α); a = α. */
@final export class EluBackwardFromOutput {
  // @ts-ignore: decorator
  @inline s(y: f32, dy: f32, alpha: f32, b: f32): f32 {
    return dy * (y > 0 ? <f32>1 : y + alpha);
  }
  // @ts-ignore: decorator
  @inline v(y: v128, dy: v128, alpha: v128, b: v128): v128 {
    return f32x4.mul(dy, v128.bitselect(v128.load(ONE_V), f32x4.add(y, alpha), f32x4.gt(y, f32x4.splat(0))));
  }
}
