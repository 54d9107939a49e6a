// The one way the tests call a registry kernel by name (test/helpers.ts for Node, and
// test/browser/suite.js on the browser bundle): a plain module with no imports, given the
// package module S, so that it loads in Node, in a page and in a module Worker alike.

/**
 * Calls kernel k of S's registry through S's public API with parameters p (omitted: the
 * defaults): a map as k(a, out, ...p), a grad as k(a, dy, out, ...p), a sum as k(a, dy, ...p).
 * Returns the output array, or the sum.
 * @param {any} S the package module (src/index.ts, or the browser bundle)
 * @param {string} k @param {Float32Array} a @param {Float32Array | undefined} dy
 * @param {Float32Array | undefined} [out] @param {readonly number[]} [p]
 */
export function callKernel(S, k, a, dy, out, p = []) {
  const fn = S[k];
  const shape = S.kernels[k].shape;
  if (shape === 'map') return fn(a, out, ...p);
  if (shape === 'grad') return fn(a, dy, out, ...p);
  return fn(a, dy, ...p);
}
