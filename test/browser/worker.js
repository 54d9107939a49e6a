// The worker side of the browser tests (a module Worker started by harness.js). One job per
// worker: { hide?: 'webassembly' | 'simd' | 'relaxed', how?: 'init' | 'initSync', backends?: [...], specials? }. It hides
// the feature first, then loads the bundle, initializes it and runs the conformance subset on
// each requested backend, and posts back { ok, selected, backend, available, simd, relaxed, results }.
self.onmessage = async ({ data: job }) => {
  try {
    if (job.hide === 'webassembly') await import('./hide-webassembly.js');
    if (job.hide === 'simd') await import('./hide-simd.js');
    if (job.hide === 'relaxed') await import('./hide-relaxed.js');
    const S = await import('../../dist/browser/swish-wasm.js');
    const { runSuite } = await import('./suite.js');
    const { load } = await import('./harness-load.js');
    // initSync needs a build at hand: in a fresh worker, the bundle has loaded none ('js'); after
    // init() it re-instantiates the compiled one synchronously.
    const fresh = job.how === 'initSync' ? S.initSync() : undefined;
    if (job.how === 'initSync') await S.init();
    const selected = job.how === 'initSync' ? S.initSync() : await S.init();
    const report = {
      ok: true,
      selected,
      backend: S.backend(),
      available: S.availableBackends(),
      info: S.backendInfo(),
      fresh,
      simd: S.simdSupported(),
      relaxed: S.relaxedSimdSupported(),
      hasWebAssembly: typeof WebAssembly === 'object',
      results: [],
    };
    for (const b of job.backends ?? []) {
      await load(S, b);
      report.results.push(runSuite(S, b, { specials: job.specials }));
    }
    self.postMessage(report);
  } catch (e) {
    self.postMessage({ ok: false, error: String((e && e.stack) || e) });
  }
};
