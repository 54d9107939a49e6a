// swish-wasm in a module Web Worker: the kernels run off the main thread, on transferred arrays.
// Start it with `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`
// (see worker.html). With a bundler, import from 'swish-wasm' instead of the path below; without
// one, import the bundle (dist/browser: one file, which fetches the build init() selects).
import * as swish from '../dist/browser/swish-wasm.js';

const ready = swish.init(); // loads and compiles one build: 'relaxed', else 'simd', else 'wasm', else 'js'

// Request: { id, fn, args }, fn a kernel name (swish, swishBackward, sigmoid, …) and args its
// arguments (Float32Arrays, then out = undefined, then parameters). Reply: { id, result, backend }
// or { id, error }. Result arrays are transferred back, not copied.
self.onmessage = async ({ data: { id, fn, args } }) => {
  try {
    await ready;
    if (!Object.hasOwn(swish.kernels, fn)) throw new TypeError(`unknown kernel ${JSON.stringify(fn)}`);
    const result = swish[fn](...args);
    self.postMessage({ id, result, backend: swish.backend() }, result instanceof Float32Array ? [result.buffer] : []);
  } catch (e) {
    self.postMessage({ id, error: String(e) });
  }
};
