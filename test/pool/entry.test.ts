// swish-wasm/pool as a package entry: from ESM and from CommonJS (its workers start from source
// text, so neither needs a worker file), and apart from the main entry, whose bundle carries
// neither the pool nor its shared-memory builds.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { sharedSimdWasmBase64 } from '../../src/generated/wasm-shared.js';
import { root } from '../browser/browser.js';

const run = (args: string[]) => promisify(execFile)(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
const CALL = `.then(async (pool) => { const y = await pool.sigmoid(new Float32Array(1 << 18).fill(2)); console.log(pool.threads, y[12345]); })`;

test.each([
  ['ESM', ['--input-type=module', '-e', `import { createPool } from 'swish-wasm/pool'; createPool({ threads: 2 })${CALL};`]],
  ['CommonJS', ['-e', `require('swish-wasm/pool').createPool({ threads: 2 })${CALL};`]],
])('%s: a pool of 2 that computes σ(2)', async (_name, args) => {
  const { stdout } = await run(args);
  expect(stdout.trim()).toBe(`2 ${Math.fround(1 / (1 + Math.exp(-2)))}`);
});

test('the main bundle carries neither the pool nor the shared builds; the pool bundle imports them, the main one does not', () => {
  const main = readFileSync(join(root, 'dist/browser/swish-wasm.js'), 'utf8');
  const pool = readFileSync(join(root, 'dist/browser/swish-wasm-pool.js'), 'utf8');
  // The builds stay in dist/esm/generated (scripts/build-browser.mjs): the bundles import them.
  const shared = '../esm/generated/wasm-shared.js';
  expect(main.includes(sharedSimdWasmBase64)).toBe(false);
  expect(main.includes(shared)).toBe(false);
  expect(main.includes('createPool')).toBe(false);
  expect(pool.includes(shared)).toBe(true);
  expect(pool.includes('createPool')).toBe(true);
});
