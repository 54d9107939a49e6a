// Bounded resources of the WebAssembly backends ('simd' and 'wasm'):
//   - a million calls of random sizes on ordinary arrays (the streamed copy path), mixing every
//     kernel of the registry, leave memoryBytes() exactly unchanged (sampled results are checked
//     against the float64 reference, so the calls did real work);
//   - allocate/free in random order with random sizes never hands out overlapping blocks (nor
//     loses a block's contents), and once everything is freed one allocation of the whole free
//     region succeeds without growing memory;
//   - exhausting memory (allocate(2**30), and 1 GiB blocks, until it throws) throws RangeError,
//     not a WebAssembly trap; afterwards the blocks can be freed and kernels still give correct
//     results, on ordinary arrays and on allocated ones.
// Everything random is seeded (rng from helpers.ts), so every failure reproduces.
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { kernels as registryKernels, kernelNames, type Kernel, type KernelName } from '../src/registry.js';
import { callKernel, inputFor, rng, sumReference, uniform, withinBound } from './helpers.js';

const kernels: Record<string, Kernel> = registryKernels;
const WASM_BACKENDS = ['simd', 'wasm'] as const;
const defaults = (k: KernelName) => kernels[k].params.map((p) => Math.fround(p.default));

/** Describes the first element of kernel k's result outside its bound, or '' if none. */
function firstMiss(k: KernelName, backend: S.Backend, a: Float32Array, dy: Float32Array, got: Float32Array | number): string {
  const kr = kernels[k];
  const p = defaults(k);
  if (kr.shape === 'sum') {
    const { ref, mag } = sumReference(k, a, dy, p);
    const ok = Math.abs((got as number) - ref) <= (kr.bound.relSum ?? 0) * mag + 1e-300;
    return ok ? '' : `${k} over ${a.length} elements = ${got}, reference ${ref}`;
  }
  const o = got as Float32Array;
  if (o.length !== a.length) return `${k}: ${o.length} results for ${a.length} inputs`;
  for (let i = 0; i < a.length; i++) {
    const ref = kr.shape === 'map' ? kr.reference(a[i], p) : kr.reference(a[i], dy[i], p);
    if (!withinBound(k, backend, o[i], ref, dy[i])) return `${k}(${a[i]}, dy = ${dy[i]}) = ${o[i]}, reference ${ref}`;
  }
  return '';
}

beforeAll(async () => {
  await S.init();
});

describe.each(WASM_BACKENDS)('%s backend', (backend) => {
  beforeEach(() => S.setBackend(backend));

  test('a million calls of random sizes on ordinary arrays leave memoryBytes() unchanged', () => {
    const CALLS = 1_000_000;
    const MAX = 5000;
    // Inputs per kernel (kept outputs for kernels that read y), and dy, in [−20, 20] / [−2, 2];
    // a view of every length of each, made once, so the loop measures the calls, not allocation.
    const ks = kernelNames;
    const lens = Array.from({ length: MAX + 1 }, (_, n) => n);
    const inputs = ks.map((k, j) => {
      const a = inputFor(k, uniform(MAX, -20, 20, 100 + j));
      return lens.map((n) => a.subarray(0, n));
    });
    const dyBase = uniform(MAX, -2, 2, 99);
    const dys = lens.map((n) => dyBase.subarray(0, n));
    const outBase = new Float32Array(MAX + 7);
    const outs = lens.map((n) => outBase.subarray(7, 7 + n)); // at an offset, as a view
    const r = rng(2024);
    const before = S.memoryBytes();
    let checked = 0;
    for (let c = 0; c < CALLS; c++) {
      // Mostly 0..64 elements, one call in 64 up to 5000.
      const n = r() < 1 / 64 ? Math.floor(r() * (MAX + 1)) : Math.floor(r() * 65);
      const j = Math.floor(r() * ks.length);
      const k = ks[j];
      // One call in 8 lets the API make a new output array.
      const out = r() < 1 / 8 ? undefined : outs[n];
      const got = callKernel(k, inputs[j][n], dys[n], out);
      if (c % 1000 === 0) {
        expect(S.memoryBytes(), `after ${c + 1} calls`).toBe(before);
        const miss = firstMiss(k, backend, inputs[j][n], dys[n], got);
        expect(miss, `call ${c}`).toBe('');
        checked++;
      }
    }
    expect(S.memoryBytes()).toBe(before);
    expect(checked).toBe(CALLS / 1000);
  });

  test('allocate/free in random order never hands out overlapping blocks; freed, the whole region fits again without growth', () => {
    const r = rng(backend === 'simd' ? 7 : 8);
    interface Live { a: S.WasmFloat32Array; tag: number; start: number; end: number }
    const live: Live[] = [];
    const span = (a: S.WasmFloat32Array) => {
      const start = a.array.byteOffset;
      return { start, end: start + Math.max(a.length, 1) * 4 };
    };
    // The first block of an empty heap starts where the allocator's region begins.
    const probe = S.allocate(1);
    let base = probe.array.byteOffset;
    probe.free();
    let tag = 1;
    let grew = 0;
    for (let step = 0; step < 3000; step++) {
      if (live.length === 0 || r() < 0.55) {
        // Mostly small, sometimes up to 256 Ki elements (1 MiB), so memory grows now and then.
        const u = r();
        const n = u < 0.1 ? 0 : u < 0.9 ? Math.floor(r() * 1000) : Math.floor(r() * 262144);
        const bytes = S.memoryBytes();
        const a = S.allocate(n);
        if (S.memoryBytes() !== bytes) grew++;
        expect(a.length).toBe(n);
        const { start, end } = span(a);
        expect(start % 16, 'blocks are 16-byte aligned').toBe(0);
        expect(end).toBeLessThanOrEqual(S.memoryBytes());
        base = Math.min(base, start);
        for (const b of live) {
          if (start < b.end && b.start < end) {
            throw new Error(`step ${step}: block [${start}, ${end}) of ${n} floats overlaps live block [${b.start}, ${b.end})`);
          }
        }
        // Each block holds its own tag, so an overlap would also show as lost contents.
        a.array.fill(tag);
        live.push({ a, tag: tag++, start, end });
      } else {
        const [b] = live.splice(Math.floor(r() * live.length), 1);
        const arr = b.a.array;
        expect(arr.byteOffset, 'a block does not move').toBe(b.start);
        expect(arr.every((v) => v === b.tag), `block ${b.tag} kept its contents`).toBe(true);
        b.a.free();
      }
    }
    expect(grew, 'the sizes made memory grow').toBeGreaterThan(0);
    for (const b of live.splice(0)) {
      expect(b.a.array.every((v) => v === b.tag), `block ${b.tag} kept its contents`).toBe(true);
      b.a.free();
    }
    // Everything is free: the whole region from its start to the end of memory is one block.
    const size = S.memoryBytes();
    const whole = (size - base) / 4;
    expect(Number.isInteger(whole)).toBe(true);
    const all = S.allocate(whole);
    expect(S.memoryBytes(), 'no growth for the whole free region').toBe(size);
    expect(all.array.byteOffset).toBe(base);
    expect(all.array.length).toBe(whole);
    all.free();
    // And it can be handed out again in pieces, from the same start.
    const again = S.allocate(1000);
    expect(again.array.byteOffset).toBe(base);
    again.free();
    expect(S.memoryBytes()).toBe(size);
  });

  test('exhausting memory throws RangeError, not a trap; afterwards freeing works and kernels are correct', () => {
    const blocks: S.WasmFloat32Array[] = [];
    /** Allocates n floats until it throws; returns what was thrown. */
    const exhaust = (n: number): unknown => {
      for (let i = 0; i < 64; i++) {
        try {
          blocks.push(S.allocate(n));
        } catch (e) {
          return e;
        }
      }
      return new Error(`allocate(${n}) never threw`);
    };
    try {
      // 2^30 floats is 4 GiB, all a 32-bit memory can hold: the first call already cannot fit.
      const big = exhaust(2 ** 30);
      expect(big).toBeInstanceOf(RangeError);
      expect(big).not.toBeInstanceOf(WebAssembly.RuntimeError);
      // 1 GiB blocks really fill the memory: a few fit, then it throws.
      const before = blocks.length;
      const gib = exhaust(2 ** 28);
      expect(gib).toBeInstanceOf(RangeError);
      expect(gib).not.toBeInstanceOf(WebAssembly.RuntimeError);
      expect(blocks.length - before, '1 GiB blocks that fit').toBeGreaterThanOrEqual(2);
      expect(S.memoryBytes()).toBeGreaterThanOrEqual(blocks.length * 2 ** 30);
      // The failed attempts left the allocator usable: a small block still fits in what is left.
      const small = S.allocate(1000);
      blocks.push(small);
      expect(small.array.byteOffset % 16).toBe(0);
    } finally {
      for (const b of blocks.splice(0)) b.free();
    }
    // Kernels still work, streamed and zero-copy, with correct results.
    const x = uniform(50_000, -20, 20, 5);
    const dy = uniform(50_000, -2, 2, 6);
    for (const k of kernelNames) {
      const a = inputFor(k, x);
      expect(firstMiss(k, backend, a, dy, callKernel(k, a, dy, undefined)), `${k} streamed`).toBe('');
      const ma = S.allocate(a.length);
      const md = S.allocate(a.length);
      const mo = S.allocate(a.length);
      try {
        ma.array.set(a);
        md.array.set(dy);
        const got = callKernel(k, ma.array, md.array, mo.array);
        expect(firstMiss(k, backend, a, dy, typeof got === 'number' ? got : mo.array.slice()), `${k} zero-copy`).toBe('');
      } finally {
        ma.free();
        md.free();
        mo.free();
      }
    }
  });
});
