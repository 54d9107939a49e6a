// Vector constants shared by several kernels, four f32 lanes each in a data segment, read with
// v128.load(NAME_V): V8 rebuilds an inline v128.const on every loop iteration, and Binaryen folds
// constants hoisted into locals back into the loop, so a load is the cheap way (vmath history:
// sigmoid 1.69 against 2.07 ns/element). A constant used by one kernel only stays in its file.

// @ts-ignore: decorator
@inline export const FLT_MAX: f32 = reinterpret<f32>(0x7F7FFFFF);

export const ONE_V: usize = memory.data<f32>([1, 1, 1, 1], 16);
export const TWO_V: usize = memory.data<f32>([2, 2, 2, 2], 16);
export const HALF_V: usize = memory.data<f32>([0.5, 0.5, 0.5, 0.5], 16);
export const THREE_V: usize = memory.data<f32>([3, 3, 3, 3], 16);
export const NEG_THREE_V: usize = memory.data<f32>([-3, -3, -3, -3], 16);
export const SIX_V: usize = memory.data<f32>([6, 6, 6, 6], 16);
export const FLT_MAX_V: usize = memory.data<f32>([FLT_MAX, FLT_MAX, FLT_MAX, FLT_MAX], 16);
export const NEG_FLT_MAX_V: usize = memory.data<f32>([-FLT_MAX, -FLT_MAX, -FLT_MAX, -FLT_MAX], 16);
/** The sign bit of each lane. */
export const SIGN_V: usize = memory.data<u32>([0x80000000, 0x80000000, 0x80000000, 0x80000000], 16);
