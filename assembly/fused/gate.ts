// A gate f(a)·b and its gradients over any activation's element ops F (forward) and D
// (backward), so each gated form (swiglu, geglu) is a single line over its activation.
//
// Tiny gates: for 0 < |a| < 2^-100, f(a) ≈ a/2 would be subnormal (or flushed to ±0 by F), and
// f(a)·b with a large b would carry that rounding (swiglu(2^-149, 2^100) was 0, its exact value
// 2^-50; swiglu(2^-149, +∞) was 0·∞ = NaN). There the gate is formed scaled, as
// f(a·2^70; P(p))·b·2^-70, where P rescales the parameters so that f(a·2^70; P(p)) = 2^70·f(a; p):
// ScaleSlope for f(a; β) = a·h(β·a) (swish: β·2^-70, so fl(βa) is unchanged), KeepParams for an f
// whose f(a)/a is flat near 0 (gelu: Φ(a·2^70) = Φ(a)·(1 + 2^-30.3) at most, for |a·2^70| <= 2^-30).
// The scaled gate is >= 2^-80 (normal), |gate·b| < 2^98, and the last scaling is exact unless the
// result is subnormal. A vector step takes that path only when one of its lanes is tiny (zeros are
// not), so ordinary data pay four operations and a branch that is never taken.

// @ts-ignore: decorator
@inline const TWO70: f32 = reinterpret<f32>(0x62800000); // 2^70
// @ts-ignore: decorator
@inline const TWO_M70: f32 = reinterpret<f32>(0x1C800000); // 2^-70
// @ts-ignore: decorator
@inline const TINY_M1: u32 = 0x0D7FFFFF; // bits of 2^-100, less 1: |a| bits − 1 below it means 0 < |a| < 2^-100
const TWO70_V: usize = memory.data<f32>([TWO70, TWO70, TWO70, TWO70], 16);
const TWO_M70_V: usize = memory.data<f32>([TWO_M70, TWO_M70, TWO_M70, TWO_M70], 16);
const TINY_M1_V: usize = memory.data<u32>([TINY_M1, TINY_M1, TINY_M1, TINY_M1], 16);
const MAG_V: usize = memory.data<u32>([0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF], 16);

/** The parameters of f(a; β) = a·h(β·a) for an argument scaled by 2^70: β·2^-70. */
@final export class ScaleSlope {
  // @ts-ignore: decorator
  @inline s(p: f32): f32 { return p * TWO_M70; }
  // @ts-ignore: decorator
  @inline v(p: v128): v128 { return f32x4.mul(p, v128.load(TWO_M70_V)); }
}

/** The parameters as they are (an f without parameters, or whose f(a)/a is flat near 0). */
@final export class KeepParams {
  // @ts-ignore: decorator
  @inline s(p: f32): f32 { return p; }
  // @ts-ignore: decorator
  @inline v(p: v128): v128 { return p; }
}

// The scaled path is a function of its own, not inlined: it runs rarely, and a second inlined
// copy of F's element math in every gated kernel would only make the module larger.
function gateScaled<F, P>(a: f32, m: f32, p0: f32, p1: f32): f32 {
  return (changetype<F>(0).s(a * TWO70, changetype<P>(0).s(p0), p1) * m) * TWO_M70;
}
function gateScaledV<F, P>(a: v128, m: v128, p0: v128, p1: v128): v128 {
  const scaled = changetype<F>(0).v(f32x4.mul(a, v128.load(TWO70_V)), changetype<P>(0).v(p0), p1);
  return f32x4.mul(f32x4.mul(scaled, m), v128.load(TWO_M70_V));
}

/** f(a)·m, with the tiny-gate path above. */
// @ts-ignore: decorator
@inline function gateTimes<F, P>(a: f32, m: f32, p0: f32, p1: f32): f32 {
  if ((reinterpret<u32>(a) & 0x7FFFFFFF) - 1 < TINY_M1) return gateScaled<F, P>(a, m, p0, p1); // 0 < |a| < 2^-100
  return changetype<F>(0).s(a, p0, p1) * m;
}

/** Four lanes of gateTimes, bit-identical to it. */
// @ts-ignore: decorator
@inline function gateTimesV<F, P>(a: v128, m: v128, p0: v128, p1: v128): v128 {
  const r = f32x4.mul(changetype<F>(0).v(a, p0, p1), m);
  const tiny = i32x4.lt_u(i32x4.sub(v128.and(a, v128.load(MAG_V)), i32x4.splat(1)), v128.load(TINY_M1_V));
  if (!v128.any_true(tiny)) return r;
  return v128.bitselect(gateScaledV<F, P>(a, m, p0, p1), r, tiny);
}

/** f(a)·b, with f = F's element math; p0, p1 are F's parameters (P: see above). */
@final export class Gate<F, P> {
  // @ts-ignore: decorator
  @inline s(a: f32, b: f32, p0: f32, p1: f32): f32 { return gateTimes<F, P>(a, b, p0, p1); }
  // @ts-ignore: decorator
  @inline v(a: v128, b: v128, p0: v128, p1: v128): v128 { return gateTimesV<F, P>(a, b, p0, p1); }
}

/**
 * ∂L/∂a = dy·b·f'(a) into outA (D applied to the upstream gradient dy·b), ∂L/∂b = dy·f(a)
 * into outB (with the tiny-gate path). Both inputs are read before either output is written, so
 * outA = a, outB = b works.
 */
@final export class GateBackward<F, D, P> {
  // @ts-ignore: decorator
  @inline s(a: f32, b: f32, dy: f32, p0: f32, p1: f32, outA: usize, outB: usize): void {
    const da = changetype<D>(0).s(a, dy * b, p0, p1);
    const db = gateTimes<F, P>(a, dy, p0, p1);
    store<f32>(outA, da);
    store<f32>(outB, db);
  }
  // @ts-ignore: decorator
  @inline v(a: v128, b: v128, dy: v128, p0: v128, p1: v128, outA: usize, outB: usize): void {
    const da = changetype<D>(0).v(a, f32x4.mul(dy, b), p0, p1);
    const db = gateTimesV<F, P>(a, dy, p0, p1);
    v128.store(outA, da);
    v128.store(outB, db);
  }
}
