// The demo page (web/, `npm run demo:web`): every activation of the registry listed with its
// parameters and plotted with its derivative; a short benchmark run offline (everything is
// served locally and loaded up front) gives finite, positive numbers for every backend, drawn as
// bars. Also with WebAssembly hidden and with the SIMD probe failing: the page says which backend
// it uses and benchmarks what there is. A 1280×900 screenshot is taken; it is written to
// docs/demo.png by `npm run demo:screenshot` (or SWISH_DEMO_SCREENSHOT=1), otherwise to a
// temporary file that is then removed, so that test runs do not rewrite a tracked file.
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { activations, kernels } from '../../src/registry.js';
import { describeBrowser, root, startSession, type Session, type TrackedPage } from './browser.js';

const UPDATE_SCREENSHOT = process.env.SWISH_DEMO_SCREENSHOT === '1' || process.env.npm_lifecycle_event === 'demo:screenshot';
const SCREENSHOT = UPDATE_SCREENSHOT ? join(root, 'docs/demo.png') : join(tmpdir(), `swish-wasm-demo-${process.pid}.png`);

/** Opens web/ at 1280×900 and waits for it to be ready. */
async function openDemo(s: Session, initScripts: string[] = []): Promise<TrackedPage> {
  const t = await s.page({ initScripts, viewport: { width: 1280, height: 900 } });
  await t.page.goto(new URL('web/', s.url).href);
  await t.page.waitForSelector('body[data-state="ready"]', { state: 'attached', timeout: 30_000 }).catch((e) => {
    throw new Error(`the demo page did not start: ${t.problems.join('\n') || e.message}`);
  });
  return t;
}

/** Runs the benchmark from the page's controls and returns the table's numbers. */
async function runBench(t: TrackedPage, preset: string) {
  await t.page.selectOption('#bench-preset', preset);
  await t.page.click('#bench-run');
  await t.page.waitForSelector('body[data-bench="done"], body[data-bench="error"]', { state: 'attached', timeout: 90_000 });
  expect(await t.page.getAttribute('body', 'data-bench'), t.problems.join('\n')).toBe('done');
  return t.page.$$eval('#bench-table tbody tr', (rows) => rows.map((tr) => ({
    size: Number((tr as HTMLElement).dataset.size),
    ns: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-backend]'), (td) => [(td as HTMLElement).dataset.backend, Number((td as HTMLElement).dataset.ns)])),
    speedups: Array.from(tr.querySelectorAll('[data-speedup]'), (e) => Number((e as HTMLElement).dataset.speedup)),
  })));
}

async function bars(t: TrackedPage) {
  return t.page.$$eval('#bench-chart rect.bar', (rs) => rs.map((r) => ({ backend: r.getAttribute('data-backend'), value: Number(r.getAttribute('data-value')), h: Number(r.getAttribute('height')) })));
}

describeBrowser('the demo page (web/)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await startSession();
  });
  afterAll(async () => {
    await s?.close();
  });

  test('lists every activation with its parameters, plots f and f′ with axes and a legend, benchmarks offline, screenshot', async () => {
    const t = await openDemo(s);
    const { page } = t;

    // Every activation of the registry, with an input per forward-kernel parameter.
    const listed = await page.$$eval('#acts li', (lis) => lis.map((li) => ({
      name: (li as HTMLElement).dataset.act,
      params: Array.from(li.querySelectorAll('input[data-param]'), (i) => (i as HTMLElement).dataset.param),
    })));
    expect(listed).toEqual(activations.map((a) => ({ name: a.name, params: kernels[a.forward].params.map((p) => p.name) })));

    // The default selection is drawn: one curve per selected activation in each plot, legend, ticks, labels.
    const on = await page.$$eval('#acts li[data-on="true"]', (lis) => lis.map((li) => (li as HTMLElement).dataset.act));
    expect(on.length).toBeGreaterThan(1);
    for (const id of ['#plot-f', '#plot-df']) {
      const curves = await page.$$eval(`${id} path.curve`, (ps) => ps.map((p) => ({ name: p.getAttribute('data-series'), d: p.getAttribute('d') ?? '' })));
      expect(curves.map((c) => c.name)).toEqual(on);
      for (const c of curves) expect(c.d.length, `${id} ${c.name}`).toBeGreaterThan(500);
      expect(await page.$$eval(`${id} text`, (ts) => ts.length)).toBeGreaterThan(8);
      expect(await page.$$eval(`${id} .axis-label`, (ts) => ts.map((x) => x.textContent))).toContain('x');
    }
    expect(await page.$$eval('#legend li', (lis) => lis.map((li) => (li as HTMLElement).dataset.act))).toEqual(on);

    // All of them at once, with changed parameters: still no error, one curve each.
    for (const a of activations) if (!on.includes(a.name)) await page.check(`#acts li[data-act="${a.name}"] input[type="checkbox"]`);
    for (const a of activations) {
      for (const p of kernels[a.forward].params) await page.fill(`#acts li[data-act="${a.name}"] input[data-param="${p.name}"]`, String(p.default * 2));
    }
    expect(await page.$$eval('#plot-df path.curve', (ps) => ps.length)).toBe(activations.length);
    expect(await page.isHidden('#plot-error')).toBe(true);
    // Back to the default selection and parameters for the screenshot.
    for (const a of activations) {
      for (const p of kernels[a.forward].params) await page.fill(`#acts li[data-act="${a.name}"] input[data-param="${p.name}"]`, String(p.default));
      if (!on.includes(a.name)) await page.uncheck(`#acts li[data-act="${a.name}"] input[type="checkbox"]`);
    }

    // The detected features.
    const env = await page.$$eval('#env dd', (dds) => Object.fromEntries(dds.map((d) => [(d as HTMLElement).dataset.env, d.textContent])));
    expect(env.wasm).toBe('Yes');
    expect(env.simd).toBe('Yes');
    expect(env.relaxed).toBe('Yes');
    expect(env.backend).toContain("'relaxed'");
    expect(env.ua).toBe(await page.evaluate(() => navigator.userAgent));
    expect(Number(env.threads)).toBeGreaterThan(0);
    expect(await page.textContent('#status')).toContain('SIMD');

    // Offline from here on: the benchmark needs nothing from the network.
    await t.context.setOffline(true);
    const rows = await runBench(t, UPDATE_SCREENSHOT ? 'standard' : 'quick');
    expect(rows.map((r) => r.size)).toEqual([1024, 16384, 262144]);
    for (const r of rows) {
      expect(Object.keys(r.ns)).toEqual(['js', 'wasm', 'simd', 'relaxed']);
      for (const [b, v] of Object.entries(r.ns) as [string, number][]) expect(Number.isFinite(v) && v > 0, `${b} at ${r.size}: ${v} ns`).toBe(true);
      expect(r.speedups.length).toBe(3);
      for (const v of r.speedups) expect(Number.isFinite(v) && v > 0).toBe(true);
    }
    const b = await bars(t);
    expect(b.length).toBe(12);
    expect(new Set(b.map((x) => x.backend))).toEqual(new Set(['js', 'wasm', 'simd', 'relaxed']));
    for (const x of b) expect(x.value > 0 && x.h > 0).toBe(true);
    expect(await page.isVisible('#bench-summary')).toBe(true);
    await t.context.setOffline(false);

    await page.mouse.move(0, 0);
    await page.screenshot({ path: SCREENSHOT });
    const png = statSync(SCREENSHOT);
    expect(png.size).toBeGreaterThan(20_000);
    if (UPDATE_SCREENSHOT) console.log(`screenshot written to ${SCREENSHOT}`);
    else rmSync(SCREENSHOT, { force: true });
    expect(t.problems).toEqual([]);
  });

  test('without WebAssembly: the page says JS and benchmarks the JS fallback alone', async () => {
    const t = await openDemo(s, ['test/browser/hide-webassembly.js']);
    expect(await t.page.textContent('#status')).toContain('Pure JS');
    expect(await t.page.textContent('#env dd[data-env="wasm"]')).toBe('No');
    expect(await t.page.textContent('#env dd[data-env="backend"]')).toContain("'js'");
    expect(await t.page.$$eval('#plot-f path.curve', (ps) => ps.length)).toBeGreaterThan(1);
    const rows = await runBench(t, 'quick');
    for (const r of rows) {
      expect(Object.keys(r.ns)).toEqual(['js']);
      expect(r.ns.js).toBeGreaterThan(0);
    }
    expect(new Set((await bars(t)).map((x) => x.backend))).toEqual(new Set(['js']));
    expect(t.problems).toEqual([]);
  });

  test('without SIMD: the page says scalar WebAssembly and benchmarks JS and WASM (zero-copy, a backward kernel)', async () => {
    const t = await openDemo(s, ['test/browser/hide-simd.js']);
    expect(await t.page.textContent('#status')).toContain('Scalar WebAssembly');
    expect(await t.page.textContent('#env dd[data-env="simd"]')).toBe('No');
    expect(await t.page.textContent('#env dd[data-env="backend"]')).toContain("'wasm'");
    await t.page.selectOption('#bench-memory', 'zero');
    await t.page.selectOption('#bench-kernel', 'swishBackward');
    const rows = await runBench(t, 'quick');
    for (const r of rows) {
      expect(Object.keys(r.ns)).toEqual(['js', 'wasm']);
      for (const v of Object.values(r.ns) as number[]) expect(Number.isFinite(v) && v > 0).toBe(true);
    }
    expect(await t.page.textContent('#bench-note')).toContain('zero-copy');
    expect(t.problems).toEqual([]);
  });
});
