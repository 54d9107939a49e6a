// Every runtime the README names, running the built package as an app would (the npm pack tarball
// installed into a project beside this repo, imported by name): Node 18, 20 (this one) and 22, Bun, Deno and workerd (a Worker
// served on 127.0.0.1). Each runs its example from examples/ and the conformance subset
// (test/runtime-probe.js, over test/browser/suite.js) on every backend it can load, and reports the
// backend init() chose; Node, Bun and Deno also run the worker pool (run-pool.js). The binaries come from test/runtimes (npm ci --prefix test/runtimes, which
// .ci/run does); a missing one is skipped with a loud warning, unless SWISH_REQUIRE_RUNTIMES=1 (CI),
// where it fails.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RT = join(root, 'test/runtimes/node_modules');
const REQUIRE = process.env.SWISH_REQUIRE_RUNTIMES === '1';
const BIN: Record<string, string> = {
  'node 18': join(RT, 'node18/bin/node'),
  'node 20': process.execPath,
  'node 22': join(RT, 'node22/bin/node'),
  bun: join(RT, '@oven/bun-linux-x64/bin/bun'),
  deno: join(RT, '@deno/linux-x64-glibc/deno'),
  workerd: join(RT, '@cloudflare/workerd-linux-64/bin/workerd'),
};
const missing = Object.entries(BIN).filter(([, p]) => !existsSync(p)).map(([n]) => n);
if (missing.length) {
  const line = '!'.repeat(78);
  const msg = REQUIRE
    ? `runtimes missing (${missing.join(', ')}) and SWISH_REQUIRE_RUNTIMES=1: their tests FAIL.`
    : `runtimes missing (${missing.join(', ')}): their tests are SKIPPED.`;
  console.warn(`\n${line}\n!! ${msg}\n!! Install them: npm ci --prefix test/runtimes (CI's .ci/run does).\n${line}\n`);
}
/** `test` where the runtime's binary is here (or must be, and the test then fails); `test.skip` otherwise. */
const testIn = (name: string) => (existsSync(BIN[name]) || REQUIRE ? test : test.skip);

/** What init() picks, by runtime: relaxed where relaxed SIMD is on by default (V8 from Node 21, Bun 1.4's JavaScriptCore). */
const BEST: Record<string, string> = { 'node 18': 'simd', 'node 20': 'simd', 'node 22': 'relaxed', bun: 'relaxed', deno: 'relaxed', workerd: 'simd' };

let project: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'swish-runtimes-'));
  // The package as npm would install it: the tarball npm pack makes, unpacked into node_modules.
  const tgz = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', project], { cwd: root, encoding: 'utf8' }).trim();
  mkdirSync(join(project, 'node_modules/swish-wasm'), { recursive: true });
  execFileSync('tar', ['xzf', join(project, tgz), '-C', join(project, 'node_modules/swish-wasm'), '--strip-components=1']);
  writeFileSync(join(project, 'package.json'), '{ "name": "runtimes-check", "private": true, "type": "module" }\n');
  copyFileSync(join(root, 'test/runtime-probe.js'), join(project, 'probe.js'));
  // suite.js imports ../call-kernel.js and ../rng.js: the same layout under lib/.
  mkdirSync(join(project, 'lib/browser'), { recursive: true });
  copyFileSync(join(root, 'test/browser/suite.js'), join(project, 'lib/browser/suite.js'));
  for (const f of ['call-kernel.js', 'rng.js']) copyFileSync(join(root, 'test', f), join(project, 'lib', f));
  for (const f of ['node.mjs', 'bun.ts', 'deno.ts', 'cloudflare-worker.js']) copyFileSync(join(root, 'examples', f), join(project, f));
  // The worker pool: 2 threads, in-place calls shared out between them, bit for bit
  // against the synchronous call, and a streamed (plain-array) one.
  writeFileSync(join(project, 'run-pool.js'), `import * as S from 'swish-wasm';
import { createPool, INTERNAL } from 'swish-wasm/pool';
const pool = await createPool({ threads: 2 });
const n = 300001;
const x = new Float32Array(n).map((_, i) => ((i * 0.618034) % 1) * 40 - 20);
const dy = new Float32Array(n).map((_, i) => ((i * 0.414214) % 1) - 0.5);
const same = (a, b) => a.every((v, i) => Object.is(v, b[i]));
const checks = {};
for (const [k, args] of [['sigmoid', [x]], ['swish', [x]], ['swishBackward', [x, dy]]]) {
  const mem = args.map((a) => { const m = pool.allocate(n); m.array.set(a); return m.array; });
  const out = pool.allocate(n).array;
  await pool[k](...mem, out);
  checks[k] = same(out, S[k](...args));
}
checks.streamed = same(await pool.tanh(x), S.tanh(x));
console.log(JSON.stringify({ threads: pool.threads, reason: pool.reason ?? null, checks }));
await pool.close();
`);
  writeFileSync(join(project, 'run-probe.js'), `import { probe } from './probe.js';
const version = typeof Bun !== 'undefined' ? 'bun ' + Bun.version : typeof Deno !== 'undefined' ? 'deno ' + Deno.version.deno : 'node ' + process.version;
console.log(JSON.stringify({ version, ...(await probe()) }));
`);
});
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

function run(bin: string, args: string[]): string {
  if (!existsSync(bin)) throw new Error(`${bin} is missing (SWISH_REQUIRE_RUNTIMES=1): npm ci --prefix test/runtimes`);
  return execFileSync(bin, args, { cwd: project, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' }, timeout: 120_000 });
}

interface Probe {
  version?: string;
  selected: string;
  info: Record<string, { available: boolean; reason?: string }>;
  results: { backend: string; selected: string; cases: number; failures: string[] }[];
}

/** The pool's run (run-pool.js): 2 threads, every call the synchronous call's bits. */
function expectPool(name: string, out: string): void {
  const p = JSON.parse(out) as { threads: number; reason: string | null; checks: Record<string, boolean> };
  console.log(`${name}: pool of ${p.threads} thread(s)${p.reason ? ` (${p.reason})` : ''}, same bits as the synchronous calls: ${JSON.stringify(p.checks)}`);
  expect(p.threads).toBe(2);
  expect(p.checks).toEqual({ sigmoid: true, swish: true, swishBackward: true, streamed: true });
}

function expectProbe(name: string, p: Probe, backends: string[]): void {
  console.log(`${name} (${p.version ?? ''}): init() -> ${p.selected}; ran ${p.results.map((r) => `${r.backend} (${r.cases} cases)`).join(', ')}` +
    Object.entries(p.info).filter(([, s]) => !s.available).map(([b, s]) => `; ${b}: ${s.reason}`).join(''));
  expect(p.selected).toBe(BEST[name]);
  expect(p.results.map((r) => r.backend)).toEqual(backends);
  for (const r of p.results) {
    expect(r.selected).toBe(r.backend);
    expect(r.cases).toBeGreaterThan(1000);
    expect(r.failures, `${name} ${r.backend}`).toEqual([]);
  }
}

/** The values the examples print, to 5 decimals, from float64 formulas. */
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const fixed = (f: (x: number) => number, xs: number[]) => xs.map((x) => f(x).toFixed(5)).join(' ');
const X5 = [-3, -1, 0, 1, 3];
const SWISH_LINE = `swish    ${fixed((x) => x * sig(x), X5)}`;
const DSWISH_LINE = `swish'   ${fixed((x) => sig(x) * (1 + x * (1 - sig(x))), X5)}`;

describe('Node 18, 20 and 22', () => {
  for (const name of ['node 18', 'node 20', 'node 22']) {
    testIn(name)(`${name}: examples/node.mjs, and the conformance subset on every backend`, () => {
      const out = run(BIN[name], ['node.mjs']);
      expect(out).toBe(`backend: ${BEST[name]}\n${SWISH_LINE}\n${DSWISH_LINE}\n`);
      const p: Probe = JSON.parse(run(BIN[name], ['run-probe.js']));
      expect(p.version).toMatch(new RegExp(`^node v${name.split(' ')[1]}\\.`));
      expectProbe(name, p, BEST[name] === 'relaxed' ? ['relaxed', 'simd', 'wasm', 'js'] : ['simd', 'wasm', 'js']);
      expectPool(name, run(BIN[name], ['run-pool.js']));
    });
  }
});

testIn('bun')('Bun: examples/bun.ts, and the conformance subset on every backend', () => {
  const out = run(BIN.bun, ['run', 'bun.ts']);
  expect(out).toBe(`backend: relaxed\nsigmoid ${fixed(sig, X5)}\nswish(0.5) = ${Math.fround(0.5 * sig(0.5))}\n`);
  expectProbe('bun', JSON.parse(run(BIN.bun, ['run', 'run-probe.js'])), ['relaxed', 'simd', 'wasm', 'js']);
  expectPool('bun', run(BIN.bun, ['run', 'run-pool.js']));
});

testIn('deno')('Deno: examples/deno.ts (npm: specifier, from node_modules), and the conformance subset on every backend', () => {
  const out = run(BIN.deno, ['run', '--node-modules-dir=manual', 'deno.ts']);
  expect(out).toBe(`backend: relaxed available: relaxed, simd, wasm, js\n${SWISH_LINE}\n${DSWISH_LINE}\n`);
  expectProbe('deno', JSON.parse(run(BIN.deno, ['run', '--node-modules-dir=manual', 'run-probe.js'])), ['relaxed', 'simd', 'wasm', 'js']);
  expectPool('deno', run(BIN.deno, ['run', '--node-modules-dir=manual', '-A', 'run-pool.js']));
});

describe('workerd: a Worker served on 127.0.0.1', () => {
  let server: ChildProcess | undefined;
  let base = '';
  let log = '';

  beforeAll(async () => {
    if (!existsSync(BIN.workerd)) return;
    const { build } = await import('esbuild');
    // As Wrangler bundles a Worker: esbuild with the workerd conditions, the .wasm import kept as a module.
    writeFileSync(join(project, 'worker-entry.js'), `
import * as S from 'swish-wasm';
import simd from 'swish-wasm/swish-simd.wasm';
import example from './cloudflare-worker.js';
import { probe } from './probe.js';
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === '/ping') return new Response('ok');
    if (path === '/bare') return Response.json({ selected: await S.init(), info: S.backendInfo() });
    if (path === '/probe') return Response.json(await probe(simd));
    return example.fetch(request);
  },
};`);
    await build({
      entryPoints: [join(project, 'worker-entry.js')], absWorkingDir: project, outfile: join(project, 'worker.js'),
      bundle: true, format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], logLevel: 'silent',
      plugins: [{ name: 'wasm-modules', setup(b) {
        b.onResolve({ filter: /\.wasm$/ }, () => ({ path: './swish-simd.wasm', external: true }));
      } }],
    });
    copyFileSync(join(project, 'node_modules/swish-wasm/dist/swish-simd.wasm'), join(project, 'swish-simd.wasm'));
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    writeFileSync(join(project, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "./swish-simd.wasm", wasm = embed "swish-simd.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);
`);
    server = spawn(BIN.workerd, ['serve', join(project, 'config.capnp')], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${base}/ping`).then(() => true, () => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`workerd did not start: ${log}`);
  });
  afterAll(() => {
    server?.kill();
  });

  const get = async (path: string) => {
    const res = await fetch(base + path);
    expect(res.status, log).toBe(200);
    return res.json();
  };

  testIn('workerd')('init() without a module: js, and backendInfo says to pass a WebAssembly.Module', async () => {
    if (!base) throw new Error(`${BIN.workerd} is missing (SWISH_REQUIRE_RUNTIMES=1): npm ci --prefix test/runtimes`);
    const r = await get('/bare');
    expect(r.selected).toBe('js');
    expect(r.info.simd.available).toBe(false);
    expect(r.info.simd.reason).toMatch(/^this runtime refuses to compile WebAssembly from bytes \(as Cloudflare Workers does\): pass a WebAssembly\.Module/);
  });

  testIn('workerd')('examples/cloudflare-worker.js answers with swish on simd, and the conformance subset passes with the imported module', async () => {
    if (!base) throw new Error(`${BIN.workerd} is missing (SWISH_REQUIRE_RUNTIMES=1): npm ci --prefix test/runtimes`);
    const r = await get('/?x=-1,0,1&beta=1.5');
    expect(r.backend).toBe('simd');
    expect(r.x).toEqual([-1, 0, 1]);
    r.x.forEach((x: number, i: number) => expect(Math.abs(r.swish[i] - x * sig(1.5 * x))).toBeLessThan(1e-6));
    // The builds other than the module given are compiled from bytes, which workerd refuses: simd and js run.
    expectProbe('workerd', await get('/probe'), ['simd', 'js']);
  });
});
