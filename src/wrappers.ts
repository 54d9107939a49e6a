// The three wrappers every public kernel function is made of (src/generated/api.ts): they check
// the arguments, fill in parameter defaults and dispatch to the current backend. Nothing is
// written before every check has passed.
import { kernels, type KernelName, type Param } from './registry.js';
import { currentBackend } from './backends/select.js';
import { f32Param, float32Array, noPartialOverlap, outArray, sameLength } from './validate.js';

type Out = Float32Array | null | undefined;

/** The kernel's parameters as f32 values, defaults filled in, each checked. */
function params(k: KernelName, given: readonly unknown[]): [number, number] {
  const spec: readonly Param[] = kernels[k].params;
  const p: [number, number] = [0, 0];
  for (let i = 0; i < spec.length; i++) {
    const v = given[i] === undefined ? spec[i].default : given[i];
    p[i] = f32Param(v, spec[i].name, spec[i].positive === true);
  }
  return p;
}

export function mapOp(k: KernelName) {
  return (x: Float32Array, out?: Out, ...p: unknown[]): Float32Array => {
    const xs = float32Array(x, 'x');
    const o = outArray(out, xs.length, 'x');
    noPartialOverlap(o, xs, 'x');
    const [a, b] = params(k, p);
    if (xs.length > 0) currentBackend().map(k, xs, o, a, b);
    return o;
  };
}

export function gradOp(k: KernelName, input: 'x' | 'y') {
  return (v: Float32Array, dy: Float32Array, out?: Out, ...p: unknown[]): Float32Array => {
    const vs = float32Array(v, input);
    const ds = float32Array(dy, 'dy');
    sameLength(vs, input, ds, 'dy');
    const o = outArray(out, vs.length, input);
    noPartialOverlap(o, vs, input);
    noPartialOverlap(o, ds, 'dy');
    const [a, b] = params(k, p);
    if (vs.length > 0) currentBackend().grad(k, vs, ds, o, a, b);
    return o;
  };
}

export function sumOp(k: KernelName) {
  return (x: Float32Array, dy: Float32Array, ...p: unknown[]): number => {
    const xs = float32Array(x, 'x');
    const ds = float32Array(dy, 'dy');
    sameLength(xs, 'x', ds, 'dy');
    const [a, b] = params(k, p);
    return xs.length > 0 ? currentBackend().sum(k, xs, ds, a, b) : 0;
  };
}
