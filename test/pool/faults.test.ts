// The pool's faults and misuse: bad arguments reject with the synchronous API's own errors before
// anything is written; a worker that dies mid-call or throws is replaced and the call that ran on
// it rejects; calls after close() reject; arrays of another pool, or of a closed one, are errors;
// an idle pool does not keep Node alive.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as S from '../../src/index.js';
import { createPool, INTERNAL, PARALLEL_MIN, type Pool } from '../../src/pool/index.js';
import type { ThreadPool } from '../../src/pool/pool.js';
import { root } from '../browser/browser.js';
import { uniform } from '../helpers.js';

const BIG = PARALLEL_MIN + 3;

/** What calling f threw (or the rejection of what it returned), as [class, message]. */
async function failure(f: () => unknown): Promise<[string, string]> {
  try {
    await f();
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message];
  }
  return ['none', ''];
}

describe('a pool of 2', () => {
  let pool: Pool;
  beforeAll(async () => {
    await S.init();
    pool = await createPool({ threads: 2 });
  });
  afterAll(() => pool.close());

  test('bad arguments reject with the synchronous errors, writing nothing', async () => {
    for (const n of [BIG, 100]) {
      const x = uniform(n, -5, 5, 1);
      const dy = uniform(n, -1, 1, 2);
      const out = new Float32Array(n).fill(7);
      const bias = uniform(16, -1, 1, 3);
      const cases: [string, unknown[]][] = [
        ['swish', [Array.from(x)]],
        ['swish', [x, new Float32Array(n + 1)]],
        ['swish', [x, out, NaN]],
        ['swish', [x, out, 'a']],
        ['sigmoid', [x, x.subarray(1)]],
        ['swishBackward', [x, dy.subarray(1), out]],
        ['swishBackward', [x, dy, out.subarray(0, n - 1)]],
        ['swishBetaGrad', [x, dy, Infinity]],
        ['softplus', [x, out, -1]],
        ['swiglu', [x, dy.subarray(2)]],
        ['swigluBackward', [x, dy, dy, out, out]],
        ['biasSwish', [x.subarray(0, n - (n % 16) - 1), bias]],
        ['biasSwish', [x.subarray(0, n - (n % 16)), bias, bias]],
        ['biasSwishBackward', [x.subarray(0, n - (n % 16)), bias, dy.subarray(0, n - (n % 16)), undefined, x.subarray(0, 16)]],
      ];
      for (const [k, a] of cases) {
        const sync = await failure(() => (S as any)[k](...a));
        expect(sync[0], `${k} at ${n}: the case must be an error`).toMatch(/TypeError|RangeError/);
        const viaPool = await failure(() => (pool as any)[k](...a));
        expect(viaPool, `${k} at ${n}`).toEqual(sync);
        expect(out.every((v) => v === 7), `${k} at ${n}: out untouched`).toBe(true);
      }
    }
  });

  test('a view of the pool\'s memory below its arrays is refused, as the synchronous API refuses one of its own', async () => {
    const m = pool.allocate(BIG);
    const low = new Float32Array(m.array.buffer, 64, BIG);
    for (const n of [BIG, 64]) {
      const [cls, msg] = await failure(() => pool.sigmoid(m.array.subarray(0, n), low.subarray(0, n)));
      expect(cls).toBe('RangeError');
      expect(msg).toMatch(/below the arrays from allocate/);
    }
    m.free();
  });

  test('an array of another pool is a TypeError, big or small', async () => {
    const other = await createPool({ threads: 2 });
    const theirs = other.allocate(BIG);
    for (const n of [BIG, 10]) {
      const [cls, msg] = await failure(() => pool.swish(theirs.array.subarray(0, n)));
      expect(cls).toBe('TypeError');
      expect(msg).toMatch(/another pool/);
    }
    await other.close();
    expect(() => theirs.array).toThrow(TypeError);
    const [cls] = await failure(() => other.swish(new Float32Array(4)));
    expect(cls).toBe('Error');
  });

  // A bias gradient's slices go to the workers by message (their dbias partial sums come back
  // that way), and the calling thread waits, so the worker can be ended while it runs its slice.
  // Other calls on the pool's arrays are jobs whose chunks every thread claims: the worker is
  // told to end itself once it has claimed one (it is asleep, and the call's 64 chunks take the
  // calling thread ~30 ms, so it wakes in time to claim one), so the call cannot be completed.
  test.each(['by message', 'holding a chunk'])('a worker ended mid-call (%s): the call rejects, the worker is replaced, the next calls are right', async (mode) => {
    const n = 1 << 24;
    const C = 64;
    const m = pool.allocate(n);
    m.array.set(uniform(n, -20, 20, 5));
    const internal = (pool as any)[INTERNAL] as ThreadPool;
    const [victim] = await internal.workersForTesting();
    let call: Promise<unknown>;
    let kernel: string;
    if (mode === 'by message') {
      const bias = pool.allocate(C);
      const dy = pool.allocate(n);
      dy.array.fill(1);
      kernel = 'biasSwishBackward';
      call = pool.biasSwishBackward(m.array, bias.array, dy.array, pool.allocate(n).array);
      await new Promise((r) => setImmediate(r));
      victim.terminate(true);
    } else {
      kernel = 'swish';
      victim.post({ fault: 'exitInChunk' });
      await new Promise((r) => setTimeout(r, 20));
      call = pool.swish(m.array, m.array);
    }
    const [cls, msg] = await failure(() => call);
    expect(cls, msg).toBe('Error');
    expect(msg).toMatch(new RegExp(`${kernel} failed: a pool worker (ended|was terminated).*replaced`));
    const x = uniform(BIG, -20, 20, 6);
    expect(Array.from(await pool.swish(x))).toEqual(Array.from(S.swish(x)));
    const inPlace = pool.allocate(BIG);
    inPlace.array.set(x);
    expect(Array.from(await pool.swish(inPlace.array))).toEqual(Array.from(S.swish(x)));
    const [replacement] = await internal.workersForTesting();
    expect(replacement).not.toBe(victim);
    expect(pool.threads).toBe(2);
    m.free();
    inPlace.free();
  });

  // A worker that ends holding no chunk fails no call: the other threads claim what is left.
  test('a worker ended just before an in-place call: the call is right, the worker is replaced', async () => {
    const internal = (pool as any)[INTERNAL] as ThreadPool;
    const [victim] = await internal.workersForTesting();
    const x = uniform(1 << 22, -20, 20, 9);
    const m = pool.allocate(x.length);
    m.array.set(x);
    const want = new Uint32Array(S.swish(x).buffer);
    const differsAt = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length).findIndex((v, i) => v !== want[i]);
    victim.terminate(true);
    expect(differsAt(await pool.swish(m.array, m.array))).toBe(-1);
    await new Promise((r) => setTimeout(r, 50));
    const [replacement] = await internal.workersForTesting();
    expect(replacement).not.toBe(victim);
    m.array.set(x);
    expect(differsAt(await pool.swish(m.array, m.array))).toBe(-1);
    m.free();
  });

  test('a worker that throws is replaced; calls keep working', async () => {
    const internal = (pool as any)[INTERNAL] as ThreadPool;
    const [w] = await internal.workersForTesting();
    w.post({ fault: 'throw' });
    await new Promise((r) => setTimeout(r, 200));
    const x = uniform(BIG, -20, 20, 7);
    const dy = uniform(BIG, -1, 1, 8);
    expect(Array.from(await pool.sigmoidBackward(x, dy))).toEqual(Array.from(S.sigmoidBackward(x, dy)));
    expect((await internal.workersForTesting())[0]).not.toBe(w);
  });
});

describe('closing and options', () => {
  test('calls made before close() finish; calls after it reject; its arrays are gone', async () => {
    await S.init();
    const pool = await createPool({ threads: 2 });
    const m = pool.allocate(BIG);
    const x = uniform(BIG, -20, 20, 9);
    const before = pool.swish(x);
    const closing = pool.close();
    expect(Array.from(await before)).toEqual(Array.from(S.swish(x)));
    await closing;
    for (const n of [BIG, 8]) expect(await failure(() => pool.swish(x.subarray(0, n)))).toEqual(['Error', 'swish-wasm pool: the pool is closed']);
    expect(() => m.array).toThrow(/pool is closed/);
    expect(() => pool.allocate(4)).toThrow(/pool is closed/);
  });

  test('threads: 1 runs on the calling thread; bad options are errors', async () => {
    const one = await createPool({ threads: 1 });
    expect(one.threads).toBe(1);
    expect(one.reason).toBeUndefined();
    const x = uniform(BIG, -20, 20, 10);
    expect(Array.from(await one.swish(x))).toEqual(Array.from(S.swish(x)));
    await one.close();
    expect(await failure(() => createPool({ threads: 0 }))).toEqual(['RangeError', 'threads must be an integer from 1 to 64, got 0']);
    expect(await failure(() => createPool({ threads: 2.5 }))).toEqual(['RangeError', 'threads must be an integer from 1 to 64, got 2.5']);
    expect(await failure(() => createPool({ threads: '2' as any }))).toEqual(['TypeError', 'threads must be a number, got a string']);
  });

  test('on the js backend: a pool of 1 that says why', async () => {
    await S.init();
    S.setBackend('js');
    try {
      const pool = await createPool({ threads: 2 });
      expect(pool.threads).toBe(1);
      expect(pool.reason).toMatch(/backend in use is 'js'/);
      const x = uniform(1000, -20, 20, 11);
      expect(Array.from(await pool.gelu(x))).toEqual(Array.from(S.gelu(x)));
      await pool.close();
    } finally {
      await S.init();
    }
  });

  test('a Node process with an idle pool exits by itself', async () => {
    const script = `
      import { createPool } from ${JSON.stringify(`${root}/dist/esm/pool/index.js`)};
      const pool = await createPool({ threads: 2 });
      const y = await pool.swish(new Float32Array(${BIG}).fill(1));
      console.log(pool.threads, y[0].toFixed(4));
    `;
    const t0 = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(stdout.trim()).toBe('2 0.7311');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
