// The built package (npm run build: dist/esm, dist/cjs, dist/*.wasm), loaded by its own name
// from inside the repo as a user would load it: in Node, `import` gives dist/node.mjs, a re-export
// of dist/cjs/node.js, which `require` gives, so both share one state. Both must select the best
// backend in Node (relaxed SIMD in the test workers and on Node >= 21, SIMD in a plain Node 20
// child). Expected values come from the registry's float64 references.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { kernels, kernelNames, type KernelName } from '../src/registry.js';
import { sumReference, uniform, withinBound } from './helpers.js';
import { callKernel } from './call-kernel.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

type Api = typeof import('../src/index.js');
type Backend = 'relaxed' | 'simd' | 'wasm' | 'js';
/** What init() picks in a child `node` without flags: Node 20 has relaxed SIMD only behind a flag. */
const PLAIN_NODE_BEST = Number(process.versions.node.split('.')[0]) >= 21 ? 'relaxed' : 'simd';

const loaders: [string, () => Promise<Api>][] = [
  ['esm', async () => (await import('swish-wasm')) as unknown as Api],
  ['cjs', async () => require('swish-wasm') as Api],
];

const wasmBytes = (build: 'relaxed' | 'simd' | 'scalar') => new Uint8Array(readFileSync(join(root, 'dist', `swish-${build}.wasm`)));

const readsY = (k: KernelName) => kernels[k].shape !== 'map' && (kernels[k] as { reads?: string }).reads === 'y';
const N = 1029;
const X = uniform(N, -20, 20, 1);
const Y = uniform(N, 0, 1, 2);
const DY = uniform(N, -2, 2, 3);

/** Every kernel of the registry through the given API, default parameters. */
function runAll(S: Api): Record<string, Float32Array | number> {
  const res: Record<string, Float32Array | number> = {};
  for (const k of kernelNames) {
    const a = readsY(k) ? Y : X;
    res[k] = callKernel(S, k, a, DY);
  }
  return res;
}

/** Checks runAll's results against the float64 references within backend b's bounds. */
function expectCorrect(res: Record<string, Float32Array | number>, b: Backend): void {
  for (const k of kernelNames) {
    const kr = kernels[k];
    const a = readsY(k) ? Y : X;
    const p = kr.params.map((q) => Math.fround(q.default));
    if (kr.shape === 'sum') {
      const { ref, mag } = sumReference(k, a, DY, p);
      expect(Math.abs((res[k] as number) - ref), k).toBeLessThanOrEqual((kr.bound.relSum ?? 0) * mag);
      continue;
    }
    const got = res[k] as Float32Array;
    expect(got.length).toBe(N);
    let bad = 0;
    let first = '';
    for (let i = 0; i < N; i++) {
      const ref = kr.shape === 'map' ? kr.reference(a[i], p) : kr.reference(a[i], DY[i], p);
      if (!withinBound(k, b, got[i], ref, DY[i]) && !bad++) first = `${k}(${a[i]}) = ${got[i]}, reference ${ref}`;
    }
    expect(bad, `${b}: ${first}`).toBe(0);
  }
}

describe('package.json', () => {
  test('every path in exports, main, module and types exists in the build', () => {
    const paths: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string') paths.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(pkg.exports);
    for (const f of ['main', 'module', 'types']) if (pkg[f]) paths.push(pkg[f]);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(existsSync(join(root, p)), p).toBe(true);
  });

  test('the exports types paths exist in dist and declare the public API', () => {
    const node = pkg.exports['.'].node;
    const types = [node.import.types, node.require.types];
    expect(types).toEqual(['./dist/esm/index.d.ts', './dist/cjs/index.d.ts']);
    expect(pkg.exports['.'].default.types).toBe('./dist/esm/index.d.ts');
    for (const t of types) {
      // The declarations, with the files they re-export (`export * from './generated/api.js'`).
      const top = readFileSync(join(root, t), 'utf8');
      const text = [top, ...[...top.matchAll(/export \* from '(.+)\.js'/g)]
        .map((m) => readFileSync(join(root, dirname(t), `${m[1]}.d.ts`), 'utf8'))].join('\n');
      for (const name of [...kernelNames, 'silu', 'siluBackward', 'init', 'initSync', 'allocate', 'setBackend']) {
        expect(text, `${t} declares ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
      }
    }
  });

  test('dist/cjs is marked CommonJS (the package root is "type": "module")', () => {
    expect(pkg.type).toBe('module');
    expect(JSON.parse(readFileSync(join(root, 'dist/cjs/package.json'), 'utf8')).type).toBe('commonjs');
  });

  test('the wasm files in exports are the builds', () => {
    for (const b of ['relaxed', 'simd', 'scalar'] as const) {
      const viaExports = require.resolve(`swish-wasm/swish-${b}.wasm`);
      expect(viaExports).toBe(join(root, 'dist', `swish-${b}.wasm`));
      expect(WebAssembly.validate(wasmBytes(b))).toBe(true);
    }
  });
});

describe('resolution by Node itself (child processes, no test-runner resolver)', () => {
  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
  // Prints the resolved file, the backend init() picks, and swish/sigmoid of a few points as bits.
  const body = `
    const x = new Float32Array([-3, -0.5, 0, 0.25, 2, 17]);
    const b = await S.init();
    const hex = (a) => Array.from(new Uint32Array(a.buffer)).map((v) => v.toString(16));
    console.log(JSON.stringify({ b, swish: hex(S.swish(x)), sigmoid: hex(S.sigmoid(x)), silu: hex(S.silu(x)) }));`;
  let esm: any;
  let cjs: any;

  beforeAll(() => {
    esm = JSON.parse(node(['--input-type=module', '-e', `import * as S from 'swish-wasm'; ${body}`]));
    cjs = JSON.parse(node(['-e', `const S = require('swish-wasm'); (async () => { ${body} })().catch((e) => { console.error(e); process.exit(1); });`]));
  });

  test('import resolves to dist/node.mjs and require to dist/cjs/node.js', () => {
    expect(node(['--input-type=module', '-e', "console.log(import.meta.resolve('swish-wasm'))"])).toBe(
      'file://' + join(root, 'dist/node.mjs'));
    expect(node(['-e', "console.log(require.resolve('swish-wasm'))"])).toBe(join(root, 'dist/cjs/node.js'));
  });

  test('import and require share one state: the backend, its memory and its arrays', () => {
    const out = JSON.parse(node(['--input-type=module', '-e', `
      import * as E from 'swish-wasm';
      import { createRequire } from 'node:module';
      const C = createRequire(import.meta.url)('swish-wasm');
      const before = C.backend();
      await E.init();
      const afterInit = C.backend();
      C.setBackend('wasm');
      const a = E.allocate(8);
      console.log(JSON.stringify({ before, afterInit, afterSet: E.backend(), bytes: [E.memoryBytes(), C.memoryBytes()],
        sameFn: E.swish === C.swish, zeroCopy: C.swish(a.array, a.array) === a.array }));`]));
    expect(out.before).toBe('js');
    expect(out.afterInit).toBe(PLAIN_NODE_BEST);
    expect(out.afterSet).toBe('wasm');
    expect(out.bytes[0]).toBeGreaterThan(0);
    expect(out.bytes[1]).toBe(out.bytes[0]);
    expect(out.sameFn).toBe(true);
    expect(out.zeroCopy).toBe(true);
  });

  test.each(['esm', 'cjs'])(`%s: init() resolves to ${PLAIN_NODE_BEST} in Node ${process.versions.node} without flags`, (f) => {
    expect((f === 'esm' ? esm : cjs).b).toBe(PLAIN_NODE_BEST);
  });

  test.each(['esm', 'cjs'])('%s: swish and sigmoid are correct', (f) => {
    const r = f === 'esm' ? esm : cjs;
    const x = [-3, -0.5, 0, 0.25, 2, 17];
    const fromHex = (h: string[]) => new Float32Array(new Uint32Array(h.map((s) => parseInt(s, 16))).buffer);
    const sw = fromHex(r.swish);
    const sg = fromHex(r.sigmoid);
    for (let i = 0; i < x.length; i++) {
      expect(withinBound('swish', r.b, sw[i], kernels.swish.reference(x[i], [1])), `swish(${x[i]}) = ${sw[i]}`).toBe(true);
      expect(withinBound('sigmoid', r.b, sg[i], kernels.sigmoid.reference(x[i])), `sigmoid(${x[i]}) = ${sg[i]}`).toBe(true);
    }
    expect(r.silu).toEqual(r.swish);
  });

  test('the CJS and ESM builds give bit-identical results', () => {
    expect(cjs).toEqual(esm);
  });
});

describe.each(loaders)('%s build, loaded by name in this process', (_f, load) => {
  let S: Api;
  beforeAll(async () => {
    S = await load();
  });

  test('init() resolves to relaxed (the test workers have relaxed SIMD), and every backend is then available', async () => {
    expect(await S.init()).toBe('relaxed');
    expect(S.backend()).toBe('relaxed');
    expect(S.availableBackends()).toEqual(['relaxed', 'simd', 'wasm', 'js']);
  });

  test('swish and sigmoid (and every other kernel) are correct on every backend', async () => {
    await S.init();
    const x = new Float32Array([-3, -0.5, 0, 0.25, 2, 17]);
    const sw = S.swish(x);
    const sg = S.sigmoid(x);
    for (let i = 0; i < x.length; i++) {
      expect(withinBound('swish', 'simd', sw[i], kernels.swish.reference(x[i], [1]))).toBe(true);
      expect(withinBound('sigmoid', 'simd', sg[i], kernels.sigmoid.reference(x[i]))).toBe(true);
    }
    for (const b of ['relaxed', 'simd', 'wasm', 'js'] as const) {
      S.setBackend(b);
      expectCorrect(runAll(S), b);
    }
  });

  test('init(precompiled module): swish-scalar.wasm selects wasm, swish-simd.wasm simd, swish-relaxed.wasm relaxed', async () => {
    expect(await S.init(new WebAssembly.Module(wasmBytes('scalar')))).toBe('wasm');
    expect(S.backend()).toBe('wasm');
    expectCorrect(runAll(S), 'wasm');
    expect(await S.init(new WebAssembly.Module(wasmBytes('relaxed')))).toBe('relaxed');
    expect(S.backend()).toBe('relaxed');
    expectCorrect(runAll(S), 'relaxed');
    expect(await S.init(new WebAssembly.Module(wasmBytes('simd')))).toBe('simd');
    expect(S.backend()).toBe('simd');
    expectCorrect(runAll(S), 'simd');
  });

  test('init(bytes) works for every build', async () => {
    expect(await S.init(wasmBytes('scalar'))).toBe('wasm');
    expectCorrect(runAll(S), 'wasm');
    expect(await S.init(wasmBytes('relaxed'))).toBe('relaxed');
    expectCorrect(runAll(S), 'relaxed');
    expect(await S.init(wasmBytes('simd').buffer)).toBe('simd');
    expectCorrect(runAll(S), 'simd');
  });

  test('initSync() and initSync(module) work', () => {
    expect(S.initSync()).toBe('relaxed');
    expectCorrect(runAll(S), 'relaxed');
    expect(S.initSync(wasmBytes('relaxed'))).toBe('relaxed');
    expectCorrect(runAll(S), 'relaxed');
    expect(S.initSync(new WebAssembly.Module(wasmBytes('scalar')))).toBe('wasm');
    expectCorrect(runAll(S), 'wasm');
    expect(S.initSync(wasmBytes('simd'))).toBe('simd');
    expectCorrect(runAll(S), 'simd');
  });

  test('init(Response) works with content-type application/wasm', async () => {
    const res = (b: 'relaxed' | 'simd' | 'scalar') => new Response(wasmBytes(b), { headers: { 'content-type': 'application/wasm' } });
    expect(await S.init(res('scalar'))).toBe('wasm');
    expectCorrect(runAll(S), 'wasm');
    expect(await S.init(res('relaxed'))).toBe('relaxed');
    expectCorrect(runAll(S), 'relaxed');
    expect(await S.init(res('simd'))).toBe('simd');
    expectCorrect(runAll(S), 'simd');
  });

  test('init(fetch(url)) takes the promise of a Response, as instantiateStreaming does', async () => {
    const later = (b: 'simd' | 'scalar') => new Promise<Response>((resolve) =>
      setTimeout(() => resolve(new Response(wasmBytes(b), { headers: { 'content-type': 'application/wasm' } })), 1));
    expect(await S.init(later('scalar'))).toBe('wasm');
    expectCorrect(runAll(S), 'wasm');
    expect(await S.init(later('simd'))).toBe('simd');
    expectCorrect(runAll(S), 'simd');
    // A failed fetch keeps its own error and the backend in use.
    await expect(S.init(Promise.reject(new Error('fetch failed: 404')))).rejects.toThrow('fetch failed: 404');
    await expect(S.init(Promise.resolve('nonsense') as any)).rejects.toBeInstanceOf(TypeError);
    expect(S.backend()).toBe('simd');
  });

  test("init('nonsense') rejects with TypeError and keeps the backend", async () => {
    await S.init();
    for (const bad of ['nonsense', 42, {}, null]) {
      await expect(S.init(bad as any), String(bad)).rejects.toBeInstanceOf(TypeError);
      expect(() => S.initSync(bad as any), String(bad)).toThrow(TypeError);
    }
    expect(() => S.initSync(new Response(wasmBytes('simd')) as any)).toThrow(TypeError);
    expect(S.backend()).toBe('relaxed');
    expectCorrect(runAll(S), 'relaxed');
  });
});

describe('import and require share one state in this process too', () => {
  test.each(['relaxed', 'simd', 'wasm', 'js'] as const)('a backend set through import is the one require runs (%s), correct for every kernel', async (b) => {
    const [esm, cjs] = await Promise.all(loaders.map(([, load]) => load()));
    await esm.init();
    esm.setBackend(b);
    expect(cjs.backend()).toBe(b);
    expectCorrect(runAll(cjs), b);
    expect(esm.init).toBe(cjs.init); // one build: dist/node.mjs re-exports dist/cjs/node.js
  });
});
