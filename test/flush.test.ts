// The flush rules that keep the kernels' time independent of the values (no subnormal number is
// formed for an input whose result is normal), held the same in every backend: σ(−z) is 0 beyond
// Z_LAST, the last f32 whose exact σ(−z) is normal; swish-family results below 2^-126 are ±0 (x's
// sign), within a margin of 2^-20 below 2^-126 where they may also be returned unflushed.
import { beforeAll, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { kernels } from '../src/registry.js';
import { SWISH_FLUSH, Z_LAST } from '../src/kernel.js';
import { ulpError } from '../src/accuracy.js';
import { BACKENDS, MIN_NORMAL, uniform } from './helpers.js';

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
