// curve(name, options) (src/curve.ts): for every registry activation and backend, x is the
// evenly spaced grid, y the forward kernel and dydx the backward kernel with dy = 1, exactly as the
// functional API computes them and within the kernels' bounds of the float64 references; bad
// names and options are refused naming them.
import { beforeAll, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { curve, MAX_CURVE_POINTS } from '../src/curve.js';
import { activations, kernels, type KernelName } from '../src/registry.js';
import { BACKENDS, api as fn, withinBound } from './helpers.js';

beforeAll(async () => {
  await S.init();
});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

test('curve is exported from the package entry', () => {
  expect(S.curve).toBe(curve);
});

describe.each(activations.map((a) => [a.name, a] as const))('%s', (name, a) => {
  test.each(BACKENDS)('defaults: 1000 points on [-5, 5], the forward and backward kernels (%s)', (b) => {
    S.setBackend(b);
    const { x, y, dydx } = curve(name);
    expect([x.length, y.length, dydx.length]).toEqual([1000, 1000, 1000]);
    expect([x[0], x[999]]).toEqual([-5, 5]);
    for (let i = 0; i < 1000; i++) expect(Math.abs(x[i] - (-5 + (10 * i) / 999))).toBeLessThanOrEqual(2 ** -21);
    expect(bits(y)).toEqual(bits(fn(a.forward)(x) as Float32Array));
    expect(bits(dydx)).toEqual(bits(fn(a.backward)(x, new Float32Array(1000).fill(1)) as Float32Array));
    const fw = kernels[a.forward];
    const bw = kernels[a.backward];
    const p = fw.params.map((q) => Math.fround(q.default));
    const pb = bw.params.map((q) => Math.fround(q.default));
    for (let i = 0; i < 1000; i++) {
      if (fw.shape === 'map') expect(withinBound(a.forward, b, y[i], fw.reference(x[i], p)), `y at ${x[i]}`).toBe(true);
      if (bw.shape === 'grad') expect(withinBound(a.backward, b, dydx[i], bw.reference(x[i], 1, pb)), `dydx at ${x[i]}`).toBe(true);
    }
  });

  test('a grid and parameters of its own', () => {
    const params = Object.fromEntries(kernels[a.forward].params.map((q) => [q.name, q.default + 0.5]));
    const args = (k: KernelName) => kernels[k].params.map((q) => params[q.name] ?? q.default);
    const { x, y, dydx } = curve(name, { from: -2, to: 3, points: 6, ...params });
    expect(Array.from(x)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(bits(y)).toEqual(bits(fn(a.forward)(x, null, ...args(a.forward)) as Float32Array));
    expect(bits(dydx)).toEqual(bits(fn(a.backward)(x, new Float32Array(6).fill(1), null, ...args(a.backward)) as Float32Array));
    expect(Array.from(curve(name, { from: 1, to: 2, points: 2 }).x)).toEqual([1, 2]);
  });
});

test('an unknown activation is a TypeError naming it', () => {
  expect(() => curve('nope')).toThrow(TypeError);
  expect(() => curve('nope')).toThrow(/'nope'/);
  expect(() => curve(undefined as never)).toThrow(TypeError);
});

test.each([
  [{ from: 1, to: 1 }, 'from'],
  [{ from: 2, to: -2 }, 'from'],
  [{ from: NaN }, 'from'],
  [{ to: Infinity }, 'to'],
  [{ to: 1e39 }, 'to'],
  [{ from: -Infinity }, 'from'],
  [{ points: 1 }, 'points'],
  [{ points: 0 }, 'points'],
  [{ points: 10.5 }, 'points'],
  [{ points: MAX_CURVE_POINTS + 1 }, 'points'],
  [{ points: NaN }, 'points'],
  [{ gamma: 1 }, 'gamma'],
  [{ beta: Infinity }, 'beta'],
])('curve("swish", %o) is a RangeError naming %s', (options, option) => {
  expect(() => curve('swish', options)).toThrow(RangeError);
  expect(() => curve('swish', options)).toThrow(new RegExp(option));
});

test('a non-number option is a TypeError naming it', () => {
  expect(() => curve('swish', { from: '1' as never })).toThrow(/from/);
  expect(() => curve('swish', { from: '1' as never })).toThrow(TypeError);
  expect(() => curve('swish', { beta: '1' as never })).toThrow(TypeError);
  expect(() => curve('swish', { points: '10' as never })).toThrow(/points/);
});
