// The page side of the browser tests: loads the bundle unbundled, as a <script type="module">
// would, and exposes it with the conformance subset to page.evaluate. The bundle loads each build
// when first asked for it: runSuite loads the one it tests (init(name)) before selecting it.
import * as S from '../../dist/browser/swish-wasm.js';
import { BACKENDS, runSuite } from './suite.js';
import { load } from './harness-load.js';

/** Runs one job in a fresh module Worker (test/browser/worker.js) and resolves to its report. */
function inWorker(job) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    const done = (fn, v) => {
      w.terminate();
      fn(v);
    };
    w.onmessage = (e) => done(resolve, e.data);
    w.onerror = (e) => done(reject, new Error(`worker error: ${e.message} (${e.filename}:${e.lineno})`));
    w.onmessageerror = () => done(reject, new Error('worker message could not be deserialized'));
    w.postMessage(job);
  });
}

/** What the runtime reports about itself after `how` ('init' or 'initSync') has run. */
async function describe(how = 'init') {
  const selected = how === 'initSync' ? S.initSync() : await S.init();
  return {
    selected,
    backend: S.backend(),
    available: S.availableBackends(),
    info: S.backendInfo(),
    simd: S.simdSupported(),
    relaxed: S.relaxedSimdSupported(),
    hasWebAssembly: typeof WebAssembly === 'object',
  };
}

window.harness = { S, BACKENDS, runSuite: async (b, opts) => (await load(S, b), runSuite(S, b, opts)), inWorker, describe };
document.body.dataset.ready = 'true';
