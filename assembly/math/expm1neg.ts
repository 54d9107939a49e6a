// e^-z − 1 for small and moderate z (elu, selu): expneg.ts's reduction without the 2^32.
import { LOG2E, NEG_LN2_HI, LN2_LO, LOG2E_V, NEG_LN2_HI_V, LN2_LO_V, expm1Reduced, expm1ReducedV } from "./expneg";
import { ONE_V } from "./vconst";

// e^-z − 1 for z in [0, EXPM1_Z_MAX]: the same reduction without the 2^32 (s = 2^n stays normal
// since n >= -30), then s·(e^r − 1) + (s − 1). For |z| < ln2/2, n = 0 and the result is the
// polynomial itself, so it keeps its relative accuracy as z → 0 where e^-z − 1 would cancel.
// Beyond EXPM1_Z_MAX = 20 the exact value rounds to −1 in f32; callers clamp z there.

// @ts-ignore: decorator
@inline export const EXPM1_Z_MAX: f32 = 20.0;
// @ts-ignore: decorator
@inline const MAGIC0: f32 = reinterpret<f32>(0x4B40007F); // 1.5·2^23 + 127
const MAGIC0_V: usize = memory.data<f32>([MAGIC0, MAGIC0, MAGIC0, MAGIC0], 16);
export const EXPM1_Z_MAX_V: usize = memory.data<f32>([EXPM1_Z_MAX, EXPM1_Z_MAX, EXPM1_Z_MAX, EXPM1_Z_MAX], 16);

/** e^-z − 1, z in [0, EXPM1_Z_MAX] (NaN propagates). */
// @ts-ignore: decorator
@inline export function expm1Neg(z: f32): f32 {
  const t = MAGIC0 - z * LOG2E;
  const s = reinterpret<f32>(reinterpret<i32>(t) << 23);
  const n = t - MAGIC0;
  let r = n * NEG_LN2_HI - z;
  r = r - n * LN2_LO;
  return s * expm1Reduced(r) + (s - 1);
}

/** Four lanes of expm1Neg, bit-identical to the scalar form. */
// @ts-ignore: decorator
@inline export function expm1NegV(z: v128): v128 {
  const magic = v128.load(MAGIC0_V);
  const t = f32x4.sub(magic, f32x4.mul(z, v128.load(LOG2E_V)));
  const s = i32x4.shl(t, 23);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(f32x4.mul(n, v128.load(NEG_LN2_HI_V)), z);
  r = f32x4.sub(r, f32x4.mul(n, v128.load(LN2_LO_V)));
  return f32x4.add(f32x4.mul(s, expm1ReducedV(r)), f32x4.sub(s, v128.load(ONE_V)));
}
