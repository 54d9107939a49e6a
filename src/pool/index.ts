// swish-wasm/pool: every kernel of the package on a pool of worker threads over one shared
// WebAssembly memory (Node worker_threads, browser module Workers), each call's result a Promise.
// A separate entry point, so that the main bundle does not carry the shared builds or the pool.
import * as api from '../generated/api.js';
import { allKernels, type AnyKernelName } from '../registry.js';
import { allocate as allocateHere } from '../index.js';
import { backend, init, initCalled } from '../backends/select.js';
import type { WasmFloat32Array } from '../backends/types.js';
import { ThreadPool, PARALLEL_MIN } from './pool.js';
import { coreCount, threadsUnavailable } from './threads.js';
import type { AnyFunction } from './functions.js';

// The synchronous API too, so that one import (one bundle in browsers) gives both.
export * from '../index.js';
export { PARALLEL_MIN };
export type { WasmFloat32Array };

type Async<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;

/** Every kernel of the package, with the same names, arguments and errors, returning a Promise. */
export type PoolKernels = { [K in AnyKernelName]: Async<(typeof api)[K]> };

export interface Pool extends PoolKernels {
  /** SiLU(x) = x·σ(x): `swish` with β = 1, as the synchronous `silu`. */
  silu(x: Float32Array, out?: Float32Array | null): Promise<Float32Array>;
  /** The gradient of SiLU: `swishBackward` with β = 1. */
  siluBackward(x: Float32Array, dy: Float32Array, out?: Float32Array | null): Promise<Float32Array>;
  /**
   * Threads a large call is split across: the calling thread and `threads − 1` workers (in a
   * page's main thread, which must not block, `threads` workers). 1 when threads are unavailable:
   * then calls run on the calling thread.
   */
  readonly threads: number;
  /** Why there are fewer threads than asked, e.g. 'page is not crossOriginIsolated (…)'. */
  readonly reason?: string;
  /**
   * An array of `n` floats in the pool's shared memory: kernels given its `.array` run on it in
   * place, with no copy at all. Free it when done; its pool must be the one it is passed to.
   */
  allocate(n: number): WasmFloat32Array;
  /** Waits for the calls already made, then ends the workers. Calls made afterwards reject. */
  close(): Promise<void>;
}

export interface PoolOptions {
  /** Threads to run calls on, the calling thread included: an integer from 1 to 64. Default: the core count, at most 8. */
  threads?: number;
}

/** The default thread count's ceiling: past it the kernels are bound by memory bandwidth anyway. */
const DEFAULT_MAX = 8;
const MAX_THREADS = 64;

function threadsOption(options: unknown): number | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') throw new TypeError(`options must be an object, got a ${typeof options}`);
  const t = (options as PoolOptions).threads;
  if (t === undefined) return undefined;
  if (typeof t !== 'number') throw new TypeError(`threads must be a number, got a ${typeof t}`);
  if (!Number.isInteger(t) || t < 1 || t > MAX_THREADS) {
    throw new RangeError(`threads must be an integer from 1 to ${MAX_THREADS}, got ${t}`);
  }
  return t;
}

/**
 * A pool of `threads` threads (default: the core count, at most 8) sharing one WebAssembly
 * memory: the calling thread and `threads − 1` workers (in a page's main thread `threads`
 * workers). A call of at least PARALLEL_MIN elements on arrays from `allocate` is cut into
 * chunks (multiples of 16 elements, whole rows for the bias forms) that the threads claim one at
 * a time until none is left (the calling thread then waits for the chunks others hold, polling
 * for 1 ms and then in Atomics.wait, for up to 2 ms before it waits for a message; a worker
 * polls for the next call for 1 ms after each one before it sleeps, and one still waking claims
 * only what is left); on plain arrays, one slice per worker, streamed through its scratch where
 * the calling thread must not block (else the call runs on the calling thread); smaller calls
 * run on the calling thread. Map, gradient and fused results are the same bits as the
 * synchronous call on the same backend ('relaxed' or 'simd': `init()` is run first if it has
 * not been); sums add float64 partial sums in a fixed order (swishBetaGrad per chunk: the same
 * for any thread count; a bias form's dbias per slice), within the kernel's stated bound.
 *
 * Where threads are unavailable (no SharedArrayBuffer, a page that is not crossOriginIsolated, no
 * shared-memory WebAssembly or no SIMD, a 'wasm' or 'js' backend), it resolves to a pool of 1 on
 * the calling thread's backend whose `reason` says why.
 */
export async function createPool(options?: PoolOptions): Promise<Pool> {
  const asked = threadsOption(options);
  if (!initCalled()) await init();
  const wanted = asked ?? Math.min(await coreCount(), DEFAULT_MAX);
  if (wanted === 1) return callingThreadPool(undefined);
  const name = backend();
  const unavailable = threadsUnavailable() ??
    (name === 'simd' || name === 'relaxed' ? undefined : `the backend in use is '${name}': threads run the simd and relaxed builds only`);
  if (unavailable !== undefined) return callingThreadPool(unavailable);
  let pool: ThreadPool;
  try {
    pool = await ThreadPool.start(wanted, name as 'simd' | 'relaxed');
  } catch (e) {
    return callingThreadPool(`the workers could not start: ${(e as Error)?.message ?? e}`);
  }
  const methods: Record<string, AnyFunction> = {};
  for (const k of Object.keys(allKernels) as AnyKernelName[]) methods[k] = pool.method(k);
  return Object.freeze({
    ...withAliases(methods),
    threads: pool.threads,
    allocate: (n: number) => pool.allocate(n),
    close: () => pool.close(),
    [INTERNAL]: pool,
  }) as unknown as Pool;
}

/** The kernels and the package's aliases over them (silu, siluBackward: β = 1). */
function withAliases(methods: Record<string, AnyFunction>): Record<string, AnyFunction> {
  const { swish, swishBackward } = methods;
  return {
    ...methods,
    silu: (x, out) => swish(x, out, 1),
    siluBackward: (x, dy, out) => swishBackward(x, dy, out, 1),
  };
}

/** @internal Tests reach the threaded pool behind a Pool through this key. */
export const INTERNAL = Symbol('swish-wasm pool internals');

/** A pool of 1: the synchronous API's functions, their results (or errors) as Promises. */
function callingThreadPool(reason: string | undefined): Pool {
  let closed = false;
  const methods: Record<string, AnyFunction> = {};
  for (const k of Object.keys(allKernels) as AnyKernelName[]) {
    const f = api[k] as AnyFunction;
    methods[k] = (a0, a1, a2, a3, a4, a5, a6) => {
      if (closed) return Promise.reject(new Error('swish-wasm pool: the pool is closed'));
      try {
        return Promise.resolve(f(a0, a1, a2, a3, a4, a5, a6));
      } catch (e) {
        return Promise.reject(e);
      }
    };
  }
  const allocate = (n: number): WasmFloat32Array => {
    if (closed) throw new Error('swish-wasm pool: the pool is closed');
    const inner = allocateHere(n);
    return {
      length: inner.length,
      get array() {
        if (closed) throw new TypeError('WasmFloat32Array: its pool is closed');
        return inner.array;
      },
      free: () => inner.free(),
    };
  };
  return Object.freeze({
    ...withAliases(methods),
    threads: 1,
    ...(reason === undefined ? {} : { reason }),
    allocate,
    close: async () => { closed = true; },
  }) as unknown as Pool;
}
