import { ONE_V, HALF_V, THREE_V, NEG_THREE_V, SIX_V } from "../math/vconst";

// hardSigmoid(x) = clamp((x + 3)/6, 0, 1), in two forms with one division each:
//   x <= −1.5:  (x + 3)/6, where x + 3 is exact (Sterbenz), so the result is correctly rounded;
//   x >  −1.5:  x/6 + 1/2, x/6 rounded (at most 1/4 ULP of the result, as |x/6| <= result/2) and
//               the sum rounded: <= 0.75 ULP, where (x + 3)/6 would be 1.17 (x + 3 rounds).
// The forms share one division: t = x + (x <= −1.5 ? 3 : 0), y = t/6 + (x <= −1.5 ? 0 : 1/2).
// The clamp is pmax(y, 0) then pmin(·, 1), which keep NaN. hardSigmoid(−3) = 0, (3) = 1 exactly
// (3/6 + 1/2 = 1), hardSigmoid(±∞) = 1 or 0, hardSigmoid(±0) = 1/2.

// @ts-ignore: decorator
@inline const SPLIT: f32 = -1.5;
const SPLIT_V: usize = memory.data<f32>([SPLIT, SPLIT, SPLIT, SPLIT], 16);

/** hardSigmoid(x) = clamp((x + 3)/6, 0, 1). */
@final export class HardSigmoid {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 {
    const lo = x <= SPLIT;
    const y = (x + (lo ? <f32>3 : <f32>0)) / 6 + (lo ? <f32>0 : <f32>0.5);
    const c: f32 = y < 0 ? 0 : y;
    return 1 < c ? 1 : c;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 {
    const lo = f32x4.le(x, v128.load(SPLIT_V));
    const t = f32x4.add(x, v128.and(v128.load(THREE_V), lo));
    const y = f32x4.add(f32x4.div(t, v128.load(SIX_V)), v128.andnot(v128.load(HALF_V), lo));
    return f32x4.pmin(f32x4.pmax(y, f32x4.splat(0)), v128.load(ONE_V));
  }
}

// The gradient is dy/6 strictly inside (−3, 3) and +0 outside and at the corners ±3 (PyTorch's
// convention), selected rather than multiplied (dy = ±∞ or NaN outside still gives 0); dy/6 is
// correctly rounded. A NaN x gives NaN (x itself; PyTorch gives 0).

/** dx = −3 < x < 3 ? dy/6 : 0 (NaN for NaN x). */
@final export class HardSigmoidBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 {
    return x != x ? x : x > -3 && x < 3 ? dy / 6 : <f32>0;
  }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 {
    const inside = v128.and(f32x4.gt(x, v128.load(NEG_THREE_V)), f32x4.lt(x, v128.load(THREE_V)));
    const r = v128.and(f32x4.div(dy, v128.load(SIX_V)), inside);
    return v128.bitselect(x, r, f32x4.ne(x, x));
  }
}
