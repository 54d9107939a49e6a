// The pure-JS fallback: each kernel's `js` loop from its registry entry (src/activations/), as the
// wrapper made for the kernel hands it over (useJsLoop). They
// compute in float64 and round once when storing, so each result is within 1 ULP of the exact
// value; saturation and special values mirror the WebAssembly kernels so every backend returns
// the same ±0, ±∞ and NaN.
//
// Each kernel has its own loop literal rather than one generic loop calling an element function:
// V8 shares type feedback between closures made by one factory, so a generic loop turns
// megamorphic and stops inlining (measured 14 → 21 ns/element).
import type { AnyKernelName } from '../registry.js';
import type { BiasGradLoop, BiasLoop, GateGradLoop, GradLoop, MapLoop, SumLoop } from '../kernel.js';
import type { BackendImpl, WasmFloat32Array } from './types.js';

class JsArray implements WasmFloat32Array {
  #array: Float32Array | null;
  readonly length: number;
  constructor(n: number) {
    this.#array = new Float32Array(n);
    this.length = n;
  }
  get array(): Float32Array {
    if (this.#array === null) throw new TypeError('WasmFloat32Array has been freed');
    return this.#array;
  }
  free(): void {
    if (this.#array === null) throw new TypeError('WasmFloat32Array has already been freed');
    this.#array = null;
  }
}

/**
 * The JS loops, by kernel: each handed over by the wrapper made for it (wrappers.ts), so that a
 * bundle holds the loops of the functions it imports and no others. A Map: a keyed load from an
 * object with a different name at each call is megamorphic.
 */
const loops = new Map<string, unknown>();

/** @internal Kernel k's JS loop (wrappers.ts: from the kernel's registry entry). */
export function useJsLoop(k: AnyKernelName, loop: unknown): void {
  loops.set(k, loop);
}

export const jsBackend: BackendImpl = {
  name: 'js',
  map(k: AnyKernelName, x, out, a, b) { (loops.get(k) as MapLoop)(x, out, x.length, a, b); },
  grad(k: AnyKernelName, v, dy, out, a, b) { (loops.get(k) as GradLoop)(v, dy, out, v.length, a, b); },
  sum(k: AnyKernelName, x, dy, a, b) { return (loops.get(k) as SumLoop)(x, dy, x.length, a, b); },
  bias(k: AnyKernelName, x, bias, out, a, b) { (loops.get(k) as BiasLoop)(x, bias, out, x.length, bias.length, a, b); },
  biasGrad(k: AnyKernelName, x, bias, dy, out, a, b) {
    (loops.get(k) as BiasGradLoop)(x, bias, dy, out, x.length, bias.length, a, b);
  },
  gateGrad(k: AnyKernelName, a, b, dy, oa, ob, p0, p1) { (loops.get(k) as GateGradLoop)(a, b, dy, oa, ob, a.length, p0, p1); },
  allocate: (n) => new JsArray(n),
  memoryBytes: () => 0,
};
