// The pure-JS fallback: the same functions in float64, rounded once to f32 when stored, so each
// result is within 1 ULP of the exact value (0.5 ULP from the final rounding plus float64's own
// ~2^-52 relative error). Special values follow the WebAssembly kernels exactly: saturation at
// |t| > Z_MAX and the clamped numerators are mirrored here so every backend returns the same
// ±0, ±∞ and NaN.
//
// Each kernel has its own loop written out below (one line each) rather than one generic loop
// calling an element function: V8 shares type feedback between closures made by one factory, so
// a generic loop turns megamorphic and stops inlining (measured 14 → 21 ns/element).
import type { KernelName } from '../registry.js';
import type { BackendImpl, WasmFloat32Array } from './types.js';

const Z_MAX = 109; // as in assembly/vmath.ts: beyond it σ has saturated to 0 or 1 in f32
const X_SQ_MAX = 2 ** 60; // as in assembly/activations/swish.ts

const clamp = (v: number, m: number) => (v > m ? m : v < -m ? -m : v);

/** σ(x), from e = e^-|x| so neither sign overflows. */
export function sigmoidJs(x: number): number {
  const e = Math.exp(-Math.abs(x));
  const f = e / (1 + e);
  return x < 0 ? f : 1 - f;
}

export function sigmoidBackwardJs(x: number, dy: number): number {
  const e = Math.exp(-Math.abs(x));
  return dy * ((e / (1 + e)) * (1 / (1 + e)));
}

export function sigmoidBackwardFromOutputJs(y: number, dy: number): number {
  return dy * (y * (1 - y));
}

/** x·σ(t), t = fl(β·x) (β already an f32). x/(1+e^-t) for t ≥ 0, x·e^t/(1+e^t) below. */
export function swishJs(x: number, beta: number): number {
  const t = Math.fround(beta * x);
  const e = Math.exp(-Math.abs(t));
  if (!(t < 0)) return x / (1 + e);
  return e === 0 ? (x < 0 ? -0 : 0) : (x * e) / (1 + e);
}

export function swishBackwardJs(x: number, dy: number, beta: number): number {
  const t = Math.fround(beta * x);
  const e = Math.exp(-Math.abs(t));
  const lo = e / (1 + e); // σ(−|t|)
  const hi = 1 / (1 + e); // σ(|t|)
  const neg = t < 0;
  return dy * ((neg ? lo : hi) * (1 + clamp(t, Z_MAX) * (neg ? hi : lo)));
}

export function swishBetaGradTermJs(x: number, dy: number, beta: number): number {
  const e = Math.exp(-Math.abs(Math.fround(beta * x)));
  const xc = clamp(x, X_SQ_MAX);
  return dy * xc * xc * ((e / (1 + e)) * (1 / (1 + e)));
}

type MapLoop = (x: Float32Array, out: Float32Array, n: number, a: number, b: number) => void;
type GradLoop = (v: Float32Array, dy: Float32Array, out: Float32Array, n: number, a: number, b: number) => void;
type SumLoop = (x: Float32Array, dy: Float32Array, n: number, a: number, b: number) => number;

/** One loop per registry kernel; test/registry.test.ts fails when one is missing. */
export const jsLoops: {
  map: Partial<Record<KernelName, MapLoop>>;
  grad: Partial<Record<KernelName, GradLoop>>;
  sum: Partial<Record<KernelName, SumLoop>>;
} = {
  map: {
    sigmoid: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = sigmoidJs(x[i]); },
    swish: (x, o, n, a) => { for (let i = 0; i < n; i++) o[i] = swishJs(x[i], a); },
  },
  grad: {
    sigmoidBackward: (x, d, o, n) => { for (let i = 0; i < n; i++) o[i] = sigmoidBackwardJs(x[i], d[i]); },
    sigmoidBackwardFromOutput: (y, d, o, n) => { for (let i = 0; i < n; i++) o[i] = sigmoidBackwardFromOutputJs(y[i], d[i]); },
    swishBackward: (x, d, o, n, a) => { for (let i = 0; i < n; i++) o[i] = swishBackwardJs(x[i], d[i], a); },
  },
  sum: {
    swishBetaGrad: (x, d, n, a) => { let s = 0; for (let i = 0; i < n; i++) s += swishBetaGradTermJs(x[i], d[i], a); return s; },
  },
};

function missing(kind: string, k: string): never {
  throw new Error(`swish-wasm: the js backend has no ${kind} loop for '${k}'`);
}

class JsArray implements WasmFloat32Array {
  #array: Float32Array | null;
  constructor(n: number) { this.#array = new Float32Array(n); this.length = n; }
  readonly length: number;
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
  map(k, x, out, a, b) { (jsLoops.map[k] ?? missing('map', k))(x, out, x.length, a, b); },
  grad(k, v, dy, out, a, b) { (jsLoops.grad[k] ?? missing('grad', k))(v, dy, out, v.length, a, b); },
  sum(k, x, dy, a, b) { return (jsLoops.sum[k] ?? missing('sum', k))(x, dy, x.length, a, b); },
  allocate: (n) => new JsArray(n),
  memoryBytes: () => 0,
};
