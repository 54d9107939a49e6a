// The module's exports: one line per kernel, all of one of three shapes (see loop.ts).
//   forward  name(x, out, n, a, b)
//   gradient name(x or y, dy, out, n, a, b)
//   sum      name(x, dy, n, a, b): f64
// Pointers are byte offsets into this module's memory, 16-byte aligned for speed (not needed
// for correctness). Memory is managed by the JS side; nothing here allocates.
import { mapUnary, mapGrad, sumGrad } from "./loop";
import { Sigmoid, SigmoidBackward, SigmoidBackwardFromOutput } from "./activations/sigmoid";
import { Swish, SwishBackward, SwishBetaGradTerm } from "./activations/swish";

export function sigmoid(x: usize, out: usize, n: i32, a: f32, b: f32): void { mapUnary<Sigmoid>(x, out, n, a, b); }
export function sigmoidBackward(x: usize, dy: usize, out: usize, n: i32, a: f32, b: f32): void { mapGrad<SigmoidBackward>(x, dy, out, n, a, b); }
export function sigmoidBackwardFromOutput(y: usize, dy: usize, out: usize, n: i32, a: f32, b: f32): void { mapGrad<SigmoidBackwardFromOutput>(y, dy, out, n, a, b); }
export function swish(x: usize, out: usize, n: i32, a: f32, b: f32): void { mapUnary<Swish>(x, out, n, a, b); }
export function swishBackward(x: usize, dy: usize, out: usize, n: i32, a: f32, b: f32): void { mapGrad<SwishBackward>(x, dy, out, n, a, b); }
export function swishBetaGrad(x: usize, dy: usize, n: i32, a: f32, b: f32): f64 { return sumGrad<SwishBetaGradTerm>(x, dy, n, a, b); }

/** First byte the JS side may manage: everything below is this module's static data. */
export function heapBase(): usize { return (__heap_base + 15) & ~15; }

/** 1 in the SIMD build, 0 in the scalar one: tells a caller-supplied module apart. */
export function isSimdBuild(): i32 { return ASC_FEATURE_SIMD ? 1 : 0; }
