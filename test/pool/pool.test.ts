// The conformance subset through the worker pool: every kernel, on inputs big enough to be split
// across the workers (and small enough to run on the calling thread), on plain arrays (streamed
// through the workers' scratch) and on arrays from pool.allocate (in place), bit for bit against
// the synchronous call on the same backend. In place, each call is made twice: after an idle
// spell (the workers asleep: the calling thread claims most or all of the chunks) and right after
// (the workers polling: they share them); the same bits, and the same sum (partial sums added in
// chunk order, whoever ran which chunk). Sums are held to the kernel's bound against the float64
// reference, and must repeat exactly, in either way.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as S from '../../src/index.js';
import { createPool, INTERNAL, PARALLEL_MIN, type Pool } from '../../src/pool/index.js';
import type { ThreadPool } from '../../src/pool/pool.js';
import { allKernels, kernels, type AnyKernelName, type KernelName } from '../../src/registry.js';
import { SPECIALS, inputFor, rng, sumReference, uniform } from '../helpers.js';

const C = 96;
const NAMES = Object.keys(allKernels) as AnyKernelName[];

/** Inputs for kernel k: uniform in [-20, 20] with the special values at random places. */
function inputs(k: AnyKernelName, n: number, seed: number): Float32Array[] {
  const r = rng(seed);
  const kr = allKernels[k];
  // Sums only meet finite specials: one NaN or infinity makes the whole sum NaN.
  const specials = kr.shape === 'sum' || kr.shape === 'biasGrad' ? SPECIALS.filter(Number.isFinite) : SPECIALS;
  const arr = (s: number) => {
    const a = uniform(n, -20, 20, s);
    for (let i = 0; i < Math.min(n, 400); i++) a[Math.floor(r() * n)] = specials[i % specials.length];
    return a;
  };
  const first = kr.shape === 'grad' ? inputFor(k as KernelName, arr(seed)) : arr(seed);
  switch (kr.shape) {
    case 'map': return [first];
    case 'grad': case 'sum': case 'binary': return [first, arr(seed + 1)];
    case 'gateGrad': return [first, arr(seed + 1), arr(seed + 2)];
    case 'bias': return [first, arr(seed + 1).subarray(0, C)];
    case 'biasGrad': return [first, arr(seed + 1).subarray(0, C), arr(seed + 2)];
  }
}

/** The call's arguments: the inputs, the output slots (undefined: new arrays, or the given ones), the parameters. */
function args(k: AnyKernelName, ins: Float32Array[], outs: (Float32Array | undefined)[] = []): unknown[] {
  const kr = allKernels[k];
  const p = kr.params.map((q, i) => (i === 0 && q.default !== 0.5 ? 0.5 : q.default));
  const nOut = kr.shape === 'sum' ? 0 : kr.shape === 'gateGrad' || kr.shape === 'biasGrad' ? 2 : 1;
  return [...ins, ...Array.from({ length: nOut }, (_, i) => outs[i]), ...p];
}

/** The arrays a result holds, in order (a sum has none). */
const arraysOf = (r: unknown): Float32Array[] =>
  r instanceof Float32Array ? [r] : typeof r === 'number' ? [] : Object.values(r as object);

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

function expectSame(k: string, got: Float32Array[], want: Float32Array[]) {
  expect(got.length).toBe(want.length);
  got.forEach((g, j) => {
    const a = bits(g);
    const b = bits(want[j]);
    let bad = -1;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) { bad = i; break; }
    expect(bad, `${k}: output ${j} differs at ${bad}: ${g[bad]} vs ${want[j][bad]}`).toBe(-1);
  });
}

function sizeFor(k: AnyKernelName, big: boolean): number {
  const n = big ? PARALLEL_MIN + 13 : 1029;
  const bias = allKernels[k].shape === 'bias' || allKernels[k].shape === 'biasGrad';
  return bias ? Math.ceil(n / C) * C : n;
}

function checkDbias(k: string, dbias: Float32Array, dx: Float32Array) {
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let i = c; i < dx.length; i += C) s += dx[i];
    if (!Number.isFinite(s)) { expect(dbias[c], `${k}: dbias[${c}]`).toBe(s); continue; }
    const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(s), 2 ** -126))) - 23);
    expect(Math.abs(dbias[c] - s), `${k}: dbias[${c}] = ${dbias[c]}, float64 sum ${s}`).toBeLessThanOrEqual(ulp);
  }
}

describe.each([['relaxed', 2], ['simd', 3]] as const)('pool on %s, %i threads', (backend, threads) => {
  let pool: Pool;
  beforeAll(async () => {
    await S.init();
    S.setBackend(backend);
    pool = await createPool({ threads });
  });
  afterAll(async () => {
    await pool.close();
    await S.init();
  });

  test('runs the threads asked for', () => {
    expect(pool.threads).toBe(threads);
    expect(pool.reason).toBeUndefined();
  });

  test.each(NAMES)('%s: the synchronous call\'s bits', async (k) => {
    for (const big of [true, false]) {
      const n = sizeFor(k, big);
      const ins = inputs(k, n, 7 + n);
      const copies = ins.map((a) => a.slice());
      const want = (S as any)[k](...args(k, ins));
      // Plain arrays: streamed through the workers' scratch (or, small, on the calling thread).
      const got = await (pool as any)[k](...args(k, ins));
      ins.forEach((a, i) => expectSame(`${k} input ${i} unchanged`, [a], [copies[i]]));
      // Arrays in the pool's memory, outputs given: in place.
      const mem = ins.map((a) => { const m = pool.allocate(a.length); m.array.set(a); return m; });
      const nOut = arraysOf(want).length;
      const outs = Array.from({ length: nOut }, (_, j) => pool.allocate(arraysOf(want)[j].length));
      const call = () => (pool as any)[k](...args(k, mem.map((m) => m.array), outs.map((o) => o.array)));
      const internal = (pool as any)[INTERNAL] as ThreadPool;
      await new Promise((r) => setTimeout(r, 5)); // the workers go to sleep
      const cold = await call();
      const coldCopies = arraysOf(cold).map((a) => a.slice());
      const inPlace = await call();
      if (typeof cold === 'number') expect(inPlace, `${k} in place, after an idle spell and right after`).toBe(cold);
      else if (big) expectSame(`${k} in place, after an idle spell and right after`, arraysOf(inPlace), coldCopies);
      const shape = allKernels[k].shape;
      if (shape === 'sum') {
        const { ref, mag } = sumReference(k as KernelName, ins[0], ins[1], args(k, []).map(Number));
        const bound = (kernels[k as KernelName].bound.relSum ?? 0) * mag;
        for (const v of [got, inPlace]) expect(Math.abs(v - ref), `${k} = ${v}, reference ${ref}`).toBeLessThanOrEqual(bound);
        expect(await (pool as any)[k](...args(k, ins))).toBe(got);
      } else if (shape === 'biasGrad') {
        expectSame(k, [got.dx, inPlace.dx], [want.dx, want.dx]);
        checkDbias(k, got.dbias, want.dx);
        checkDbias(k, inPlace.dbias, want.dx);
        expect(Array.from((await (pool as any)[k](...args(k, ins))).dbias)).toEqual(Array.from(got.dbias));
      } else {
        expectSame(k, arraysOf(got), arraysOf(want));
        expectSame(k, arraysOf(inPlace), arraysOf(want));
        expect(arraysOf(inPlace)[0]).toBe(outs[0].array);
      }
      for (const m of [...mem, ...outs]) m.free();
    }
  });

  test('the workers take part: chunks of in-place calls run on them', async () => {
    const internal = (pool as any)[INTERNAL] as ThreadPool;
    const before = internal.chunksRunByWorkers();
    const n = 1 << 22;
    const x = uniform(n, -20, 20, 21);
    const m = pool.allocate(n);
    for (let i = 0; i < 5; i++) {
      m.array.set(x);
      await pool.sigmoid(m.array, m.array);
    }
    expectSame('sigmoid in place', [m.array], [S.sigmoid(x)]);
    expect(internal.chunksRunByWorkers() - before).toBeGreaterThan(0);
    m.free();
  });

  test('in place on one array from allocate (out = x)', async () => {
    const n = PARALLEL_MIN * 2 + 5;
    const x = uniform(n, -20, 20, 3);
    const m = pool.allocate(n);
    m.array.set(x);
    const r = await pool.swish(m.array, m.array, 1.5);
    expect(r).toBe(m.array);
    expectSame('swish in place', [m.array], [S.swish(x, undefined, 1.5)]);
    m.free();
  });

  test('silu and siluBackward, the package\'s aliases, are there too', async () => {
    const x = uniform(PARALLEL_MIN + 7, -20, 20, 13);
    const dy = uniform(PARALLEL_MIN + 7, -1, 1, 14);
    expectSame('silu', [await pool.silu(x)], [S.silu(x)]);
    expectSame('siluBackward', [await pool.siluBackward(x, dy)], [S.siluBackward(x, dy)]);
  });

  test('bias rows wider than a scratch region (plain arrays run on the calling thread)', async () => {
    const wide = 70_000;
    const x = uniform(wide * 2, -20, 20, 11);
    const bias = uniform(wide, -1, 1, 12);
    expectSame('biasSwish', [await pool.biasSwish(x, bias)], [S.biasSwish(x, bias)]);
    const mx = pool.allocate(x.length);
    mx.array.set(x);
    const mb = pool.allocate(wide);
    mb.array.set(bias);
    expectSame('biasSwish in memory', [await pool.biasSwish(mx.array, mb.array)], [S.biasSwish(x, bias)]);
  });

  test('concurrent calls queue without mixing results', async () => {
    const n = PARALLEL_MIN + 100;
    const xs = [1, 2, 3, 4, 5].map((s) => uniform(n, -20, 20, s));
    const small = uniform(300, -5, 5, 9);
    const results = await Promise.all([
      ...xs.map((x, i) => (i % 2 ? pool.sigmoid(x) : pool.swish(x))),
      pool.tanh(small),
    ]);
    xs.forEach((x, i) => expectSame(`call ${i}`, [results[i] as Float32Array], [i % 2 ? S.sigmoid(x) : S.swish(x)]));
    expectSame('small call', [results[5] as Float32Array], [S.tanh(small)]);
  });
});
