import type { AnyKernelName, KernelName } from '../registry.js';

/**
 * An implementation of the kernels: 'relaxed' (the WebAssembly build with relaxed SIMD: fused
 * multiply-add where the CPU has it), 'simd' (WebAssembly SIMD), 'wasm' (scalar WebAssembly) or
 * 'js' (the pure-JS fallback). `init` selects the first of these the runtime supports.
 */
export type Backend = 'relaxed' | 'simd' | 'wasm' | 'js';

/**
 * A Float32Array living in WebAssembly memory: passing `.array` to any kernel runs with no copy.
 * Memory can grow (when another array is allocated), which detaches every view of it: always
 * read `.array` again after an `allocate` instead of keeping an old view.
 */
export interface WasmFloat32Array {
  /** Number of elements. */
  readonly length: number;
  /** A current view of the memory; throws TypeError once freed. */
  readonly array: Float32Array;
  /** Returns the memory to the allocator. Using the object afterwards throws. */
  free(): void;
}

/** What each backend implements; arguments arrive already validated. */
export interface BackendImpl {
  readonly name: Backend;
  map(kernel: KernelName, x: Float32Array, out: Float32Array, a: number, b: number): void;
  /** Two inputs, one output: a gradient, or a fused form's forward. */
  grad(kernel: AnyKernelName, v: Float32Array, dy: Float32Array, out: Float32Array, a: number, b: number): void;
  /** Three inputs, two outputs: a fused form's backward. */
  gateGrad(kernel: AnyKernelName, a: Float32Array, b: Float32Array, dy: Float32Array,
    outA: Float32Array, outB: Float32Array, p0: number, p1: number): void;
  /** x as rows of bias.length channels: out = f(x + bias). */
  bias(kernel: AnyKernelName, x: Float32Array, bias: Float32Array, out: Float32Array, a: number, b: number): void;
  /** The bias form's gradient: out = dy·f'(x + bias). */
  biasGrad(kernel: AnyKernelName, x: Float32Array, bias: Float32Array, dy: Float32Array, out: Float32Array, a: number, b: number): void;
  sum(kernel: KernelName, x: Float32Array, dy: Float32Array, a: number, b: number): number;
  allocate(n: number): WasmFloat32Array;
  /** Bytes of WebAssembly memory in use by this backend (0 for js). */
  memoryBytes(): number;
}
