// The browser bundle and how the package exposes it (no browser needed): dist/browser/swish-wasm.js
// is self-contained (no import left in it), exports what dist/esm exports, and is what the
// "browser" condition and the "./browser" subpath resolve to, while "import" and "require" are
// unchanged.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { root } from './browser.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
const file = (p: string) => 'file://' + join(root, p);

describe('the browser bundle', () => {
  test('exports map: "browser" (import) and "./browser" name the bundle and its types; import and require are kept', () => {
    const dot = pkg.exports['.'];
    expect(Object.keys(dot)[0]).toBe('browser'); // conditions match in order
    expect(dot.browser).toEqual({ import: { types: './dist/browser/swish-wasm.d.ts', default: './dist/browser/swish-wasm.js' } });
    expect(pkg.exports['./browser']).toEqual({ types: './dist/browser/swish-wasm.d.ts', default: './dist/browser/swish-wasm.js' });
    expect(dot.import.default).toBe('./dist/esm/index.js');
    expect(dot.require.default).toBe('./dist/cjs/index.js');
    for (const p of ['dist/browser/swish-wasm.js', 'dist/browser/swish-wasm.d.ts']) expect(existsSync(join(root, p)), p).toBe(true);
  });

  test('it is self-contained: no import or require is left in it', () => {
    const code = readFileSync(join(root, 'dist/browser/swish-wasm.js'), 'utf8');
    expect(code).not.toMatch(/^\s*import[\s{*]/m);
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toContain('@assemblyscript/loader"');
    expect(readFileSync(join(root, 'dist/browser/swish-wasm.d.ts'), 'utf8')).toContain("export * from '../esm/index.js'");
  });

  test('Node resolves the "browser" condition to it (require falls through to dist/cjs) and nothing else changes', () => {
    const resolveEsm = "console.log(import.meta.resolve('swish-wasm'))";
    expect(node(['--conditions=browser', '--input-type=module', '-e', resolveEsm])).toBe(file('dist/browser/swish-wasm.js'));
    expect(node(['--conditions=browser', '-e', "console.log(require.resolve('swish-wasm'))"])).toBe(join(root, 'dist/cjs/index.js'));
    expect(node(['--input-type=module', '-e', resolveEsm])).toBe(file('dist/esm/index.js'));
    expect(node(['--input-type=module', '-e', "console.log(import.meta.resolve('swish-wasm/browser'))"])).toBe(file('dist/browser/swish-wasm.js'));
  });

  test('it exports what dist/esm exports, and runs (here in Node) with the same results', () => {
    const out = JSON.parse(node(['--input-type=module', '-e', `
      import * as B from 'swish-wasm/browser';
      import * as E from 'swish-wasm';
      const x = new Float32Array([-3, -0.5, 0, 0.25, 2, 17]);
      const b = [await B.init(), await E.init()];
      const bits = (a) => Array.from(new Uint32Array(a.buffer));
      console.log(JSON.stringify({ keys: [Object.keys(B).sort(), Object.keys(E).sort()], b,
        same: JSON.stringify(bits(B.swish(x))) === JSON.stringify(bits(E.swish(x))) }));`]));
    expect(out.keys[0]).toEqual(out.keys[1]);
    expect(out.b).toEqual(['simd', 'simd']);
    expect(out.same).toBe(true);
  });
});
