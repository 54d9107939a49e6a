// The wrappers every public kernel function is made of (src/generated/api.ts): they check
// the arguments, fill in parameter defaults and dispatch to the current backend. Nothing is
// written before every check has passed.
//
// What a 256-element call pays above the kernel is this file and the driver (backends/wasm.ts),
// so both are written for V8's optimizing compiler: fixed parameters (no rest arguments or
// spreads), no closures or arrays made per zero-copy call, no `byteOffset`/`buffer` reads of
// arrays already seen (views.ts), each array's offset looked up once. A fresh `out` (none given) needs
// no overlap check. A call that repeats the previous zero-copy call of the same function
// (LastCall) goes straight to the export.
//
// Each factory takes the backend to run on (`backendOf`, by default the one `init`/`setBackend`
// chose): the worker pool (src/pool/) makes the same functions over its own backends, so that
// its calls are checked by this same code and fail with the same errors.
import type { AnyKernelName, FusedKernel, Kernel, KernelName, Param } from './registry.js';
import { useJsLoop } from './backends/js.js';
import { currentBackend, noteKernel } from './backends/select.js';
import { WasmBackend } from './backends/wasm.js';
import { byteOffsetOf } from './views.js';
import { disjoint, f32Param, float32Array, noPartialOverlap, outArray, sameLength } from './validate.js';
import type { BackendImpl } from './backends/types.js';

type Out = Float32Array | null | undefined;

/**
 * Where a factory finds kernel k's entry: an activation's or fused form's spec (src/activations/,
 * src/fused/), or any table of entries by name. The generated API passes each kernel's own spec,
 * so that a bundle holds the entries of the functions it imports and no others.
 */
export interface EntryTable { readonly kernels: Readonly<Record<string, Kernel | FusedKernel>> }

/** Kernel k's entry; its JS loop is handed to the js backend, which runs only kernels made here,
 * and init() is told the kernel is in use (it loads the core build only if all are in it). */
function entryOf(k: AnyKernelName, table: EntryTable): Kernel | FusedKernel {
  const kr = table.kernels[k];
  if (kr === undefined) throw new Error(`swish-wasm: no registry entry for kernel '${k}'`);
  useJsLoop(k, kr.js);
  noteKernel(k);
  return kr;
}

/**
 * Kernel k's parameters as the f32 values the kernels take: defaults filled in, each checked.
 * Made once per kernel, with the checked defaults, so that a call passing no parameters does
 * no work for them (a parameter that is not the kernel's is ignored, and is 0).
 */
class Params {
  private readonly spec: readonly Param[];
  readonly default0: number;
  readonly default1: number;

  constructor(spec: readonly Param[]) {
    this.spec = spec;
    this.default0 = this.check(0, undefined);
    this.default1 = this.check(1, undefined);
  }

  first(v: unknown): number {
    return v === undefined ? this.default0 : this.check(0, v);
  }

  second(v: unknown): number {
    return v === undefined ? this.default1 : this.check(1, v);
  }

  private check(i: number, v: unknown): number {
    const p = this.spec[i];
    if (p === undefined) return 0;
    return f32Param(v === undefined ? p.default : v, p.name, p.positive === true, p.minAbs ?? 0);
  }
}

const NO_ARRAY: Float32Array = new Float32Array(0);

/**
 * One public function's last call, if it ran zero-copy (every array in the backend's
 * WebAssembly memory), so that the same call again (the same array objects and parameters, as
 * a loop over one layer makes it) runs the export on the same pointers without the checks and
 * look-ups in between, which at 256 elements cost more than the kernel's own work. Updated in
 * place, so keeping it allocates nothing.
 *
 * Each check depends only on what cannot change for the same array objects (type, buffer,
 * offset), except the length: a view of a detached buffer (memory growth detaches) reads as
 * length 0, a view of a resizable buffer can change length. So each array's length is
 * compared, and the backend (setBackend may have changed it). The parameters are compared as
 * passed (===): an invalid one (NaN, a string) never matches one that passed the checks.
 */
class LastCall {
  backend: WasmBackend | null = null;
  /** The kernel's export on `backend`. */
  run: (...args: number[]) => unknown = () => 0;
  /** The parameters as passed, and as the export takes them. */
  p0: unknown = undefined;
  p1: unknown = undefined;
  q0 = 0;
  q1 = 0;
  /** Elements, and channels of a bias form (else 0). */
  n = 0;
  C = 0;
  /** The arrays in call order (NO_ARRAY past the last, and all of them when there is no call
   * to repeat: no argument is NO_ARRAY), and their byte offsets in memory. */
  a0 = NO_ARRAY;
  a1 = NO_ARRAY;
  a2 = NO_ARRAY;
  a3 = NO_ARRAY;
  a4 = NO_ARRAY;
  ptr0 = 0;
  ptr1 = 0;
  ptr2 = 0;
  ptr3 = 0;
  ptr4 = 0;

  constructor(private readonly kernel: AnyKernelName) {}

  /**
   * After a call of n elements that ran on `backend` with these parameters and arrays: kept if
   * it ran zero-copy, else nothing is (the backend says which, and the pointers it used).
   */
  keep(backend: BackendImpl, p0: unknown, p1: unknown, q0: number, q1: number, n: number, C: number,
    a0: Float32Array, a1: Float32Array, a2 = NO_ARRAY, a3 = NO_ARRAY, a4 = NO_ARRAY): void {
    if (!(backend instanceof WasmBackend) || !backend.lastZeroCopy) {
      this.forget();
      return;
    }
    if (backend !== this.backend) {
      this.backend = backend;
      this.run = backend.exportOf(this.kernel);
    }
    this.p0 = p0;
    this.p1 = p1;
    this.q0 = q0;
    this.q1 = q1;
    this.n = n;
    this.C = C;
    this.a0 = a0;
    this.a1 = a1;
    this.a2 = a2;
    this.a3 = a3;
    this.a4 = a4;
    const ptr = backend.lastPointers;
    this.ptr0 = ptr[0];
    this.ptr1 = ptr[1];
    this.ptr2 = ptr[2];
    this.ptr3 = ptr[3];
    this.ptr4 = ptr[4];
  }

  /** Nothing to repeat (no array matches NO_ARRAY). */
  forget(): void {
    this.a0 = this.a1 = this.a2 = this.a3 = this.a4 = NO_ARRAY;
  }
}

export function mapOp(k: KernelName, table: EntryTable, backendOf: () => BackendImpl = currentBackend) {
  const params = new Params(entryOf(k, table).params);
  const last = new LastCall(k);
  return (x: Float32Array, out?: Out, p0?: unknown, p1?: unknown): Float32Array => {
    if (x === last.a0 && out === last.a1 && p0 === last.p0 && p1 === last.p1 && last.backend === backendOf() &&
        x.length === last.n && out.length === last.n) {
      last.run(last.ptr0, last.ptr1, last.n, last.q0, last.q1);
      return out;
    }
    const xs = float32Array(x, 'x');
    const o = outArray(out, xs.length, 'x');
    if (o === out) noPartialOverlap(o, byteOffsetOf(o), xs, byteOffsetOf(xs), 'x');
    const a = params.first(p0);
    const b = params.second(p1);
    last.forget();
    if (xs.length > 0) {
      const backend = backendOf();
      backend.map(k, xs, o, a, b);
      if (o === out) last.keep(backend, p0, p1, a, b, xs.length, 0, xs, o);
    }
    return o;
  };
}

export function gradOp(k: KernelName, table: EntryTable, input: 'x' | 'y', backendOf: () => BackendImpl = currentBackend) {
  const params = new Params(entryOf(k, table).params);
  const last = new LastCall(k);
  return (v: Float32Array, dy: Float32Array, out?: Out, p0?: unknown, p1?: unknown): Float32Array => {
    if (v === last.a0 && dy === last.a1 && out === last.a2 && p0 === last.p0 && p1 === last.p1 &&
        last.backend === backendOf() && v.length === last.n && dy.length === last.n && out.length === last.n) {
      last.run(last.ptr0, last.ptr1, last.ptr2, last.n, last.q0, last.q1);
      return out;
    }
    const vs = float32Array(v, input);
    const ds = float32Array(dy, 'dy');
    sameLength(vs, input, ds, 'dy');
    const o = outArray(out, vs.length, input);
    if (o === out) {
      const at = byteOffsetOf(o);
      noPartialOverlap(o, at, vs, byteOffsetOf(vs), input);
      noPartialOverlap(o, at, ds, byteOffsetOf(ds), 'dy');
    }
    const a = params.first(p0);
    const b = params.second(p1);
    last.forget();
    if (vs.length > 0) {
      const backend = backendOf();
      backend.grad(k, vs, ds, o, a, b);
      if (o === out) last.keep(backend, p0, p1, a, b, vs.length, 0, vs, ds, o);
    }
    return o;
  };
}

export function sumOp(k: KernelName, table: EntryTable, backendOf: () => BackendImpl = currentBackend) {
  const params = new Params(entryOf(k, table).params);
  const last = new LastCall(k);
  return (x: Float32Array, dy: Float32Array, p0?: unknown, p1?: unknown): number => {
    if (x === last.a0 && dy === last.a1 && p0 === last.p0 && p1 === last.p1 && last.backend === backendOf() &&
        x.length === last.n && dy.length === last.n) {
      return last.run(last.ptr0, last.ptr1, last.n, last.q0, last.q1) as number;
    }
    const xs = float32Array(x, 'x');
    const ds = float32Array(dy, 'dy');
    sameLength(xs, 'x', ds, 'dy');
    const a = params.first(p0);
    const b = params.second(p1);
    last.forget();
    if (xs.length === 0) return 0;
    const backend = backendOf();
    const total = backend.sum(k, xs, ds, a, b);
    last.keep(backend, p0, p1, a, b, xs.length, 0, xs, ds);
    return total;
  };
}

/** A fused form's forward: out = f(first, second), e.g. swiglu(a, b). */
export function binaryOp(k: AnyKernelName, table: EntryTable, [n0, n1]: readonly [string, string], backendOf: () => BackendImpl = currentBackend) {
  const params = new Params(entryOf(k, table).params);
  const last = new LastCall(k);
  return (a: Float32Array, b: Float32Array, out?: Out, p0?: unknown, p1?: unknown): Float32Array => {
    if (a === last.a0 && b === last.a1 && out === last.a2 && p0 === last.p0 && p1 === last.p1 &&
        last.backend === backendOf() && a.length === last.n && b.length === last.n && out.length === last.n) {
      last.run(last.ptr0, last.ptr1, last.ptr2, last.n, last.q0, last.q1);
      return out;
    }
    const as = float32Array(a, n0);
    const bs = float32Array(b, n1);
    sameLength(as, n0, bs, n1);
    const o = outArray(out, as.length, n0);
    if (o === out) {
      const at = byteOffsetOf(o);
      noPartialOverlap(o, at, as, byteOffsetOf(as), n0);
      noPartialOverlap(o, at, bs, byteOffsetOf(bs), n1);
    }
    const q0 = params.first(p0);
    const q1 = params.second(p1);
    last.forget();
    if (as.length > 0) {
      const backend = backendOf();
      backend.grad(k, as, bs, o, q0, q1);
      if (o === out) last.keep(backend, p0, p1, q0, q1, as.length, 0, as, bs, o);
    }
    return o;
  };
}

/** A fused form's backward: both input gradients from a, b and dy, in one pass. */
export function gateGradOp(k: AnyKernelName, table: EntryTable, backendOf: () => BackendImpl = currentBackend) {
  const params = new Params(entryOf(k, table).params);
  const last = new LastCall(k);
  return (a: Float32Array, b: Float32Array, dy: Float32Array, outA?: Out, outB?: Out, p0?: unknown, p1?: unknown) => {
    if (a === last.a0 && b === last.a1 && dy === last.a2 && outA === last.a3 && outB === last.a4 && p0 === last.p0 &&
        p1 === last.p1 && last.backend === backendOf() && a.length === last.n && b.length === last.n &&
        dy.length === last.n && outA.length === last.n && outB.length === last.n) {
      last.run(last.ptr0, last.ptr1, last.ptr2, last.ptr3, last.ptr4, last.n, last.q0, last.q1);
      return { da: outA, db: outB };
    }
    const as = float32Array(a, 'a');
    const bs = float32Array(b, 'b');
    const ds = float32Array(dy, 'dy');
    sameLength(as, 'a', bs, 'b');
    sameLength(as, 'a', ds, 'dy');
    const da = outArray(outA, as.length, 'a', 'outA');
    const db = outArray(outB, as.length, 'a', 'outB');
    if (da === outA || db === outB) {
      const aAt = byteOffsetOf(as);
      const bAt = byteOffsetOf(bs);
      const dAt = byteOffsetOf(ds);
      const daAt = da === outA ? byteOffsetOf(da) : 0;
      if (da === outA) {
        noPartialOverlap(da, daAt, as, aAt, 'a', 'outA');
        noPartialOverlap(da, daAt, bs, bAt, 'b', 'outA');
        noPartialOverlap(da, daAt, ds, dAt, 'dy', 'outA');
      }
      if (db === outB) {
        const dbAt = byteOffsetOf(db);
        noPartialOverlap(db, dbAt, as, aAt, 'a', 'outB');
        noPartialOverlap(db, dbAt, bs, bAt, 'b', 'outB');
        noPartialOverlap(db, dbAt, ds, dAt, 'dy', 'outB');
        if (da === outA && !disjoint(da, daAt, db, dbAt)) throw new RangeError('outA and outB overlap: they must be separate arrays');
      }
    }
    const q0 = params.first(p0);
    const q1 = params.second(p1);
    last.forget();
    if (as.length > 0) {
      const backend = backendOf();
      backend.gateGrad(k, as, bs, ds, da, db, q0, q1);
      if (da === outA && db === outB) last.keep(backend, p0, p1, q0, q1, as.length, 0, as, bs, ds, da, db);
    }
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
export function biasOp(k: AnyKernelName, table: EntryTable, backendOf: () => BackendImpl = currentBackend) {
  const params = new Params(entryOf(k, table).params);
  const last = new LastCall(k);
  return (x: Float32Array, bias: Float32Array, out?: Out, p0?: unknown, p1?: unknown): Float32Array => {
    if (x === last.a0 && bias === last.a1 && out === last.a2 && p0 === last.p0 && p1 === last.p1 &&
        last.backend === backendOf() && x.length === last.n && bias.length === last.C && out.length === last.n) {
      last.run(last.ptr0, last.ptr1, last.ptr2, last.n, last.C, last.q0, last.q1);
      return out;
    }
    const xs = float32Array(x, 'x');
    const bs = float32Array(bias, 'bias');
    const C = channels(xs, bs);
    const o = outArray(out, xs.length, 'x');
    if (o === out) {
      const at = byteOffsetOf(o);
      const biasAt = byteOffsetOf(bs);
      noPartialOverlap(o, at, xs, byteOffsetOf(xs), 'x');
      noPartialOverlap(o, at, bs, biasAt, 'bias');
      // Not even exactly: the kernel reads the bias again for every row.
      if (o.length > 0 && bs.length > 0 && (o === bs || (at === biasAt && o.buffer === bs.buffer))) {
        throw new RangeError('out must not be bias');
      }
    }
    const q0 = params.first(p0);
    const q1 = params.second(p1);
    last.forget();
    if (xs.length > 0) {
      const backend = backendOf();
      backend.bias(k, xs, bs, o, q0, q1);
      if (o === out) last.keep(backend, p0, p1, q0, q1, xs.length, C, xs, bs, o);
    }
    return o;
  };
}

/** A bias form's backward: dx from the kernel, dbias[c] = Σ_r dx[r, c] summed here in float64. */
export function biasGradOp(k: AnyKernelName, table: EntryTable, backendOf: () => BackendImpl = currentBackend) {
  const params = new Params(entryOf(k, table).params);
  const last = new LastCall(k);
  return (x: Float32Array, bias: Float32Array, dy: Float32Array, outX?: Out, dbias?: Out, p0?: unknown, p1?: unknown) => {
    if (x === last.a0 && bias === last.a1 && dy === last.a2 && outX === last.a3 && dbias === last.a4 && p0 === last.p0 &&
        p1 === last.p1 && last.backend === backendOf() && x.length === last.n && bias.length === last.C &&
        dy.length === last.n && outX.length === last.n && dbias.length === last.C) {
      last.run(last.ptr0, last.ptr1, last.ptr2, last.ptr3, last.n, last.C, last.q0, last.q1);
      sumRows(outX, last.C, dbias);
      return { dx: outX, dbias };
    }
    const xs = float32Array(x, 'x');
    const bs = float32Array(bias, 'bias');
    const ds = float32Array(dy, 'dy');
    const C = channels(xs, bs);
    sameLength(xs, 'x', ds, 'dy');
    const dx = outArray(outX, xs.length, 'x', 'outX');
    const db = outArray(dbias, C, 'bias', 'dbias');
    if (dx === outX || db === dbias) {
      const xAt = byteOffsetOf(xs);
      const biasAt = byteOffsetOf(bs);
      const dyAt = byteOffsetOf(ds);
      const dxAt = byteOffsetOf(dx);
      if (dx === outX) {
        noPartialOverlap(dx, dxAt, xs, xAt, 'x', 'outX');
        noPartialOverlap(dx, dxAt, ds, dyAt, 'dy', 'outX');
      }
      if (db === dbias) {
        // dbias is written after dx, from it: it may not share an element with any argument.
        const dbAt = byteOffsetOf(db);
        if (!disjoint(db, dbAt, xs, xAt)) throw new RangeError('dbias overlaps x: it must be a separate array');
        if (!disjoint(db, dbAt, bs, biasAt)) throw new RangeError('dbias overlaps bias: it must be a separate array');
        if (!disjoint(db, dbAt, ds, dyAt)) throw new RangeError('dbias overlaps dy: it must be a separate array');
        if (!disjoint(db, dbAt, dx, dxAt)) throw new RangeError('dbias overlaps outX: it must be a separate array');
      }
      if (dx === outX && !disjoint(dx, dxAt, bs, biasAt)) throw new RangeError('outX overlaps bias: it must be a separate array');
    }
    const q0 = params.first(p0);
    const q1 = params.second(p1);
    last.forget();
    if (xs.length > 0) {
      const backend = backendOf();
      backend.biasGrad(k, xs, bs, ds, dx, q0, q1);
      // Kept only if dbias too is in memory (a view of the memory the kernel's arrays were in),
      // asked only when they were: dbias is not the kernel's, the backend has not looked at it.
      if (dx === outX && db === dbias && backend instanceof WasmBackend && backend.lastZeroCopy &&
          backend.offsetInMemory(db) >= 0) {
        last.keep(backend, p0, p1, q0, q1, xs.length, C, xs, bs, ds, dx, db);
      }
    }
    sumRows(dx, C, db);
    return { dx, dbias: db };
  };
}

/**
 * dbias[c] = Σ_r dx[r·C + c], each summed in float64 in row order and rounded once. Eight
 * channels at a time, each its own running sum, so the additions do not wait on one another
 * (one running sum per channel in turn is bound by the latency of an addition).
 */
function sumRows(dx: Float32Array, C: number, dbias: Float32Array): void {
  const n = dx.length;
  let c = 0;
  for (; c + 8 <= C; c += 8) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let i = c; i < n; i += C) {
      s0 += dx[i]; s1 += dx[i + 1]; s2 += dx[i + 2]; s3 += dx[i + 3];
      s4 += dx[i + 4]; s5 += dx[i + 5]; s6 += dx[i + 6]; s7 += dx[i + 7];
    }
    dbias[c] = s0; dbias[c + 1] = s1; dbias[c + 2] = s2; dbias[c + 3] = s3;
    dbias[c + 4] = s4; dbias[c + 5] = s5; dbias[c + 6] = s6; dbias[c + 7] = s7;
  }
  for (; c < C; c++) {
    let s = 0;
    for (let i = c; i < n; i += C) s += dx[i];
    dbias[c] = s;
  }
}
