// Shared by the test files: calling a kernel by name, error measurement against float64
// references, seeded random data (test/rng.js).
import { expect } from 'vitest';
import * as S from '../src/index.js';
import type { Backend } from '../src/index.js';
import { activations, kernels, type Activation, type KernelName } from '../src/registry.js';
import { callKernel as callWith } from './call-kernel.js';

/**
 * Every backend, best first, as availableBackends() lists them where all are available. The test
 * workers have relaxed SIMD (Node >= 21, or Node 20 with the flag vitest.config.ts passes), so a
 * run where 'relaxed' is missing fails (setBackend throws) rather than skipping it.
 */
export const BACKENDS: Backend[] = ['relaxed', 'simd', 'wasm', 'js'];
/** The WebAssembly ones. */
export const WASM_BACKENDS = ['relaxed', 'simd', 'wasm'] as const;
export { ulpError, withinBound, MIN_NORMAL, boundarySample } from '../src/accuracy.js';
export { rng, uniform } from './rng.js';

/** A public function of the package by name (kernels, fused forms, classes' helpers alike). */
export const api = (name: string) => (S as unknown as Record<string, (...args: any[]) => any>)[name];

/** Calls registry kernel k through the public API (test/call-kernel.js): k(a, out, ...p) for a
 * map, k(a, dy, out, ...p) for a grad, k(a, dy, ...p) for a sum; p omitted: the defaults. */
export const callKernel = (k: KernelName, a: Float32Array, dy: Float32Array | undefined, out?: Float32Array, p: readonly number[] = []): any =>
  callWith(S, k, a, dy, out, p);

/**
 * Counts failed element checks and keeps the first one's message, so that a test asserts once
 * (one expect per element makes a test of thousands of elements take seconds):
 * `const f = failures(); f.check(ok, () => msg) ...; f.expectNone();`
 */
export function failures(): { check(ok: boolean, msg: () => string): void; expectNone(): void } {
  let bad = 0;
  let first = '';
  return {
    check(ok, msg) {
      if (!ok && !bad++) first = msg();
    },
    expectNone() {
      expect(bad, `${bad} failed, the first: ${first}`).toBe(0);
    },
  };
}

/**
 * Asserts that got and want hold the same Float32Arrays element for element as toEqual compares
 * them (same type and length, Object.is per element: NaN equals NaN, −0 is not 0), in one
 * assertion: toEqual itself takes seconds on arrays of 10^5 elements.
 */
export function expectSameArrays(got: readonly Float32Array[], want: readonly Float32Array[], what = ''): void {
  let first = '';
  if (got.length !== want.length) first = `${got.length} arrays, expected ${want.length}`;
  for (let j = 0; j < got.length && !first; j++) {
    const [g, w] = [got[j], want[j]];
    if (!(g instanceof Float32Array) || !(w instanceof Float32Array)) first = `array ${j} is not a Float32Array`;
    else if (g.length !== w.length) first = `array ${j}: length ${g.length}, expected ${w.length}`;
    else {
      for (let i = 0; i < g.length; i++) {
        if (!Object.is(g[i], w[i])) {
          first = `array ${j}, element ${i}: ${Object.is(g[i], -0) ? '-0' : g[i]}, expected ${Object.is(w[i], -0) ? '-0' : w[i]}`;
          break;
        }
      }
    }
  }
  expect(first, what).toBe('');
}

/** The special values every backend must treat alike. */
export const SPECIALS = [
  0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, -(2 ** -126),
  3.4028234663852886e38, -3.4028234663852886e38, 1e-30, -1e-30, 88, -88, 104, -104, 109, -109, 110, -110,
];

/** The float64 sum of a sum kernel's reference terms, and the sum of their magnitudes (its bound's scale). */
export function sumReference(k: KernelName, a: ArrayLike<number>, dy: ArrayLike<number>, p: readonly number[]): { ref: number; mag: number } {
  const kr = kernels[k];
  if (kr.shape === 'map') throw new Error(`${k} is not a sum kernel`);
  let ref = 0;
  let mag = 0;
  for (let i = 0; i < a.length; i++) {
    const t = kr.reference(a[i], dy[i], p);
    ref += t;
    mag += Math.abs(t);
  }
  return { ref, mag };
}

/** The activation a kernel belongs to. */
export function activationOf(k: KernelName): Activation {
  const a = activations.find((s) => [s.forward, s.backward, s.backwardFromOutput, s.paramGrad].includes(k));
  if (!a) throw new Error(`${k} belongs to no activation`);
  return a;
}

export const defaultParams = (k: KernelName): number[] => kernels[k].params.map((p) => Math.fround(p.default));

/** Whether a kernel's first input is a kept forward output y rather than x. */
export const readsY = (k: KernelName): boolean => kernels[k].shape !== 'map' && (kernels[k] as { reads: string }).reads === 'y';

/**
 * The first input kernel k expects for forward inputs xs: xs themselves, or for a kernel that
 * reads a kept output, the forward's outputs y = f(x) rounded to f32 (default parameters).
 */
export function inputFor(k: KernelName, xs: ArrayLike<number>): Float32Array {
  if (!readsY(k)) return Float32Array.from(xs);
  const fwd = kernels[activationOf(k).forward];
  if (fwd.shape !== 'map') throw new Error('a forward kernel is a map');
  const p = defaultParams(fwd === undefined ? k : activationOf(k).forward);
  return Float32Array.from(xs, (x) => fwd.reference(x, p));
}

