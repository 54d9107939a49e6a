// The worker pool over one shared WebAssembly memory (see index.ts for the public contract).
//
// Layout of the shared memory, from the module's heapBase: one scratch block per worker (three
// regions of PIECE floats: streamed inputs in, results over them), then the calling thread's own
// WasmBackend (its three CHUNK regions), then the arrays of `allocate`. Every worker and the
// calling thread instantiate the same shared build over it; the calling thread's WasmBackend
// reserves everything below its arrays, so no array can be a view of any scratch.
//
// A call of n >= PARALLEL_MIN elements is checked by the synchronous wrappers (capture.ts), then
// queued; its turn splits it into one contiguous slice per worker, cut at multiples of 16
// elements (whole rows for the bias forms), so that every element takes the same vector or scalar
// path as in the synchronous call and the results are the same bits. Arrays in the shared memory
// are passed by pointer; any other array is copied through the worker's scratch, PIECE elements
// (or whole rows) at a time. Smaller calls run on the calling thread, on the same build.
//
// A call on arrays of the shared memory (the zero-copy path) is posted as a job in a shared job
// block (worker.ts: its kernel and arguments in shared words, a { poll } message only to workers
// that have stopped polling) and cut into chunks, which the workers and the calling thread claim
// one at a time until none is left; then the calling thread waits for the chunks others hold
// (polling for SPIN_MS, then in Atomics.wait, which leaves the core to a worker that shares it;
// CALLER_WAIT_MS in all) before it waits for a message. So `threads` counts the calling thread,
// which runs beside threads − 1 workers, and a worker that is slow to wake (0.2-3 ms on the 2-core
// VM after an idle spell) delays nothing: the calling thread runs the chunks it has not claimed.
// In a page's main thread, which must not block, the workers run every chunk and the call waits
// for their message. Streamed arrays and dbias's partial sums still go by message, in slices.
import { allKernels, type AnyKernelName } from '../registry.js';
import { buildBytes } from '../backends/select.js';
import { WasmBackend, type KernelExports } from '../backends/wasm.js';
import type { BackendImpl, Backend, WasmFloat32Array } from '../backends/types.js';
import { count } from '../validate.js';
import { withSharedMemory } from './shared-module.js';
import { CAPTURED, CaptureBackend, type Job } from './capture.js';
import { callingThreadMayBlock, startWorker, type WorkerHandle } from './threads.js';
import { kernelFunction, type AnyFunction } from './functions.js';

/**
 * Calls with fewer elements than this run on the calling thread: below it, handing slices to
 * workers and hearing back costs more than the threads save (bench/pool.mjs measures the
 * crossover; README "Threads").
 */
export const PARALLEL_MIN = 1 << 17;
/** Floats per scratch region of a worker: 256 KiB, three regions a worker. */
export const PIECE = 1 << 16;
/** How long the calling thread waits for the chunks the workers hold (polling for SPIN_MS of it,
 * then in Atomics.wait) before it waits for a message. A chunk takes at most ~1 ms (64 chunks of
 * a 16M call at 4 ns/element): polling covers one, while a wake from Atomics.wait costs 50-150 µs
 * on the VM; Atomics.wait is there for more threads than cores. */
const CALLER_WAIT_MS = 2;
const SPIN_MS = 1;
/** A job's chunks: at least this many elements each (about 13 µs of sigmoid), at most MAX_CHUNKS
 * of them (a claim is one compare-and-swap on a word the threads share). */
const MIN_CHUNK = 8192;
const MAX_CHUNKS = 64;
/** How long a new job waits for a worker still running a chunk of a call that failed. */
const HOLD_WAIT_MS = 50;

/** Atomics.wait on words[i] while it is not `until`: false where the thread may not block. */
function blockingWait(words: Int32Array, i: number, until: number, ms: number): boolean {
  const now = Atomics.load(words, i);
  if (now === until) return true;
  try {
    Atomics.wait(words, i, now, ms);
    return true;
  } catch {
    return false;
  }
}
/** A worker's control words and the job block: the same layout as worker.ts's. */
const POLLING = 0, HOLD = 1, RAN = 2;
const CONTROL_BYTES = 64;
const JSEQ = 0, CLAIM = 1, FINISHED = 2, WANT = 3, KERNEL = 4, NARGS = 5, COUNT_AT = 6, MASK = 7, K = 8, CHUNK = 9;
const ARGS = 8, RESULTS = 24;
const JOB_BYTES = (RESULTS + MAX_CHUNKS) * 8;
/** The kernels' names, by the index a job gives. */
const KERNEL_NAMES = Object.keys(allKernels) as AnyKernelName[];
const KERNEL_INDEX = new Map(KERNEL_NAMES.map((k, i) => [k, i]));
/** The shared builds' maximum memory, in 64 KiB pages (2 GiB): asconfig.json's maximumMemory. */
const MAX_PAGES = 32768;
const PAGE = 65536;

/** The pool each shared buffer belongs to: an array of one pool passed to another is refused. */
const poolOfBuffer = new WeakMap<ArrayBufferLike, ThreadPool>();

/** The calling thread's backend over the shared memory: a WasmBackend that also refuses arrays
 * of another pool's memory (they would otherwise be copied like any array: not wrong, but a
 * mistake worth saying). */
class LocalBackend extends WasmBackend {
  constructor(ex: KernelExports, private readonly pool: ThreadPool) {
    super(ex);
  }

  private foreign(...arrays: Float32Array[]): void {
    for (const a of arrays) if (this.offsetInMemory(a) < 0) this.pool.refuseForeign(a);
  }

  override map(k: AnyKernelName, x: Float32Array, out: Float32Array, a: number, b: number): void {
    this.foreign(x, out);
    super.map(k, x, out, a, b);
  }

  override grad(k: AnyKernelName, v: Float32Array, dy: Float32Array, out: Float32Array, a: number, b: number): void {
    this.foreign(v, dy, out);
    super.grad(k, v, dy, out, a, b);
  }

  override sum(k: AnyKernelName, x: Float32Array, dy: Float32Array, a: number, b: number): number {
    this.foreign(x, dy);
    return super.sum(k, x, dy, a, b);
  }

  override gateGrad(k: AnyKernelName, a: Float32Array, b: Float32Array, dy: Float32Array, outA: Float32Array,
    outB: Float32Array, p0: number, p1: number): void {
    this.foreign(a, b, dy, outA, outB);
    super.gateGrad(k, a, b, dy, outA, outB, p0, p1);
  }

  override bias(k: AnyKernelName, x: Float32Array, bias: Float32Array, out: Float32Array, a: number, b: number): void {
    this.foreign(x, bias, out);
    super.bias(k, x, bias, out, a, b);
  }

  override biasGrad(k: AnyKernelName, x: Float32Array, bias: Float32Array, dy: Float32Array, out: Float32Array,
    a: number, b: number): void {
    this.foreign(x, bias, dy, out);
    super.biasGrad(k, x, bias, dy, out, a, b);
  }
}

interface Reply { value: number; partial?: Float64Array }

/** One worker and the request it is running (a worker runs one request at a time). */
class Slot {
  private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  private nextId = 0;
  failure: Error | null = null;

  constructor(readonly index: number, readonly handle: WorkerHandle, private readonly words: Int32Array,
    onFailure: (slot: Slot, e: Error) => void, onDone: (seq: number) => void) {
    handle.onMessage = (m: Reply & { done?: number }) => {
      if (m.done !== undefined) return onDone(m.done);
      const p = this.pending;
      this.pending = null;
      p?.resolve(m);
    };
    handle.onFailure = (e) => {
      this.failure = e;
      const p = this.pending;
      this.pending = null;
      p?.reject(e);
      onFailure(this, e);
    };
  }

  /** Whether the worker is polling for a job (else a job must wake it, which takes a while). */
  polling(): boolean {
    return Atomics.load(this.words, POLLING) === 1;
  }

  /** Makes a sleeping worker poll (for POLL_MS, worker.ts), ready for a job. */
  wake(): void {
    if (!this.polling()) this.handle.post({ poll: true });
  }

  /** The job whose chunk the worker is running (0: none). */
  holding(): number {
    return Atomics.load(this.words, HOLD);
  }

  request(message: { k: string; args: number[]; rows?: number[] }): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.handle.post({ id: ++this.nextId, ...message });
    });
  }
}

/** Starts a worker and instantiates the shared build in it; resolves once it is ready. */
async function startSlot(index: number, module: WebAssembly.Module, memory: WebAssembly.Memory, words: Int32Array,
  job: Int32Array, onFailure: (slot: Slot, e: Error) => void, onDone: (seq: number) => void): Promise<Slot> {
  // A fresh block: a replaced worker may have died holding a chunk.
  for (const i of [POLLING, HOLD, RAN]) Atomics.store(words, i, 0);
  const handle = await startWorker();
  // Kept alive while starting (an idle pool's workers are not: a call refs them while it waits).
  handle.keepAlive(true);
  return new Promise<Slot>((resolve, reject) => {
    handle.onMessage = (m) => {
      if (!m?.ready) return;
      handle.keepAlive(false);
      resolve(new Slot(index, handle, words, onFailure, onDone));
    };
    handle.onFailure = (e) => {
      handle.terminate();
      reject(e);
    };
    handle.post({ module, memory, control: words, job, names: KERNEL_NAMES });
  });
}

const NO_RESULT = Symbol('no result yet');

type SliceResult = { sum: number; partial: Float64Array | null };

/** The slices' results, or the first failure as the call's error. */
function failedOr(job: Job, settled: PromiseSettledResult<SliceResult>[]): SliceResult[] {
  const failed = settled.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failed) {
    const e = failed.reason as Error;
    throw new Error(`swish-wasm pool: ${job.kernel} failed: ${e.message}; the worker has been replaced`, { cause: e });
  }
  return settled.map((r) => (r as PromiseFulfilledResult<SliceResult>).value);
}

function closedError(): Error {
  return new Error('swish-wasm pool: the pool is closed');
}

/** An array in the pool's memory, from Pool.allocate. */
class PoolArray implements WasmFloat32Array {
  #view: Float32Array;
  #generation: number;
  #inner: WasmFloat32Array | null;
  readonly length: number;

  constructor(private readonly pool: ThreadPool, inner: WasmFloat32Array) {
    this.#inner = inner;
    this.length = inner.length;
    this.#view = inner.array;
    this.#generation = pool.generation;
  }

  get array(): Float32Array {
    if (this.#inner === null) throw new TypeError('WasmFloat32Array has been freed');
    if (this.pool.closed) throw new TypeError('WasmFloat32Array: its pool is closed, and its memory with it');
    // A shared memory's views stay valid when it grows, but each growth gives a new buffer object:
    // viewing the current one keeps the array on the calling thread's zero-copy path.
    if (this.#generation !== this.pool.generation) {
      this.#view = new Float32Array(this.pool.buffer, this.#view.byteOffset, this.length);
      this.#generation = this.pool.generation;
    }
    return this.#view;
  }

  free(): void {
    const inner = this.#inner;
    if (inner === null) throw new TypeError('WasmFloat32Array has already been freed');
    this.#inner = null;
    if (!this.pool.closed) inner.free();
  }
}

export class ThreadPool {
  readonly threads: number;
  readonly reason: string | undefined = undefined;
  closed = false;
  /** Bumped whenever the memory grows (a new buffer object). */
  generation = 0;
  buffer: ArrayBufferLike;
  private readonly buffers = new Set<ArrayBufferLike>();
  private readonly local: LocalBackend;
  private readonly capture = new CaptureBackend();
  private readonly localFns = new Map<AnyKernelName, AnyFunction>();
  private readonly checkFns = new Map<AnyKernelName, AnyFunction>();
  private slots: Promise<Slot>[];
  /** The workers started (null while one is being replaced): a call need not wait for slots. */
  private readonly ready: (Slot | null)[];
  /** Where the arrays of `allocate` start: every view below it is a scratch or constant. */
  private readonly userBase: number;
  private tail: Promise<unknown> = Promise.resolve();
  /** Calls queued or running. */
  private busy = 0;
  private broken: Error | null = null;
  /** @internal The crossover in use: bench/pool.mjs sets 0 to time the threads at every size. */
  parallelMin = PARALLEL_MIN;
  /** The job block's arguments and per-chunk results (f64 view of `job`). */
  private readonly jobF64: Float64Array;
  /** The number of the last job posted (never 0: a worker's "none seen"). */
  private jobSeq = 0;
  /** The job in flight, if its end is awaited as a message: resolved by { done }, or rejected by
   * the failure of a worker that held one of its chunks. */
  private awaited: { seq: number; done: number; resolve: () => void; reject: (e: Error) => void } | null = null;

  private constructor(readonly build: Backend, private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory, private readonly ex: KernelExports, private readonly scratchBase: number,
    started: Slot[], private readonly control: Int32Array[], private readonly job: Int32Array, threads: number) {
    this.jobF64 = new Float64Array(job.buffer, job.byteOffset, job.length >> 1);
    const slots = started.map((s) => Promise.resolve(s));
    this.threads = threads;
    this.slots = slots;
    this.ready = started;
    this.buffer = memory.buffer;
    this.noteBuffer();
    this.local = new LocalBackend({ ...ex, heapBase: () => scratchBase + slots.length * 3 * PIECE * 4 }, this);
    const probe = this.local.allocate(0);
    this.userBase = probe.array.byteOffset;
    probe.free();
    const local = () => this.local as BackendImpl;
    const capture = () => this.capture as BackendImpl;
    for (const k of Object.keys(allKernels) as AnyKernelName[]) {
      this.localFns.set(k, kernelFunction(k, local));
      this.checkFns.set(k, kernelFunction(k, capture));
    }
  }

  /** A pool whose calls run on `threads` threads: threads − 1 workers and the calling thread, or
   * (where the calling thread must not block: a page's main thread) `threads` workers. */
  static async start(threads: number, build: 'simd' | 'relaxed'): Promise<ThreadPool> {
    const workers = callingThreadMayBlock() ? threads - 1 : threads;
    // The build the calling thread runs, its memory made an imported shared one (shared-module.ts).
    const bytes = withSharedMemory(await buildBytes(build), MAX_PAGES);
    const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    // Enough for the module's data, every worker's scratch and the calling thread's backend.
    const probe = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true } as WebAssembly.MemoryDescriptor);
    const heapBase = (new WebAssembly.Instance(module, { env: { memory: probe } }).exports as unknown as KernelExports).heapBase();
    const reserve = heapBase + workers * 3 * PIECE * 4 + 3 * 16384 * 4 + PAGE;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(reserve / PAGE), maximum: MAX_PAGES, shared: true } as WebAssembly.MemoryDescriptor);
    const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    let pool: ThreadPool | null = null;
    const onFailure = (slot: Slot, e: Error) => pool?.failed(slot, e);
    const onDone = (seq: number) => pool?.done(seq);
    // Started one after another, before any kernel runs: each instantiation writes the module's
    // data (its constants) into the shared memory. A replacement worker does so while the others
    // may be running; it writes the same bytes that are there, so no reader sees another value.
    const words = new SharedArrayBuffer(CONTROL_BYTES * workers + JOB_BYTES);
    const control = Array.from({ length: workers }, (_, i) => new Int32Array(words, i * CONTROL_BYTES, CONTROL_BYTES >> 2));
    const job = new Int32Array(words, CONTROL_BYTES * workers, JOB_BYTES >> 2);
    const slots: Slot[] = [];
    try {
      for (let i = 0; i < workers; i++) slots.push(await startSlot(i, module, memory, control[i], job, onFailure, onDone));
    } catch (e) {
      for (const s of slots) s.handle.terminate();
      throw e;
    }
    pool = new ThreadPool(build, module, memory, ex, heapBase, slots, control, job, threads);
    // One that failed before the pool existed to hear it.
    for (const s of slots) if (s.failure) pool.failed(s, s.failure);
    return pool;
  }

  /** Throws if `a` is a view of another pool's memory. */
  refuseForeign(a: Float32Array): void {
    const owner = poolOfBuffer.get(a.buffer);
    if (owner !== undefined && owner !== this) {
      throw new TypeError('an array from another pool\'s allocate() was passed: each pool can only use its own arrays (or plain Float32Arrays)');
    }
  }

  private noteBuffer(): void {
    const b = this.memory.buffer;
    if (b === this.buffer && this.buffers.has(b)) return;
    this.buffer = b;
    this.buffers.add(b);
    poolOfBuffer.set(b, this);
    this.generation++;
  }

  allocate(n: number): WasmFloat32Array {
    count(n, 'n');
    if (this.closed) throw closedError();
    const inner = this.local.allocate(n);
    this.noteBuffer();
    return new PoolArray(this, inner);
  }

  /** The byte offset of `a` in the shared memory, or -1 if it is not a view of it (then it is streamed). */
  private pointerOf(a: Float32Array): number {
    const buffer = a.buffer;
    if (!this.buffers.has(buffer)) {
      this.refuseForeign(a);
      return -1;
    }
    const p = a.byteOffset;
    if (p < this.userBase && a.length > 0) {
      throw new RangeError('a view of WebAssembly memory below the arrays from allocate() cannot be passed');
    }
    return p;
  }

  /** The pool's method for kernel k: checks, then runs here or queues for the workers. */
  method(k: AnyKernelName): AnyFunction {
    const local = this.localFns.get(k)!;
    const check = this.checkFns.get(k)!;
    // The last small call's result and its resolved Promise: a loop over one layer gets the same
    // `out` back every call, and a settled Promise can be handed out again (a new one per call
    // was most of what a 256-element call paid above the synchronous one, ~50-120 ns).
    let lastResult: unknown = NO_RESULT;
    let lastPromise: Promise<unknown> = Promise.resolve();
    return (a0, a1, a2, a3, a4, a5, a6) => {
      if (this.closed) return Promise.reject(closedError());
      const n = typeof a0 === 'object' && a0 !== null ? (a0 as { length?: unknown }).length : 0;
      if (!((n as number) >= this.parallelMin)) {
        if (this.busy > 0) return this.enqueue(() => local(a0, a1, a2, a3, a4, a5, a6));
        let r: unknown;
        try {
          r = local(a0, a1, a2, a3, a4, a5, a6);
        } catch (e) {
          return Promise.reject(e);
        }
        if (r === lastResult) return lastPromise;
        // Kept only if it is the caller's own `out` (or a number): never an array made here.
        if (typeof r === 'object' && r !== a1 && r !== a2) return Promise.resolve(r);
        lastResult = r;
        return (lastPromise = Promise.resolve(r));
      }
      let job: Job;
      let pointers: number[];
      try {
        // Returns only where there is nothing to run (no elements): its result is the answer.
        return Promise.resolve(check(a0, a1, a2, a3, a4, a5, a6));
      } catch (e) {
        if (e !== CAPTURED) return Promise.reject(e);
        job = this.capture.take();
        try {
          pointers = job.arrays.map((a) => this.pointerOf(a));
        } catch (e2) {
          return Promise.reject(e2);
        }
      }
      // dbias is the wrapper's to fill from dx (it is not the kernel's): as checked, or new.
      const dbias = job.shape === 'biasGrad' ? (a4 as Float32Array | null | undefined) ?? new Float32Array(job.C) : null;
      // Plain arrays run here where this thread may block: streaming them through one worker's
      // scratch (the calling thread copying every piece in and out, a message each way) took
      // 2.4-4.2x the synchronous call (bench/results/2026-12-02b-vm-pool.md), and with every
      // slice on workers it had taken 1.5x. Rows wider than a scratch region run here anyway.
      const streamed = pointers.some((p) => p < 0);
      const here = streamed && ((job.C > 0 && job.C > PIECE) || this.ready.length < this.threads);
      return this.enqueue(() => (here ? local(a0, a1, a2, a3, a4, a5, a6) : this.run(job, pointers, dbias)));
    };
  }

  private enqueue<T>(work: () => T | Promise<T>): Promise<T> {
    // Calls accepted before close() still run (close waits for them); none is accepted after.
    const start = (): T | Promise<T> => {
      if (this.broken) throw this.broken;
      return work();
    };
    let turn: Promise<T>;
    if (this.busy === 0) {
      // Nothing queued: start now, not a turn of the event loop's microtasks later (after an
      // idle spell each hop costs tens of µs on the VM, its caches gone cold).
      try {
        turn = Promise.resolve(start());
      } catch (e) {
        turn = Promise.reject(e);
      }
    } else {
      turn = this.tail.then(start);
    }
    this.busy++;
    this.tail = turn.then(() => { this.busy--; }, () => { this.busy--; });
    return turn;
  }

  /** A call's turn: in place, a job (runInPlace); streamed, every worker runs its slice, and sums
   * are combined in slice order. */
  private async run(job: Job, pointers: number[], dbias: Float32Array | null): Promise<unknown> {
    let slots: Slot[];
    try {
      slots = this.ready.every((s) => s !== null) ? (this.ready.slice() as Slot[]) : await Promise.all(this.slots);
    } catch (e) {
      this.broken = new Error(`swish-wasm pool: a worker could not be replaced, so the pool is closed: ${(e as Error).message}`);
      this.closed = true;
      throw this.broken;
    }
    // In place, the calling thread works too (if it may block); streamed, the workers only.
    const inPlace = pointers.every((p) => p >= 0) && job.shape !== 'biasGrad';
    if (inPlace) return this.runInPlace(job, pointers, slots, slots.length < this.threads);
    const unit = job.C > 0 ? job.C : 16;
    const units = Math.ceil(job.n / unit);
    const T = slots.length;
    const sliceOf = (i: number) => [Math.floor((units * i) / T) * unit, Math.min(job.n, Math.floor((units * (i + 1)) / T) * unit)];
    for (const s of slots) s.handle.keepAlive(true);
    try {
      const parts = slots.map((slot, i) => {
        const [s, e] = sliceOf(i);
        return e > s ? this.runSlice(slot, job, pointers, s, e) : Promise.resolve({ sum: 0, partial: null });
      });
      const results = failedOr(job, await Promise.allSettled(parts));
      const arrays = job.arrays;
      switch (job.shape) {
        case 'sum': {
          let total = 0;
          for (const r of results) total += r.sum;
          return total;
        }
        case 'gateGrad':
          return { da: arrays[3], db: arrays[4] };
        case 'biasGrad': {
          const total = new Float64Array(job.C);
          for (const r of results) if (r.partial) for (let c = 0; c < job.C; c++) total[c] += r.partial[c];
          dbias!.set(total);
          return { dx: arrays[3], dbias };
        }
        default:
          return arrays[arrays.length - 1];
      }
    } finally {
      for (const s of slots) s.handle.keepAlive(false);
    }
  }

  /**
   * A call on arrays of the shared memory (no biasGrad: its dbias partials come by message),
   * posted as a job: its chunks claimed by the workers and (unless it must not block) the calling
   * thread, one at a time; a sum is the chunks' partial sums added in chunk order.
   */
  private async runInPlace(job: Job, pointers: number[], slots: Slot[], callerWorks: boolean): Promise<unknown> {
    const J = this.job;
    const d = this.jobF64;
    // The arguments of the whole call, and which of them move with a chunk's start.
    const args = pointers.slice();
    let mask = 0;
    pointers.forEach((_, i) => { if (job.roles[i] !== 'bias') mask |= 1 << i; });
    const countAt = args.length;
    args.push(job.n);
    if (job.C > 0) args.push(job.C);
    args.push(job.a, job.b);
    // Chunks of whole units (16 elements, or a row), so that every element takes the same vector
    // or scalar path as in the synchronous call: the same bits.
    const unit = job.C > 0 ? job.C : 16;
    const units = Math.ceil(job.n / unit);
    const threads = slots.length + (callerWorks ? 1 : 0);
    const wanted = Math.min(MAX_CHUNKS, units, Math.max(threads, Math.ceil(job.n / MIN_CHUNK)));
    const chunkUnits = Math.ceil(units / wanted);
    const chunks = Math.ceil(units / chunkUnits);
    const chunk = chunkUnits * unit;
    const seq = (this.jobSeq = (this.jobSeq % 0xffffff) + 1);
    const done = (seq << 8) | chunks;
    // A worker still running a chunk of a call that failed (another worker died holding one)
    // writes that chunk's result slot: wait until none does (a dead worker's HOLD stays set until
    // it is replaced: bounded).
    for (const slot of slots) {
      for (const t0 = performance.now(); slot.holding() !== 0 && performance.now() - t0 < HOLD_WAIT_MS;);
    }
    // Every field before CLAIM and JSEQ (Atomics stores are ordered): a worker that sees the new
    // JSEQ reads this job's fields, and one still reading the last job's claims nothing of it.
    J[KERNEL] = KERNEL_INDEX.get(job.kernel)!;
    J[NARGS] = args.length;
    J[COUNT_AT] = countAt;
    J[MASK] = mask;
    J[K] = chunks;
    J[CHUNK] = chunk;
    for (let i = 0; i < args.length; i++) d[ARGS + i] = args[i];
    Atomics.store(J, FINISHED, seq << 8);
    Atomics.store(J, WANT, 0);
    Atomics.store(J, CLAIM, seq << 8);
    Atomics.store(J, JSEQ, seq);
    for (const slot of slots) slot.wake();
    if (callerWorks) {
      // The claim loop of worker.ts's work(), written again: the worker's program is stringified
      // and can share no code. Here the job is this call's own, so no tag need be checked.
      const f = (this.ex as unknown as Record<string, (...a: number[]) => number>)[job.kernel];
      const chunkArgs = args.slice();
      for (;;) {
        const v = Atomics.load(J, CLAIM);
        const i = v & 255;
        if (i >= chunks) break;
        if (Atomics.compareExchange(J, CLAIM, v, v + 1) !== v) continue;
        const s = i * chunk;
        for (let a = 0; a < args.length; a++) chunkArgs[a] = (mask >> a) & 1 ? args[a] + s * 4 : args[a];
        chunkArgs[countAt] = Math.min(chunk, job.n - s);
        d[RESULTS + i] = f(...chunkArgs) ?? 0;
        Atomics.add(J, FINISHED, 1);
      }
      // The chunks the workers hold: polled for, then waited for (Atomics.wait leaves the core to
      // a worker that shares it).
      const start = performance.now();
      for (let spins = 0; ; spins++) {
        const finished = Atomics.load(J, FINISHED);
        if (finished === done) break;
        if ((spins & 255) !== 0) continue;
        const waited = performance.now() - start;
        if (waited > CALLER_WAIT_MS) break;
        if (waited > SPIN_MS && !blockingWait(J, FINISHED, done, CALLER_WAIT_MS - waited)) break;
      }
    }
    if (Atomics.load(J, FINISHED) !== done) {
      await this.finishedMessage(seq, done, slots).catch((e: Error) => {
        throw new Error(`swish-wasm pool: ${job.kernel} failed: ${e.message}; the worker has been replaced`, { cause: e });
      });
    }
    if (job.shape === 'sum') {
      let total = 0;
      for (let i = 0; i < chunks; i++) total += d[RESULTS + i];
      return total;
    }
    if (job.shape === 'gateGrad') return { da: job.arrays[3], db: job.arrays[4] };
    return job.arrays[job.arrays.length - 1];
  }

  /** Waits for job `seq`'s { done } message (the worker finishing its last chunk posts it). */
  private finishedMessage(seq: number, done: number, slots: Slot[]): Promise<void> {
    const J = this.job;
    for (const s of slots) s.handle.keepAlive(true);
    const release = () => { for (const s of slots) s.handle.keepAlive(false); };
    return new Promise<void>((resolve, reject) => {
      this.awaited = { seq, done, resolve, reject };
      Atomics.store(J, WANT, seq);
      // Done between the last check and WANT: the worker may not have seen WANT.
      if (Atomics.load(J, FINISHED) === done) this.done(seq);
      // A worker that died holding a chunk before WANT was set.
      for (const s of slots) if (s.failure) this.failed(s, s.failure);
    }).finally(release);
  }

  /** @internal A worker's { done } message, or the check that the job's chunks are all done. */
  done(seq: number): void {
    const w = this.awaited;
    if (w === null || w.seq !== seq || Atomics.load(this.job, FINISHED) !== w.done) return;
    this.awaited = null;
    w.resolve();
  }

  /** @internal A worker failed (Slot has rejected its message requests): the job awaited fails
   * if the worker held one of its chunks (else the other threads finish it); then it is replaced. */
  failed(slot: Slot, e: Error): void {
    const w = this.awaited;
    if (w !== null && Atomics.load(this.job, FINISHED) !== w.done && slot.holding() === w.seq) {
      this.awaited = null;
      w.reject(e);
    }
    if (this.ready[slot.index] === slot) this.replace(slot);
  }

  /** Elements [s, e) of the job on one worker, in pieces through its scratch if anything is streamed. */
  private async runSlice(slot: Slot, job: Job, pointers: number[], s: number, e: number):
    Promise<SliceResult> {
    const { arrays, roles, C } = job;
    const scratch = this.scratchBase + slot.index * 3 * PIECE * 4;
    const region = (r: number) => scratch + r * PIECE * 4;
    const streamed = pointers.some((p) => p < 0);
    const step = streamed ? (C > 0 ? Math.floor(PIECE / C) * C : PIECE) : e - s;
    const biasAt = roles.indexOf('bias');
    if (streamed && biasAt >= 0 && pointers[biasAt] < 0) new Float32Array(this.memory.buffer, region(2), C).set(arrays[biasAt]);
    let sum = 0;
    let partial: Float64Array | null = null;
    for (let off = s; off < e; off += step) {
      const m = Math.min(step, e - off);
      const heap = new Float32Array(this.memory.buffer);
      const args: number[] = [];
      const outs: [number, number][] = [];
      let ins = 0;
      let outsSeen = 0;
      for (let i = 0; i < arrays.length; i++) {
        const p = pointers[i];
        if (roles[i] === 'bias') {
          args.push(p >= 0 ? p : region(2));
        } else if (roles[i] === 'in') {
          if (p < 0) heap.set(arrays[i].subarray(off, off + m), region(ins) >> 2);
          args.push(p >= 0 ? p + off * 4 : region(ins));
          ins++;
        } else {
          // Streamed results go over the first inputs' regions, as in the synchronous driver.
          if (p < 0) outs.push([i, region(outsSeen)]);
          args.push(p >= 0 ? p + off * 4 : region(outsSeen));
          outsSeen++;
        }
      }
      args.push(m);
      if (C > 0) args.push(C);
      args.push(job.a, job.b);
      const rows = job.shape === 'biasGrad' ? [args[3], m / C, C] : undefined;
      const reply = await slot.request({ k: job.kernel, args, rows });
      for (const [i, at] of outs) arrays[i].set(new Float32Array(this.memory.buffer, at, m), off);
      if (job.shape === 'sum') sum += reply.value;
      if (reply.partial) {
        if (partial === null) partial = reply.partial;
        else for (let c = 0; c < C; c++) partial[c] += reply.partial[c];
      }
    }
    return { sum, partial };
  }

  /** A worker failed (Slot has rejected what it ran): start its replacement. If that fails, the
   * next call's turn closes the pool and says why. */
  private replace(slot: Slot): void {
    slot.handle.terminate();
    if (this.closed) return;
    const next = startSlot(slot.index, this.module, this.memory, this.control[slot.index], this.job,
      (s, e) => this.failed(s, e), (seq) => this.done(seq));
    void next.then((s) => {
      if (this.slots[slot.index] !== next) return;
      this.ready[slot.index] = s;
      // A job still awaited (a page's call, which only workers run): its chunks left are claimed here too.
      if (this.awaited !== null) s.wake();
    }, () => {});
    this.slots[slot.index] = next;
    this.ready[slot.index] = null;
  }

  async close(): Promise<void> {
    if (this.closed && this.slots.length === 0) return;
    this.closed = true;
    await this.tail;
    const slots = this.slots;
    this.slots = [];
    for (const s of await Promise.allSettled(slots)) if (s.status === 'fulfilled') s.value.handle.terminate();
  }

  /** @internal Tests: the chunks of jobs the workers (not the calling thread) have run. */
  chunksRunByWorkers(): number {
    return this.control.reduce((t, w) => t + Atomics.load(w, RAN), 0);
  }

  /** @internal Tests: the workers' handles (to make one fail). */
  async workersForTesting(): Promise<WorkerHandle[]> {
    return (await Promise.all(this.slots)).map((s) => s.handle);
  }
}
