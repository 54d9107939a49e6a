// The pure-JS fallback: each kernel's `js` loop from its registry entry (src/activations/). They
// compute in float64 and round once when storing, so each result is within 1 ULP of the exact
// value; saturation and special values mirror the WebAssembly kernels so every backend returns
// the same ±0, ±∞ and NaN.
//
// Each kernel has its own loop literal rather than one generic loop calling an element function:
// V8 shares type feedback between closures made by one factory, so a generic loop turns
// megamorphic and stops inlining (measured 14 → 21 ns/element).
import { allKernels, type AnyKernelName } from '../registry.js';
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

export const jsBackend: BackendImpl = {
  name: 'js',
  map(k: AnyKernelName, x, out, a, b) { (allKernels[k].js as MapLoop)(x, out, x.length, a, b); },
  grad(k: AnyKernelName, v, dy, out, a, b) { (allKernels[k].js as GradLoop)(v, dy, out, v.length, a, b); },
  sum(k: AnyKernelName, x, dy, a, b) { return (allKernels[k].js as SumLoop)(x, dy, x.length, a, b); },
  bias(k: AnyKernelName, x, bias, out, a, b) { (allKernels[k].js as BiasLoop)(x, bias, out, x.length, bias.length, a, b); },
  biasGrad(k: AnyKernelName, x, bias, dy, out, a, b) {
    (allKernels[k].js as BiasGradLoop)(x, bias, dy, out, x.length, bias.length, a, b);
  },
  gateGrad(k: AnyKernelName, a, b, dy, oa, ob, p0, p1) { (allKernels[k].js as GateGradLoop)(a, b, dy, oa, ob, a.length, p0, p1); },
  allocate: (n) => new JsArray(n),
  memoryBytes: () => 0,
};
