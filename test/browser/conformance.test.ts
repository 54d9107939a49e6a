// The conformance suite's browser subset (test/browser/suite.js), generated from the registry:
// every kernel × every backend (relaxed, simd, wasm, js), tail lengths 0..33 and around 1024, parameter
// sets, special values and each kernel's exact table, in headless Chromium, on the page's main
// thread and in a module Worker. The bundle under test (dist/browser/swish-wasm.js) is loaded
// unbundled, as a <script type="module"> would, and the expected values are the registry's
// float64 references from that same bundle.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fusedKernels, kernels } from '../../src/registry.js';
import { SPECIALS } from '../helpers.js';
import { describeBrowser, openHarness, startSession, type Session, type SuiteResult, type TrackedPage } from './browser.js';

const BACKENDS = ['relaxed', 'simd', 'wasm', 'js'] as const;
const ALL_KERNELS = [...Object.keys(kernels), ...Object.keys(fusedKernels)].sort();

/** Fails with every failure's details, after checking every kernel of the registry ran. */
function expectClean(r: SuiteResult, backend: string): void {
  expect(r.selected, 'setBackend took effect').toBe(backend);
  expect(r.failures, `${r.failures.length} failure(s) on ${backend}:\n${r.failures.join('\n')}`).toEqual([]);
  expect(Object.keys(r.perKernel).sort(), 'every kernel of the registry ran (is dist/browser up to date? npm run build)').toEqual(ALL_KERNELS);
  for (const [k, n] of Object.entries(r.perKernel)) expect(n, k).toBeGreaterThanOrEqual(20);
}

describeBrowser('conformance in Chromium', () => {
  let s: Session;
  let t: TrackedPage;

  beforeAll(async () => {
    s = await startSession();
    t = await openHarness(s);
  });
  afterAll(async () => {
    await s?.close();
  });

  test('main thread: init() selects relaxed (Chromium >= 114 has relaxed SIMD) and loads only that build; init(name) loads the others', async () => {
    const d = await t.page.evaluate(() => (window as any).harness.describe());
    const { info, ...rest } = d;
    expect(rest).toEqual({ selected: 'relaxed', backend: 'relaxed', available: ['relaxed', 'js'], simd: true, relaxed: true, hasWebAssembly: true });
    expect(info.simd.reason).toMatch(/^not loaded yet .*await init\('simd'\)/);
    expect(info.wasm.reason).toMatch(/^not loaded yet .*await init\('wasm'\)/);
    const after = await t.page.evaluate(async () => {
      const S = (window as any).harness.S;
      return [await S.init('simd'), await S.init('wasm'), await S.init(), S.availableBackends()];
    });
    expect(after).toEqual(['simd', 'wasm', 'relaxed', [...BACKENDS]]);
  });

  test.each(BACKENDS)('main thread: every kernel on the %s backend against the float64 references', async (backend) => {
    const r: SuiteResult = await t.page.evaluate(async ([b, specials]) => {
      await (window as any).harness.S.init();
      return (window as any).harness.runSuite(b, { specials });
    }, [backend, SPECIALS] as const);
    expectClean(r, backend);
  });

  test('module Worker: init() selects relaxed, and every kernel passes on every backend', async () => {
    const rep = await t.page.evaluate(([backends, specials]) => (window as any).harness.inWorker({ backends, specials }), [[...BACKENDS], SPECIALS] as const);
    expect(rep.ok, rep.error).toBe(true);
    // Reported after init(), before the suites loaded the other builds: only relaxed's was fetched.
    expect([rep.selected, rep.backend, rep.available, rep.simd, rep.relaxed]).toEqual(['relaxed', 'relaxed', ['relaxed', 'js'], true, true]);
    expect(rep.results.map((r: SuiteResult) => r.backend)).toEqual([...BACKENDS]);
    for (const r of rep.results as SuiteResult[]) expectClean(r, r.backend);
  });

  test('no page errors, console errors or failed requests', () => {
    expect(t.problems).toEqual([]);
  });
});
