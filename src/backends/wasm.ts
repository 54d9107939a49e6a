// The WebAssembly driver, shared by the `relaxed`, `simd` and `wasm` (scalar) builds: all export
// the same kernels with the same signatures (assembly/index.ts).
//
// Arrays that live in this module's memory (from `allocate`) are passed by pointer: no copy.
// Any other array is streamed through a fixed scratch region CHUNK elements at a time, so
// memory never grows with input size and any length works. Arguments are validated before a
// backend sees them (validate.ts), so nothing here can trap or write partially.
import type { AnyKernelName } from '../registry.js';
import { KERNEL_NAMES } from '../generated/names.js';
import { CORE_KERNELS } from '../generated/core.js';
import { Allocator } from './allocator.js';
import { BUILD_KIND } from './builds.js';
import { forgetViewsOf, offsetIn } from '../views.js';
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

/**
 * Why a module with these export names is not a swish-wasm build this version can drive, or
 * undefined if it is one: it must export its memory, heapBase, buildKind and every kernel.
 */
export function checkBuildExports(names: readonly string[]): string | undefined {
  const have = new Set(names);
  const missing = ['memory', 'heapBase', 'buildKind', ...KERNEL_NAMES].filter((n) => !have.has(n));
  if (!missing.length) return undefined;
  return `it has no export${missing.length > 1 ? 's' : ''} ${missing.slice(0, 4).map((n) => `'${n}'`).join(', ')}${missing.length > 4 ? ` (and ${missing.length - 4} more)` : ''}`;
}

/** A kernel called on a core build: the program made its function after init() had chosen that build. */
function notInCore(k: string, name: string): Error {
  return new Error(`swish-wasm: ${k} is not in the ${name} core build that init() loaded (when it ran, every function made ` +
    `was sigmoid's or swish's): await init() again, which loads the whole build`);
}

export class WasmBackend implements BackendImpl {
  readonly name: Backend;
  /** @internal Whether this is a core build (sigmoid's and swish's kernels alone). */
  readonly core: boolean;
  private readonly memory: WebAssembly.Memory;
  private readonly allocator: Allocator;
  private heap: Float32Array;
  /** The buffer `heap` views: memory.buffer as of the last growth. */
  private buf: ArrayBufferLike;
  /** Byte offsets of the three scratch regions (first, second, third input); results are
   * written over the inputs' regions (the kernels allow out = input). */
  private readonly scratch: [number, number, number];
  /** A view of each scratch region as long as the last streamed chunk, for copying results
   * out without making a view per call (re-made when the length differs, or after growth). */
  private readonly scratchViews: [Float32Array, Float32Array];
  /** Arrays in memory must start here: below are the module's constants and the scratch. */
  private readonly userBase: number;
  /** The exports by kernel name. A Map: the driver is shared by every kernel, and a keyed load
   * from an object with a different name at each call is megamorphic (~15 ns, measured). */
  private readonly fns: Map<string, MapFn | GradFn | SumFn | GateGradFn | BiasFn | BiasGradFn>;

  // (Not named `exports`: in the CommonJS build that name is the module's own exports object.)
  constructor(ex: KernelExports) {
    const name = BUILD_KIND[ex.buildKind()];
    if (name === undefined) throw new TypeError(`not a swish-wasm build: buildKind() is ${ex.buildKind()}, not 0, 1 or 2`);
    this.name = name;
    this.memory = ex.memory;
    this.fns = new Map();
    // A core build (builds.ts) has the core kernels alone: any other is an Error that says so.
    this.core = typeof ex[KERNEL_NAMES.find((k) => !CORE_KERNELS.includes(k))!] !== 'function';
    for (const k of KERNEL_NAMES) {
      const f = ex[k];
      if (typeof f === 'function') this.fns.set(k, f as MapFn);
      else if (this.core && !CORE_KERNELS.includes(k)) this.fns.set(k, () => { throw notInCore(k, this.name); });
      else throw new TypeError(`not a swish-wasm build: the ${this.name} module has no kernel '${k}'`);
    }
    this.allocator = new Allocator(this.memory, ex.heapBase());
    this.scratch = [this.allocator.alloc(CHUNK * 4), this.allocator.alloc(CHUNK * 4), this.allocator.alloc(CHUNK * 4)];
    this.userBase = this.scratch[2] + CHUNK * 4;
    this.heap = new Float32Array(this.memory.buffer);
    this.buf = this.heap.buffer;
    this.scratchViews = [new Float32Array(0), new Float32Array(0)];
  }

  private fn<F>(k: AnyKernelName): F {
    return this.fns.get(k) as F;
  }

  /** @internal The export of kernel k: the wrappers call it directly to repeat a zero-copy call. */
  exportOf(k: AnyKernelName): (...args: number[]) => unknown {
    return this.fns.get(k) as (...args: number[]) => unknown;
  }

  /** @internal Whether the last kernel call passed every array by pointer (zero-copy), and
   * those pointers in call order: the wrappers keep such a call to repeat it (wrappers.ts). */
  lastZeroCopy = false;
  /** @internal */ readonly lastPointers: [number, number, number, number, number] = [0, 0, 0, 0, 0];

  private ranZeroCopy(p0: number, p1: number, p2: number, p3: number, p4: number): void {
    const p = this.lastPointers;
    p[0] = p0;
    p[1] = p1;
    p[2] = p2;
    p[3] = p3;
    p[4] = p4;
    this.lastZeroCopy = true;
  }

  /** @internal The byte offset of `a` if it is in this module's memory above the reserved
   * region, else -1; kept from then on, as the kernels' arrays are: for an array the wrappers
   * write themselves (a bias form's dbias). */
  offsetInMemory(a: Float32Array): number {
    this.view();
    const p = offsetIn(a, this.buf);
    return p >= this.userBase ? p : -1;
  }

  /**
   * The view of memory, re-created after growth. Growth detaches the old buffer, which leaves
   * its views with length 0: checking that is much cheaper than WebAssembly.Memory's `buffer`
   * getter, which was a third of the per-call overhead when read on every call.
   */
  private view(): Float32Array {
    if (this.heap.length === 0) this.viewNewBuffer();
    return this.heap;
  }

  private viewNewBuffer(): void {
    forgetViewsOf(this.buf);
    this.heap = new Float32Array(this.memory.buffer);
    this.buf = this.heap.buffer;
  }

  /** The byte offset of `a` if it is in this module's memory (zero-copy), else -1; call view()
   * first. A view over the reserved low memory (constants, scratch) would let results overwrite
   * them: refused. The arrays found here are kept (views.ts): the next call with them reads
   * neither `buffer` nor `byteOffset`. */
  private pointer(a: Float32Array): number {
    const p = offsetIn(a, this.buf);
    if (p >= 0 && p < this.userBase && a.length > 0) {
      throw new RangeError('a view of WebAssembly memory below the arrays from allocate() cannot be passed');
    }
    return p;
  }

  /** Copies m elements of `v` from element `off` into the scratch region at byte offset s. */
  private copyIn(heap: Float32Array, v: Float32Array, off: number, m: number, s: number): void {
    heap.set(off === 0 && m === v.length ? v : v.subarray(off, off + m), s >> 2);
  }

  /** Copies m results from scratch region `region` (0 or 1) into `out` from element `off`. */
  private copyOut(region: 0 | 1, out: Float32Array, off: number, m: number): void {
    let v = this.scratchViews[region];
    if (v.length !== m) v = this.scratchViews[region] = new Float32Array(this.buf, this.scratch[region], m);
    out.set(v, off);
  }

  map(k: AnyKernelName, x: Float32Array, out: Float32Array, a: number, b: number): void {
    const fn = this.fn<MapFn>(k);
    const n = x.length;
    const heap = this.view();
    const xp = this.pointer(x);
    const op = this.pointer(out);
    if (xp >= 0 && op >= 0) {
      this.ranZeroCopy(xp, op, 0, 0, 0);
      return fn(xp, op, n, a, b);
    }
    this.lastZeroCopy = false;
    const s = this.scratch[0];
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      if (xp < 0) this.copyIn(heap, x, off, m, s);
      fn(xp < 0 ? s : xp + off * 4, op < 0 ? s : op + off * 4, m, a, b);
      if (op < 0) this.copyOut(0, out, off, m);
    }
  }

  grad(k: AnyKernelName, v: Float32Array, dy: Float32Array, out: Float32Array, a: number, b: number): void {
    const fn = this.fn<GradFn>(k);
    const n = v.length;
    const heap = this.view();
    const vp = this.pointer(v);
    const dp = this.pointer(dy);
    const op = this.pointer(out);
    if (vp >= 0 && dp >= 0 && op >= 0) {
      this.ranZeroCopy(vp, dp, op, 0, 0);
      return fn(vp, dp, op, n, a, b);
    }
    this.lastZeroCopy = false;
    const [s0, s1] = this.scratch;
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      if (vp < 0) this.copyIn(heap, v, off, m, s0);
      if (dp < 0) this.copyIn(heap, dy, off, m, s1);
      // The result goes to scratch 0, over the streamed input (kernels allow out = input).
      fn(vp < 0 ? s0 : vp + off * 4, dp < 0 ? s1 : dp + off * 4, op < 0 ? s0 : op + off * 4, m, a, b);
      if (op < 0) this.copyOut(0, out, off, m);
    }
  }

  sum(k: AnyKernelName, x: Float32Array, dy: Float32Array, a: number, b: number): number {
    const fn = this.fn<SumFn>(k);
    const n = x.length;
    const heap = this.view();
    const xp = this.pointer(x);
    const dp = this.pointer(dy);
    if (xp >= 0 && dp >= 0) {
      this.ranZeroCopy(xp, dp, 0, 0, 0);
      return fn(xp, dp, n, a, b);
    }
    this.lastZeroCopy = false;
    const [s0, s1] = this.scratch;
    let total = 0;
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      if (xp < 0) this.copyIn(heap, x, off, m, s0);
      if (dp < 0) this.copyIn(heap, dy, off, m, s1);
      total += fn(xp < 0 ? s0 : xp + off * 4, dp < 0 ? s1 : dp + off * 4, m, a, b);
    }
    return total;
  }

  gateGrad(k: AnyKernelName, a: Float32Array, b: Float32Array, dy: Float32Array,
    outA: Float32Array, outB: Float32Array, p0: number, p1: number): void {
    const fn = this.fn<GateGradFn>(k);
    const n = a.length;
    const heap = this.view();
    const ap = this.pointer(a);
    const bp = this.pointer(b);
    const dp = this.pointer(dy);
    const oap = this.pointer(outA);
    const obp = this.pointer(outB);
    if (ap >= 0 && bp >= 0 && dp >= 0 && oap >= 0 && obp >= 0) {
      this.ranZeroCopy(ap, bp, dp, oap, obp);
      return fn(ap, bp, dp, oap, obp, n, p0, p1);
    }
    this.lastZeroCopy = false;
    const [s0, s1, s2] = this.scratch;
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      if (ap < 0) this.copyIn(heap, a, off, m, s0);
      if (bp < 0) this.copyIn(heap, b, off, m, s1);
      if (dp < 0) this.copyIn(heap, dy, off, m, s2);
      // Streamed results go over the first two inputs' regions (read before written, per step).
      fn(ap < 0 ? s0 : ap + off * 4, bp < 0 ? s1 : bp + off * 4, dp < 0 ? s2 : dp + off * 4,
        oap < 0 ? s0 : oap + off * 4, obp < 0 ? s1 : obp + off * 4, m, p0, p1);
      if (oap < 0) this.copyOut(0, outA, off, m);
      if (obp < 0) this.copyOut(1, outB, off, m);
    }
  }

  bias(k: AnyKernelName, x: Float32Array, bias: Float32Array, out: Float32Array, a: number, b: number): void {
    this.byRows(this.fn<BiasFn>(k), null, x, bias, null, out, a, b);
  }

  biasGrad(k: AnyKernelName, x: Float32Array, bias: Float32Array, dy: Float32Array, out: Float32Array, a: number, b: number): void {
    this.byRows(null, this.fn<BiasGradFn>(k), x, bias, dy, out, a, b);
  }

  /**
   * Runs a bias kernel (forward: biasFn; backward: gradFn, with dy) over x as rows of
   * C = bias.length channels, streaming what is not in memory: whole rows per chunk when C fits
   * in a scratch region (the bias is copied once), else each row in segments with the matching
   * bias segment (the kernel then sees rows of m).
   */
  private byRows(biasFn: BiasFn | null, gradFn: BiasGradFn | null, x: Float32Array, bias: Float32Array,
    dy: Float32Array | null, out: Float32Array, a: number, b: number): void {
    const n = x.length;
    const C = bias.length;
    const heap = this.view();
    const xp = this.pointer(x);
    const bp = this.pointer(bias);
    const op = this.pointer(out);
    const dp = dy === null ? 0 : this.pointer(dy);
    if (xp >= 0 && bp >= 0 && op >= 0 && dp >= 0) {
      if (gradFn === null) {
        this.ranZeroCopy(xp, bp, op, 0, 0);
        return biasFn!(xp, bp, op, n, C, a, b);
      }
      this.ranZeroCopy(xp, bp, dp, op, 0);
      return gradFn(xp, bp, dp, op, n, C, a, b);
    }
    this.lastZeroCopy = false;
    const [s0, s1, s2] = this.scratch;
    /** One streamed piece: m elements from `off`, the kernel seeing rows of rowC channels. */
    const segment = (off: number, m: number, biasPtr: number, rowC: number): void => {
      if (xp < 0) this.copyIn(heap, x, off, m, s0);
      const xq = xp < 0 ? s0 : xp + off * 4;
      const oq = op < 0 ? s0 : op + off * 4;
      if (gradFn === null) {
        biasFn!(xq, biasPtr, oq, m, rowC, a, b);
      } else {
        if (dp < 0) this.copyIn(heap, dy!, off, m, s1);
        gradFn(xq, biasPtr, dp < 0 ? s1 : dp + off * 4, oq, m, rowC, a, b);
      }
      if (op < 0) this.copyOut(0, out, off, m);
    };
    if (C <= CHUNK) {
      if (bp < 0) this.copyIn(heap, bias, 0, C, s2);
      const step = Math.floor(CHUNK / C) * C;
      for (let off = 0; off < n; off += step) segment(off, Math.min(step, n - off), bp < 0 ? s2 : bp, C);
      return;
    }
    for (let row = 0; row < n; row += C) {
      for (let c0 = 0; c0 < C; c0 += CHUNK) {
        const m = Math.min(CHUNK, C - c0);
        if (bp < 0) this.copyIn(heap, bias, c0, m, s2);
        segment(row + c0, m, bp < 0 ? s2 : bp + c0 * 4, m);
      }
    }
  }

  allocate(n: number): WasmFloat32Array {
    const ptr = this.allocator.alloc(n * 4);
    // A shared memory (the worker pool's) grows without detaching its old buffer, which view()
    // would not notice: its new buffer is taken here, where memory grows.
    if (this.memory.buffer !== this.buf) this.viewNewBuffer();
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
