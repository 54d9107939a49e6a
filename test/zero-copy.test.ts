// The zero-copy path of the WebAssembly backends: arrays from `allocate` live in the module's
// memory and are passed by pointer; every other array is streamed through fixed scratch, so
// memory grows only with `allocate`. Expected values come from the registry's float64
// references; the streamed (all-ordinary) path is itself checked against them.
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { CHUNK } from '../src/backends/wasm.js';
import { kernels, kernelNames, type KernelName } from '../src/registry.js';
import { BACKENDS, WASM_BACKENDS, callKernel, rng, sumReference, uniform, withinBound } from './helpers.js';

type Arg = 'in' | 'dy' | 'out';
/** The array arguments of kernel k, in call order. */
function arrayArgs(k: KernelName): Arg[] {
  const shape = kernels[k].shape;
  return shape === 'map' ? ['in', 'out'] : shape === 'grad' ? ['in', 'dy', 'out'] : ['in', 'dy'];
}
const readsY = (k: KernelName) => kernels[k].shape !== 'map' && (kernels[k] as { reads?: string }).reads === 'y';

function input(k: KernelName, n: number, seed: number): Float32Array {
  return readsY(k) ? uniform(n, 0, 1, seed) : uniform(n, -20, 20, seed);
}

const defaults = (k: KernelName) => kernels[k].params.map((p) => Math.fround(p.default));

/** Number of elements of got that miss kernel k's bound against the float64 reference. */
function expectWithin(k: KernelName, backend: S.Backend, a: Float32Array, dy: Float32Array | undefined, got: Float32Array | number, idx?: Iterable<number>) {
  const kr = kernels[k];
  const p = defaults(k);
  if (kr.shape === 'sum') {
    const { ref, mag } = sumReference(k, a, dy!, p);
    expect(Math.abs((got as number) - ref), `${k}: got ${got}, reference ${ref}`)
      .toBeLessThanOrEqual((kr.bound.relSum ?? 0) * mag + 1e-300);
    return;
  }
  const o = got as Float32Array;
  expect(o.length).toBe(a.length);
  let bad = 0;
  let first = '';
  for (const i of idx ?? o.keys()) {
    const ref = kr.shape === 'map' ? kr.reference(a[i], p) : kr.reference(a[i], dy![i], p);
    if (!withinBound(k, backend, o[i], ref, dy ? dy[i] : 1)) {
      if (!bad++) first = `${k}[${i}](${a[i]}${dy ? `, dy=${dy[i]}` : ''}) = ${o[i]}, reference ${ref}`;
    }
  }
  expect(bad, first).toBe(0);
}

/** Expects got and want to hold the same bits (−0 ≠ 0, NaN payloads compared); fast on long arrays. */
function expectSameBits(got: Float32Array, want: Float32Array, what = ''): void {
  expect(got.length, what).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  let i = 0;
  while (i < g.length && g[i] === w[i]) i++;
  expect(i === g.length, `${what} first difference at [${i}]: ${got[i]} vs ${want[i]}`).toBe(true);
}

/** Every allocation a test makes, freed after it so later tests start from an empty heap. */
const live = new Set<S.WasmFloat32Array>();
function alloc(n: number): S.WasmFloat32Array {
  const a = S.allocate(n);
  live.add(a);
  return a;
}
function release(a: S.WasmFloat32Array): void {
  live.delete(a);
  a.free();
}
/** An array in WebAssembly memory holding a copy of src. */
function inMemory(src: Float32Array): S.WasmFloat32Array {
  const a = alloc(src.length);
  a.array.set(src);
  return a;
}

beforeAll(async () => {
  await S.init();
});

afterEach(() => {
  for (const a of live) a.free();
  live.clear();
});

describe.each(WASM_BACKENDS)('%s backend', (backend) => {
  beforeEach(() => S.setBackend(backend));

  test('allocate(n).array is a Float32Array of length n over WebAssembly memory, 16-byte aligned, disjoint', () => {
    const blocks = [0, 1, 3, 4, 5, 1000, CHUNK + 1].map((n) => {
      const a = alloc(n);
      expect(a.length).toBe(n);
      expect(a.array).toBeInstanceOf(Float32Array);
      expect(a.array.length).toBe(n);
      expect(a.array.byteOffset % 16).toBe(0);
      return a;
    });
    // (Zero-length blocks are left out here: see the test after this one.)
    const buf = blocks[1].array.buffer;
    for (const a of blocks) if (a.length > 0) expect(a.array.buffer === buf).toBe(true);
    // WebAssembly memory: its size is memoryBytes(), a whole number of 64 KiB pages (that it is
    // detached by memory.grow is checked in the growth test below).
    expect(buf).toBeInstanceOf(ArrayBuffer);
    expect(buf.byteLength).toBe(S.memoryBytes());
    expect(buf.byteLength % 65536).toBe(0);
    // No two blocks overlap.
    const ranges = blocks.map((a) => [a.array.byteOffset, a.array.byteOffset + Math.max(a.length, 1) * 4]).sort((p, q) => p[0] - q[0]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThanOrEqual(ranges[i - 1][1]);
  });

  test('a zero-length allocation\'s .array is a current view after memory growth, and kernels accept it', () => {
    const empty = alloc(0);
    const before = S.memoryBytes();
    const big = alloc(before / 4 + 16384); // larger than all of memory: it must grow
    expect(S.memoryBytes()).toBeGreaterThan(before);
    const view = empty.array;
    // Not a view of the buffer that memory.grow detached (which would read as byteLength 0).
    expect(view.buffer.byteLength, 'empty.array.buffer is detached').toBe(S.memoryBytes());
    expect(view.buffer === big.array.buffer).toBe(true);
    // So it can be passed like any other array from allocate.
    let err: unknown;
    try {
      expect(S.sigmoid(view, view).length).toBe(0);
      expect(S.swishBetaGrad(view, view)).toBe(0);
    } catch (e) {
      err = e;
    }
    expect(String(err ?? 'no error')).toBe('no error');
  });

  test.each(kernelNames)('%s: all arrays in memory run in place of the copy path, write into out and return it', (k) => {
    for (const n of [1, 7, 1029, 3 * CHUNK + 5]) {
      const src = input(k, n, n);
      const dsrc = uniform(n, -2, 2, n + 1);
      const a = inMemory(src);
      const d = inMemory(dsrc);
      const o = alloc(n);
      o.array.fill(123);
      const got = callKernel(k, a.array, d.array, o.array);
      if (kernels[k].shape === 'sum') expectWithin(k, backend, src, dsrc, got);
      else {
        expect(got).toBe(o.array);
        expectWithin(k, backend, src, dsrc, o.array);
        // In place over the input, in memory.
        expect(callKernel(k, a.array, d.array, a.array)).toBe(a.array);
        expectSameBits(a.array, o.array);
      }
      expectSameBits(d.array, dsrc);
      release(a);
      release(d);
      release(o);
    }
  });

  test('swish(a.array, out.array) writes into out.array and returns it', () => {
    const x = uniform(1000, -20, 20, 3);
    const a = inMemory(x);
    const out = alloc(1000);
    const ret = S.swish(a.array, out.array);
    expect(ret).toBe(out.array);
    expect(ret.buffer).toBe(a.array.buffer);
    expectWithin('swish', backend, x, undefined, out.array);
    expectSameBits(a.array, x);
  });

  test('subarrays of allocated arrays at unaligned offsets are correct (zero-copy, any alignment)', () => {
    for (const k of kernelNames) {
      const n = 1029;
      const src = input(k, n + 8, 11);
      const dsrc = uniform(n + 8, -2, 2, 12);
      const a = inMemory(src);
      const d = inMemory(dsrc);
      const o = alloc(n + 8);
      o.array.fill(123);
      for (const [ia, id, io] of [[1, 2, 3], [3, 0, 1], [2, 2, 2], [0, 1, 0]]) {
        o.array.fill(123);
        const got = callKernel(k, a.array.subarray(ia, ia + n), d.array.subarray(id, id + n), o.array.subarray(io, io + n));
        expectWithin(k, backend, src.subarray(ia, ia + n), dsrc.subarray(id, id + n), got);
        if (kernels[k].shape !== 'sum') {
          expect(Array.from(o.array.subarray(0, io)).every((v) => v === 123)).toBe(true);
          expect(Array.from(o.array.subarray(io + n)).every((v) => v === 123)).toBe(true);
        }
      }
      release(a);
      release(d);
      release(o);
    }
  });

  test('out in memory partially overlapping an input in memory gives RangeError and writes nothing', () => {
    const x = uniform(40, -20, 20, 5);
    const a = inMemory(x);
    expect(() => S.sigmoid(a.array.subarray(0, 20), a.array.subarray(3, 23))).toThrow(RangeError);
    expectSameBits(a.array, x);
  });

  test('memory growth detaches old views; .array is a fresh view with the values intact', () => {
    const n = 5000;
    const x = uniform(n, -20, 20, 21);
    const a = inMemory(x);
    const old = a.array;
    S.sigmoid(old); // passed zero-copy, so the backend remembers it as an array in memory
    const before = S.memoryBytes();
    // 64 MiB, and more than the whole memory now, so memory must grow.
    const bigBytes = Math.max(64 * 1024 * 1024, before + 65536);
    const big = alloc(bigBytes / 4);
    expect(S.memoryBytes()).toBeGreaterThan(before);
    expect(S.memoryBytes()).toBeGreaterThanOrEqual(bigBytes);
    expect(old.length).toBe(0); // detached by memory.grow
    expect(old.byteLength).toBe(0);
    expect(() => S.sigmoid(old, new Float32Array(0))).toThrow(/x is a view of a detached ArrayBuffer/);
    const now = a.array;
    expect(now === old).toBe(false);
    expect(now.length).toBe(n);
    expect(now.buffer.byteLength).toBe(S.memoryBytes());
    expectSameBits(now, x);
    expect(a.array).toBe(now); // stable until the next growth
    // Kernels on the fresh view, zero-copy and in place.
    const out = alloc(n);
    expect(S.sigmoid(a.array, out.array)).toBe(out.array);
    expectWithin('sigmoid', backend, x, undefined, out.array);
    expect(S.swish(a.array, a.array)).toBe(a.array);
    expectWithin('swish', backend, x, undefined, a.array);
    // The copy path still works after growth (its view of memory is re-made).
    expectWithin('sigmoid', backend, x, undefined, S.sigmoid(x));
    // And the big block is usable end to end.
    const b = big.array;
    b.fill(2);
    b[b.length - 1] = -3;
    S.sigmoid(b, b);
    expect(withinBound('sigmoid', backend, b[0], 1 / (1 + Math.exp(-2)))).toBe(true);
    expect(b[b.length - 2]).toBe(b[0]);
    expect(withinBound('sigmoid', backend, b[b.length - 1], 1 / (1 + Math.exp(3)))).toBe(true);
  });

  test('the copy path never grows memory: 2000 calls of random sizes up to 70000 and 1M-element calls', () => {
    const r = rng(2024);
    const pool = uniform(1 << 20, -20, 20, 77);
    const ypool = uniform(1 << 20, 0, 1, 78);
    const dpool = uniform(1 << 20, -2, 2, 79);
    const outPool = new Float32Array(1 << 20);
    S.sigmoid(pool.subarray(0, 100)); // any first-use set-up happens before the baseline
    const before = S.memoryBytes();
    for (let c = 0; c < 2000; c++) {
      const k = kernelNames[c % kernelNames.length];
      const n = Math.floor(r() * 70001);
      const off = Math.floor(r() * ((1 << 20) - n));
      const a = (readsY(k) ? ypool : pool).subarray(off, off + n);
      const d = dpool.subarray((off * 7) % ((1 << 20) - n), ((off * 7) % ((1 << 20) - n)) + n);
      const useOut = r() < 0.5;
      const got = callKernel(k, a, d, useOut ? outPool.subarray(0, n) : undefined);
      if (c % 97 === 0) expectWithin(k, backend, a, d, got);
      expect(S.memoryBytes()).toBe(before);
    }
    for (const k of kernelNames) {
      const a = readsY(k) ? ypool : pool;
      const got = callKernel(k, a, dpool, kernels[k].shape === 'sum' ? undefined : outPool);
      expectWithin(k, backend, a, dpool, got, kernels[k].shape === 'sum' ? undefined : strided(a.length, 997));
      expect(S.memoryBytes()).toBe(before);
    }
  });

  test('allocate/free in random order, then free all: one block as large as the whole user region fits without growth', () => {
    const r = rng(99);
    const held: { a: S.WasmFloat32Array; tag: number }[] = [];
    let tag = 1;
    const check = (h: { a: S.WasmFloat32Array; tag: number }) => {
      const arr = h.a.array;
      // First, last and a middle element carry the block's tag: a block handed out twice, or
      // overlapping another, would have been overwritten.
      if (arr.length === 0) return;
      expect(arr[0]).toBe(h.tag);
      expect(arr[arr.length - 1]).toBe(h.tag);
      expect(arr[arr.length >> 1]).toBe(h.tag);
    };
    for (let op = 0; op < 500; op++) {
      if (held.length > 0 && r() < 0.45) {
        const i = Math.floor(r() * held.length);
        const [h] = held.splice(i, 1);
        check(h);
        release(h.a);
      } else {
        const n = r() < 0.1 ? Math.floor(r() * 300000) : Math.floor(r() * 5000);
        const a = alloc(n);
        a.array.fill(tag);
        held.push({ a, tag: tag++ });
      }
    }
    for (const h of held) check(h);
    // Free everything in random order.
    while (held.length) {
      const [h] = held.splice(Math.floor(r() * held.length), 1);
      check(h);
      release(h.a);
    }
    const size = S.memoryBytes();
    // The lowest free address is the start of the user region (first fit).
    const probe = alloc(1);
    const base = probe.array.byteOffset;
    release(probe);
    const whole = alloc((size - base) / 4);
    expect(whole.array.byteOffset).toBe(base);
    expect(S.memoryBytes()).toBe(size);
    release(whole);
    // And again, after freeing it: nothing leaked.
    const again = alloc((size - base) / 4);
    expect(S.memoryBytes()).toBe(size);
    release(again);
  });

  describe.each([CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5])('length %i: arrays in memory mixed with ordinary ones', (n) => {
    test.each(kernelNames)('%s gives the same results as the all-ordinary path', (k) => {
      const args = arrayArgs(k);
      const src = input(k, n, n + 5);
      const dsrc = uniform(n, -2, 2, n + 6);
      const ordinary = callKernel(k, src.slice(), dsrc.slice(), kernels[k].shape === 'sum' ? undefined : new Float32Array(n));
      expectWithin(k, backend, src, dsrc, ordinary);
      // Every assignment of the array arguments to memory (1) or ordinary (0).
      for (let mask = 1; mask < 1 << args.length; mask++) {
        const here = (arg: Arg) => (mask >> args.indexOf(arg)) & 1;
        const holders: S.WasmFloat32Array[] = [];
        const place = (arg: Arg, v: Float32Array) => {
          if (!here(arg)) return v.slice();
          const h = inMemory(v);
          holders.push(h);
          return h.array;
        };
        const a = place('in', src);
        const d = args.includes('dy') ? place('dy', dsrc) : undefined;
        const o = args.includes('out') ? place('out', new Float32Array(n).fill(123)) : undefined;
        const got = callKernel(k, a, d, o);
        const what = args.map((x) => `${x}:${here(x) ? 'memory' : 'ordinary'}`).join(' ');
        if (kernels[k].shape === 'sum') expectWithin(k, backend, src, dsrc, got);
        else {
          expect(got, what).toBe(o);
          expectSameBits(got as Float32Array, ordinary as Float32Array, what);
        }
        expectSameBits(a, src, what);
        if (d) expectSameBits(d, dsrc, what);
        for (const h of holders) release(h);
      }
    });
  });

  test('a view of WebAssembly memory below the allocator\'s user region is refused with RangeError; nothing is written', () => {
    const a = alloc(16);
    const mem = a.array.buffer;
    const low = new Float32Array(mem, 0, 16);
    const lowCopy = low.slice();
    const x = uniform(16, -5, 5, 1);
    const dy = uniform(16, -2, 2, 2);
    for (const f of [
      () => S.sigmoid(x, low),
      () => S.sigmoid(low, new Float32Array(16)),
      () => S.swishBackward(x, dy, low),
      () => S.swishBackward(x, low, new Float32Array(16)),
      () => S.swishBetaGrad(low, dy),
    ]) {
      expect(f).toThrow(RangeError);
      expectSameBits(new Float32Array(mem, 0, 16), lowCopy);
    }
    // A view straddling the start of the user region.
    release(a);
    const first = alloc(16);
    const base = first.array.byteOffset;
    const straddle = new Float32Array(first.array.buffer, base - 16, 16);
    const copy = straddle.slice();
    expect(() => S.sigmoid(x, straddle)).toThrow(RangeError);
    expectSameBits(new Float32Array(first.array.buffer, base - 16, 16), copy);
    // Still correct afterwards.
    expectWithin('sigmoid', backend, x, undefined, S.sigmoid(x));
  });

  test('arrays allocated on this backend work (copied) on the other backends', () => {
    const x = uniform(CHUNK + 3, -20, 20, 8);
    const a = inMemory(x);
    for (const other of BACKENDS) {
      S.setBackend(other);
      expectWithin('swish', other, x, undefined, S.swish(a.array));
      const out = new Float32Array(x.length);
      expect(S.sigmoid(a.array, out)).toBe(out);
      expectWithin('sigmoid', other, x, undefined, out);
    }
    S.setBackend(backend);
  });
});

test('on the js backend allocate gives an ordinary Float32Array and memoryBytes() is 0', () => {
  S.setBackend('js');
  const a = S.allocate(10);
  expect(a.array.length).toBe(10);
  expect(S.memoryBytes()).toBe(0);
  expect(S.sigmoid(a.array, a.array)).toBe(a.array);
  expect(Array.from(a.array)).toEqual(new Array(10).fill(0.5));
  a.free();
});

function* strided(n: number, step: number): Generator<number> {
  for (let i = 0; i < n; i += step) yield i;
  yield n - 1;
}

test('100M-element ordinary Float32Array through sigmoid on simd: no memory growth, strided sample correct', () => {
  S.setBackend('simd');
  const n = 100_000_000;
  const x = new Float32Array(n);
  x.set(uniform(65536, -30, 30, 123));
  x[1] = Infinity;
  x[2] = -Infinity;
  x[3] = 0;
  for (let filled = 65536; filled < n; filled *= 2) x.copyWithin(filled, 0, Math.min(filled, n - filled));
  expect(x[n - 1]).toBe(x[(n - 1) % 65536]);
  const before = S.memoryBytes();
  const y = S.sigmoid(x);
  expect(S.memoryBytes()).toBe(before);
  expect(y.length).toBe(n);
  let bad = 0;
  let first = '';
  for (const i of strided(n, 9973)) {
    if (!withinBound('sigmoid', 'simd', y[i], kernels.sigmoid.reference(x[i]))) {
      if (!bad++) first = `sigmoid[${i}](${x[i]}) = ${y[i]}`;
    }
  }
  expect(bad, first).toBe(0);
  // The special values repeat every 65536 elements, to the end.
  for (let base = 0; base + 3 < n; base += 65536 * 97) {
    expect(y[base + 1]).toBe(1);
    expect(y[base + 2]).toBe(0);
    expect(y[base + 3]).toBe(0.5);
  }
  // In place as well.
  expect(S.sigmoid(x, x)).toBe(x);
  expect(S.memoryBytes()).toBe(before);
  for (const i of strided(n, 100_003)) expect(x[i]).toBe(y[i]);
}, 60_000);
