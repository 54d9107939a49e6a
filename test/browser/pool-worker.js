// The pool subset inside a module Worker (its pool's workers are nested Workers).
self.onmessage = async ({ data: options }) => {
  try {
    const P = await import('../../dist/browser/swish-wasm-pool.js');
    const { runPoolSuite } = await import('./pool-suite.js');
    self.postMessage({ ok: true, ...(await runPoolSuite(P, options)) });
  } catch (e) {
    self.postMessage({ ok: false, error: String((e && e.stack) || e) });
  }
};
