import { HALF_V, THREE_V, NEG_THREE_V, SIX_V } from "../math/vconst";
// hardSwish(x) = x·clamp((x + 3)/6, 0, 1) = x(x + 3)/6 on [−3, 3], 0 below, x above
// (MobileNetV3). With xc = x clamped to [−3, 3] (pmax, pmin: NaN stays) and v = xc/6:
//   xc <= −1.5:  v·(xc + 3), xc + 3 exact (Sterbenz): two roundings, <= 1.0 ULP measured;
//   xc >  −1.5:  xc·v + xc/2, the product at most half the result: <= 0.95 ULP measured
//                (x(x + 3)/6 in either order of its three roundings reaches 1.9 ULP there).
// One division: y = v·(xc + (lo ? 3 : 0)) + (lo ? −0 : xc/2), adding −0 leaves v·(xc + 3) as it
// is. Above 3 the result is x itself; for x <= −3 it is (−1/2)·(+0) + (−0) = −0 (the sign of
// x·0, as PyTorch gives), including x = −∞ (where x·0 would be NaN). hardSwish(±0) = ±0.
// Below 3 the result has x's sign (x(x + 3)/6 <= 0 on [−3, 0]), so x's sign bit is ORed in: for
// x = −2^-149, xc/2 rounds to −0 and xc·v is +0, whose sum +0 would lose the sign of the exact
// −2^-150·(1 − 2^-149/3), which rounds to −0.

// @ts-ignore: decorator
@inline const NEG_ZERO: f32 = reinterpret<f32>(0x80000000);
const SPLIT_V: usize = memory.data<f32>([-1.5, -1.5, -1.5, -1.5], 16);
const NEG_ZERO_V: usize = memory.data<u32>([0x80000000, 0x80000000, 0x80000000, 0x80000000], 16);
const NEG_0_75_V: usize = memory.data<f32>([-0.75, -0.75, -0.75, -0.75], 16);
const ONE_HALF_V: usize = memory.data<f32>([1.5, 1.5, 1.5, 1.5], 16);

/** hardSwish(x) = x·clamp((x + 3)/6, 0, 1). */
@final export class HardSwish {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 {
    const x0: f32 = x < -3 ? -3 : x;
    const xc: f32 = <f32>3 < x0 ? 3 : x0;
    const lo = xc <= -1.5;
    const v = xc / 6;
    const y = v * (xc + (lo ? <f32>3 : <f32>0)) + (lo ? NEG_ZERO : xc * 0.5);
    return x > 3 ? x : reinterpret<f32>(reinterpret<u32>(y) | (reinterpret<u32>(x) & 0x80000000));
  }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 {
    const three = v128.load(THREE_V);
    const xc = f32x4.pmin(f32x4.pmax(x, v128.load(NEG_THREE_V)), three);
    const lo = f32x4.le(xc, v128.load(SPLIT_V));
    const v = f32x4.div(xc, v128.load(SIX_V));
    const p = f32x4.add(xc, v128.and(three, lo));
    const q = v128.bitselect(v128.load(NEG_ZERO_V), f32x4.mul(xc, v128.load(HALF_V)), lo);
    const y = v128.or(f32x4.add(f32x4.mul(v, p), q), v128.and(x, v128.load(NEG_ZERO_V)));
    return v128.bitselect(x, y, f32x4.gt(x, three));
  }
}

// The gradient, as current PyTorch (since pytorch/pytorch#148049, which fixed #147801): 0 for
// x <= −3, dy·(x/3 + 1/2) for −3 < x < 3, dy from 3 on (so 0 at x = −3 and dy at x = 3, the
// one-sided values of the outer pieces; earlier PyTorch, and this package before, gave the inner
// piece's −dy/2 and 3dy/2 there). The factor
// g = x/3 + 1/2 is formed as (x + 1.5)/3 for x <= −0.75, where x + 1.5 is exact, so g is
// correctly rounded around its root x = −1.5 and the result keeps a relative bound there; above,
// as x/3 + 1/2 (<= 0.75 ULP). Outside [−3, 3] dy is selected, not multiplied. NaN gives NaN.

/** dx = x <= −3 ? 0 : x < 3 ? dy·(x/3 + 1/2) : dy. */
@final export class HardSwishBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 {
    const lo = x <= -0.75;
    const g = (x + (lo ? <f32>1.5 : <f32>0)) / 3 + (lo ? <f32>0 : <f32>0.5);
    const r = dy * g;
    return x <= -3 ? <f32>0 : x >= 3 ? dy : r;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const three = v128.load(THREE_V);
    const lo = f32x4.le(x, v128.load(NEG_0_75_V));
    const t = f32x4.add(x, v128.and(v128.load(ONE_HALF_V), lo));
    const g = f32x4.add(f32x4.div(t, three), v128.andnot(v128.load(HALF_V), lo));
    const r = v128.bitselect(dy, f32x4.mul(dy, g), f32x4.ge(x, three));
    return v128.andnot(r, f32x4.le(x, v128.load(NEG_THREE_V)));
  }
}
