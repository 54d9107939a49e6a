// How the pool checks a call with the synchronous API's own code: it calls the same wrappers
// (wrappers.ts) over a backend that runs nothing. Once every check has passed, the wrapper hands
// this backend the checked arrays and parameters; it records them as a Job and throws CAPTURED,
// so the wrapper stops there (writing nothing, not even a bias form's dbias sums). Every other
// exception is the wrapper's own TypeError or RangeError, exactly as the synchronous call throws.
import type { AnyKernelName, KernelName } from '../registry.js';
import type { BackendImpl, WasmFloat32Array } from '../backends/types.js';

/** How an array takes part in a kernel: read element-wise, written element-wise, or a bias row. */
export type Role = 'in' | 'out' | 'bias';

/** One checked call, in the kernel export's argument order. */
export interface Job {
  kernel: AnyKernelName;
  shape: 'map' | 'grad' | 'sum' | 'gateGrad' | 'bias' | 'biasGrad';
  arrays: Float32Array[];
  roles: Role[];
  n: number;
  /** Channels of a bias form (rows are split whole), else 0. */
  C: number;
  a: number;
  b: number;
}

/** Thrown by the capturing backend once a call has passed its checks (not an Error: no stack to build). */
export const CAPTURED = Object.freeze({ captured: true });

export class CaptureBackend implements BackendImpl {
  readonly name = 'simd' as const;
  private job: Job | null = null;

  /** The job the last wrapper call recorded (then forgotten). */
  take(): Job {
    const j = this.job!;
    this.job = null;
    return j;
  }

  private record(kernel: AnyKernelName, shape: Job['shape'], arrays: Float32Array[], roles: Role[], C: number, a: number, b: number): never {
    this.job = { kernel, shape, arrays, roles, n: arrays[0].length, C, a, b };
    throw CAPTURED;
  }

  map(k: KernelName, x: Float32Array, out: Float32Array, a: number, b: number): void {
    this.record(k, 'map', [x, out], ['in', 'out'], 0, a, b);
  }

  grad(k: AnyKernelName, v: Float32Array, dy: Float32Array, out: Float32Array, a: number, b: number): void {
    this.record(k, 'grad', [v, dy, out], ['in', 'in', 'out'], 0, a, b);
  }

  gateGrad(k: AnyKernelName, a: Float32Array, b: Float32Array, dy: Float32Array, outA: Float32Array, outB: Float32Array,
    p0: number, p1: number): void {
    this.record(k, 'gateGrad', [a, b, dy, outA, outB], ['in', 'in', 'in', 'out', 'out'], 0, p0, p1);
  }

  bias(k: AnyKernelName, x: Float32Array, bias: Float32Array, out: Float32Array, a: number, b: number): void {
    this.record(k, 'bias', [x, bias, out], ['in', 'bias', 'out'], bias.length, a, b);
  }

  biasGrad(k: AnyKernelName, x: Float32Array, bias: Float32Array, dy: Float32Array, out: Float32Array, a: number, b: number): void {
    this.record(k, 'biasGrad', [x, bias, dy, out], ['in', 'bias', 'in', 'out'], bias.length, a, b);
  }

  sum(k: KernelName, x: Float32Array, dy: Float32Array, a: number, b: number): number {
    return this.record(k, 'sum', [x, dy], ['in', 'in'], 0, a, b);
  }

  allocate(): WasmFloat32Array {
    throw new Error('unreachable');
  }

  memoryBytes(): number {
    return 0;
  }
}
