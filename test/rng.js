// The one seeded generator of the tests and benchmarks (test/helpers.ts, test/browser/suite.js,
// bench/lib.mjs): a plain module with no imports, so that it loads in Node, in a page and in a
// module Worker alike. Seeded, so every failure and every benchmark input reproduces.

/**
 * mulberry32: a small seeded generator of numbers in [0, 1).
 * @param {number} seed
 * @returns {() => number}
 */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * n values spread uniformly over [lo, hi) (before rounding to f32), from seed.
 * @param {number} n @param {number} lo @param {number} hi @param {number} seed
 * @returns {Float32Array}
 */
export function uniform(n, lo, hi, seed) {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}
