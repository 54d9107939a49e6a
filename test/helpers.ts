// Shared by the test files: error measurement against float64 references, seeded random data.
import type { Backend } from '../src/index.js';
import { activations, kernels, type Activation, type KernelName } from '../src/registry.js';

/**
 * Every backend, best first, as availableBackends() lists them where all are available. The test
 * workers have relaxed SIMD (Node >= 21, or Node 20 with the flag vitest.config.ts passes), so a
 * run where 'relaxed' is missing fails (setBackend throws) rather than skipping it.
 */
export const BACKENDS: Backend[] = ['relaxed', 'simd', 'wasm', 'js'];
/** The WebAssembly ones. */
export const WASM_BACKENDS = ['relaxed', 'simd', 'wasm'] as const;
export { ulpError, withinBound, MIN_NORMAL, boundarySample } from '../src/accuracy.js';

/** mulberry32: a small seeded generator, so every failure reproduces. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** The special values every backend must treat alike. */
export const SPECIALS = [
  0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, -(2 ** -126),
  3.4028234663852886e38, -3.4028234663852886e38, 1e-30, -1e-30, 88, -88, 104, -104, 109, -109, 110, -110,
];

/** The float64 sum of a sum kernel's reference terms, and the sum of their magnitudes (its bound's scale). */
export function sumReference(k: KernelName, a: ArrayLike<number>, dy: ArrayLike<number>, p: readonly number[]): { ref: number; mag: number } {
  const kr = kernels[k];
  if (kr.shape === 'map') throw new Error(`${k} is not a sum kernel`);
  let ref = 0;
  let mag = 0;
  for (let i = 0; i < a.length; i++) {
    const t = kr.reference(a[i], dy[i], p);
    ref += t;
    mag += Math.abs(t);
  }
  return { ref, mag };
}

/** The activation a kernel belongs to. */
export function activationOf(k: KernelName): Activation {
  const a = activations.find((s) => [s.forward, s.backward, s.backwardFromOutput, s.paramGrad].includes(k));
  if (!a) throw new Error(`${k} belongs to no activation`);
  return a;
}

export const defaultParams = (k: KernelName): number[] => kernels[k].params.map((p) => Math.fround(p.default));

/** Whether a kernel's first input is a kept forward output y rather than x. */
export const readsY = (k: KernelName): boolean => kernels[k].shape !== 'map' && (kernels[k] as { reads: string }).reads === 'y';

/**
 * The first input kernel k expects for forward inputs xs: xs themselves, or for a kernel that
 * reads a kept output, the forward's outputs y = f(x) rounded to f32 (default parameters).
 */
export function inputFor(k: KernelName, xs: ArrayLike<number>): Float32Array {
  if (!readsY(k)) return Float32Array.from(xs);
  const fwd = kernels[activationOf(k).forward];
  if (fwd.shape !== 'map') throw new Error('a forward kernel is a map');
  const p = defaultParams(fwd === undefined ? k : activationOf(k).forward);
  return Float32Array.from(xs, (x) => fwd.reference(x, p));
}

