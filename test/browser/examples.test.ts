// The examples in examples/: the Web Worker one in Chromium (examples/worker.html), and the ones
// for runtimes this machine does not have, run in Node as a stand-in: deno.ts and bun.ts
// (TypeScript stripped by esbuild, 'npm:swish-wasm' read as 'swish-wasm'), and
// cloudflare-worker.js bundled as Wrangler would (conditions workerd, worker, browser; the .wasm
// import given as a precompiled WebAssembly.Module) in a process where compiling bytes throws.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withinBound } from '../../src/accuracy.js';
import { kernels } from '../../src/registry.js';
import { describeBrowser, root, startSession, type Session } from './browser.js';

const run = promisify(execFile);
const node = async (args: string[]) => (await run(process.execPath, args, { cwd: root, timeout: 60_000 })).stdout;
const example = (f: string) => readFileSync(join(root, 'examples', f), 'utf8');
const swishRef = (x: number, beta = 1) => kernels.swish.reference(x, [beta]);

describe('examples for other runtimes (run in Node as a stand-in)', () => {
  test('every name the examples import from swish-wasm is exported by the package', async () => {
    const api = await import(join(root, 'dist/esm/index.js'));
    for (const f of ['deno.ts', 'bun.ts', 'cloudflare-worker.js', 'worker.js']) {
      const src = example(f);
      for (const m of src.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(?:npm:)?swish-wasm'/g)) {
        for (const name of m[1].split(',').map((s) => s.trim()).filter(Boolean)) expect(api, `${f} imports ${name}`).toHaveProperty(name);
      }
      for (const m of src.matchAll(/\bswish\.(\w+)/g)) if (f === 'worker.js') expect(api, `worker.js uses ${m[1]}`).toHaveProperty(m[1]);
    }
  });

  test.each([['deno.ts'], ['bun.ts']])('%s runs and prints correct results', async (f) => {
    const { code } = await transform(example(f).replace(/'npm:swish-wasm'/g, "'swish-wasm'"), { loader: 'ts', format: 'esm', target: 'node20' });
    const out = await node(['--input-type=module', '-e', code]);
    expect(out).toMatch(/^backend: simd/m);
    if (f === 'deno.ts') {
      const line = out.split('\n').find((l) => l.startsWith('swish '))!;
      const got = line.split(/\s+/).slice(1).map(Number);
      expect(got).toEqual([-3, -1, 0, 1, 3].map((x) => Number(swishRef(x).toFixed(5))));
    } else {
      expect(out).toContain(`swish(0.5) = ${Math.fround(swishRef(0.5))}`);
    }
  });

  test('cloudflare-worker.js: init(precompiled module) where compiling bytes is forbidden', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swish-cf-'));
    try {
      const wasmPath = createRequire(join(root, 'package.json')).resolve('swish-wasm/swish-simd.wasm');
      const result = await build({
        entryPoints: [join(root, 'examples/cloudflare-worker.js')],
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        conditions: ['workerd', 'worker', 'browser'],
        outfile: join(dir, 'worker.mjs'),
        logLevel: 'silent',
        plugins: [{
          name: 'wasm-as-module',
          setup(b) {
            b.onResolve({ filter: /\.wasm$/ }, (a) => ({ path: a.path, namespace: 'wasm-module' }));
            b.onLoad({ filter: /.*/, namespace: 'wasm-module' }, () => ({ contents: 'export default globalThis.__precompiledWasm;', loader: 'js' }));
          },
        }],
        metafile: true,
      });
      // Wrangler's conditions (no "node") pick the default entry, the ES modules.
      expect(Object.keys(result.metafile.inputs).some((p) => p.endsWith('dist/esm/index.js'))).toBe(true);
      writeFileSync(join(dir, 'driver.mjs'), `
        import { readFileSync } from 'node:fs';
        globalThis.__precompiledWasm = new WebAssembly.Module(readFileSync(${JSON.stringify(wasmPath)}));
        // Node's own fetch implementation compiles its HTTP parser when Request is first used: before the lock.
        await Response.json(new Request('https://example.com/').url).json();
        const forbid = () => { throw new Error('compiling WebAssembly bytes is not allowed here'); };
        const { instantiate, Module } = WebAssembly;
        WebAssembly.compile = async () => forbid();
        WebAssembly.compileStreaming = async () => forbid();
        WebAssembly.instantiateStreaming = async () => forbid();
        WebAssembly.instantiate = (src, imports) => (src instanceof Module ? instantiate(src, imports) : forbid());
        WebAssembly.Module = new Proxy(Module, { construct: forbid });
        const { default: worker } = await import('./worker.mjs');
        const out = [];
        for (const q of ['?x=-1,0,1&beta=1.5', '', '?beta=1e39']) {
          const res = await worker.fetch(new Request('https://example.com/' + q));
          out.push({ status: res.status, body: await res.json() });
        }
        console.log(JSON.stringify(out));`);
      const [custom, defaults, bad] = JSON.parse(await node([join(dir, 'driver.mjs')]));
      expect(custom.status).toBe(200);
      expect(custom.body.backend).toBe('simd');
      expect(custom.body.x).toEqual([-1, 0, 1]);
      custom.body.x.forEach((x: number, i: number) =>
        expect(withinBound('swish', 'simd', custom.body.swish[i], swishRef(x, 1.5)), `swish(${x})`).toBe(true));
      expect(defaults.body.x).toEqual([-3, -1, 0, 1, 3]);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatch(/RangeError/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeBrowser('examples/worker.html in Chromium', () => {
  let s: Session;
  beforeAll(async () => {
    s = await startSession();
  });
  afterAll(async () => {
    await s?.close();
  });

  test('the module Worker computes swish, its gradient and dL/dβ on relaxed (SIMD), and the page shows them', async () => {
    const t = await s.page();
    await t.page.goto(new URL('examples/worker.html', s.url).href);
    await t.page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 }).catch((e) => {
      throw new Error(`the worker example did not finish: ${t.problems.join('\n') || e.message}`);
    });
    const r = await t.page.evaluate(() => (window as any).workerResult);
    expect(r.backend).toBe('relaxed');
    expect(await t.page.textContent('#backend')).toBe('relaxed');
    let betaGrad = 0;
    r.x.forEach((x: number, i: number) => {
      expect(withinBound('swish', 'relaxed', r.swish[i], swishRef(x, r.beta)), `swish(${x})`).toBe(true);
      expect(withinBound('swishBackward', 'relaxed', r.swishBackward[i], kernels.swishBackward.reference(x, 1, [r.beta]), 1), `swish'(${x})`).toBe(true);
      betaGrad += kernels.swishBetaGrad.reference(x, 1, [r.beta]);
    });
    expect(Math.abs(r.swishBetaGrad - betaGrad)).toBeLessThanOrEqual(1e-6 * Math.abs(betaGrad));
    expect(await t.page.$$eval('#rows tr', (rows) => rows.length)).toBe(7);
    expect(t.problems).toEqual([]);
  });
});
