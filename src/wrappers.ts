// The wrappers every public kernel function is made of (src/generated/api.ts): they check
// the arguments, fill in parameter defaults and dispatch to the current backend. Nothing is
// written before every check has passed.
import { allKernels, type AnyKernelName, type KernelName, type Param } from './registry.js';
import { currentBackend } from './backends/select.js';
import { f32Param, float32Array, noPartialOverlap, outArray, sameLength } from './validate.js';

type Out = Float32Array | null | undefined;

/**
 * A reader of kernel k's parameters as the f32 values the kernels take, defaults filled in,
 * each checked. Made once per kernel: a call that passes no parameters gets the checked
 * defaults without any work (the per-call overhead is what small arrays pay).
 */
function paramReader(k: AnyKernelName): (p0: unknown, p1: unknown) => readonly [number, number] {
  const spec: readonly Param[] = allKernels[k].params;
  const check = (given: readonly unknown[]): [number, number] => {
    const p: [number, number] = [0, 0];
    for (let i = 0; i < spec.length; i++) {
      const v = given[i] === undefined ? spec[i].default : given[i];
      p[i] = f32Param(v, spec[i].name, spec[i].positive === true, spec[i].minAbs ?? 0);
    }
    return p;
  };
  const defaults = Object.freeze(check([]));
  return (p0, p1) => (p0 === undefined && p1 === undefined ? defaults : check([p0, p1]));
}

export function mapOp(k: KernelName) {
  const read = paramReader(k);
  return (x: Float32Array, out?: Out, p0?: unknown, p1?: unknown): Float32Array => {
    const xs = float32Array(x, 'x');
    const o = outArray(out, xs.length, 'x');
    noPartialOverlap(o, xs, 'x');
    const [a, b] = read(p0, p1);
    if (xs.length > 0) currentBackend().map(k, xs, o, a, b);
    return o;
  };
}

export function gradOp(k: KernelName, input: 'x' | 'y') {
  const read = paramReader(k);
  return (v: Float32Array, dy: Float32Array, out?: Out, p0?: unknown, p1?: unknown): Float32Array => {
    const vs = float32Array(v, input);
    const ds = float32Array(dy, 'dy');
    sameLength(vs, input, ds, 'dy');
    const o = outArray(out, vs.length, input);
    noPartialOverlap(o, vs, input);
    noPartialOverlap(o, ds, 'dy');
    const [a, b] = read(p0, p1);
    if (vs.length > 0) currentBackend().grad(k, vs, ds, o, a, b);
    return o;
  };
}

export function sumOp(k: KernelName) {
  const read = paramReader(k);
  return (x: Float32Array, dy: Float32Array, p0?: unknown, p1?: unknown): number => {
    const xs = float32Array(x, 'x');
    const ds = float32Array(dy, 'dy');
    sameLength(xs, 'x', ds, 'dy');
    const [a, b] = read(p0, p1);
    return xs.length > 0 ? currentBackend().sum(k, xs, ds, a, b) : 0;
  };
}

/** A fused form's forward: out = f(first, second), e.g. swiglu(a, b). */
export function binaryOp(k: AnyKernelName, [n0, n1]: readonly [string, string]) {
  const read = paramReader(k);
  return (a: Float32Array, b: Float32Array, out?: Out, p0?: unknown, p1?: unknown): Float32Array => {
    const as = float32Array(a, n0);
    const bs = float32Array(b, n1);
    sameLength(as, n0, bs, n1);
    const o = outArray(out, as.length, n0);
    noPartialOverlap(o, as, n0);
    noPartialOverlap(o, bs, n1);
    const [q0, q1] = read(p0, p1);
    if (as.length > 0) currentBackend().grad(k, as, bs, o, q0, q1);
    return o;
  };
}

/** A fused form's backward: both input gradients from a, b and dy, in one pass. */
export function gateGradOp(k: AnyKernelName) {
  const read = paramReader(k);
  return (a: Float32Array, b: Float32Array, dy: Float32Array, outA?: Out, outB?: Out, p0?: unknown, p1?: unknown) => {
    const as = float32Array(a, 'a');
    const bs = float32Array(b, 'b');
    const ds = float32Array(dy, 'dy');
    sameLength(as, 'a', bs, 'b');
    sameLength(as, 'a', ds, 'dy');
    const da = outArray(outA, as.length, 'a', 'outA');
    const db = outArray(outB, as.length, 'a', 'outB');
    for (const [o, name] of [[da, 'outA'], [db, 'outB']] as const) {
      noPartialOverlap(o, as, 'a', name);
      noPartialOverlap(o, bs, 'b', name);
      noPartialOverlap(o, ds, 'dy', name);
    }
    if (da.buffer === db.buffer && da.length > 0 &&
        da.byteOffset < db.byteOffset + db.byteLength && db.byteOffset < da.byteOffset + da.byteLength) {
      throw new RangeError('outA and outB overlap: they must be separate arrays');
    }
    const [q0, q1] = read(p0, p1);
    if (as.length > 0) currentBackend().gateGrad(k, as, bs, ds, da, db, q0, q1);
    return { da, db };
  };
}

/** x as rows of C = bias.length channels: C must divide x's length (and be > 0 unless x is empty). */
function channels(x: Float32Array, bias: Float32Array): number {
  const C = bias.length;
  if (C === 0 ? x.length !== 0 : x.length % C !== 0) {
    throw new RangeError(`x has length ${x.length}, which is not a whole number of rows of bias.length = ${C} channels`);
  }
  return C;
}

/** A bias form's forward: out[r, c] = f(x[r, c] + bias[c]). */
export function biasOp(k: AnyKernelName) {
  const read = paramReader(k);
  return (x: Float32Array, bias: Float32Array, out?: Out, p0?: unknown, p1?: unknown): Float32Array => {
    const xs = float32Array(x, 'x');
    const bs = float32Array(bias, 'bias');
    channels(xs, bs);
    const o = outArray(out, xs.length, 'x');
    noPartialOverlap(o, xs, 'x');
    noPartialOverlap(o, bs, 'bias');
    if (o.buffer === bs.buffer && o.byteOffset === bs.byteOffset && o.length > 0 && bs.length > 0) {
      throw new RangeError('out must not be bias');
    }
    const [q0, q1] = read(p0, p1);
    if (xs.length > 0) currentBackend().bias(k, xs, bs, o, q0, q1);
    return o;
  };
}

/** A bias form's backward: dx from the kernel, dbias[c] = Σ_r dx[r, c] summed here in float64. */
export function biasGradOp(k: AnyKernelName) {
  const read = paramReader(k);
  return (x: Float32Array, bias: Float32Array, dy: Float32Array, outX?: Out, dbias?: Out, p0?: unknown, p1?: unknown) => {
    const xs = float32Array(x, 'x');
    const bs = float32Array(bias, 'bias');
    const ds = float32Array(dy, 'dy');
    const C = channels(xs, bs);
    sameLength(xs, 'x', ds, 'dy');
    const dx = outArray(outX, xs.length, 'x', 'outX');
    const db = outArray(dbias, C, 'bias', 'dbias');
    noPartialOverlap(dx, xs, 'x', 'outX');
    noPartialOverlap(dx, ds, 'dy', 'outX');
    for (const [v, name] of [[xs, 'x'], [bs, 'bias'], [ds, 'dy'], [dx, 'outX']] as const) {
      if (db.buffer === v.buffer && db.length > 0 && v.length > 0 &&
          db.byteOffset < v.byteOffset + v.byteLength && v.byteOffset < db.byteOffset + db.byteLength) {
        throw new RangeError(`dbias overlaps ${name}: it must be a separate array`);
      }
    }
    if (dx.buffer === bs.buffer && dx.length > 0 && bs.length > 0 &&
        dx.byteOffset < bs.byteOffset + bs.byteLength && bs.byteOffset < dx.byteOffset + dx.byteLength) {
      throw new RangeError('outX overlaps bias: it must be a separate array');
    }
    const [q0, q1] = read(p0, p1);
    if (xs.length > 0) currentBackend().biasGrad(k, xs, bs, ds, dx, q0, q1);
    const sums = new Float64Array(C);
    for (let i = 0, c = 0; i < dx.length; i++) {
      sums[c] += dx[i];
      if (++c === C) c = 0;
    }
    db.set(sums);
    return { dx, dbias: db };
  };
}
