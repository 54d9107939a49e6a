// The pool's worker: the whole program a worker runs, as one self-contained function that is
// turned into source text (workerSource) and started from it (a Blob URL module Worker in
// browsers and Deno, an `eval` worker_threads Worker in Node). So there is no worker file to
// serve, locate or bundle, and the same code runs under ESM, CommonJS and any bundler. It must
// not refer to anything outside itself: it is stringified.
//
// Messages, main thread → worker:
//   { module, memory }             instantiate the shared build over the pool's memory; replies { ready }
//   { id, k, args, rows? }         run export k(...args) (pointers into the shared memory); replies
//                                  { id, value } (a sum kernel's f64), and with rows = [ptr, r, C]
//                                  the f64 column sums of the r·C floats at ptr (a slice's dbias)
//   { fault: 'throw' | 'exit' }    tests only: throw from the handler, or end the worker
// The worker allocates nothing in WebAssembly (AssemblyScript's runtime is not thread-safe): every
// pointer it is given was allocated on the main thread.

/** What the worker needs from its runtime: a way to post, to listen, and to end itself. */
export interface WorkerPort {
  post(message: unknown, transfer?: Transferable[]): void;
  listen(handler: (message: any) => void): void;
  exit(): void;
}

export function workerMain(port: WorkerPort): void {
  let kernels: Record<string, (...args: number[]) => number> | null = null;
  let memory: WebAssembly.Memory | null = null;
  port.listen((m) => {
    if (m.module !== undefined) {
      memory = m.memory as WebAssembly.Memory;
      kernels = new WebAssembly.Instance(m.module, { env: { memory } }).exports as any;
      port.post({ ready: true });
      return;
    }
    if (m.fault === 'throw') throw new Error('swish-wasm pool: a fault raised in a worker for a test');
    if (m.fault === 'exit') return port.exit();
    const value = kernels![m.k](...m.args);
    if (m.rows === undefined) return port.post({ id: m.id, value });
    // Column sums over rows of C, in f64, in row order: this slice's part of dbias.
    const [ptr, rows, C] = m.rows as [number, number, number];
    const dx = new Float32Array(memory!.buffer, ptr, rows * C);
    const partial = new Float64Array(C);
    for (let r = 0; r < rows; r++) {
      const row = r * C;
      for (let c = 0; c < C; c++) partial[c] += dx[row + c];
    }
    port.post({ id: m.id, value, partial }, [partial.buffer]);
  });
}

/** The worker's program for Node's worker_threads (`eval: true`). It runs as a CommonJS script,
 * or as an ES module where the process was started with --input-type=module (workers inherit
 * it): a dynamic import works in both. The port keeps messages until it is listened to. */
export const nodeWorkerSource = `import('node:worker_threads').then(({ parentPort }) => (${workerMain.toString()})({
  post: (m, t) => parentPort.postMessage(m, t),
  listen: (f) => parentPort.on('message', f),
  exit: () => process.exit(1),
}));
`;

/** The worker's program for a Web Worker (module or classic: it imports nothing). */
export const webWorkerSource = `(${workerMain.toString()})({
  post: (m, t) => self.postMessage(m, t),
  listen: (f) => self.addEventListener('message', (e) => f(e.data)),
  exit: () => self.close(),
});
`;
