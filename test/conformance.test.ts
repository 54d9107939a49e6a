// One conformance suite, run against every backend (forced with setBackend) and every kernel in
// the registry. Expected values come from the registry's float64 references, from finite
// differences of them, and from the special-value table in the README.
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { activations, kernels, kernelNames, type KernelName } from '../src/registry.js';
import { BACKENDS, SPECIALS, callKernel, inputFor, sumReference, uniform, withinBound } from './helpers.js';

const LENGTHS = [...Array.from({ length: 34 }, (_, i) => i), ...Array.from({ length: 11 }, (_, i) => 1020 + i)];

/** Parameter sets to try: the defaults (omitted), and each parameter in turn at a few other
 * values (positive ones only where the parameter must be positive). */
function paramSets(k: KernelName): (number[] | undefined)[] {
  const spec = kernels[k].params;
  const sets: (number[] | undefined)[] = [undefined];
  spec.forEach((q, j) => {
    for (const v of [0.5, 1.702, -1.25, 3]) {
      if (q.positive && v <= 0) continue;
      sets.push(spec.map((p, i) => (i === j ? v : p.default)));
    }
  });
  return sets;
}

const f32s = (p: number[] | undefined, k: KernelName) =>
  kernels[k].params.map((s, i) => Math.fround(p?.[i] ?? s.default));

/** Random inputs for kernel k: x in [−20, 20], or for a kernel that reads a kept output, f(x). */
function input(k: KernelName, n: number, seed: number): Float32Array {
  return inputFor(k, uniform(n, -20, 20, seed));
}

function expectWithin(k: KernelName, backend: S.Backend, a: Float32Array, dy: Float32Array, got: Float32Array, p: number[]) {
  const kr = kernels[k];
  let bad = 0;
  let first = '';
  for (let i = 0; i < a.length; i++) {
    const ref = kr.shape === 'map' ? kr.reference(a[i], p) : kr.reference(a[i], dy[i], p);
    if (!withinBound(k, backend, got[i], ref, dy[i])) {
      if (!bad++) first = `${k}(${a[i]}${kr.shape === 'map' ? '' : `, dy=${dy[i]}`}; p=${p}) = ${got[i]}, reference ${ref}`;
    }
  }
  expect(bad, first).toBe(0);
}

function expectSumWithin(k: KernelName, a: Float32Array, dy: Float32Array, got: number, p: number[]) {
  const kr = kernels[k];
  if (kr.shape === 'map') throw new Error('not a sum');
  const { ref, mag } = sumReference(k, a, dy!, p);
  expect(Math.abs(got - ref), `${k}: got ${got}, reference ${ref}`).toBeLessThanOrEqual((kr.bound.relSum ?? 0) * mag + 1e-300);
}

let selected: S.Backend;
beforeAll(async () => {
  selected = await S.init();
});
// Every test here must assert: one whose loop skipped every element would otherwise pass.
beforeEach(() => {
  expect.hasAssertions();
});

test('every backend is available in Node, relaxed SIMD included, and init() selects relaxed', () => {
  // Node >= 21 has relaxed SIMD; Node 20 only with the flag vitest.config.ts gives the workers.
  expect(S.relaxedSimdSupported(), `relaxed SIMD in this test worker (Node ${process.version}, execArgv ${process.execArgv.join(' ')})`).toBe(true);
  expect(S.availableBackends()).toEqual(['relaxed', 'simd', 'wasm', 'js']);
  expect(selected).toBe('relaxed');
});

describe.each(BACKENDS)('%s backend', (backend) => {
  beforeEach(() => S.setBackend(backend));

  test('backend() reports the forced backend', () => {
    expect(S.backend()).toBe(backend);
  });

  describe.each(kernelNames)('%s', (k) => {
    const kr = kernels[k];

    test.each(paramSets(k))('lengths 0..33 and 1020..1030 against the float64 reference (params %s)', (p) => {
      for (const n of LENGTHS) {
        const a = input(k, n, n + 1);
        const dy = uniform(n, -2, 2, n + 1000);
        const aCopy = a.slice();
        const dyCopy = dy.slice();
        const got = callKernel(k, a, dy, undefined, p);
        if (kr.shape === 'sum') expectSumWithin(k, a, dy, got, f32s(p, k));
        else {
          expect(got.length).toBe(n);
          expectWithin(k, backend, a, dy, got, f32s(p, k));
        }
        expect(a).toEqual(aCopy);
        expect(dy).toEqual(dyCopy);
      }
    });

    // A sum has no output array: its views are the test after this one.
    if (kr.shape !== 'sum') test('offset subarray views in and out, and in-place output', () => {
      for (const n of [1, 3, 4, 5, 7, 8, 9, 31, 1023, 1029]) {
        const base = input(k, n + 7, n);
        const a = base.subarray(3, 3 + n);
        const dyBase = uniform(n + 5, -2, 2, n + 77);
        const dy = dyBase.subarray(1, 1 + n);
        const outBase = new Float32Array(n + 10).fill(123);
        const out = outBase.subarray(5, 5 + n);
        const ret = callKernel(k, a, dy, out);
        expect(ret).toBe(out);
        expectWithin(k, backend, a, dy, out, f32s(undefined, k));
        // The elements around the view are untouched.
        expect(Array.from(outBase.subarray(0, 5))).toEqual([123, 123, 123, 123, 123]);
        expect(Array.from(outBase.subarray(5 + n))).toEqual([123, 123, 123, 123, 123]);
        // In place over the first input gives the same values.
        const inPlace = a.slice();
        expect(callKernel(k, inPlace, dy, inPlace)).toBe(inPlace);
        expect(inPlace).toEqual(out);
        // And in place over dy.
        if (kr.shape === 'grad') {
          const dyInPlace = dy.slice();
          callKernel(k, a, dyInPlace, dyInPlace);
          expect(dyInPlace).toEqual(out);
        }
      }
    });

    if (kr.shape === 'sum') test('sums over subarray views equal sums over copies', () => {
      const base = input(k, 1100, 5);
      const dyBase = uniform(1100, -2, 2, 6);
      const a = base.subarray(13, 13 + 1030);
      const dy = dyBase.subarray(2, 2 + 1030);
      expect(callKernel(k, a, dy, undefined)).toBe(callKernel(k, a.slice(), dy.slice(), undefined));
    });

    // A sum's special values are in the table test below.
    if (kr.shape !== 'sum') test('special and extreme values against the reference', () => {
      const a = inputFor(k, SPECIALS);
      const inputs = Array.from(a);
      const got = callKernel(k, a, new Float32Array(a.length).fill(1), undefined);
      for (let i = 0; i < a.length; i++) {
        if (!Number.isFinite(inputs[i])) continue; // ±∞, NaN: exact table below
        const ref = kr.shape === 'map' ? kr.reference(inputs[i], f32s(undefined, k)) : kr.reference(inputs[i], 1, f32s(undefined, k));
        expect(withinBound(k, backend, got[i], ref), `${k}(${inputs[i]}) = ${got[i]}, reference ${ref}`).toBe(true);
      }
    });
  });

  // The values the README promises, exactly (Object.is: −0 is not 0), from each entry's `exact`.
  const EXACT = kernelNames.flatMap((k) => (kernels[k].exact ?? []).map(([x, want]) => [k, x, want] as const));
  test('every activation promises exact special values', () => {
    for (const a of activations) expect(kernels[a.forward].exact?.length, a.name).toBeGreaterThan(0);
  });
  test.each(EXACT)('%s(%s) is exactly %s (dy = 1)', (k, x, want) => {
    const got = callKernel(k, new Float32Array([x]), new Float32Array([1]), undefined)[0];
    expect(Object.is(got, want), `got ${got}`).toBe(true);
  });

  test('swishBetaGrad: infinite x contributes 0; NaN propagates; empty sums to 0', () => {
    const x = new Float32Array([Infinity, -Infinity, 1.5]);
    const dy = new Float32Array([1, 1, 2]);
    const only = S.swishBetaGrad(new Float32Array([1.5]), new Float32Array([2]));
    expect(S.swishBetaGrad(x, dy)).toBe(only);
    expect(S.swishBetaGrad(new Float32Array([NaN, 1]), new Float32Array([1, 1]))).toBeNaN();
    expect(S.swishBetaGrad(new Float32Array(0), new Float32Array(0))).toBe(0);
  });

  test('silu and siluBackward are swish and swishBackward with β = 1', () => {
    const x = uniform(1030, -20, 20, 9);
    const dy = uniform(1030, -2, 2, 10);
    expect(S.silu(x)).toEqual(S.swish(x, undefined, 1));
    expect(S.siluBackward(x, dy)).toEqual(S.swishBackward(x, dy, undefined, 1));
  });

  // Finite differences of the float64 forward reference, at points and steps chosen so that
  // x ± h and β·(x ± h) are exact in f32 (x on a 2^-8 grid, h = 2^-14, β a power of two): the
  // reference's fl(βx) is then the exact product and the difference quotient is smooth. The
  // truncation error h²/6·|f'''| stays below 1e-9.
  describe.each(activations.map((a) => [a.name, a] as const))('%s gradients', (_name, act) => {
    const fwd = kernels[act.forward];
    const bwd = kernels[act.backward];
    const h = 2 ** -14;
    const betas = fwd.params.length ? [1, 0.5, 2, -1].filter((v) => v > 0 || !fwd.params[0].positive) : [undefined];

    test.each(betas)('backward matches central differences of the forward (param %s)', (beta) => {
      if (fwd.shape !== 'map') throw new Error('forward must be a map kernel');
      const p = beta === undefined ? [] : [beta];
      const x = uniform(1029, -20, 20, 42).map((v) => Math.round(v * 256) / 256);
      const dy = new Float32Array(x.length).fill(1);
      const got = callKernel(act.backward, x, dy, undefined, beta === undefined ? undefined : p);
      const full = fwd.params.map((q, i) => (i === 0 && beta !== undefined ? beta : q.default));
      const kinks = act.kinks?.(full) ?? [];
      for (let i = 0; i < x.length; i++) {
        if (kinks.some((c) => Math.abs(x[i] - c) <= 2 * h)) continue; // one-sided there, by definition
        const fd = (fwd.reference(x[i] + h, full) - fwd.reference(x[i] - h, full)) / (2 * h);
        expect(Math.abs(got[i] - fd), `${act.backward}(${x[i]}) = ${got[i]}, finite difference ${fd}`)
          .toBeLessThanOrEqual(2 ** -18 * Math.abs(fd) + 2 ** -20);
        // The analytic reference itself agrees with the finite difference.
        expect(Math.abs(bwd.reference(x[i], 1, full) - fd)).toBeLessThanOrEqual(1e-8 * Math.abs(fd) + 1e-8);
      }
    });

    if (act.paramGrad) {
      const pg = act.paramGrad;
      test.each([1, 0.5, -2])('param gradient matches central differences in the parameter (β = %s)', (beta) => {
        if (fwd.shape !== 'map') throw new Error('forward must be a map kernel');
        // x and dy on a 2^-8 grid, β ± 2^-8 and β ± 2^-9: every β·x is exact in f32 (≤ 24 bits).
        const x = uniform(1030, -20, 20, 7).map((v) => Math.round(v * 256) / 256);
        const dy = uniform(1030, -2, 2, 8).map((v) => Math.round(v * 256) / 256);
        const loss = (b: number) => x.reduce((s, xi, i) => s + dy[i] * fwd.reference(xi, [b]), 0);
        const central = (hb: number) => (loss(beta + hb) - loss(beta - hb)) / (2 * hb);
        // Richardson extrapolation cancels the h² term: what is left is of order h⁴.
        const fd = (4 * central(2 ** -9) - central(2 ** -8)) / 3;
        const got = callKernel(pg, x, dy, undefined, [beta]);
        expect(Math.abs(got - fd), `${pg}: got ${got}, finite difference ${fd}`).toBeLessThanOrEqual(1e-6 * Math.abs(fd) + 1e-6);
      });
    }
  });
});

describe('backends agree with each other', () => {
  const x = uniform(4099, -30, 30, 11);
  const dy = uniform(4099, -2, 2, 12);
  const run = (b: S.Backend, k: KernelName, p?: number[]) => {
    S.setBackend(b);
    return callKernel(k, inputFor(k, x), dy, undefined, p);
  };

  test.each(kernelNames.filter((k) => kernels[k].shape !== 'sum'))(
    '%s: simd and wasm are bit-identical (same algorithm, no FMA); js and relaxed (FMA or not) within both bounds', (k) => {
      for (const p of paramSets(k)) {
        const simd = run('simd', k, p);
        const wasm = run('wasm', k, p);
        expect(simd).toEqual(wasm);
        const bound = kernels[k].bound;
        for (const b of ['js', 'relaxed'] as const) {
          const other = run(b, k, p);
          for (let i = 0; i < x.length; i++) {
            const scale = Math.max(Math.abs(other[i]), 2 ** -126);
            const ulp = 2 ** (Math.floor(Math.log2(scale)) - 23);
            const tol = Math.max((bound.ulp.simd + bound.ulp[b]!) * ulp, (bound.absDy ?? 0) * 2 * Math.abs(dy[i]));
            expect(Math.abs(simd[i] - other[i]), `${k}(${x[i]}) simd ${simd[i]} ${b} ${other[i]}`).toBeLessThanOrEqual(tol);
          }
        }
      }
    });

  test.each(kernelNames.filter((k) => kernels[k].shape === 'sum'))('%s: sums agree within the bound', (k) => {
    const sums = (['simd', 'wasm', 'js', 'relaxed'] as const).map((b) => run(b, k) as number);
    const kr = kernels[k];
    if (kr.shape === 'map') return;
    let mag = 0;
    for (let i = 0; i < x.length; i++) mag += Math.abs(kr.reference(x[i], dy[i], [1]));
    for (const s of sums) expect(Math.abs(s - sums[2])).toBeLessThanOrEqual(2 * (kr.bound.relSum ?? 0) * mag);
  });
});
