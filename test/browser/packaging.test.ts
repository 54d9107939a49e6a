// The browser bundle and how the package exposes it (no browser needed): dist/browser/swish-wasm.js
// imports nothing but the embedded builds (dist/esm/generated/wasm-*.js), exports what dist/esm
// exports, and is what the "./browser" subpath resolves to, while the "browser" condition gives
// dist/esm and Node's "import" and "require" its own entry.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { root } from './browser.js';
import { holdsBuild } from '../build-marker.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
const file = (p: string) => 'file://' + join(root, p);

describe('the browser bundle', () => {
  test('exports map: "./browser" names the bundle and its types, "." the ES modules or, in Node, its entry', () => {
    const dot = pkg.exports['.'];
    // Conditions match in order: Node, Deno and Bun take "node"; browsers' bundlers the module graph
    // (dist/esm), which they tree-shake better than the prebuilt bundle (test/size.test.ts
    // measures both); unbundled pages import the bundle by "./browser".
    expect(Object.keys(dot)).toEqual(['node', 'default']);
    expect(dot.default).toEqual({ types: './dist/esm/index.d.ts', default: './dist/esm/index.js' });
    expect(pkg.exports['./browser']).toEqual({ types: './dist/browser/swish-wasm.d.ts', default: './dist/browser/swish-wasm.js' });
    expect(dot.node.import.default).toBe('./dist/node.mjs');
    expect(dot.node.require.default).toBe('./dist/cjs/node.js');
    for (const p of ['dist/browser/swish-wasm.js', 'dist/browser/swish-wasm.d.ts']) expect(existsSync(join(root, p)), p).toBe(true);
  });

  test('it imports only the builds, from dist/esm/generated, each by init() alone, and requires nothing', () => {
    const dir = join(root, 'dist/browser');
    const code = readFileSync(join(dir, 'swish-wasm.js'), 'utf8');
    const specifiers = [...code.matchAll(/^import\s[^;]*?from\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm)]
      .map((m) => m[1] ?? m[2]);
    expect(specifiers.sort()).toEqual(['relaxed', 'relaxed-core', 'scalar', 'simd', 'simd-core'].map((b) => `../esm/generated/wasm-${b}.js`).sort());
    for (const sp of specifiers) expect(existsSync(join(dir, sp)), sp).toBe(true);
    expect(holdsBuild(code)).toBe(false); // no build embedded in the bundle itself
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(readFileSync(join(root, 'dist/browser/swish-wasm.d.ts'), 'utf8')).toContain("export * from '../esm/index.js'");
  });

  test('Node resolves "./browser" to it, and "." to its own entry', () => {
    const resolveEsm = "console.log(import.meta.resolve('swish-wasm'))";
    // Node always matches "node", first: a "browser" condition added to it changes nothing.
    expect(node(['--conditions=browser', '--input-type=module', '-e', resolveEsm])).toBe(file('dist/node.mjs'));
    expect(node(['--input-type=module', '-e', resolveEsm])).toBe(file('dist/node.mjs'));
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
