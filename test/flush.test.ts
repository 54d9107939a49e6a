// The flush rules that keep the kernels' time independent of the values (no subnormal number is
// formed for an input whose result is normal), held the same in every backend: σ(−z) is 0 beyond
// Z_LAST, the last f32 whose exact σ(−z) is normal; swish-family results below 2^-126 are ±0 (x's
// sign), within a margin of 2^-20 below 2^-126 where they may also be returned unflushed; so are
// softplus results (βx < 0) and mishBackward's dx (x <= 0); mish and mish′ are −0 beyond
// MISH_Z_LAST and MISH_BACKWARD_Z_LAST, the last f32s whose exact values are normal.
import { beforeAll, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { kernels } from '../src/registry.js';
import { SWISH_FLUSH, Z_LAST } from '../src/kernel.js';
import { MISH_BACKWARD_Z_LAST, MISH_Z_LAST } from '../src/activations/mish.js';
import { ulpError } from '../src/accuracy.js';
import { BACKENDS, MIN_NORMAL, uniform, withinBound } from './helpers.js';

beforeAll(async () => {
  await S.init();
});

/** The f32 neighbour of v away from 0. */
const up = (v: number) => { const f = new Float32Array([v]); new Uint32Array(f.buffer)[0]++; return f[0]; };

describe('σ (and e^x in the elu and selu gradients) is flushed exactly where its exact value leaves the normal range', () => {
  test('Z_LAST is the last f32 z with σ(−z) >= 2^-126 (float64 reference)', () => {
    expect(Math.fround(Z_LAST)).toBe(Z_LAST);
    expect(kernels.sigmoid.reference(-Z_LAST, [])).toBeGreaterThanOrEqual(MIN_NORMAL);
    expect(kernels.sigmoid.reference(-up(Z_LAST), [])).toBeLessThan(MIN_NORMAL);
  });

  test.each(BACKENDS)('%s: sigmoid and its gradients are exact zeros beyond, within bound at −Z_LAST', (backend) => {
    S.setBackend(backend);
    const x = new Float32Array([-Z_LAST, -up(Z_LAST), -100, -1e30, -Infinity, Z_LAST, up(Z_LAST), 1e30]);
    const y = S.sigmoid(x);
    expect(ulpError(y[0], kernels.sigmoid.reference(-Z_LAST, []))).toBeLessThanOrEqual(kernels.sigmoid.bound.ulp[backend]!);
    for (const i of [1, 2, 3, 4]) expect(Object.is(y[i], 0), `${backend} σ(${x[i]}) = ${y[i]}`).toBe(true);
    for (const i of [5, 6, 7]) expect(y[i]).toBe(1);
    const dy = new Float32Array(x.length).fill(-2);
    const g = S.sigmoidBackward(x, dy);
    const sg = S.swishBackward(x, dy);
    const sp = S.softplusBackward(x, dy);
    const eg = S.eluBackward(x, dy);
    const sl = S.seluBackward(x, dy);
    for (const i of [1, 2, 3, 4, 6, 7]) {
      expect(g[i] === 0, `${backend} sigmoidBackward(${x[i]}) = ${g[i]}`).toBe(true);
    }
    for (const i of [1, 2, 3]) {
      expect(sg[i] === 0 && sp[i] === 0, `${backend} swishBackward/softplusBackward(${x[i]}) = ${sg[i]}, ${sp[i]}`).toBe(true);
      expect(eg[i] === 0 && sl[i] === 0, `${backend} eluBackward/seluBackward(${x[i]}) = ${eg[i]}, ${sl[i]}`).toBe(true);
    }
    expect(ulpError(eg[0], kernels.eluBackward.reference(-Z_LAST, -2, [1]))).toBeLessThanOrEqual(kernels.eluBackward.bound.ulp[backend]!);
  });

  test('every backend returns the same bits on a far-negative band', () => {
    const x = uniform(4096, -100, -80, 7);
    const dy = uniform(4096, -2, 2, 8);
    const runs = BACKENDS.map((b) => { S.setBackend(b); return [S.sigmoid(x), S.sigmoidBackward(x, dy)]; });
    for (const r of runs.slice(1)) {
      for (let i = 0; i < x.length; i++) {
        // js rounds once and may differ by its bound; what must agree is where a result is 0.
        expect(r[0][i] === 0, `σ(${x[i]})`).toBe(runs[0][0][i] === 0);
        expect(r[1][i] === 0, `σ'(${x[i]})`).toBe(runs[0][1][i] === 0);
      }
    }
  });
});

describe('swish-family results below 2^-126 are zeros of x\'s sign', () => {
  test.each([1, 0.5, 2, 1.702, 2 ** -20])('β = %f: within bound where the exact result is normal, ±0 below the margin', (beta) => {
    const b = Math.fround(beta);
    const x = Float32Array.from(uniform(8192, -110 / b, -80 / b, 11));
    for (const backend of BACKENDS) {
      S.setBackend(backend);
      const y = S.swish(x, undefined, b);
      const g = S.swiglu(x, new Float32Array(x.length).fill(1), undefined, b);
      for (let i = 0; i < x.length; i++) {
        const ref = kernels.swish.reference(x[i], [b]);
        expect(Object.is(g[i], y[i]), `${backend} swiglu(${x[i]}, 1) vs swish`).toBe(true);
        if (Math.abs(ref) >= MIN_NORMAL) {
          expect(ulpError(y[i], ref), `${backend} swish(${x[i]}; β = ${b}) = ${y[i]}, exact ${ref}`).toBeLessThanOrEqual(kernels.swish.bound.ulp[backend]!);
        } else if (Math.abs(ref) < SWISH_FLUSH * (1 - 2 ** -20)) {
          expect(Object.is(y[i], -0), `${backend} swish(${x[i]}; β = ${b}) = ${y[i]}, exact ${ref}`).toBe(true);
        }
      }
    }
  });

  test('swish(−∞) and swish of a flushed x keep x\'s sign; +∞ stays +∞ at any β > 0', () => {
    for (const backend of BACKENDS) {
      S.setBackend(backend);
      const y = S.swish(new Float32Array([-Infinity, -200, Infinity, -Infinity]), undefined, 1);
      expect(Object.is(y[0], -0) && Object.is(y[1], -0) && y[2] === Infinity, `${backend}: ${Array.from(y)}`).toBe(true);
      expect(Object.is(S.swish(new Float32Array([-Infinity]), undefined, -1)[0], -Infinity), backend).toBe(true);
    }
  });

  test('swishBetaGrad keeps terms whose σ′ is subnormal in f32 but whose dy·x²·σ′ is not', () => {
    const x = new Float32Array([88, -90, 92, 95]);
    const dy = new Float32Array([-1, 1, 2, 1]);
    for (const backend of BACKENDS) {
      S.setBackend(backend);
      for (let i = 0; i < x.length; i++) {
        const ref = kernels.swishBetaGrad.reference(x[i], dy[i], [1]);
        expect(Math.abs(ref)).toBeGreaterThan(MIN_NORMAL);
        const got = S.swishBetaGrad(x.subarray(i, i + 1), dy.subarray(i, i + 1), 1);
        expect(Math.abs(got - ref) / Math.abs(ref), `${backend} at x = ${x[i]}: ${got} vs ${ref}`).toBeLessThan(2 ** -20);
      }
    }
  });
});

describe('mish, mishBackward and softplus flush only results whose exact value is subnormal', () => {
  test('MISH_Z_LAST and MISH_BACKWARD_Z_LAST are the last f32 z with |f(−z)| >= 2^-126 (float64 reference)', () => {
    for (const [k, z] of [['mish', MISH_Z_LAST], ['mishBackward', MISH_BACKWARD_Z_LAST]] as const) {
      expect(Math.fround(z)).toBe(z);
      const f = (x: number) => (k === 'mish' ? kernels.mish.reference(x, []) : kernels.mishBackward.reference(x, 1, []));
      expect(Math.abs(f(-z)), k).toBeGreaterThanOrEqual(MIN_NORMAL);
      expect(Math.abs(f(-up(z))), k).toBeLessThan(MIN_NORMAL);
    }
  });

  // The band holds both cuts, the results near 2^-126 and far beyond; the list, the cuts' f32
  // neighbours, −∞ and the smallest subnormals (mish keeps subnormal results near 0).
  const band = uniform(8192, -112, -80, 21);
  const edges = [-MISH_Z_LAST, -up(MISH_Z_LAST), -MISH_BACKWARD_Z_LAST, -up(MISH_BACKWARD_Z_LAST), -1e30, -Infinity];
  const x = Float32Array.from([...band, ...edges]);

  test.each(BACKENDS)('%s: mish is within bound where the exact result is normal, −0 beyond −MISH_Z_LAST', (backend) => {
    S.setBackend(backend);
    const y = S.mish(x);
    let flushed = 0;
    for (let i = 0; i < x.length; i++) {
      const ref = kernels.mish.reference(x[i], []);
      if (x[i] < -MISH_Z_LAST) { expect(Object.is(y[i], -0), `${backend} mish(${x[i]}) = ${y[i]}`).toBe(true); flushed++; }
      else expect(ulpError(y[i], ref), `${backend} mish(${x[i]}) = ${y[i]}, exact ${ref}`).toBeLessThanOrEqual(kernels.mish.bound.ulp[backend]!);
    }
    expect(flushed).toBeGreaterThan(1000);
    const tiny = S.mish(new Float32Array([-(2 ** -149), 2 ** -149, -(2 ** -127), 2 ** -127]));
    for (let i = 0; i < 4; i++) expect(Math.sign(tiny[i]), `${backend} mish keeps subnormal results near 0`).toBe(i % 2 ? 1 : -1);
  });

  test.each(BACKENDS)('%s: mishBackward is −0·dy beyond −MISH_BACKWARD_Z_LAST, a zero where |dx| < 2^-126 (less the margin), within bound elsewhere', (backend) => {
    S.setBackend(backend);
    for (const dy of [new Float32Array(x.length).fill(1), uniform(x.length, -2, 2, 22), new Float32Array(x.length).fill(2 ** 20)]) {
      const g = S.mishBackward(x, dy);
      let zeros = 0;
      for (let i = 0; i < x.length; i++) {
        const ref = kernels.mishBackward.reference(x[i], dy[i], []);
        const what = `${backend} mishBackward(${x[i]}, ${dy[i]}) = ${g[i]}, exact ${ref}`;
        if (x[i] < -MISH_BACKWARD_Z_LAST || Math.abs(ref) < SWISH_FLUSH * (1 - 2 ** -20)) {
          expect(g[i] === 0, what).toBe(true);
          zeros++;
        }
        expect(withinBound('mishBackward', backend, g[i], ref, dy[i]), what).toBe(true);
        if (Math.abs(ref) >= MIN_NORMAL && x[i] >= -MISH_BACKWARD_Z_LAST) expect(Math.abs(g[i]), what).toBeGreaterThanOrEqual(MIN_NORMAL * (1 - 2 ** -20));
      }
      expect(zeros).toBeGreaterThan(1000);
    }
    expect(Object.is(S.mishBackward(new Float32Array([-200]), new Float32Array([3]))[0], -0), backend).toBe(true);
  });

  test.each([1, 0.5, 2, 2 ** -31])('softplus at β = %f: within bound where the exact result is normal, +0 below the margin', (beta) => {
    const b = Math.fround(beta);
    const xs = Float32Array.from([...uniform(8192, -112 / b, -80 / b, 23), -Infinity]);
    for (const backend of BACKENDS) {
      S.setBackend(backend);
      const y = S.softplus(xs, undefined, b, 20);
      let flushed = 0;
      for (let i = 0; i < xs.length; i++) {
        const ref = kernels.softplus.reference(xs[i], [b, 20]);
        const what = `${backend} softplus(${xs[i]}; β = ${b}) = ${y[i]}, exact ${ref}`;
        if (Math.abs(ref) >= MIN_NORMAL) expect(ulpError(y[i], ref), what).toBeLessThanOrEqual(kernels.softplus.bound.ulp[backend]!);
        else if (ref < SWISH_FLUSH * (1 - 2 ** -20)) { expect(Object.is(y[i], 0), what).toBe(true); flushed++; }
      }
      expect(flushed, backend).toBeGreaterThan(100);
    }
  });
});
