// The flush threshold of results kept scaled by 2^32 (e^x as expNegScaled's E) until their last
// multiplication, in softplus and mishBackward: a scaled result below it is returned as a zero
// of its own sign, the multiplier 2^-32 being replaced by 0 before the product, so the subnormal
// number is never formed (x86 takes a ~100-cycle microcode assist for each one). It is
// 2^-94·(1 − 2^-20), so the unscaled results flushed are those below 2^-126·(1 − 2^-20)
// (src/kernel.ts SWISH_FLUSH): the margin keeps every result that would round to a normal number.

// @ts-ignore: decorator
@inline export const FLUSH_SCALED: f32 = reinterpret<f32>(0x107FFFF0); // 2^-94·(1 − 2^-20)
export const FLUSH_SCALED_V: usize = memory.data<f32>([FLUSH_SCALED, FLUSH_SCALED, FLUSH_SCALED, FLUSH_SCALED], 16);
