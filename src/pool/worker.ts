// The pool's worker: the whole program a worker runs, as one self-contained function that is
// turned into source text (workerSource) and started from it (a Blob URL module Worker in
// browsers and Deno, an `eval` worker_threads Worker in Node). So there is no worker file to
// serve, locate or bundle, and the same code runs under ESM, CommonJS and any bundler. It must
// not refer to anything outside itself: it is stringified.
//
// Messages, main thread → worker:
//   { module, memory, control, names }  instantiate the shared build over the pool's memory and
//                                  take this worker's control words (`control`, a view of a
//                                  SharedArrayBuffer, see Doorbell below); replies { ready }
//   { poll: true }                 a call was rung on the doorbell while the worker was not polling
//   { id, k, args, rows? }         run export k(...args) (pointers into the shared memory); replies
//                                  { id, value } (a sum kernel's f64), and with rows = [ptr, r, C]
//                                  the f64 column sums of the r·C floats at ptr (a slice's dbias)
//   { fault: 'throw' | 'exit' }    tests only: throw from the handler, or end the worker
// and worker → main thread: { ready }, { id, value, partial? }, and { done: seq } (below).
//
// Doorbell: most calls reach the worker through shared memory, not messages. Waking a sleeping
// thread costs 70-230 µs on the 2-core VM (measured: a postMessage round trip 141 µs, an
// Atomics.wait/notify one 152 µs, against 1.6 µs to a thread that is polling), which is what a
// call paid twice (there and back) when every slice was a message. So after each call the
// worker polls its control words for POLL_MS before it goes back to its event loop, and the
// calling thread works on a slice of its own and then polls for the workers' results (pool.ts).
// Control words (Int32, a block per worker): SEQ, the number of the last call rung (the
// caller writes the kernel's index and arguments first); DONE, the last call finished (its
// result, an f64, written first); POLLING, 1 while the worker polls (0: ring it with a
// { poll } message too); WANT, a call whose end the caller is waiting for as a message (it
// stopped polling): the worker then also posts { done: seq }.
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
  let names: string[] = [];
  let words: Int32Array | null = null;
  let f64: Float64Array | null = null;
  // The layout of a control block: keep it the same as pool.ts's (SEQ … ARGS, RESULT).
  const SEQ = 0, DONE = 1, POLLING = 2, WANT = 3, KERNEL = 4, COUNT = 5, ARGS = 4, RESULT = 14;
  const POLL_MS = 1;
  /** Runs every call rung, polling for the next one until POLL_MS pass without one. */
  const poll = (): void => {
    const w = words!;
    const d = f64!;
    let since = performance.now();
    for (let spins = 0; ; spins++) {
      const seq = Atomics.load(w, SEQ);
      if (seq !== Atomics.load(w, DONE)) {
        const args: number[] = [];
        for (let i = 0; i < w[COUNT]; i++) args.push(d[ARGS + i]);
        d[RESULT] = kernels![names[w[KERNEL]]](...args);
        Atomics.store(w, DONE, seq);
        Atomics.notify(w, DONE);
        if (Atomics.load(w, WANT) === seq) port.post({ done: seq });
        since = performance.now();
        continue;
      }
      if ((spins & 63) === 0 && performance.now() - since > POLL_MS) {
        // Stop polling unless a call was rung meanwhile (the caller reads POLLING after it
        // writes SEQ, so a call rung after this check comes with a { poll } message).
        Atomics.store(w, POLLING, 0);
        if (Atomics.load(w, SEQ) === Atomics.load(w, DONE)) return;
        Atomics.store(w, POLLING, 1);
      }
    }
  };
  port.listen((m) => {
    if (m.module !== undefined) {
      memory = m.memory as WebAssembly.Memory;
      kernels = new WebAssembly.Instance(m.module, { env: { memory } }).exports as any;
      names = m.names;
      words = m.control as Int32Array;
      f64 = new Float64Array(words.buffer, words.byteOffset, words.length >> 1);
      port.post({ ready: true });
      return;
    }
    if (m.poll) {
      Atomics.store(words!, POLLING, 1);
      return poll();
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
