import { Swish, SwishBackward } from "../activations/swish";

/** swiglu(a, b) = swish(a)·b; p = β. The swish element math is the activation's own. */
@final export class Swiglu {
  // @ts-ignore: decorator
  @inline s(a: f32, b: f32, beta: f32, p1: f32): f32 {
    return changetype<Swish>(0).s(a, beta, p1) * b;
  }
  // @ts-ignore: decorator
  @inline v(a: v128, b: v128, beta: v128, p1: v128): v128 {
    return f32x4.mul(changetype<Swish>(0).v(a, beta, p1), b);
  }
}

/** ∂L/∂a = dy·b·swish'(a) into outA, ∂L/∂b = dy·swish(a) into outB; both inputs are read first. */
@final export class SwigluBackward {
  // @ts-ignore: decorator
  @inline s(a: f32, b: f32, dy: f32, beta: f32, p1: f32, outA: usize, outB: usize): void {
    const da = changetype<SwishBackward>(0).s(a, dy * b, beta, p1);
    const db = dy * changetype<Swish>(0).s(a, beta, p1);
    store<f32>(outA, da);
    store<f32>(outB, db);
  }
  // @ts-ignore: decorator
  @inline v(a: v128, b: v128, dy: v128, beta: v128, p1: v128, outA: usize, outB: usize): void {
    const da = changetype<SwishBackward>(0).v(a, f32x4.mul(dy, b), beta, p1);
    const db = f32x4.mul(dy, changetype<Swish>(0).v(a, beta, p1));
    v128.store(outA, da);
    v128.store(outB, db);
  }
}
