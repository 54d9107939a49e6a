// A call that repeats a public function's previous zero-copy call (the same arrays from
// `allocate` and the same parameters) skips the checks and goes straight to the export
// (src/wrappers.ts, LastCall). These tests hold that it is the same call: every kernel gives
// the same bits repeated as called once on fresh copies, on new input values, and the cases
// where repeating would be wrong are noticed: memory growth (old views detached), another
// backend, other parameters, an invalid parameter.
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { fusedKernels, kernels } from '../src/registry.js';
import { api, uniform } from './helpers.js';

const allKernels = { ...kernels, ...fusedKernels } as Record<string, { shape: string; params: readonly unknown[] }>;
const N = 256;
const C = 32;

const live: S.WasmFloat32Array[] = [];
afterEach(() => {
  for (const a of live.splice(0)) a.free();
});

/** Argument lengths of kernel k in call order (inputs, then outputs), and how many are inputs. */
function shapeOf(k: string): { lengths: number[]; inputs: number } {
  switch (allKernels[k].shape) {
    case 'map': return { lengths: [N, N], inputs: 1 };
    case 'grad': case 'binary': return { lengths: [N, N, N], inputs: 2 };
    case 'sum': return { lengths: [N, N], inputs: 2 };
    case 'gateGrad': return { lengths: [N, N, N, N, N], inputs: 3 };
    case 'bias': return { lengths: [N, C, N], inputs: 2 };
    case 'biasGrad': return { lengths: [N, C, N, N, C], inputs: 3 };
    default: throw new Error(k);
  }
}

/** Inputs in range for every kernel: (0, 1) suits kept outputs y of σ, tanh, elu... as well. */
const inputs = (k: string, seed: number) =>
  shapeOf(k).lengths.slice(0, shapeOf(k).inputs).map((n, i) => uniform(n, i === 0 ? 0.01 : -2, i === 0 ? 0.99 : 2, seed + i));

/** The call on fresh ordinary arrays: its results as bits (a sum as its number). */
function fresh(k: string, ins: Float32Array[], params: number[] = []): unknown[] {
  const { lengths, inputs: m } = shapeOf(k);
  const outs = lengths.slice(m).map((n) => new Float32Array(n));
  const r = api(k)(...ins.map((v) => v.slice()), ...outs, ...params);
  return typeof r === 'number' ? [r] : outs.map((o) => Array.from(new Uint32Array(o.buffer)));
}

/** Zero-copy arrays for kernel k; returns the call on them, whose results are read as fresh's. */
function zeroCopy(k: string) {
  const { lengths, inputs: m } = shapeOf(k);
  const owned = lengths.map((n) => S.allocate(n));
  live.push(...owned);
  const views = () => owned.map((w) => w.array);
  return {
    views,
    call(ins: Float32Array[], params: number[] = []): unknown[] {
      const v = views();
      ins.forEach((x, i) => v[i].set(x));
      const r = api(k)(...v, ...params);
      return typeof r === 'number' ? [r] : v.slice(m).map((o) => Array.from(new Uint32Array(o.slice().buffer)));
    },
  };
}

beforeAll(async () => {
  await S.init();
});

describe.each(['simd', 'wasm'] as const)('%s backend', (backend) => {
  test.each(Object.keys(allKernels))('%s repeated on the same arrays computes each call anew, as a fresh call does', (k) => {
    S.setBackend(backend);
    const z = zeroCopy(k);
    for (let seed = 1; seed <= 3; seed++) {
      const ins = inputs(k, seed);
      expect(z.call(ins), `call ${seed}`).toEqual(fresh(k, ins));
    }
  });

  test('after memory growth the old views are refused (detached), the new ones repeat correctly', () => {
    S.setBackend(backend);
    const z = zeroCopy('swishBackward');
    const ins = inputs('swishBackward', 7);
    z.call(ins);
    const [x, dy, out] = z.views();
    S.swishBackward(x, dy, out); // now the call to repeat
    const big = S.allocate(S.memoryBytes() / 4 + 65536); // more than all of memory: it grows
    live.push(big);
    expect(x.length).toBe(0);
    expect(() => S.swishBackward(x, dy, out)).toThrow(/x is a view of a detached ArrayBuffer/);
    expect(z.call(ins)).toEqual(fresh('swishBackward', ins));
    expect(z.call(ins)).toEqual(fresh('swishBackward', ins));
  });

  test('another backend, other parameters, an invalid parameter: each noticed on repeating', () => {
    S.setBackend(backend);
    const z = zeroCopy('swish');
    const ins = inputs('swish', 11);
    expect(z.call(ins, [1.5])).toEqual(fresh('swish', ins, [1.5]));
    expect(z.call(ins, [1.5])).toEqual(fresh('swish', ins, [1.5]));
    expect(z.call(ins, [0.5])).toEqual(fresh('swish', ins, [0.5]));
    expect(z.call(ins)).toEqual(fresh('swish', ins));
    const [x, out] = z.views();
    const before = out.slice();
    expect(() => S.swish(x, out, Number.NaN)).toThrow(RangeError);
    expect(() => S.swish(x, out, Number.NaN)).toThrow(RangeError);
    expect(out).toEqual(before);
    for (const other of ['js', backend === 'simd' ? 'wasm' : 'simd', backend] as const) {
      S.setBackend(other);
      expect(z.call(ins), other).toEqual(fresh('swish', ins));
    }
  });
});
