// Shared by the test files: error measurement against float64 references, seeded random data.
import type { Backend } from '../src/index.js';

export const BACKENDS: Backend[] = ['simd', 'wasm', 'js'];
export { ulpError, withinBound, MIN_NORMAL } from '../src/accuracy.js';

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
