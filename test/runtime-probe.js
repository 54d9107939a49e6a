// Run inside each runtime test/runtimes.test.ts starts (Node 18/20/22, Bun, Deno, workerd): imports
// the package by name, as an app would, initializes it, then runs the conformance subset
// (test/browser/suite.js: every kernel against the registry's float64 references) on every backend
// this runtime can load, and reports the backend init() chose and why others are unavailable.
import * as S from 'swish-wasm';
import { runSuite } from './lib/browser/suite.js'; // where test/runtimes.test.ts copies it

/** `module`: a compiled build to pass to init (workerd, which refuses to compile bytes). */
export async function probe(module) {
  const selected = module ? await S.init(module) : await S.init();
  const info = S.backendInfo();
  const results = [];
  for (const b of ['relaxed', 'simd', 'wasm', 'js']) {
    if (b !== 'js' && !S.availableBackends().includes(b)) {
      try {
        await S.init(b);
      } catch {
        continue; // not available here: backendInfo says why
      }
    }
    const r = runSuite(S, b);
    results.push({ backend: r.backend, selected: r.selected, cases: r.cases, failures: r.failures });
  }
  return { selected, info, results };
}
