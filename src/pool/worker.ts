// The pool's worker: the whole program a worker runs, as one self-contained function that is
// turned into source text (workerSource) and started from it (a Blob URL module Worker in
// browsers and Deno, an `eval` worker_threads Worker in Node). So there is no worker file to
// serve, locate or bundle, and the same code runs under ESM, CommonJS and any bundler. It must
// not refer to anything outside itself: it is stringified.
//
// Messages, main thread → worker:
//   { module, memory, control, job, names }  instantiate the shared build over the pool's memory,
//                                  take this worker's control words (`control`) and the pool's job
//                                  block (`job`), views of SharedArrayBuffers (see below); replies
//                                  { ready }
//   { poll: true }                 a job was posted while the worker was not polling
//   { id, k, args, rows? }         run export k(...args) (pointers into the shared memory); replies
//                                  { id, value } (a sum kernel's f64), and with rows = [ptr, r, C]
//                                  the f64 column sums of the r·C floats at ptr (a slice's dbias)
//   { fault: 'throw' | 'exit' | 'exitInChunk' }  tests only: throw from the handler, end the
//                                  worker, or end it once it has claimed a chunk of a job
// and worker → main thread: { ready }, { id, value, partial? }, and { done: seq } (below).
//
// Jobs: calls on the pool's own arrays reach the workers through shared memory, not messages.
// Waking a sleeping thread costs 70-230 µs on the 2-core VM (measured: a postMessage round trip
// 141 µs, an Atomics.wait/notify one 152 µs, against 1.6 µs to a thread that is polling), and a
// worker asleep for a while took 0.2-3 ms to start. So after each job a worker polls for POLL_MS
// before it goes back to its event loop, and the work is shared out as it is done, not in fixed
// slices: a job is cut into chunks (whole multiples of 16 elements, or of a row), and every
// thread, the calling one included (pool.ts), claims the next chunk with a compare-and-swap
// until none is left. A worker that starts late, or runs slower, takes fewer chunks; a call
// never waits for a thread that is still waking up. Each chunk's result (a sum kernel's f64
// partial sum) goes to its own slot, and the caller adds them in chunk order: the same sum
// whoever ran which chunk.
// The job block (Int32 words, one per pool): JSEQ, the job's number (written last, after every
// other field); CLAIM, the job's number (low 24 bits) << 8 | the next chunk to claim, so that a
// worker still holding an older job's fields can claim nothing of a newer one; FINISHED, the
// same tag << 8 | the chunks done; WANT, a job whose end the caller waits for as a message (it stopped polling): the
// worker that finishes its last chunk then posts { done: seq }; KERNEL, NARGS, COUNT_AT (the
// argument that is a chunk's element count), MASK (bit i: argument i is a pointer moved to the
// chunk's start), K (chunks), CHUNK (elements a chunk); f64 ARGS (the call's arguments) and
// RESULTS (one per chunk). A worker's own control words: POLLING, 1 while it polls (0: post it a
// { poll } message too); HOLD, the job whose chunk it is running (0 between chunks), so that a
// worker that dies fails the call only if it held part of it; RAN, the chunks it has run (tests).
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
  let job: Int32Array | null = null;
  let jobF64: Float64Array | null = null;
  let exitInChunk = false;
  // Keep these layouts the same as pool.ts's.
  const POLLING = 0, HOLD = 1, RAN = 2;
  const JSEQ = 0, CLAIM = 1, FINISHED = 2, WANT = 3, KERNEL = 4, NARGS = 5, COUNT_AT = 6, MASK = 7, K = 8, CHUNK = 9;
  const ARGS = 8, RESULTS = 24;
  const POLL_MS = 1;
  /** The last job this worker has looked at. */
  let seen = 0;
  /** Claims and runs chunks of job `seq` until none is left (or a newer job has replaced it). */
  const work = (seq: number): void => {
    const J = job!;
    const d = jobF64!;
    const tag = seq & 0xffffff;
    const f = kernels![names[J[KERNEL]]];
    const nargs = J[NARGS], countAt = J[COUNT_AT], mask = J[MASK], k = J[K], chunk = J[CHUNK];
    const base: number[] = [];
    for (let i = 0; i < nargs; i++) base.push(d[ARGS + i]);
    const n = base[countAt];
    const args = base.slice();
    for (;;) {
      const v = Atomics.load(J, CLAIM);
      const i = v & 255;
      if (v >>> 8 !== tag || i >= k) return;
      if (Atomics.compareExchange(J, CLAIM, v, v + 1) !== v) continue;
      Atomics.store(words!, HOLD, seq);
      if (exitInChunk) return port.exit();
      const s = i * chunk;
      for (let a = 0; a < nargs; a++) args[a] = (mask >> a) & 1 ? base[a] + s * 4 : base[a];
      args[countAt] = Math.min(chunk, n - s);
      d[RESULTS + i] = f(...args) ?? 0;
      // Counted (if the job is still this one: a call that failed leaves its chunks to finish
      // here unseen) before HOLD is cleared: a worker that dies in between fails no call that is done.
      let finished = -1;
      for (;;) {
        const u = Atomics.load(J, FINISHED);
        if (u >>> 8 !== tag) break;
        if (Atomics.compareExchange(J, FINISHED, u, u + 1) === u) {
          finished = (u & 255) + 1;
          break;
        }
      }
      if (finished === k) {
        Atomics.notify(J, FINISHED);
        if (Atomics.load(J, WANT) === seq) port.post({ done: seq });
      }
      Atomics.store(words!, HOLD, 0);
      Atomics.add(words!, RAN, 1);
    }
  };
  /** Runs every job posted, polling for the next one until POLL_MS pass without one. */
  const poll = (): void => {
    const w = words!;
    const J = job!;
    let since = performance.now();
    for (let spins = 0; ; spins++) {
      const seq = Atomics.load(J, JSEQ);
      if (seq !== seen) {
        seen = seq;
        work(seq);
        since = performance.now();
        continue;
      }
      if ((spins & 63) === 0 && performance.now() - since > POLL_MS) {
        // Stop polling unless a job was posted meanwhile (the caller reads POLLING after it
        // writes JSEQ, so a job posted after this check comes with a { poll } message).
        Atomics.store(w, POLLING, 0);
        if (Atomics.load(J, JSEQ) === seen) return;
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
      job = m.job as Int32Array;
      jobF64 = new Float64Array(job.buffer, job.byteOffset, job.length >> 1);
      // A job posted before this worker started (it replaces one) is looked at once: whatever
      // is left of it is claimed here too.
      port.post({ ready: true });
      return;
    }
    if (m.poll) {
      Atomics.store(words!, POLLING, 1);
      return poll();
    }
    if (m.fault === 'throw') throw new Error('swish-wasm pool: a fault raised in a worker for a test');
    if (m.fault === 'exit') return port.exit();
    if (m.fault === 'exitInChunk') {
      exitInChunk = true;
      return;
    }
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
