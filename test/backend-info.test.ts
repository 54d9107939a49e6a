// Loud fallback: backendInfo() says, for every backend, whether it can be selected and why not;
// setBackend's error gives the same reason; a module that is not a swish-wasm build is a TypeError
// that keeps the backend in use. Each case runs the built package (dist/node.mjs) in a fresh
// `node` whose WebAssembly is taken away or made to refuse bytes as Cloudflare Workers does.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function child(prelude: string, body: string): { out: any; stderr: string } {
  const script = `${prelude}\nconst S = await import('swish-wasm');\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return { out: JSON.parse(r.stdout.trim().split('\n').pop()!), stderr: r.stderr };
}

/** Runs init() and reports what the API says afterwards, and setBackend's error for each wasm backend. */
const REPORT = `
  const b = await S.init();
  const errors = {};
  for (const n of ['relaxed', 'simd', 'wasm']) { try { S.setBackend(n); errors[n] = null; } catch (e) { errors[n] = e.message; } }
  console.log(JSON.stringify({ b, info: S.backendInfo(), errors, backend: S.backend() }));`;

/** Makes compiling from bytes fail the way workerd does, while modules given as such still work. */
const WORKERS = `
  const refuse = () => { throw new WebAssembly.CompileError('WebAssembly.compile(): Wasm code generation disallowed by embedder'); };
  const { Module, Instance } = WebAssembly;
  globalThis.RealModule = Module;
  globalThis.WebAssembly = new Proxy(WebAssembly, { get(t, k) {
    if (k === 'compile') return async (b) => refuse();
    if (k === 'compileStreaming') return async () => refuse();
    if (k === 'Module') return new Proxy(Module, { construct: refuse, get: (m, p) => m[p] });
    if (k === 'instantiate') return async (m, i) => (m instanceof Module ? new Instance(m, i) : refuse());
    return t[k];
  } });`;

describe('backendInfo() and setBackend errors say why', () => {
  test('no WebAssembly at all: js, and every wasm backend says so; init(bytes) resolves js, init(nonsense) is still a TypeError', () => {
    const { out } = child('delete globalThis.WebAssembly;', REPORT.replace('console.log(JSON.stringify({', `
      const withBytes = await S.init(new Uint8Array(8));
      const nonsense = await S.init({}).then(() => null, (e) => e.constructor.name);
      console.log(JSON.stringify({ withBytes, nonsense,`));
    expect(out.withBytes).toBe('js');
    expect(out.nonsense).toBe('TypeError');
    expect(out.b).toBe('js');
    for (const n of ['relaxed', 'simd', 'wasm']) {
      expect(out.info[n]).toEqual({ available: false, reason: 'this runtime has no WebAssembly' });
      expect(out.errors[n]).toBe(`backend '${n}' is not available: this runtime has no WebAssembly`);
    }
    expect(out.info.js).toEqual({ available: true });
  });

  test('compiling bytes refused (as in Cloudflare Workers): js, one warning, the reason says to pass a WebAssembly.Module, and one works', () => {
    const { out, stderr } = child(WORKERS, `
      const b = await S.init();
      let err = null;
      try { S.setBackend('simd'); } catch (e) { err = e.message; }
      const info = S.backendInfo();
      const again = await S.init();
      const { readFileSync } = await import('node:fs');
      const withModule = await S.init(new RealModule(readFileSync('dist/swish-simd.wasm')));
      console.log(JSON.stringify({ b, err, info, again, withModule, infoAfter: S.backendInfo() }));`);
    expect(out.b).toBe('js');
    expect(out.info.simd.available).toBe(false);
    expect(out.info.simd.reason).toMatch(/^this runtime refuses to compile WebAssembly from bytes \(as Cloudflare Workers does\): pass a WebAssembly\.Module, e\.g\. import simd from 'swish-wasm\/swish-simd\.wasm'; init\(simd\) \(.*disallowed by embedder\)$/);
    expect(out.info.wasm).toEqual(out.info.simd);
    expect(out.err).toBe(`backend 'simd' is not available: ${out.info.simd.reason}`);
    expect(out.again).toBe('js');
    expect(stderr.match(/swish-wasm: using the JS fallback/g)?.length, stderr).toBe(1); // once, not per init()
    expect(out.withModule).toBe('simd');
    expect(out.infoAfter.simd).toEqual({ available: true });
  });

  test("a module that is not a swish-wasm build: TypeError naming what it lacks, the backend kept, and backendInfo says it", () => {
    const { out } = child('', `
      await S.init();
      const before = S.backend();
      const empty = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      const errs = [];
      for (const f of [() => S.init(empty), async () => S.initSync(empty), () => S.init(new Uint8Array([1, 2, 3]))]) {
        try { await f(); errs.push(null); } catch (e) { errs.push(e.constructor.name + ': ' + e.message); }
      }
      console.log(JSON.stringify({ before, errs, after: S.backend(), info: S.backendInfo() }));`);
    expect(out.errs[0]).toMatch(/^TypeError: the module given to init is not a swish-wasm build: it has no exports 'memory', 'heapBase', 'buildKind', 'elu' \(and \d+ more\)$/);
    expect(out.errs[1]).toBe(out.errs[0]);
    expect(out.errs[2]).toMatch(/^TypeError: the module given to init is not a swish-wasm build: it does not compile: /);
    expect(out.after).toBe(out.before);
    const unavailable = Object.values(out.info as Record<string, { available: boolean; reason?: string }>).filter((s) => !s.available);
    for (const s of unavailable) expect(s.reason).toMatch(/the module last given to init was not a swish-wasm build: it does not compile/);
  });
});
