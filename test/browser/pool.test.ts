// The worker pool in headless Chromium: on a page served cross-origin isolated (COOP/COEP), a pool
// of 2 module Workers over shared memory; the same inside a module Worker; on a page served
// without those headers, a pool of 1 whose reason says the page is not crossOriginIsolated. Each
// runs every kernel through the pool against the bundle's synchronous call (pool-suite.js).
import { afterAll, beforeAll, expect, test } from 'vitest';
// @ts-ignore: a plain .mjs script without declarations
import { serve } from '../../scripts/serve.mjs';
import { describeBrowser, root, startSession, type Session, type TrackedPage } from './browser.js';

interface PoolReport { ok?: boolean; error?: string; threads: number; reason?: string; isolated: boolean; cases: number; failures: string[] }

async function open(s: Session, origin: string): Promise<TrackedPage> {
  const t = await s.page();
  await t.page.goto(new URL('test/browser/pool.html', origin).href);
  await t.page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 }).catch((e) => {
    throw new Error(`the pool page did not load: ${t.problems.join('\n') || e.message}`);
  });
  return t;
}

function expectClean(r: PoolReport) {
  expect(r.failures, r.failures.join('\n')).toEqual([]);
  expect(r.cases).toBeGreaterThanOrEqual(2 * 39);
}

describeBrowser('the pool in Chromium', () => {
  let s: Session;
  let plain: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    s = await startSession();
    // The same files without COOP/COEP: not crossOriginIsolated, so no SharedArrayBuffer.
    plain = await serve({ root, isolate: false });
  });
  afterAll(async () => {
    await s?.close();
    await plain?.close();
  });

  test('cross-origin isolated page: 2 threads, every kernel the synchronous bits', async () => {
    const t = await open(s, s.url);
    const r: PoolReport = await t.page.evaluate(() => (window as any).poolHarness.run({ threads: 2 }));
    expect([r.isolated, r.threads, r.reason]).toEqual([true, 2, undefined]);
    expectClean(r);
    expect(t.problems).toEqual([]);
  });

  test('inside a module Worker of an isolated page: 2 threads (nested Workers)', async () => {
    const t = await open(s, s.url);
    const r: PoolReport = await t.page.evaluate(() => (window as any).poolHarness.inWorker({ threads: 2 }));
    expect(r.ok, r.error).toBe(true);
    expect([r.isolated, r.threads, r.reason]).toEqual([true, 2, undefined]);
    expectClean(r);
  });

  test('page without COOP/COEP: a pool of 1 that says why, same results', async () => {
    const t = await open(s, plain.url);
    const r: PoolReport = await t.page.evaluate(() => (window as any).poolHarness.run({ threads: 2 }));
    expect([r.isolated, r.threads]).toEqual([false, 1]);
    expect(r.reason).toMatch(/page is not crossOriginIsolated/);
    expectClean(r);
    expect(t.problems).toEqual([]);
  });
});
