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
// not), so ordinary data pay three operations per vector and one branch per 16 elements that is
// never taken.

// @ts-ignore: decorator
@inline const TWO70: f32 = reinterpret<f32>(0x62800000); // 2^70
// @ts-ignore: decorator
@inline const TWO_M70: f32 = reinterpret<f32>(0x1C800000); // 2^-70
// @ts-ignore: decorator
@inline const TINY_M1: u32 = 0x0D7FFFFF; // bits of 2^-100, less 1: |a| bits − 1 below it means 0 < |a| < 2^-100
const TINY_M1_V: usize = memory.data<u32>([TINY_M1, TINY_M1, TINY_M1, TINY_M1], 16);
const MAG_V: usize = memory.data<u32>([0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF], 16);

/** The parameters of f(a; β) = a·h(β·a) for an argument scaled by 2^70: β·2^-70. */
@final export class ScaleSlope {
  // @ts-ignore: decorator
  @inline s(p: f32): f32 { return p * TWO_M70; }
}

/** The parameters as they are (an f without parameters, or whose f(a)/a is flat near 0). */
@final export class KeepParams {
  // @ts-ignore: decorator
  @inline s(p: f32): f32 { return p; }
}

// The scaled path is a function of its own, not inlined: it runs rarely, and a second inlined
// copy of F's element math in every gated kernel would only make the module larger. gateTimes
// picks one of its two results by an if/else into a local: written as an early `return` of the
// call, Binaryen made the inlined return a br_if whose value, the call, was computed for every
// element and dropped unless a is tiny, so the scalar build evaluated F twice (swiglu 43 against
// swish's 19 ns/element) and the dropped scaled gate was a subnormal product for a in about
// [−100, −88] (swiglu 1.6–2.1× its u20 time there). The build keeps this one an `if`.
function gateScaled<F, P>(a: f32, m: f32, p0: f32, p1: f32): f32 {
  return (changetype<F>(0).s(a * TWO70, changetype<P>(0).s(p0), p1) * m) * TWO_M70;
}

/** f(a)·m, with the tiny-gate path above. */
// @ts-ignore: decorator
@inline function gateTimes<F, P>(a: f32, m: f32, p0: f32, p1: f32): f32 {
  let r: f32;
  if ((reinterpret<u32>(a) & 0x7FFFFFFF) - 1 < TINY_M1) r = gateScaled<F, P>(a, m, p0, p1); // 0 < |a| < 2^-100
  else r = changetype<F>(0).s(a, p0, p1) * m;
  return r;
}

/** The lanes of a vector step that need the scaled path: 0 < |a| < 2^-100 (zeros do not). */
// @ts-ignore: decorator
@inline function tinyLanes(a: v128): v128 {
  return i32x4.lt_u(i32x4.sub(v128.and(a, v128.load(MAG_V)), i32x4.splat(1)), v128.load(TINY_M1_V));
}

// The vector forms split gateTimes in two: `v` is the ordinary path alone, with no branch, so that
// the loops' four chains stay in one basic block (V8 schedules them side by side; a branch in each
// chain's op took swiglu from 3.2 to 5.4 ns/element and gegluBackward from 8.5 to 12.5), and the
// loops (loop.ts: the `rare` hook of mapBinary and mapGateGrad) ask `rare` whether a lane of a
// 16-element step needs the scaled path, and run that step through the scalar `s` when one does.

/** f(a)·b, with f = F's element math; p0, p1 are F's parameters (P: see above). */
@final export class Gate<F, P> {
  /** Two chains in the loops when F's element math asks for it (gelu: see loop.ts). */
  // @ts-ignore: decorator
  @inline narrow(): bool { return isDefined(changetype<F>(0).narrowGate); }
  // @ts-ignore: decorator
  @inline s(a: f32, b: f32, p0: f32, p1: f32): f32 { return gateTimes<F, P>(a, b, p0, p1); }
  /** The ordinary path; a step with a lane where `rare` is set runs through `s` (loop.ts). */
  // @ts-ignore: decorator
  @inline v(a: v128, b: v128, p0: v128, p1: v128): v128 { return f32x4.mul(changetype<F>(0).v(a, p0, p1), b); }
  // @ts-ignore: decorator
  @inline rare(a: v128): v128 { return tinyLanes(a); }
}

/**
 * ∂L/∂a = dy·b·f'(a) (D applied to the upstream gradient dy·b) and ∂L/∂b = dy·f(a) (with the
 * tiny-gate path): `s` stores both; the vector forms give them apart (`v` is ∂L/∂a, `w` the
 * ordinary ∂L/∂b, `rare` as Gate's for it), and mapGateGrad stores them after every load of
 * its step, so outA = a, outB = b works.
 */
@final export class GateBackward<F, D, P> {
  /** Two chains in the loops when F's element math asks for it (gelu: see loop.ts). */
  // @ts-ignore: decorator
  @inline narrow(): bool { return isDefined(changetype<F>(0).narrowGate); }
  // @ts-ignore: decorator
  @inline s(a: f32, b: f32, dy: f32, p0: f32, p1: f32, outA: usize, outB: usize): void {
    const da = changetype<D>(0).s(a, dy * b, p0, p1);
    const db = gateTimes<F, P>(a, dy, p0, p1);
    store<f32>(outA, da);
    store<f32>(outB, db);
  }
  // @ts-ignore: decorator
  @inline v(a: v128, b: v128, dy: v128, p0: v128, p1: v128): v128 { return changetype<D>(0).v(a, f32x4.mul(dy, b), p0, p1); }
  // @ts-ignore: decorator
  @inline w(a: v128, dy: v128, p0: v128, p1: v128): v128 { return f32x4.mul(changetype<F>(0).v(a, p0, p1), dy); }
  // @ts-ignore: decorator
  @inline rare(a: v128): v128 { return tinyLanes(a); }
}
