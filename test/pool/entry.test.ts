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

test('the main bundle carries neither the pool nor the shared builds; the pool bundle both', () => {
  const main = readFileSync(join(root, 'dist/browser/swish-wasm.js'), 'utf8');
  const pool = readFileSync(join(root, 'dist/browser/swish-wasm-pool.js'), 'utf8');
  // The whole build: its code is the simd build's, so pieces of it are in the main bundle too.
  const marker = sharedSimdWasmBase64;
  expect(main.includes(marker)).toBe(false);
  expect(main.includes('createPool')).toBe(false);
  expect(pool.includes(marker)).toBe(true);
  expect(pool.includes('createPool')).toBe(true);
});
