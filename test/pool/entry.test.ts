// swish-wasm/pool as a package entry: from ESM and from CommonJS (its workers start from source
// text, so neither needs a worker file), and apart from the main entry, whose bundle does not carry
// the pool.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { root } from '../browser/browser.js';
import { holdsBuild } from '../build-marker.js';
import { withinBound } from '../helpers.js';

const run = (args: string[]) => promisify(execFile)(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
const CALL = `.then(async (pool) => { const y = await pool.sigmoid(new Float32Array(1 << 18).fill(2)); console.log(pool.threads, y[12345]); })`;

test.each([
  ['ESM', ['--input-type=module', '-e', `import { createPool } from 'swish-wasm/pool'; createPool({ threads: 2 })${CALL};`]],
  ['CommonJS', ['-e', `require('swish-wasm/pool').createPool({ threads: 2 })${CALL};`]],
])('%s: a pool of 2 that computes σ(2)', async (_name, args) => {
  const { stdout } = await run(args);
  const [threads, y] = stdout.trim().split(' ');
  expect(threads).toBe('2');
  // simd, the backend these processes select (no relaxed SIMD without its flag on Node 20)
  expect(withinBound('sigmoid', 'simd', Number(y), 1 / (1 + Math.exp(-2))), y).toBe(true);
});

test.each([
  ['ESM', ['--input-type=module', '-e', `import * as S from 'swish-wasm'; import { createPool, backend } from 'swish-wasm/pool';
const pool = await createPool({ threads: 2 }); console.log(S.backend(), backend(), S.availableBackends === (await import('swish-wasm/pool')).availableBackends); await pool.close();`]],
  ['CommonJS', ['-e', `const S = require('swish-wasm'); const P = require('swish-wasm/pool');
P.createPool({ threads: 2 }).then(async (pool) => { console.log(S.backend(), P.backend(), S.availableBackends === P.availableBackends); await pool.close(); });`]],
])('%s: swish-wasm and swish-wasm/pool share one state in Node (createPool\'s init() is the main entry\'s)', async (_name, args) => {
  const { stdout } = await run(args);
  expect(stdout.trim()).toBe('simd simd true');
});

test('the main bundle does not carry the pool; the pool bundle does, and imports the builds as the main one does', () => {
  const main = readFileSync(join(root, 'dist/browser/swish-wasm.js'), 'utf8');
  const pool = readFileSync(join(root, 'dist/browser/swish-wasm-pool.js'), 'utf8');
  // The builds stay in dist/esm/generated (scripts/build-browser.mjs): the bundles import them.
  const simd = '../esm/generated/wasm-simd.js';
  expect(main.includes('createPool')).toBe(false);
  expect(main.includes('withSharedMemory')).toBe(false);
  expect(pool.includes('createPool')).toBe(true);
  for (const bundle of [main, pool]) {
    expect(bundle.includes(simd)).toBe(true);
    expect(holdsBuild(bundle)).toBe(false); // no build embedded in the bundle itself
  }
});
