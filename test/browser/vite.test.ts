// The Vite example (examples/vite/): built with `vite build` (offline; 'swish-wasm' imported by
// package name, resolved to this repo through its "exports", no asset configuration for the
// embedded WebAssembly), then loaded in Chromium, where it must show correct results.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { withinBound } from '../../src/accuracy.js';
import { kernels } from '../../src/registry.js';
import { describeBrowser, root, startSession, type Session, type TrackedPage } from './browser.js';
import { holdsBuild } from '../build-marker.js';

const exampleDir = join(root, 'examples/vite');
const outDir = join(exampleDir, 'dist');

describeBrowser('the Vite example app', () => {
  let s: Session;
  let t: TrackedPage;
  let buildLog = '';

  beforeAll(async () => {
    s = await startSession(); // first: it checks (or waits for) the build in dist/
    const { stdout, stderr } = await promisify(execFile)(process.execPath,
      [join(root, 'node_modules/vite/bin/vite.js'), 'build', exampleDir, '--logLevel', 'info'], { cwd: root, timeout: 90_000 });
    buildLog = stdout + stderr;
  });
  afterAll(async () => {
    await s?.close();
  });

  test('vite build succeeds and emits the app, and each WebAssembly build as a chunk of its own (base64, no .wasm asset)', () => {
    expect(existsSync(join(outDir, 'index.html')), buildLog).toBe(true);
    const assets = readdirSync(join(outDir, 'assets'));
    expect(assets.filter((f) => f.endsWith('.wasm'))).toEqual([]);
    const js = assets.filter((f) => f.endsWith('.js'));
    const builds = js.filter((f) => f.startsWith('wasm-')).map((f) => /^wasm-(\w+(?:-core)?)-/.exec(f)![1]).sort();
    expect(builds).toEqual(['relaxed', 'relaxed-core', 'scalar', 'simd', 'simd-core']);
    const entry = js.filter((f) => !f.startsWith('wasm-'));
    expect(entry.length).toBe(1);
    expect(holdsBuild(readFileSync(join(outDir, 'assets', entry[0]), 'utf8'))).toBe(false);
    for (const f of js.filter((f) => f.startsWith('wasm-'))) expect(holdsBuild(readFileSync(join(outDir, 'assets', f), 'utf8')), f).toBe(true);
  });

  test('the built app computes and shows swish and its gradient on the relaxed (SIMD) backend', async () => {
    t = await s.page();
    const scripts: string[] = [];
    t.page.on('request', (r) => {
      const file = r.url().split('/').pop()!; // index-<hash>.js, wasm-simd-<hash>-<hash>.js
      if (r.resourceType() === 'script') scripts.push(file.startsWith('wasm-') ? /^wasm-\w+(?:-core)?/.exec(file)![0] : file.split('-')[0]);
    });
    await t.page.goto(new URL('examples/vite/dist/index.html', s.url).href);
    await t.page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 }).catch((e) => {
      throw new Error(`the Vite app did not finish: ${t.problems.join('\n') || e.message}`);
    });
    const r = await t.page.evaluate(() => (window as any).swishResult);
    expect(r.backend).toBe('relaxed');
    expect(await t.page.textContent('#backend')).toBe('relaxed');
    expect(r.x).toEqual([-3, -1, -0.5, 0, 0.5, 1, 3]);
    r.x.forEach((x: number, i: number) => {
      expect(withinBound('swish', 'relaxed', r.swish[i], kernels.swish.reference(x, [1])), `swish(${x}) = ${r.swish[i]}`).toBe(true);
      expect(withinBound('swishBackward', 'relaxed', r.swishBackward[i], kernels.swishBackward.reference(x, 1, [1])), `swish'(${x})`).toBe(true);
    });
    const cells = await t.page.$$eval('#rows tr', (rows) => rows.map((tr) => Array.from(tr.children, (td) => td.textContent)));
    expect(cells.length).toBe(7);
    expect(cells[0]).toEqual(['-3', r.swish[0].toFixed(6), r.swishBackward[0].toFixed(6)]);
    expect(cells[5][1]).toBe('0.731059'); // swish(1) = σ(1)
    // The app makes swish's functions alone: the core build.
    expect(scripts.sort(), 'the page downloads its code and the one build it runs').toEqual(['index', 'wasm-relaxed-core']);
    expect(t.problems).toEqual([]);
  });
});
