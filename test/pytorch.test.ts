// PyTorch parity: every activation PyTorch has, forward and gradient (dy = 1), at special values,
// kinks and thresholds, against the fixture scripts/pytorch-fixture.py wrote with PyTorch on CPU
// (float32, autograd). A result agrees when both are NaN, or both are zeros (either sign; a zero's
// sign is checked by the exact-value tests), or they are within the kernel's bound plus 1 ULP (PyTorch's own
// rounding), or, for a gradient, within its 2^-23·|dy| clause plus 2^-24. Every other result must be
// explained by one of the intentional differences listed below, each of which the README lists
// with its reason, and each must still occur (so the list cannot go stale).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { activations, kernels, type KernelName } from '../src/registry.js';
import { BACKENDS, api, ulpError, withinBound } from './helpers.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/pytorch.json', import.meta.url), 'utf8')) as {
  torch: string; inputs: number[]; activations: Record<string, { forward: number[]; backward: number[] }>;
};
const f32 = (bits: number[]) => new Float32Array(new Uint32Array(bits).buffer);
const x = f32(fixture.inputs);

const FLT_MAX = 3.4028234663852886e38;
const MASKED_AT_NAN = ['reluBackward', 'leakyReluBackward', 'hardSigmoidBackward'];

/**
 * The intentional differences, each a rule over (kernel, x, ours, PyTorch's) with its reason; the
 * README lists the same. Ours is always also checked against the float64 reference where it matters.
 */
const DIFFERENCES: Record<string, (k: KernelName, x: number, got: number, want: number, backend: S.Backend) => boolean> = {
  // PyTorch's formulas form ∞·0, ∞ − ∞ or an overflowing x·(x + 3) there.
  'limits at ±∞ and ±FLT_MAX, where PyTorch returns NaN or overflows to ∞': (_k, x, got, want) =>
    (!Number.isFinite(x) || Math.abs(x) === FLT_MAX) && !Number.isNaN(x) && !Number.isFinite(want) && !Number.isNaN(got),
  // Their kernels select by x > 0 (or a range test), so NaN takes a branch; NaN in, NaN out here.
  'NaN propagates through relu, leakyRelu and hardSigmoid gradients, where PyTorch masks it to a number': (k, x, got) =>
    Number.isNaN(x) && Number.isNaN(got) && MASKED_AT_NAN.includes(k),
  // Ours is within its bound of the float64 reference and PyTorch's float32 formula is further off
  // (1 + erf(x/√2) cancels for x < 0; σ rounded to 1 before 1 − σ; subnormal tails).
  'PyTorch loses accuracy (cancellation, σ rounded to 1) where ours keeps its bound': (k, x, got, want, backend) => {
    const kr = kernels[k];
    const ref = kr.shape === 'map' ? kr.reference(x, kr.params.map((p) => Math.fround(p.default))) : kr.shape === 'grad' ? kr.reference(x, 1, kr.params.map((p) => Math.fround(p.default))) : NaN;
    return withinBound(k, backend, got, ref) && ulpError(want, ref) > ulpError(got, ref);
  },
  // The flush rules: no kernel returns a subnormal σ (see Subnormal results in the README).
  'sigmoid, mish and softplus flush results below 2^-126 to 0, where PyTorch returns the subnormal': (k, _x, got, want) =>
    (k === 'sigmoid' || k === 'mish' || k === 'softplus') && got === 0 && Math.abs(want) < 2 ** -126,
};
const used = new Set<string>();

function agrees(k: KernelName, backend: S.Backend, got: number, want: number): boolean {
  if (Number.isNaN(got) && Number.isNaN(want)) return true;
  if (got === 0 && want === 0) return true;
  const b = kernels[k].bound;
  if (ulpError(got, want) <= (b.ulp[backend] ?? b.ulp.simd) + 1) return true;
  return b.absDy !== undefined && Math.abs(got - want) <= b.absDy + 2 ** -24;
}

beforeAll(async () => { await S.init(); });

test('the fixture covers every activation PyTorch has', () => {
  const noTorch = ['penalizedTanh']; // no PyTorch op
  expect(Object.keys(fixture.activations).sort()).toEqual(activations.map((a) => a.name).filter((n) => !noTorch.includes(n)).sort());
});

describe.each(BACKENDS)('%s backend', (backend) => {
  beforeAll(() => S.setBackend(backend));
  test(`agrees with PyTorch ${fixture.torch} except at the listed differences`, () => {
    const found: string[] = [];
    for (const a of activations) {
      const t = fixture.activations[a.name];
      if (!t) continue;
      const fwd = api(a.forward)(x) as Float32Array;
      const bwd = api(a.backward)(x, new Float32Array(x.length).fill(1)) as Float32Array;
      const want = [f32(t.forward), f32(t.backward)];
      [fwd, bwd].forEach((got, j) => {
        const k = (j ? a.backward : a.forward) as KernelName;
        for (let i = 0; i < x.length; i++) {
          if (agrees(k, backend, got[i], want[j][i])) continue;
          const why = Object.keys(DIFFERENCES).find((d) => DIFFERENCES[d](k, x[i], got[i], want[j][i], backend));
          if (why) used.add(why);
          else found.push(`${k}(${x[i]}) = ${got[i]}, PyTorch ${want[j][i]}`);
        }
      });
    }
    expect(found, 'differences that no rule explains').toEqual([]);
  });
});

test('every listed difference still occurs (the list cannot go stale) and the README lists each', () => {
  expect(Object.keys(DIFFERENCES).filter((d) => !used.has(d))).toEqual([]);
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const d of Object.keys(DIFFERENCES)) expect(readme, d).toContain(d);
});
