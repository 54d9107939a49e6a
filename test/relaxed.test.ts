// How the relaxed-SIMD backend is selected, in child `node` processes running the built package
// (dist/node.mjs, what Node's `import 'swish-wasm'` loads): where relaxed SIMD is off (Node 20 without a flag: its probe fails, init() and
// initSync() resolve to 'simd', and setBackend('relaxed') says why), where it is on (Node 20 with
// --experimental-wasm-relaxed-simd, and Node 22 where one is installed: 'relaxed' first), and in
// this test worker, which vitest.config.ts starts with relaxed SIMD on.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import * as S from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FLAG = '--experimental-wasm-relaxed-simd';
const major = (v: string) => Number(v.replace(/^v/, '').split('.')[0]);

/** What a child process reports after init() (or initSync()), and setBackend('relaxed')'s error. */
const SCRIPT = `
  const S = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/node.mjs')).href)});
  const before = S.relaxedSimdSupported();
  const sync = S.initSync();
  const selected = await S.init();
  let setError = null;
  try { S.setBackend('relaxed'); } catch (e) { setError = e.constructor.name + ': ' + e.message; }
  const y = S.swish(new Float32Array([-1, 0, 1, 2]));
  console.log(JSON.stringify({ version: process.version, before, sync, selected, available: S.availableBackends(),
    simd: S.simdSupported(), relaxed: S.relaxedSimdSupported(), setError, backend: S.backend(), y: Array.from(y) }));`;

function report(node: string, flags: string[]) {
  const out = execFileSync(node, [...flags, '--input-type=module', '-e', SCRIPT], {
    cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(out.trim());
}

describe('this test worker', () => {
  test(`has relaxed SIMD (Node ${process.version}: ${major(process.version) >= 21 ? 'on by default' : `vitest.config.ts passes ${FLAG}`})`, async () => {
    if (major(process.version) < 21) expect(process.execArgv).toContain(FLAG);
    expect(S.relaxedSimdSupported()).toBe(true);
    expect(await S.init()).toBe('relaxed');
    expect(S.availableBackends()).toEqual(['relaxed', 'simd', 'wasm', 'js']);
  });

  test("setBackend('relaxed') selects it, and backend() says so", async () => {
    await S.init();
    S.setBackend('simd');
    S.setBackend('relaxed');
    expect(S.backend()).toBe('relaxed');
  });
});

// Node 20 has relaxed SIMD off unless flagged; Node 22 has it on and no longer takes the flag
// (nor its negation), so there this path is only the browser tests' (test/browser/hide-relaxed.js).
describe.runIf(major(process.version) < 21)('a child node without relaxed SIMD', () => {
  const flags: string[] = [];
  let r: any;

  test('(plain Node 20, no flag): init() and initSync() resolve to simd, and relaxed is not available', () => {
    r = report(process.execPath, flags);
    expect(r).toMatchObject({ before: false, sync: 'simd', selected: 'simd', simd: true, relaxed: false, backend: 'simd' });
    expect(r.available).toEqual(['simd', 'wasm', 'js']);
  });

  test("setBackend('relaxed') throws an Error saying relaxed SIMD is not supported by this runtime, and keeps simd", () => {
    r ??= report(process.execPath, flags);
    expect(r.setError).toBe("Error: backend 'relaxed' is not available: this runtime has no relaxed SIMD " +
      '(the relaxed-SIMD probe module does not validate; Node 20 needs --experimental-wasm-relaxed-simd)');
    expect(r.backend).toBe('simd');
  });
});

describe('a child node with relaxed SIMD', () => {
  test(`(${process.version} ${FLAG}): init() and initSync() resolve to relaxed first`, () => {
    const r = report(process.execPath, [FLAG]);
    expect(r).toMatchObject({ before: true, sync: 'relaxed', selected: 'relaxed', relaxed: true, setError: null, backend: 'relaxed' });
    expect(r.available).toEqual(['relaxed', 'simd', 'wasm', 'js']);
  });

  // Node 22 has relaxed SIMD on by default. A Node 22 binary: $SWISH_NODE22, or test/runtimes'
  // node22 (npm ci --prefix test/runtimes: CI installs it, and test/runtimes.test.ts requires it there).
  const node22 = [process.env.SWISH_NODE22, join(root, 'test/runtimes/node_modules/node22/bin/node')].find((p) => p && existsSync(p));
  if (!node22) console.warn(`test/relaxed.test.ts: no Node 22 binary ($SWISH_NODE22, or test/runtimes/node_modules/node22): the Node 22 test is skipped`);
  test.runIf(node22 !== undefined)('Node 22 without flags: init() resolves to relaxed', () => {
    const r = report(node22!, []);
    expect(major(r.version)).toBe(22);
    expect(r).toMatchObject({ before: true, sync: 'relaxed', selected: 'relaxed', relaxed: true, backend: 'relaxed' });
    expect(r.available).toEqual(['relaxed', 'simd', 'wasm', 'js']);
  });
});
