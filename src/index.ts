// swish-wasm: sigmoid and swish (SiLU) forward and backward on Float32Array, in WebAssembly SIMD,
// scalar WebAssembly, or plain JS, with the same results and a stated error bound for each.
//
// Every function below is made by one of three wrappers from its registry entry (registry.ts):
// the wrappers check the arguments, apply parameter defaults and dispatch to the backend.
import { kernels, type KernelName } from './registry.js';
import { currentBackend } from './backends/select.js';
import type { WasmFloat32Array } from './backends/types.js';
import { f32Param, float32Array, noPartialOverlap, outArray, sameLength } from './validate.js';

export { init, initSync, backend, setBackend, availableBackends, simdSupported } from './backends/select.js';
export type { WasmSource } from './backends/select.js';
export type { Backend, WasmFloat32Array } from './backends/types.js';
export { kernels, activations, sigmoid64 } from './registry.js';
export type { Kernel, KernelName, Activation, Bound, Param } from './registry.js';

type Out = Float32Array | null | undefined;

/** The kernel's parameters as f32 values, defaults filled in, each checked. */
function params(k: KernelName, given: readonly unknown[]): [number, number] {
  const spec = kernels[k].params;
  const p: [number, number] = [0, 0];
  for (let i = 0; i < spec.length; i++) {
    const v = given[i] === undefined ? spec[i].default : given[i];
    p[i] = f32Param(v, spec[i].name);
  }
  return p;
}

function mapOp(k: KernelName) {
  return (x: Float32Array, out?: Out, ...p: unknown[]): Float32Array => {
    const xs = float32Array(x, 'x');
    const o = outArray(out, xs.length, 'x');
    noPartialOverlap(o, xs, 'x');
    const [a, b] = params(k, p);
    if (xs.length > 0) currentBackend().map(k, xs, o, a, b);
    return o;
  };
}

function gradOp(k: KernelName, input: 'x' | 'y') {
  return (v: Float32Array, dy: Float32Array, out?: Out, ...p: unknown[]): Float32Array => {
    const vs = float32Array(v, input);
    const ds = float32Array(dy, 'dy');
    sameLength(vs, input, ds, 'dy');
    const o = outArray(out, vs.length, input);
    noPartialOverlap(o, vs, input);
    noPartialOverlap(o, ds, 'dy');
    const [a, b] = params(k, p);
    if (vs.length > 0) currentBackend().grad(k, vs, ds, o, a, b);
    return o;
  };
}

function sumOp(k: KernelName) {
  return (x: Float32Array, dy: Float32Array, ...p: unknown[]): number => {
    const xs = float32Array(x, 'x');
    const ds = float32Array(dy, 'dy');
    sameLength(xs, 'x', ds, 'dy');
    const [a, b] = params(k, p);
    return xs.length > 0 ? currentBackend().sum(k, xs, ds, a, b) : 0;
  };
}

/**
 * σ(x) = 1/(1+e^−x), element-wise. `out` defaults to a new array and may be `x` itself.
 * Max error: 2 ULP (simd, wasm), 1 ULP (js). σ(±∞) = 1, 0; σ(NaN) = NaN; σ(−0) = 0.5.
 */
export const sigmoid: (x: Float32Array, out?: Out) => Float32Array = mapOp('sigmoid');

/**
 * dx = dy·σ(x)·(1−σ(x)), from the forward input x (accurate for every x).
 * Max error: 4 ULP or 2^−23·|dy|, whichever is larger (simd, wasm); 1 ULP (js).
 */
export const sigmoidBackward: (x: Float32Array, dy: Float32Array, out?: Out) => Float32Array =
  gradOp('sigmoidBackward', 'x');

/**
 * dx = dy·y·(1−y), from a kept forward output y = σ(x): cheaper, but once y has rounded to 1
 * (x ≳ 17) the result is 0, not the true tiny gradient. Error bound as `sigmoidBackward`, for y.
 */
export const sigmoidBackwardFromOutput: (y: Float32Array, dy: Float32Array, out?: Out) => Float32Array =
  gradOp('sigmoidBackwardFromOutput', 'y');

/**
 * swish(x) = x·σ(βx) (β = 1: SiLU), element-wise, with t = fl(βx) formed in f32.
 * Max error against x·σ(fl(βx)): 3 ULP (simd, wasm), 1 ULP (js).
 * swish(+∞) = +∞, swish(−∞) = −0, swish(NaN) = NaN. β must be finite in f32.
 */
export const swish: (x: Float32Array, out?: Out, beta?: number) => Float32Array = mapOp('swish');

/**
 * dx = dy·(σ(βx) + βx·σ(βx)·(1−σ(βx))).
 * Max error: 4 ULP or 2^−23·|dy|, whichever is larger (simd, wasm); 1 ULP (js).
 * At βx = +∞ the gradient is dy; at βx = −∞ it is −0·dy.
 */
export const swishBackward: (x: Float32Array, dy: Float32Array, out?: Out, beta?: number) => Float32Array =
  gradOp('swishBackward', 'x');

/**
 * ∂L/∂β = Σ dy·x²·σ(βx)·(1−σ(βx)), the gradient of a trainable β, summed in float64.
 * Max error: 2^−21·Σ|dy·x²·σ'(βx)|. Infinite x contributes 0 (for β ≠ 0).
 */
export const swishBetaGrad: (x: Float32Array, dy: Float32Array, beta?: number) => number = sumOp('swishBetaGrad');

/** SiLU(x) = x·σ(x): `swish` with β = 1. */
export const silu = (x: Float32Array, out?: Out): Float32Array => swish(x, out, 1);

/** The gradient of SiLU: `swishBackward` with β = 1. */
export const siluBackward = (x: Float32Array, dy: Float32Array, out?: Out): Float32Array =>
  swishBackward(x, dy, out, 1);

/**
 * An array of `n` floats in the current backend's WebAssembly memory: kernels given its `.array`
 * run with no copy. Free it when done. On the js backend it is an ordinary Float32Array.
 */
export function allocate(n: number): WasmFloat32Array {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`n must be a non-negative integer, got ${String(n)}`);
  }
  return currentBackend().allocate(n);
}

/** Bytes of WebAssembly memory held by the current backend (0 for js): it grows only with `allocate`. */
export function memoryBytes(): number {
  return currentBackend().memoryBytes();
}

export { ulpError, withinBound, maxUlpError } from './accuracy.js';
