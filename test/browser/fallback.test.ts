// The fallbacks in Chromium: where WebAssembly is missing (hidden before the page's scripts run),
// where the SIMD probe fails (WebAssembly.validate refusing SIMD modules), where only the
// relaxed-SIMD probe fails (refusing relaxed-SIMD opcodes: SIMD without relaxed SIMD), and where a Content
// Security Policy forbids compiling WebAssembly, init() falls back and backend() says which
// backend runs; the conformance subset then passes on it. Also: the other init sources (a fetched
// Response, a precompiled Module, bytes), initSync on the main thread and in a Worker, and the
// unbundled dist/esm build through an import map.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { withinBound } from '../../src/accuracy.js';
import { kernels } from '../../src/registry.js';
import { describeBrowser, openHarness, startSession, type Session, type SuiteResult, type TrackedPage } from './browser.js';

const clean = (r: SuiteResult) => {
  expect(r.failures, r.failures.join('\n')).toEqual([]);
  expect(r.cases).toBeGreaterThan(1000);
};

describeBrowser('fallbacks in Chromium', () => {
  let s: Session;
  const pages: TrackedPage[] = [];
  const open = async (initScripts: string[] = []) => {
    const t = await openHarness(s, initScripts);
    pages.push(t);
    return t;
  };

  beforeAll(async () => {
    s = await startSession();
  });
  afterAll(async () => {
    await s?.close();
  });

  test('without WebAssembly: init() resolves to js, backend() says js, and js passes the suite', async () => {
    const { page } = await open(['test/browser/hide-webassembly.js']);
    const r = await page.evaluate(async () => {
      const h = (window as any).harness;
      const d = await h.describe();
      let setErr = '';
      try {
        h.S.setBackend('wasm');
      } catch (e) {
        setErr = String(e);
      }
      return { d, sync: h.S.initSync(), setErr, suite: await h.runSuite('js') };
    });
    const { info, ...d } = r.d;
    expect(d).toEqual({ selected: 'js', backend: 'js', available: ['js'], simd: false, relaxed: false, hasWebAssembly: false });
    expect(info.simd).toEqual({ available: false, reason: 'this runtime has no WebAssembly' });
    expect(r.sync).toBe('js');
    expect(r.setErr).toMatch(/not available.*no WebAssembly/);
    clean(r.suite);
  });

  test('without WebAssembly, in a module Worker: js', async () => {
    const { page } = await open();
    const rep = await page.evaluate(() => (window as any).harness.inWorker({ hide: 'webassembly', backends: ['js'] }));
    expect(rep.ok, rep.error).toBe(true);
    expect([rep.selected, rep.backend, rep.available, rep.simd, rep.relaxed, rep.hasWebAssembly]).toEqual(['js', 'js', ['js'], false, false, false]);
    clean(rep.results[0]);
  });

  test('SIMD probe failing: init() resolves to wasm (scalar), and wasm and js pass the suite', async () => {
    const { page } = await open(['test/browser/hide-simd.js']);
    const r = await page.evaluate(async () => {
      const h = (window as any).harness;
      const d = await h.describe();
      let setErr = '';
      try {
        h.S.setBackend('simd');
      } catch (e) {
        setErr = String(e);
      }
      const after = h.S.backend();
      return { d, setErr, after, suites: [await h.runSuite('wasm'), await h.runSuite('js')] };
    });
    const { info, ...d } = r.d;
    expect(d).toEqual({ selected: 'wasm', backend: 'wasm', available: ['wasm', 'js'], simd: false, relaxed: false, hasWebAssembly: true });
    expect(r.setErr).toBe(`Error: backend 'simd' is not available: ${info.simd.reason}`);
    expect(r.setErr).toMatch(/'simd' is not available.*no WebAssembly SIMD/);
    expect(r.after).toBe('wasm');
    r.suites.forEach(clean);
  });

  test('relaxed-SIMD probe failing: init() resolves to simd, setBackend(\'relaxed\') says why, and simd passes the suite', async () => {
    const { page } = await open(['test/browser/hide-relaxed.js']);
    const r = await page.evaluate(async () => {
      const h = (window as any).harness;
      const d = await h.describe();
      let setErr = '';
      try {
        h.S.setBackend('relaxed');
      } catch (e) {
        setErr = String(e);
      }
      return { d, sync: h.S.initSync(), setErr, after: h.S.backend(), suite: await h.runSuite('simd') };
    });
    const { info, ...d } = r.d;
    expect(d).toEqual({ selected: 'simd', backend: 'simd', available: ['simd', 'js'], simd: true, relaxed: false, hasWebAssembly: true });
    expect(info.relaxed.reason).toMatch(/^this runtime has no relaxed SIMD/);
    expect(r.setErr).toBe(`Error: backend 'relaxed' is not available: ${info.relaxed.reason}`);
    expect(r.sync).toBe('simd');
    expect(r.after).toBe('simd');
    clean(r.suite);
  });

  test('relaxed-SIMD probe failing, in a module Worker: simd', async () => {
    const { page } = await open();
    const rep = await page.evaluate(() => (window as any).harness.inWorker({ hide: 'relaxed', backends: ['simd'] }));
    expect(rep.ok, rep.error).toBe(true);
    expect([rep.selected, rep.backend, rep.available, rep.simd, rep.relaxed]).toEqual(['simd', 'simd', ['simd', 'js'], true, false]);
    rep.results.forEach(clean);
  });

  test('SIMD probe failing, in a module Worker: wasm', async () => {
    const { page } = await open();
    const rep = await page.evaluate(() => (window as any).harness.inWorker({ hide: 'simd', backends: ['wasm', 'js'] }));
    expect(rep.ok, rep.error).toBe(true);
    expect([rep.selected, rep.backend, rep.available, rep.simd, rep.relaxed]).toEqual(['wasm', 'wasm', ['wasm', 'js'], false, false]);
    rep.results.forEach(clean);
  });

  test("a Content-Security-Policy without 'wasm-unsafe-eval': init() falls back to js", async () => {
    const t = await s.page();
    pages.push(t);
    await t.page.route('**/test/browser/harness.html', async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': "script-src 'self'" } });
    });
    await t.page.goto(new URL('test/browser/harness.html', s.url).href);
    await t.page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    const r = await t.page.evaluate(async () => {
      const h = (window as any).harness;
      return { d: await h.describe(), suite: await h.runSuite('js') };
    });
    expect(r.d.selected).toBe('js');
    expect(r.d.available).toEqual(['js']);
    expect(r.d.info.relaxed.reason).toMatch(/^a Content-Security-Policy refuses to compile WebAssembly: allow 'wasm-unsafe-eval'/);
    clean(r.suite);
    // Chromium may report the refused compiles on the console: expected here, and only here.
    const others = t.problems.filter((p) => !/Content Security Policy|unsafe-eval/i.test(p));
    t.problems.length = 0;
    t.problems.push(...others);
  });

  test('init(fetch(url)), init(Response), init(WebAssembly.Module) and init(bytes) with the shipped .wasm files', async () => {
    const { page } = await open();
    const r: Record<string, any> = await page.evaluate(async () => {
      const h = (window as any).harness;
      const S = h.S;
      const out: Record<string, unknown> = {};
      out.fetched = await S.init(fetch('/dist/swish-scalar.wasm'));
      out.fetchedSuite = await h.runSuite('wasm');
      out.response = await S.init(await fetch('/dist/swish-simd.wasm'));
      out.responseSuite = await h.runSuite('simd');
      out.module = await S.init(await WebAssembly.compileStreaming(fetch('/dist/swish-scalar.wasm')));
      out.moduleBackend = S.backend();
      out.moduleSuite = await h.runSuite('wasm');
      out.bytes = await S.init(new Uint8Array(await (await fetch('/dist/swish-simd.wasm')).arrayBuffer()));
      out.relaxed = await S.init(fetch('/dist/swish-relaxed.wasm'));
      out.relaxedSuite = await h.runSuite('relaxed');
      return out;
    }).catch((e) => ({ error: String(e) }));
    expect(r).not.toHaveProperty('error');
    expect([r.fetched, r.response, r.module, r.moduleBackend, r.bytes, r.relaxed]).toEqual(['wasm', 'simd', 'wasm', 'wasm', 'simd', 'relaxed']);
    clean(r.fetchedSuite as SuiteResult);
    clean(r.responseSuite as SuiteResult);
    clean(r.moduleSuite as SuiteResult);
    clean(r.relaxedSuite as SuiteResult);
  });

  test('initSync(): js before any build is loaded, relaxed after init() in a Worker; on the main thread, the best build Chromium instantiates synchronously there', async () => {
    const { page } = await open();
    const rep = await page.evaluate(() => (window as any).harness.inWorker({ how: 'initSync', backends: ['relaxed'] }));
    expect(rep.ok, rep.error).toBe(true);
    expect(rep.fresh).toBe('js');
    expect(rep.selected).toBe('relaxed');
    rep.results.forEach(clean);
    // Browsers may refuse new WebAssembly.Module(bytes) of large modules on the main thread
    // (Chrome did above 4 KB): initSync then takes the next build, or js. Expected: the best
    // build this Chromium compiles synchronously here.
    const main = await page.evaluate(async () => {
      const h = (window as any).harness;
      const compiles = async (f: string) => {
        const bytes = new Uint8Array(await (await fetch(f)).arrayBuffer());
        try {
          new WebAssembly.Module(bytes);
          return true;
        } catch {
          return false;
        }
      };
      const relaxed = await compiles('/dist/swish-relaxed.wasm');
      const simd = await compiles('/dist/swish-simd.wasm');
      const scalar = await compiles('/dist/swish-scalar.wasm');
      const fresh = h.S.initSync();
      await h.S.init();
      const d = h.S.initSync();
      return { fresh, d, relaxed, simd, scalar, suite: await h.runSuite(d) };
    });
    expect(main.fresh).toBe('js');
    expect(main.d).toBe(main.relaxed ? 'relaxed' : main.simd ? 'simd' : main.scalar ? 'wasm' : 'js');
    clean(main.suite);
  });

  test('the unbundled ESM build (dist/esm) loads as it is: it imports nothing outside the package', async () => {
    const t = await s.page();
    pages.push(t);
    await t.page.goto(new URL('test/browser/esm.html', s.url).href);
    await t.page.waitForSelector('body[data-ready]', { state: 'attached' });
    const r = await t.page.evaluate(() => (window as any).result);
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe('relaxed');
    [-3, 0, 1, 3].forEach((x, i) => {
      expect(withinBound('swish', 'relaxed', r.swish[i], kernels.swish.reference(x, [1])), `swish(${x}) = ${r.swish[i]}`).toBe(true);
    });
  });

  test('no page errors, console errors or failed requests', () => {
    expect(pages.flatMap((p) => p.problems)).toEqual([]);
  });
});
