// TensorFlow.js peers: tfjs-core on its WebAssembly backend (XNNPACK, SIMD; one thread in Node)
// and on its plain-JS cpu backend. tfjs has no swish op: swish is mul(x, sigmoid(x)), as a
// model would write it; gradients come from tf.grad, as training would get them.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

const forward = {
  sigmoid: (x) => tf.sigmoid(x),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
};
// The gradients as the ops tf.grad would run for these graphs: Sigmoid's registered gradient is
// dy·y·(1 − y) with y = σ(x), Mul's is (dy·b, dy·a), and the two paths to x are added. (tf.grad
// itself fails here: tfjs-core's Node bundle registers no gradients; @tensorflow/tfjs does.)
const sigmoidGrad = (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)));
const backward = {
  sigmoidBackward: (x, dy) => sigmoidGrad(dy, tf.sigmoid(x)),
  swishBackward: (x, dy) => {
    const s = tf.sigmoid(x);
    return tf.add(tf.mul(dy, s), sigmoidGrad(tf.mul(dy, x), s));
  },
};

export const TFJS_KERNELS = [...Object.keys(forward), ...Object.keys(backward)];

let quiet = false;

/** Selects the tfjs backend ('wasm' or 'cpu'); tensors of the other backend are left alone. */
export async function useTfjs(backend) {
  if (tf.getBackend() !== backend) {
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
  }
  await tf.ready();
  if (backend === 'cpu' && !quiet) {
    // The cpu backend's first op prints advice to install tfjs-node: keep it off the progress line.
    const warn = console.warn;
    console.warn = () => {};
    try { tf.tidy(() => tf.sigmoid(tf.scalar(0)).dataSync()); } finally { console.warn = warn; }
    quiet = true;
  }
  return tf.getBackend();
}

/** A description of the current backend, for the report. */
export function tfjsInfo() {
  return {
    version: tf.version_core,
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
  };
}

function op(kernel) {
  if (kernel in backward) return backward[kernel];
  if (kernel in forward) return forward[kernel];
  throw new Error(`no tfjs form of ${kernel}`);
}

/**
 * What a user does: tensors from the Float32Arrays (dy for gradients), the op, the result read
 * back with dataSync(), every tensor disposed.
 */
export function asCalled(kernel, x, dy) {
  const f = op(kernel);
  const out = tf.tidy(() => f(tf.tensor1d(x), dy ? tf.tensor1d(dy) : null));
  const data = out.dataSync();
  out.dispose();
  return data;
}

/**
 * The inputs as tensors already on the backend: `kernel()` runs the op alone (its outputs
 * allocated on the backend and disposed, never read back), `output()` runs it and reads the result
 * back, `dispose()` frees the inputs.
 */
export function resident(kernel, x, dy) {
  const f = op(kernel);
  const tx = tf.tensor1d(x);
  const tdy = dy ? tf.tensor1d(dy) : null;
  return {
    kernel: () => { tf.tidy(() => { f(tx, tdy); }); },
    output: () => { const o = tf.tidy(() => f(tx, tdy)); const d = o.dataSync(); o.dispose(); return d; },
    dispose: () => { tx.dispose(); tdy?.dispose(); },
  };
}
