import { expm1Neg, expm1NegV, EXPM1_Z_MAX, EXPM1_Z_MAX_V } from "../math/expm1neg";
import { expNegFlushed, expNegFlushedV, EXP_UNSCALE, EXP_UNSCALE_V } from "../math/expneg";
import { ABS_V } from "../math/logistic";

// selu(x) = λ·x for x > 0, λα·(e^x − 1) below (Klambauer et al. 2017), with PyTorch's constants
//   λ = 1.0507009873554804934193349852946, α = 1.6732632423543772848170429916717,
//   λα = 1.7580993408473768599402175208123.
// As elu: e^x − 1 = expm1Neg(min(|x|, 20)), selected on x < 0. Neither constant is an f32, and
// rounding it would cost up to a whole ULP more, so
//   λ·x   = x + x·(λ − 1), with λ − 1 ≈ 0.0507 rounded to f32: its error and that of x·(λ − 1)
//           weigh 1/20 of the result, and the sum overflows only where λ·x itself rounds past
//           the f32 range (f32(λ)·x is already +∞ at x = 3.23862215e38, where λ·x rounds to the
//           largest f32);
//   λα·m  = LA·m + LA_LO·m, λα = LA + LA_LO split into two f32s.

// @ts-ignore: decorator
@inline const LAMBDA: f32 = reinterpret<f32>(0x3F867D5F); // λ rounded to f32
// @ts-ignore: decorator
@inline const LAMBDA_M1: f32 = reinterpret<f32>(0x3D4FABD7); // λ − 1 rounded to f32
// @ts-ignore: decorator
@inline const LA: f32 = reinterpret<f32>(0x3FE10966); // λα rounded to f32
// @ts-ignore: decorator
@inline const LA_LO: f32 = reinterpret<f32>(0x32C81E06); // λα − LA, rounded to f32
const LAMBDA_V: usize = memory.data<f32>([LAMBDA, LAMBDA, LAMBDA, LAMBDA], 16);
const LAMBDA_M1_V: usize = memory.data<f32>([LAMBDA_M1, LAMBDA_M1, LAMBDA_M1, LAMBDA_M1], 16);
const LA_V: usize = memory.data<f32>([LA, LA, LA, LA], 16);
const LA_LO_V: usize = memory.data<f32>([LA_LO, LA_LO, LA_LO, LA_LO], 16);

/** selu(x) = λ·(x > 0 ? x : α·(e^x − 1)). */
@final export class Selu {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 {
    const z = abs<f32>(x);
    const m = expm1Neg(EXPM1_Z_MAX < z ? EXPM1_Z_MAX : z);
    return x < 0 ? LA * m + LA_LO * m : x + x * LAMBDA_M1;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 {
    const m = expm1NegV(f32x4.pmin(f32x4.abs(x), v128.load(EXPM1_Z_MAX_V)));
    const lo = f32x4.add(f32x4.mul(v128.load(LA_V), m), f32x4.mul(v128.load(LA_LO_V), m));
    const hi = f32x4.add(x, f32x4.mul(x, v128.load(LAMBDA_M1_V)));
    return v128.bitselect(lo, hi, f32x4.lt(x, f32x4.splat(0)));
  }
}

/** dx = dy·(x > 0 ? λ : λα·e^x); at x = 0 the left derivative λα (as PyTorch). */
@final export class SeluBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 {
    const g = (LA * expNegFlushed(abs<f32>(x))) * EXP_UNSCALE;
    return dy * (x > 0 ? LAMBDA : g);
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const g = f32x4.mul(f32x4.mul(v128.load(LA_V), expNegFlushedV(v128.and(x, v128.load(ABS_V)))), v128.load(EXP_UNSCALE_V));
    return f32x4.mul(dy, v128.bitselect(v128.load(LAMBDA_V), g, f32x4.gt(x, f32x4.splat(0))));
  }
}

// From a kept output y = selu(x) <= 0: y + λα = λα·e^x, as (y + LA) + LA_LO. Where y is near −LA
// the first sum is exact (Sterbenz), so the factor is the correctly rounded y + λα even when y has
// saturated to −LA (x ≲ −17), where a plain y + LA would give 0 instead of λα − LA ≈ 2.33e-8.

/** dx = dy·(y > 0 ? λ : y + λα) from a kept output y = selu(x). */
@final export class SeluBackwardFromOutput {
  // @ts-ignore: decorator
  @inline s(y: f32, dy: f32, a: f32, b: f32): f32 {
    return dy * (y > 0 ? LAMBDA : (y + LA) + LA_LO);
  }
  // @ts-ignore: decorator
  @inline v(y: v128, dy: v128, a: v128, b: v128): v128 {
    return f32x4.mul(dy, v128.bitselect(v128.load(LAMBDA_V), f32x4.add(f32x4.add(y, v128.load(LA_V)), v128.load(LA_LO_V)), f32x4.gt(y, f32x4.splat(0))));
  }
}
