// The declarations as consumers compile them: projects beside this repo (swish-wasm linked into
// node_modules) type-checked by tsc with moduleResolution node16, nodenext and bundler, each with
// lib: ["es2023"] (no DOM), no @types/node and skipLibCheck: false, so that every declaration file
// the package ships is checked. Each project also has a line that must NOT compile (a string for
// a Float32Array), so a run that checks nothing fails too.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Uses the API's types as a consumer would; `expectError` marks the line that must fail. */
const USE = `
const x = new Float32Array([-1, 0, 1]);
export async function main(): Promise<number> {
  const b: Backend = await init();
  const info: Record<Backend, BackendStatus> = backendInfo();
  const why: string | undefined = info.simd.reason;
  const y: Float32Array = swish(x, null, 1.5);
  const { da, db } = swigluBackward(x, x, x);
  setBackend(b);
  initSync(new Uint8Array(0));
  // @ts-expect-error a string is not a Float32Array
  swish('x');
  return y[0] + da[0] + db[0] + (why ? 1 : 0);
}
`;
const NAMES = 'init, initSync, backendInfo, setBackend, swish, swigluBackward, type Backend, type BackendStatus';

function project(files: Record<string, string>, compilerOptions: Record<string, unknown>, type?: 'module'): string {
  const dir = mkdtempSync(join(tmpdir(), 'swish-types-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules/swish-wasm'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, ...(type ? { type } : {}) }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2022', lib: ['es2023'], types: [], skipLibCheck: false, ...compilerOptions },
    include: Object.keys(files),
  }));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

function typecheck(dir: string): string {
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8' });
    return '';
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

const ESM = `import { ${NAMES} } from 'swish-wasm';
import simdModule from 'swish-wasm/swish-simd.wasm';
export const loaded: Promise<Backend> = init(simdModule);
${USE}`;
const CJS = `import swishWasm = require('swish-wasm');
type Backend = swishWasm.Backend;
type BackendStatus = swishWasm.BackendStatus;
const { init, initSync, backendInfo, setBackend, swish, swigluBackward } = swishWasm;
${USE}`;

describe('consumer projects type-check (lib es2023, no DOM, no @types/node, skipLibCheck false)', () => {
  test.each(['node16', 'nodenext'])('moduleResolution %s: import (.mts, with the .wasm subpath) and require (.cts)', (mode) => {
    const dir = project({ 'esm.mts': ESM, 'cjs.cts': CJS }, { module: mode, moduleResolution: mode });
    expect(typecheck(dir)).toBe('');
  });

  test('moduleResolution bundler (module esnext), with the .wasm subpath', () => {
    const dir = project({ 'main.ts': ESM }, { module: 'esnext', moduleResolution: 'bundler' }, 'module');
    expect(typecheck(dir)).toBe('');
  });

  test('the check is real: a wrong call that is not marked is reported', () => {
    const dir = project({ 'main.ts': ESM.replace('// @ts-expect-error a string is not a Float32Array\n', '') },
      { module: 'esnext', moduleResolution: 'bundler' }, 'module');
    expect(typecheck(dir)).toMatch(/main\.ts\(\d+,\d+\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'Float32Array/);
  });
});
