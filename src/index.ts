// swish-wasm: Swish/SiLU, sigmoid and the activations compared with them, forward and backward,
// and the fused SwiGLU, GeGLU and bias+swish, on Float32Array: relaxed-SIMD, SIMD and scalar
// WebAssembly builds and a pure-JS fallback, with the same special values and a stated error bound
// for each (the registry, src/activations/ and src/fused/).
//
// This is the entry for bundlers and browsers (node.ts adds Node's synchronous build readers).
// Every kernel function is generated from its registry entry into generated/api.ts, made by one
// of the wrappers in wrappers.ts; backends/select.ts loads the builds and picks the backend.
import { currentBackend } from './backends/select.js';
import type { WasmFloat32Array } from './backends/types.js';
import { swish, swishBackward } from './generated/api.js';
import { count } from './validate.js';

export * from './generated/api.js';

export { init, initSync, backend, setBackend, availableBackends, backendInfo, simdSupported, relaxedSimdSupported } from './backends/select.js';
export type { WasmSource, WasmBytes, BackendStatus } from './backends/select.js';
export type { Backend, WasmFloat32Array } from './backends/types.js';
export { kernels, fusedKernels, fusedSpecs, activations, sigmoid64 } from './registry.js';
export type { Kernel, KernelName, Activation, ActivationSpec, Bound, Param } from './registry.js';

/** SiLU(x) = x·σ(x): `swish` with β = 1. */
export const silu = (x: Float32Array, out?: Float32Array | null): Float32Array => swish(x, out, 1);

/** The gradient of SiLU: `swishBackward` with β = 1. */
export const siluBackward = (x: Float32Array, dy: Float32Array, out?: Float32Array | null): Float32Array =>
  swishBackward(x, dy, out, 1);

/**
 * An array of `n` floats in the current backend's WebAssembly memory: kernels given its `.array`
 * run with no copy. Free it when done. On the js backend it is an ordinary Float32Array.
 */
export function allocate(n: number): WasmFloat32Array {
  return currentBackend().allocate(count(n, 'n'));
}

/** Bytes of WebAssembly memory held by the current backend (0 for js): it grows only with `allocate`. */
export function memoryBytes(): number {
  return currentBackend().memoryBytes();
}

export { ulpError, withinBound, maxUlpError, boundarySample } from './accuracy.js';
export * from './classes.js';
export * from './generated/classes.js';
export { curve, type Curve, type CurveOptions } from './curve.js';
