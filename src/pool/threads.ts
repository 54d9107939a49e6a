// What the runtime offers the pool: whether threads over shared WebAssembly memory can run here
// (and if not, why, for Pool.reason), how many cores there are, and how to start a worker
// (node:worker_threads in Node, a module Web Worker elsewhere) behind one small interface.
import { simdSupported } from '../backends/select.js';
import { nodeWorkerSource, webWorkerSource } from './worker.js';

/** A started worker, whatever the runtime. */
export interface WorkerHandle {
  post(message: unknown, transfer?: Transferable[]): void;
  /** Called with each message, with an Error once the worker throws or ends unasked. */
  onMessage: (message: any) => void;
  onFailure: (error: Error) => void;
  /** Ends the worker; with `asFailure` (tests: a worker dying mid-call) it is reported as a failure. */
  terminate(asFailure?: boolean): void;
  /** Node: whether this worker keeps the process alive (no-op in browsers, where it cannot). */
  keepAlive(on: boolean): void;
}

const g = globalThis as any;
const isNode = typeof g.process === 'object' && typeof g.process.versions?.node === 'string' && typeof g.Worker !== 'function';

/**
 * Why threads cannot run here, or undefined if they can: they need SharedArrayBuffer (which
 * browsers give only to crossOriginIsolated pages), shared WebAssembly memory, WebAssembly SIMD
 * (the shared builds are SIMD builds) and a way to start workers.
 */
export function threadsUnavailable(): string | undefined {
  if (typeof WebAssembly !== 'object' || WebAssembly === null) return 'this runtime has no WebAssembly';
  // A page or its workers (not a runtime that merely defines the flag) that is not isolated gets
  // no SharedArrayBuffer, or one it cannot share with workers.
  const browser = typeof g.document === 'object' || typeof g.WorkerGlobalScope === 'function';
  if (g.crossOriginIsolated === false && (browser || typeof SharedArrayBuffer !== 'function')) {
    return 'page is not crossOriginIsolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available in this runtime';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true } as WebAssembly.MemoryDescriptor);
  } catch {
    return 'this runtime has no shared WebAssembly memory (threads)';
  }
  if (!simdSupported()) return 'this runtime has no WebAssembly SIMD';
  if (!isNode && typeof g.Worker !== 'function') return 'this runtime has no Worker';
  return undefined;
}

/**
 * Whether the calling thread may block for the length of a slice: everywhere but a page's main
 * thread (a window), where the pool's workers run every slice and the call waits for messages.
 */
export function callingThreadMayBlock(): boolean {
  return typeof g.document !== 'object';
}

// Variables, so that bundlers leave Node's modules alone in browser builds.
const WORKER_THREADS = 'node:worker_threads';
const OS = 'node:os';

/** Cores the runtime reports (at least 1). */
export async function coreCount(): Promise<number> {
  if (isNode) {
    const os = await import(OS);
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  }
  return Math.max(1, Number(g.navigator?.hardwareConcurrency) || 1);
}


/** Starts one worker running src/pool/worker.ts. */
export async function startWorker(): Promise<WorkerHandle> {
  const h: WorkerHandle = {
    post: () => {},
    onMessage: () => {},
    onFailure: () => {},
    terminate: () => {},
    keepAlive: () => {},
  };
  if (isNode) {
    const { Worker } = await import(WORKER_THREADS);
    const w = new Worker(nodeWorkerSource, { eval: true });
    let ended = false;
    w.on('message', (m: unknown) => h.onMessage(m));
    w.on('error', (e: Error) => {
      if (!ended) { ended = true; h.onFailure(new Error(`a pool worker threw: ${e?.message ?? e}`, { cause: e })); }
    });
    w.on('exit', (code: number) => {
      if (!ended) { ended = true; h.onFailure(new Error(`a pool worker ended (exit code ${code})`)); }
    });
    h.post = (m, t) => w.postMessage(m, t);
    h.terminate = (asFailure) => { ended ||= !asFailure; void w.terminate(); };
    h.keepAlive = (on) => (on ? w.ref() : w.unref());
    return h;
  }
  const url = URL.createObjectURL(new Blob([webWorkerSource], { type: 'text/javascript' }));
  try {
    const w: Worker = new g.Worker(url, { type: 'module', name: 'swish-wasm pool' });
    w.onmessage = (e) => h.onMessage(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      h.onFailure(new Error(`a pool worker threw: ${e.message || 'an error'}`));
    };
    w.onmessageerror = () => h.onFailure(new Error('a pool worker could not read a message'));
    h.post = (m, t) => w.postMessage(m, t ?? []);
    h.terminate = (asFailure) => {
      w.terminate();
      if (asFailure) h.onFailure(new Error('a pool worker was terminated'));
    };
    return h;
  } finally {
    // The worker has fetched its script once constructed and started.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
