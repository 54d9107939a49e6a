// The WebAssembly driver, shared by the `relaxed`, `simd` and `wasm` (scalar) builds: all export
// the same kernels with the same signatures (assembly/index.ts).
//
// Arrays that live in this module's memory (from `allocate`) are passed by pointer: no copy.
// Any other array is streamed through a fixed scratch region CHUNK elements at a time, so
// memory never grows with input size and any length works. Arguments are validated before a
// backend sees them (validate.ts), so nothing here can trap or write partially.
import { allKernels, type AnyKernelName } from '../registry.js';
import { Allocator } from './allocator.js';
import type { Backend, BackendImpl, WasmFloat32Array } from './types.js';

/** Elements per streamed chunk: 64 KiB per scratch region; all three stay within L2. */
export const CHUNK = 16384;

type MapFn = (x: number, out: number, n: number, a: number, b: number) => void;
type GradFn = (v: number, dy: number, out: number, n: number, a: number, b: number) => void;
type SumFn = (x: number, dy: number, n: number, a: number, b: number) => number;
type BiasFn = (x: number, bias: number, out: number, n: number, C: number, a: number, b: number) => void;
type BiasGradFn = (x: number, bias: number, dy: number, out: number, n: number, C: number, a: number, b: number) => void;
type GateGradFn = (a: number, b: number, dy: number, outA: number, outB: number, n: number, p0: number, p1: number) => void;

export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  isSimdBuild(): number;
  /** 0 scalar, 1 simd, 2 relaxed (assembly/index.ts). */
  buildKind(): number;
  [kernel: string]: unknown;
}

export class WasmBackend implements BackendImpl {
  readonly name: Backend;
  private readonly memory: WebAssembly.Memory;
  private readonly allocator: Allocator;
  private heap: Float32Array;
  /** The buffer `heap` views: memory.buffer as of the last growth. */
  private buf: ArrayBufferLike;
  /** The last four arrays found to be in memory (here()), and where the next one goes. */
  private readonly seen: (Float32Array | null)[] = [null, null, null, null];
  private seenNext = 0;
  /** Byte offsets of the three scratch regions (first, second, third input); results are
   * written over the inputs' regions (the kernels allow out = input). */
  private readonly scratch: [number, number, number];
  /** Arrays in memory must start here: below are the module's constants and the scratch. */
  private readonly userBase: number;
  private readonly fns: Record<string, MapFn | GradFn | SumFn | GateGradFn | BiasFn | BiasGradFn>;

  // (Not named `exports`: in the CommonJS build that name is the module's own exports object.)
  constructor(ex: KernelExports) {
    this.name = (['wasm', 'simd', 'relaxed'] as const)[ex.buildKind()] ?? 'wasm';
    this.memory = ex.memory;
    const fns: Record<string, MapFn | GradFn | SumFn | GateGradFn | BiasFn | BiasGradFn> = {};
    for (const k of Object.keys(allKernels)) {
      const f = ex[k];
      if (typeof f !== 'function') throw new Error(`swish-wasm: the ${this.name} module has no kernel '${k}'`);
      fns[k] = f as MapFn;
    }
    this.fns = fns;
    this.allocator = new Allocator(this.memory, ex.heapBase());
    this.scratch = [this.allocator.alloc(CHUNK * 4), this.allocator.alloc(CHUNK * 4), this.allocator.alloc(CHUNK * 4)];
    this.userBase = this.scratch[2] + CHUNK * 4;
    this.heap = new Float32Array(this.memory.buffer);
    this.buf = this.heap.buffer;
  }

  /**
   * The view of memory, re-created after growth. Growth detaches the old buffer, which leaves
   * its views with length 0: checking that is much cheaper than WebAssembly.Memory's `buffer`
   * getter, which was a third of the per-call overhead when read on every call.
   */
  private view(): Float32Array {
    if (this.heap.length === 0) {
      this.heap = new Float32Array(this.memory.buffer);
      this.buf = this.heap.buffer;
      this.seen.fill(null);
    }
    return this.heap;
  }

  /** Whether `a` is in this module's memory (zero-copy); call view() first. A view over the
   * reserved low memory (constants, scratch) would let results overwrite them: refused. */
  private here(a: Float32Array): boolean {
    // The arrays from allocate() are the same objects call after call: the last few found here
    // are remembered, so that a zero-copy call compares identities instead of reading `buffer`
    // (a getter V8 does not inline, ~25 ns) for each argument. Growth clears them (view()).
    const seen = this.seen;
    if (a === seen[0] || a === seen[1] || a === seen[2] || a === seen[3]) return true;
    if (a.buffer !== this.buf) return false;
    if (a.byteOffset < this.userBase && a.length > 0) {
      throw new RangeError('a view of WebAssembly memory below the arrays from allocate() cannot be passed');
    }
    seen[this.seenNext] = a;
    this.seenNext = (this.seenNext + 1) & 3;
    return true;
  }

  map(k: AnyKernelName, x: Float32Array, out: Float32Array, a: number, b: number): void {
    const fn = this.fns[k] as MapFn;
    const n = x.length;
    const heap = this.view();
    const xHere = this.here(x);
    const oHere = this.here(out);
    if (xHere && oHere) return fn(x.byteOffset, out.byteOffset, n, a, b);
    const s = this.scratch[0];
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      let xp = s;
      if (xHere) xp = x.byteOffset + off * 4;
      else heap.set(x.subarray(off, off + m), s >> 2);
      const op = oHere ? out.byteOffset + off * 4 : s;
      fn(xp, op, m, a, b);
      if (!oHere) out.set(heap.subarray(s >> 2, (s >> 2) + m), off);
    }
  }

  grad(k: AnyKernelName, v: Float32Array, dy: Float32Array, out: Float32Array, a: number, b: number): void {
    const fn = this.fns[k] as GradFn;
    const n = v.length;
    const heap = this.view();
    const vHere = this.here(v);
    const dHere = this.here(dy);
    const oHere = this.here(out);
    if (vHere && dHere && oHere) return fn(v.byteOffset, dy.byteOffset, out.byteOffset, n, a, b);
    const [s0, s1] = this.scratch;
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      let vp = s0;
      let dp = s1;
      if (vHere) vp = v.byteOffset + off * 4;
      else heap.set(v.subarray(off, off + m), s0 >> 2);
      if (dHere) dp = dy.byteOffset + off * 4;
      else heap.set(dy.subarray(off, off + m), s1 >> 2);
      // The result goes to scratch 0, over the streamed input (kernels allow out = input).
      const op = oHere ? out.byteOffset + off * 4 : s0;
      fn(vp, dp, op, m, a, b);
      if (!oHere) out.set(heap.subarray(s0 >> 2, (s0 >> 2) + m), off);
    }
  }

  sum(k: AnyKernelName, x: Float32Array, dy: Float32Array, a: number, b: number): number {
    const fn = this.fns[k] as SumFn;
    const n = x.length;
    const heap = this.view();
    const xHere = this.here(x);
    const dHere = this.here(dy);
    if (xHere && dHere) return fn(x.byteOffset, dy.byteOffset, n, a, b);
    const [s0, s1] = this.scratch;
    let total = 0;
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      let xp = s0;
      let dp = s1;
      if (xHere) xp = x.byteOffset + off * 4;
      else heap.set(x.subarray(off, off + m), s0 >> 2);
      if (dHere) dp = dy.byteOffset + off * 4;
      else heap.set(dy.subarray(off, off + m), s1 >> 2);
      total += fn(xp, dp, m, a, b);
    }
    return total;
  }

  gateGrad(k: AnyKernelName, a: Float32Array, b: Float32Array, dy: Float32Array,
    outA: Float32Array, outB: Float32Array, p0: number, p1: number): void {
    const fn = this.fns[k] as GateGradFn;
    const n = a.length;
    const heap = this.view();
    const here = [a, b, dy, outA, outB].map((v) => this.here(v));
    if (here.every(Boolean)) return fn(a.byteOffset, b.byteOffset, dy.byteOffset, outA.byteOffset, outB.byteOffset, n, p0, p1);
    const [aHere, bHere, dHere, oaHere, obHere] = here;
    const [s0, s1, s2] = this.scratch;
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      const ptr = (v: Float32Array, isHere: boolean, s: number) => {
        if (isHere) return v.byteOffset + off * 4;
        heap.set(v.subarray(off, off + m), s >> 2);
        return s;
      };
      const ap = ptr(a, aHere, s0);
      const bp = ptr(b, bHere, s1);
      const dp = ptr(dy, dHere, s2);
      // Streamed results go over the first two inputs' regions (read before written, per step).
      const oap = oaHere ? outA.byteOffset + off * 4 : s0;
      const obp = obHere ? outB.byteOffset + off * 4 : s1;
      fn(ap, bp, dp, oap, obp, m, p0, p1);
      if (!oaHere) outA.set(heap.subarray(s0 >> 2, (s0 >> 2) + m), off);
      if (!obHere) outB.set(heap.subarray(s1 >> 2, (s1 >> 2) + m), off);
    }
  }

  bias(k: AnyKernelName, x: Float32Array, bias: Float32Array, out: Float32Array, a: number, b: number): void {
    const fn = this.fns[k] as BiasFn;
    this.byRows(x, bias, null, out, (xp, bp, _dp, op, m, C) => fn(xp, bp, op, m, C, a, b));
  }

  biasGrad(k: AnyKernelName, x: Float32Array, bias: Float32Array, dy: Float32Array, out: Float32Array, a: number, b: number): void {
    const fn = this.fns[k] as BiasGradFn;
    this.byRows(x, bias, dy, out, (xp, bp, dp, op, m, C) => fn(xp, bp, dp, op, m, C, a, b));
  }

  /**
   * Runs a bias kernel over x as rows of C = bias.length channels, streaming what is not in
   * memory: whole rows per chunk when C fits in a scratch region (the bias is copied once),
   * else each row in segments with the matching bias segment (the kernel then sees rows of m).
   */
  private byRows(x: Float32Array, bias: Float32Array, dy: Float32Array | null, out: Float32Array,
    run: (xp: number, bp: number, dp: number, op: number, m: number, C: number) => void): void {
    const n = x.length;
    const C = bias.length;
    const heap = this.view();
    const [xHere, bHere, oHere] = [this.here(x), this.here(bias), this.here(out)];
    const dHere = dy === null || this.here(dy);
    if (xHere && bHere && oHere && dHere) return run(x.byteOffset, bias.byteOffset, dy?.byteOffset ?? 0, out.byteOffset, n, C);
    const [s0, s1, s2] = this.scratch;
    const segment = (off: number, m: number, bp: number, rowC: number) => {
      let xp = s0;
      if (xHere) xp = x.byteOffset + off * 4;
      else heap.set(x.subarray(off, off + m), s0 >> 2);
      let dp = s1;
      if (dy !== null) {
        if (dHere) dp = dy.byteOffset + off * 4;
        else heap.set(dy.subarray(off, off + m), s1 >> 2);
      }
      const op = oHere ? out.byteOffset + off * 4 : s0;
      run(xp, bp, dp, op, m, rowC);
      if (!oHere) out.set(heap.subarray(s0 >> 2, (s0 >> 2) + m), off);
    };
    if (C <= CHUNK) {
      let bp = s2;
      if (bHere) bp = bias.byteOffset;
      else heap.set(bias, s2 >> 2);
      const step = Math.floor(CHUNK / C) * C;
      for (let off = 0; off < n; off += step) segment(off, Math.min(step, n - off), bp, C);
      return;
    }
    for (let row = 0; row < n; row += C) {
      for (let c0 = 0; c0 < C; c0 += CHUNK) {
        const m = Math.min(CHUNK, C - c0);
        let bp = s2;
        if (bHere) bp = bias.byteOffset + c0 * 4;
        else heap.set(bias.subarray(c0, c0 + m), s2 >> 2);
        segment(row + c0, m, bp, m);
      }
    }
  }

  allocate(n: number): WasmFloat32Array {
    const ptr = this.allocator.alloc(n * 4);
    return new WasmArray(this, ptr, n);
  }

  /** @internal */ release(ptr: number): void { this.allocator.release(ptr); }
  /** @internal */ viewAt(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }
}

class WasmArray implements WasmFloat32Array {
  #owner: WasmBackend | null;
  #view: Float32Array;
  readonly length: number;
  private readonly ptr: number;

  constructor(owner: WasmBackend, ptr: number, n: number) {
    this.#owner = owner;
    this.ptr = ptr;
    this.length = n;
    this.#view = owner.viewAt(ptr, n);
  }

  get array(): Float32Array {
    const owner = this.#owner;
    if (owner === null) throw new TypeError('WasmFloat32Array has been freed');
    // Memory growth detaches the old buffer (its views then have length 0): view the new one.
    // (An empty array cannot tell, so it is re-made each time: cheap, and rare.)
    if (this.#view.length !== this.length || this.length === 0) this.#view = owner.viewAt(this.ptr, this.length);
    return this.#view;
  }

  free(): void {
    const owner = this.#owner;
    if (owner === null) throw new TypeError('WasmFloat32Array has already been freed');
    this.#owner = null;
    owner.release(this.ptr);
  }
}
