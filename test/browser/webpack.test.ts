// The Vite example's app (examples/vite/main.js) built by webpack 5 for production, with no
// configuration for swish-wasm ('swish-wasm' is only aliased to this repo, as examples/vite's
// config does, because the example is not installed from npm), then loaded in Chromium: it must
// show correct results and download its code and the one build init() selects.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { withinBound } from '../../src/accuracy.js';
import { kernels } from '../../src/registry.js';
import { describeBrowser, root, startSession, type Session } from './browser.js';

const outDir = join(root, 'examples/webpack/dist'); // ignored by git (dist/)

describeBrowser('the example app built by webpack', () => {
  let s: Session;
  beforeAll(async () => {
    s = await startSession();
    rmSync(outDir, { recursive: true, force: true });
    const { default: webpack } = await import('webpack');
    const stats = await new Promise<any>((resolve, reject) => webpack({
      mode: 'production', context: root, entry: './examples/vite/main.js', output: { path: outDir, publicPath: 'auto' },
      resolve: { alias: { 'swish-wasm$': root } }, infrastructureLogging: { level: 'error' },
    }, (err, st) => (err ? reject(err) : resolve(st))));
    if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
    mkdirSync(outDir, { recursive: true });
    copyFileSync(join(root, 'examples/vite/index.html'), join(outDir, 'index.html'));
  });
  afterAll(async () => {
    await s?.close();
  });

  test('webpack emits the app and one chunk per build; the page shows swish on relaxed and fetches only that build', async () => {
    expect(readdirSync(outDir).filter((f) => f.endsWith('.js')).length).toBe(6); // main.js and five build chunks (three whole, two core)
    expect(existsSync(join(outDir, 'main.js'))).toBe(true);
    const t = await s.page();
    const scripts: string[] = [];
    t.page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url().split('/').pop()!);
    });
    // The example's page loads ./main.js as a module: webpack's output is a classic script, which runs as one too.
    await t.page.goto(new URL('examples/webpack/dist/index.html', s.url).href);
    await t.page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 }).catch((e) => {
      throw new Error(`the webpack app did not finish: ${t.problems.join('\n') || e.message}`);
    });
    const r = await t.page.evaluate(() => (window as any).swishResult);
    expect(r.backend).toBe('relaxed');
    r.x.forEach((x: number, i: number) => {
      expect(withinBound('swish', 'relaxed', r.swish[i], kernels.swish.reference(x, [1])), `swish(${x}) = ${r.swish[i]}`).toBe(true);
    });
    // main.js and the relaxed core build's chunk: the app makes swish's functions alone.
    expect(scripts.length, scripts.join(', ')).toBe(2);
    const relaxed = /'([A-Za-z0-9+/=]{1000,})'/.exec(readFileSync(join(root, 'dist/esm/generated/wasm-relaxed-core.js'), 'utf8'))![1];
    const chunk = scripts.find((f) => f !== 'main.js')!;
    expect(readFileSync(join(outDir, chunk), 'utf8').includes(relaxed), `${chunk} is the relaxed core build`).toBe(true);
    expect(t.problems).toEqual([]);
  });
});
