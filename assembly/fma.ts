// Fused multiply-add and lane select for the SIMD kernels, one source for two builds:
//   relaxed  (asconfig target `relaxed`, ASC_FEATURE_RELAXED_SIMD): f32x4.relaxed_madd,
//            f32x4.relaxed_nmadd and relaxed_laneselect;
//   simd     (target `simd`): the unfused mul-then-add / mul-then-sub and v128.bitselect.
//
// relaxed_madd(a, b, c) may round once (a fused a·b + c) or twice (fl(fl(a·b) + c)): the engine
// picks, per CPU. V8 on x64 emits vfmadd231ps when the CPU has FMA3 and mulps + addps otherwise;
// on arm64 it is always fused (fmla). The unfused form below is exactly that mul-then-add, so
// the simd build *is* the relaxed build's unfused lowering, bit for bit: a kernel's bound must
// hold for both, and sweeping both builds (the relaxed one on an FMA machine) covers both
// lowerings. The fused one is never less accurate for one operation, but a kernel written around
// an exact product (e.g. an error-free split such as n·ln2_hi) must not use madd there.
//
// Only SIMD code calls these (inside `if (ASC_FEATURE_SIMD)`); the scalar build never compiles them.

/** a·b + c: fused or not in the relaxed build (the engine's choice), mul then add in the simd build. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** −a·b + c: fused or not in the relaxed build, c − fl(a·b) in the simd build. */
// @ts-ignore: decorator
@inline export function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}

/**
 * Per lane, a where `mask` is all ones and b where it is all zeros (a comparison's result).
 * relaxed_laneselect may look at only the top bit of each lane (x64's blendvps) or at every bit
 * (bitselect); for all-ones/all-zeros lanes both agree, so pass nothing else as `mask`.
 */
// @ts-ignore: decorator
@inline export function laneselect(a: v128, b: v128, mask: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_laneselect(a, b, mask);
  return v128.bitselect(a, b, mask);
}

// The same steps as op classes, so that shared element math (math/expneg.ts) is written once and
// each kernel chooses: `Unfused` rounds every product in every build (the relaxed build then
// gives the simd build's bits, and the simd sweep covers it); `MaybeFused` is madd/nmadd above.
// Only sigmoid's and swish's forward kernels use MaybeFused, so only they differ in the relaxed
// build (and only they need its own sweep).

/** a·b + c and −a·b + c rounded twice, in every build. */
@final export class Unfused {
  // @ts-ignore: decorator
  @inline madd(a: v128, b: v128, c: v128): v128 { return f32x4.add(f32x4.mul(a, b), c); }
  // @ts-ignore: decorator
  @inline nmadd(a: v128, b: v128, c: v128): v128 { return f32x4.sub(c, f32x4.mul(a, b)); }
}

/** a·b + c and −a·b + c as madd/nmadd: fused where the relaxed build runs on an FMA machine. */
@final export class MaybeFused {
  // @ts-ignore: decorator
  @inline madd(a: v128, b: v128, c: v128): v128 { return madd(a, b, c); }
  // @ts-ignore: decorator
  @inline nmadd(a: v128, b: v128, c: v128): v128 { return nmadd(a, b, c); }
}
