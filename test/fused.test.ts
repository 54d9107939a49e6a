// The fused forms (src/fused/), on every backend: forward and both backward outputs against the
// float64 references, finite differences, views and in-place outputs, errors, agreement.
import { beforeAll, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { fusedKernels, fusedSpecs, kernels, type FusedKernelName } from '../src/registry.js';
import { GD_MAX, GT_MAX } from '../src/activations/gelu.js';
import { ulpError } from '../src/accuracy.js';
import { BACKENDS, MIN_NORMAL, api, expectSameArrays, failures, uniform } from './helpers.js';

const LENGTHS = [...Array.from({ length: 34 }, (_, i) => i), 1020, 1023, 1024, 1025, 1030];

/** Within `ulp` ULP of ref, or within abs; results below the normal range may flush. */
function close(got: number, ref: number, ulp: number, abs = 0): boolean {
  if (Number.isFinite(ref) && Math.abs(ref) < MIN_NORMAL && Math.abs(got) <= MIN_NORMAL) return true;
  return ulpError(got, ref) <= ulp || Math.abs(got - ref) <= abs;
}

beforeAll(async () => {
  await S.init();
});

const isGate = (s: (typeof fusedSpecs)[number]) => fusedKernels[s.forward as FusedKernelName].shape === 'binary';
const isBias = (s: (typeof fusedSpecs)[number]) => fusedKernels[s.forward as FusedKernelName].shape === 'bias';

test('every fused form is a gate (binary + gateGrad) or a bias form (bias + biasGrad)', () => {
  for (const s of fusedSpecs) expect(isGate(s) || isBias(s), s.name).toBe(true);
});

describe.each(fusedSpecs.filter(isGate).map((s) => [s.name, s] as const))('%s', (_name, spec) => {
  const fwd = fusedKernels[spec.forward as FusedKernelName];
  const bwd = fusedKernels[spec.backward as FusedKernelName];
  if (fwd.shape !== 'binary' || bwd.shape !== 'gateGrad') throw new Error('a fused form is a binary forward and a gateGrad backward');
  const defaults = fwd.params.map((p) => Math.fround(p.default));

  describe.each(BACKENDS)('%s backend', (backend) => {
    test('forward and both gradients against the float64 reference, lengths 0..33 and around 1024', () => {
      S.setBackend(backend);
      const f = failures();
      for (const n of LENGTHS) {
        const a = uniform(n, -20, 20, n + 1);
        const b = uniform(n, -3, 3, n + 2);
        const dy = uniform(n, -2, 2, n + 3);
        const copies = [a.slice(), b.slice(), dy.slice()];
        const y = api(spec.forward)(a, b);
        const { da, db } = api(spec.backward)(a, b, dy);
        for (let i = 0; i < n; i++) {
          const want = fwd.reference(a[i], b[i], defaults);
          f.check(close(y[i], want, fwd.bound.ulp[backend]), () => `${spec.forward}(${a[i]}, ${b[i]}) = ${y[i]}, reference ${want}`);
          const [wa, wb] = bwd.reference(a[i], b[i], dy[i], defaults);
          const absA = (bwd.bound.absDy ?? 0) * Math.abs(dy[i] * b[i]);
          f.check(close(da[i], wa, bwd.bound.ulp[backend], absA), () => `da(${a[i]}, ${b[i]}, ${dy[i]}) = ${da[i]}, reference ${wa}`);
          f.check(close(db[i], wb, bwd.bound.ulp[backend]), () => `db(${a[i]}, ${b[i]}, ${dy[i]}) = ${db[i]}, reference ${wb}`);
        }
        expectSameArrays([a, b, dy], copies, 'the inputs are unchanged');
      }
      f.expectNone();
    });

    test('the gradients match central differences of the forward reference', () => {
      S.setBackend(backend);
      // a, b on a 2^-8 grid and h = 2^-14: a ± h is exact in f32, so fl(βa) is the exact product.
      const h = 2 ** -14;
      const a = uniform(1029, -12, 12, 5).map((v) => Math.round(v * 256) / 256);
      const b = uniform(1029, -3, 3, 6).map((v) => Math.round(v * 256) / 256);
      const dy = new Float32Array(a.length).fill(1);
      const { da, db } = api(spec.backward)(a, b, dy);
      const f = failures();
      for (let i = 0; i < a.length; i++) {
        const fa = (fwd.reference(a[i] + h, b[i], defaults) - fwd.reference(a[i] - h, b[i], defaults)) / (2 * h);
        const fb = (fwd.reference(a[i], b[i] + h, defaults) - fwd.reference(a[i], b[i] - h, defaults)) / (2 * h);
        f.check(Math.abs(da[i] - fa) <= 2 ** -18 * Math.abs(fa) + 2 ** -20 * (1 + Math.abs(b[i])), () => `da at a=${a[i]}, b=${b[i]}: ${da[i]}, finite difference ${fa}`);
        f.check(Math.abs(db[i] - fb) <= 2 ** -18 * Math.abs(fb) + 2 ** -20, () => `db at a=${a[i]}, b=${b[i]}: ${db[i]}, finite difference ${fb}`);
      }
      f.expectNone();
    });

    test('views, in-place outputs (out = a, outA = a, outB = b) and streamed lengths', () => {
      S.setBackend(backend);
      for (const n of [5, 1029, 16384 * 2 + 7]) {
        const a = uniform(n + 3, -20, 20, n).subarray(3);
        const b = uniform(n + 1, -3, 3, n + 9).subarray(1);
        const dy = uniform(n, -2, 2, n + 10);
        const y = api(spec.forward)(a, b);
        const { da, db } = api(spec.backward)(a, b, dy);
        const a2 = a.slice();
        expect(api(spec.forward)(a2, b, a2)).toBe(a2);
        expectSameArrays([a2], [y], 'in place over a');
        const a3 = a.slice();
        const b3 = b.slice();
        const r = api(spec.backward)(a3, b3, dy, a3, b3);
        expect(r.da).toBe(a3);
        expect(r.db).toBe(b3);
        expectSameArrays([a3, b3], [da, db], 'in place over a and b');
      }
    });

    test('bad input: a clear error naming the argument, and nothing written', () => {
      S.setBackend(backend);
      const a = new Float32Array(4).fill(1);
      const b = new Float32Array(4).fill(2);
      const out = new Float32Array(4).fill(123);
      expect(() => api(spec.forward)(a, [1, 2, 3, 4], out)).toThrow(TypeError);
      expect(() => api(spec.forward)(a, [1, 2, 3, 4], out)).toThrow(/\bb\b/);
      expect(() => api(spec.forward)(a, new Float32Array(3), out)).toThrow(RangeError);
      expect(() => api(spec.backward)(a, b, new Float32Array(5))).toThrow(/dy/);
      const buf = new Float32Array(8);
      expect(() => api(spec.backward)(a, b, b, buf.subarray(0, 4), buf.subarray(2, 6))).toThrow(/outA and outB overlap/);
      expect(() => api(spec.backward)(a, b, b, out, out)).toThrow(RangeError);
      expect(Array.from(out)).toEqual([123, 123, 123, 123]);
      expect(Array.from(a)).toEqual([1, 1, 1, 1]);
    });
  });

  test('simd and wasm are bit-identical; js is within both bounds', () => {
    const a = uniform(4099, -30, 30, 11);
    const b = uniform(4099, -3, 3, 12);
    const dy = uniform(4099, -2, 2, 13);
    const run = (be: S.Backend) => {
      S.setBackend(be);
      return [api(spec.forward)(a, b), ...Object.values(api(spec.backward)(a, b, dy))] as Float32Array[];
    };
    const [simd, wasm, js] = (['simd', 'wasm', 'js'] as const).map(run);
    expectSameArrays(simd, wasm, 'simd and wasm');
    const f = failures();
    for (let j = 0; j < 3; j++) {
      const bound = j === 0 ? fwd.bound : bwd.bound;
      for (let i = 0; i < a.length; i++) {
        const abs = j === 1 ? 2 * (bound.absDy ?? 0) * Math.abs(dy[i] * b[i]) : 0;
        f.check(close(simd[j][i], js[j][i], bound.ulp.simd + bound.ulp.js, abs), () => `output ${j} at ${a[i]}: simd ${simd[j][i]}, js ${js[j][i]}`);
      }
    }
    f.expectNone();
  });
});

describe.each(fusedSpecs.filter(isBias).map((s) => [s.name, s] as const))('%s', (_name, spec) => {
  const fwd = fusedKernels[spec.forward as FusedKernelName];
  const bwd = fusedKernels[spec.backward as FusedKernelName];
  if (fwd.shape !== 'bias' || bwd.shape !== 'biasGrad') throw new Error('a bias form is a bias forward and a biasGrad backward');
  const defaults = fwd.params.map((p) => Math.fround(p.default));

  /** Checks out and dx (and dbias) of one call against the references. */
  function check(backend: S.Backend, x: Float32Array, bias: Float32Array, dy: Float32Array, y: Float32Array, dx: Float32Array, dbias: Float32Array) {
    const C = bias.length;
    const f = failures();
    const sums = new Float64Array(C);
    const mags = new Float64Array(C);
    for (let i = 0; i < x.length; i++) {
      const c = i % C;
      const want = fwd.reference(x[i], bias[c], defaults);
      f.check(close(y[i], want, fwd.bound.ulp[backend]), () => `${spec.forward}(${x[i]} + ${bias[c]}) = ${y[i]}, reference ${want}`);
      const wd = bwd.reference(x[i], bias[c], dy[i], defaults);
      f.check(close(dx[i], wd, bwd.bound.ulp[backend], (bwd.bound.absDy ?? 0) * Math.abs(dy[i])), () => `dx at ${x[i]} + ${bias[c]}: ${dx[i]}, reference ${wd}`);
      sums[c] += wd;
      // Each dx may be off by its bound: 4 ULP (2^-21 relative) or 2^-23·|dy| absolute.
      mags[c] += Math.max(2 ** -21 * Math.abs(wd), (bwd.bound.absDy ?? 0) * Math.abs(dy[i]));
    }
    // dbias sums the kernel's dx in float64 and rounds once: within the dx bounds summed.
    for (let c = 0; c < C; c++) {
      f.check(Math.abs(dbias[c] - sums[c]) <= mags[c] + 2 ** -24 * Math.abs(sums[c]) + 1e-30, () => `dbias[${c}] = ${dbias[c]}, reference ${sums[c]}`);
    }
    f.expectNone();
  }

  describe.each(BACKENDS)('%s backend', (backend) => {
    test.each([1, 3, 4, 5, 8, 33, 1000])('rows of %i channels, 0 to 9 rows, against the float64 reference', (C) => {
      S.setBackend(backend);
      for (let rows = 0; rows < 10; rows++) {
        const x = uniform(rows * C, -20, 20, rows * 7 + C);
        const bias = uniform(C, -2, 2, C);
        const dy = uniform(rows * C, -2, 2, rows + 99);
        const copies = [x.slice(), bias.slice(), dy.slice()];
        const y = api(spec.forward)(x, bias);
        const { dx, dbias } = api(spec.backward)(x, bias, dy);
        expect(dbias.length).toBe(C);
        check(backend, x, bias, dy, y, dx, dbias);
        expectSameArrays([x, bias, dy], copies, 'the inputs are unchanged');
      }
    });

    test('streamed paths: rows longer than a chunk, many rows per chunk, zero-copy, in place', () => {
      S.setBackend(backend);
      for (const [C, rows] of [[40000, 2], [3, 20000], [16384, 3]]) {
        const x = uniform(C * rows, -20, 20, C);
        const bias = uniform(C, -2, 2, C + 1);
        const dy = uniform(C * rows, -2, 2, C + 2);
        const y = api(spec.forward)(x, bias);
        const { dx, dbias } = api(spec.backward)(x, bias, dy);
        check(backend, x, bias, dy, y, dx, dbias);
        const inPlace = x.slice();
        expect(api(spec.forward)(inPlace, bias, inPlace)).toBe(inPlace);
        expectSameArrays([inPlace], [y], 'in place');
        if (backend !== 'js') {
          const [xa, ba, da] = [S.allocate(x.length), S.allocate(C), S.allocate(x.length)];
          xa.array.set(x);
          ba.array.set(bias);
          expectSameArrays([api(spec.forward)(xa.array, ba.array, da.array)], [y], 'zero-copy');
          xa.free(); ba.free(); da.free();
        }
      }
    });

    test('bad input: ragged rows, empty bias, overlapping outputs', () => {
      S.setBackend(backend);
      const x = new Float32Array(6).fill(1);
      const out = new Float32Array(6).fill(123);
      expect(() => api(spec.forward)(x, new Float32Array(4), out)).toThrow(/not a whole number of rows/);
      expect(() => api(spec.forward)(x, new Float32Array(0), out)).toThrow(RangeError);
      expect(() => api(spec.forward)(x, [1, 2], out)).toThrow(/bias/);
      const buf = new Float32Array(12);
      expect(() => api(spec.backward)(x, buf.subarray(0, 3), x, buf.subarray(6, 12), buf.subarray(1, 4))).toThrow(/dbias overlaps/);
      expect(Array.from(out)).toEqual([123, 123, 123, 123, 123, 123]);
      expect(api(spec.forward)(new Float32Array(0), new Float32Array(0)).length).toBe(0);
    });
  });

  test('simd and wasm are bit-identical', () => {
    const x = uniform(3 * 1029, -30, 30, 1);
    const bias = uniform(1029, -2, 2, 2);
    const dy = uniform(3 * 1029, -2, 2, 3);
    const run = (b: S.Backend) => {
      S.setBackend(b);
      const { dx, dbias } = api(spec.backward)(x, bias, dy);
      return [api(spec.forward)(x, bias), dx, dbias];
    };
    expectSameArrays(run('simd'), run('wasm'), 'simd and wasm');
  });
});

// geglu's contract is stated against gelu(a) with its subnormal values flushed; that holds only if
// every backend flushes exactly where the float64 reference leaves the normal range.
describe('the gelu gate flushes exactly where its exact value leaves the normal range', () => {
  const next = (v: number) => { const f = new Float32Array([v]); new Uint32Array(f.buffer)[0]--; return f[0]; };
  test.each([
    ['gelu', GT_MAX, (x: number) => kernels.gelu.reference(x, [])],
    ['geluBackward', GD_MAX, (x: number) => kernels.geluBackward.reference(x, 1, [])],
  ] as const)('%s: −0 from −%f down, normal just above, in every backend', (k, limit, ref) => {
    const inside = -next(limit); // the f32 neighbour of −limit towards 0
    expect(Math.abs(ref(-limit))).toBeLessThan(MIN_NORMAL);
    expect(Math.abs(ref(inside))).toBeGreaterThanOrEqual(MIN_NORMAL);
    const x = new Float32Array([-limit, inside, -limit * 1.5, -Infinity]);
    for (const backend of BACKENDS) {
      S.setBackend(backend);
      const y = k === 'gelu' ? S.gelu(x) : S.geluBackward(x, new Float32Array(4).fill(1));
      expect(Object.is(y[0], -0) && Object.is(y[2], -0) && Object.is(y[3], -0), `${backend}: ${Array.from(y)}`).toBe(true);
      expect(ulpError(y[1], ref(inside)), backend).toBeLessThanOrEqual(kernels[k].bound.ulp[backend]);
    }
  });

  test('geglu(a, b) is −0·b at the flush point even for large b, and accurate just above it', () => {
    const inside = -next(GT_MAX);
    const a = new Float32Array([-GT_MAX, -GT_MAX, inside, inside]);
    const b = new Float32Array([2 ** 20, -(2 ** 20), 2 ** 20, -3]);
    for (const backend of BACKENDS) {
      S.setBackend(backend);
      const y = S.geglu(a, b);
      expect(Object.is(y[0], -0) && Object.is(y[1], 0), `${backend}: ${Array.from(y)}`).toBe(true);
      for (const i of [2, 3]) {
        expect(ulpError(y[i], fusedKernels.geglu.reference(a[i], b[i], [])), backend).toBeLessThanOrEqual(fusedKernels.geglu.bound.ulp[backend]);
      }
    }
  });
});
