// A gate f(a)·b and its gradients over any activation's element ops F (forward) and D
// (backward), so each gated form (swiglu, geglu) is a single line over its activation.

/** f(a)·b, with f = F's element math; p0, p1 are F's parameters. */
@final export class Gate<F> {
  // @ts-ignore: decorator
  @inline s(a: f32, b: f32, p0: f32, p1: f32): f32 {
    return changetype<F>(0).s(a, p0, p1) * b;
  }
  // @ts-ignore: decorator
  @inline v(a: v128, b: v128, p0: v128, p1: v128): v128 {
    return f32x4.mul(changetype<F>(0).v(a, p0, p1), b);
  }
}

/**
 * ∂L/∂a = dy·b·f'(a) into outA (D applied to the upstream gradient dy·b), ∂L/∂b = dy·f(a)
 * into outB. Both inputs are read before either output is written, so outA = a, outB = b works.
 */
@final export class GateBackward<F, D> {
  // @ts-ignore: decorator
  @inline s(a: f32, b: f32, dy: f32, p0: f32, p1: f32, outA: usize, outB: usize): void {
    const da = changetype<D>(0).s(a, dy * b, p0, p1);
    const db = dy * changetype<F>(0).s(a, p0, p1);
    store<f32>(outA, da);
    store<f32>(outB, db);
  }
  // @ts-ignore: decorator
  @inline v(a: v128, b: v128, dy: v128, p0: v128, p1: v128, outA: usize, outB: usize): void {
    const da = changetype<D>(0).v(a, f32x4.mul(dy, b), p0, p1);
    const db = f32x4.mul(dy, changetype<F>(0).v(a, p0, p1));
    v128.store(outA, da);
    v128.store(outB, db);
  }
}
