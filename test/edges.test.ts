// The edges issue #14 found wrong, each held on every backend: expected values come from exact
// arithmetic (powers of two, limits) or the float64 references, never from a backend.
import { beforeAll, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { fusedKernels, kernels, sigmoid64 } from '../src/registry.js';
import { BACKENDS, rng, ulpError } from './helpers.js';

const F = (v: number[]) => new Float32Array(v);
const FLT_MAX = 3.4028234663852886e38;
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

beforeAll(async () => { await S.init(); });

describe.each(BACKENDS)('%s backend', (backend) => {
  beforeAll(() => S.setBackend(backend));

  test('tiny gates: swiglu, geglu and their ∂L/∂b at a = ±2^-149 are the exact products, not a subnormal gate times b', () => {
    // a·Φ(a) and a·σ(a) are a/2·(1 + O(a)): with b a power of two the exact result rounds to a·b/2.
    const a = F([2 ** -149, -(2 ** -149), 2 ** -140, 2 ** -149, 2 ** -149]);
    const b = F([2 ** 100, 2 ** 100, 2 ** 120, Infinity, -Infinity]);
    const want = [2 ** -50, -(2 ** -50), 2 ** -21, Infinity, -Infinity];
    for (const [name, got] of [
      ['swiglu', S.swiglu(a, b)], ['geglu', S.geglu(a, b)],
      ['swigluBackward.db', S.swigluBackward(a, F([1, 1, 1, 1, 1]), b).db],
      ['gegluBackward.db', S.gegluBackward(a, F([1, 1, 1, 1, 1]), b).db],
    ] as const) expect(Array.from(got), name).toEqual(want);
  });

  test('tiny gates: |a| in [2^-149, 2^-100], |b| in [2^20, 2^127] within the bounds (16-wide and tail paths)', () => {
    const r = rng(14);
    const n = 4099;
    const a = new Float32Array(n), b = new Float32Array(n), dy = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = (r() < 0.5 ? -1 : 1) * 2 ** (-149 + 49 * r());
      b[i] = (r() < 0.5 ? -1 : 1) * 2 ** (20 + 107 * r());
      dy[i] = (r() < 0.5 ? -1 : 1) * 2 ** (20 + 107 * r());
    }
    let bad = 0;
    let first = '';
    const ones = new Float32Array(n).fill(1);
    for (const [k, beta] of [['swiglu', 1], ['swiglu', 2 ** 90], ['swiglu', -0.37], ['geglu', undefined]] as const) {
      const p = beta === undefined ? [] : [Math.fround(beta)];
      const fwd = fusedKernels[k];
      const bwd = fusedKernels[`${k}Backward`];
      if (fwd.shape !== 'binary' || bwd.shape !== 'gateGrad') throw new Error('fused kernels');
      const ok = (got: number, ref: number, ulp: { simd: number; relaxed?: number; wasm: number; js: number }) =>
        Math.abs(ref) < 2 ** -126 || ulpError(got, ref) <= (ulp[backend] ?? ulp.simd);
      const y = k === 'swiglu' ? S.swiglu(a, b, undefined, beta) : S.geglu(a, b);
      const db = k === 'swiglu' ? S.swigluBackward(a, ones, dy, undefined, undefined, beta).db : S.gegluBackward(a, ones, dy).db;
      // The exact gate, not the registry's: a·σ(fl(βa)) or the gelu activation's float64 reference
      // (neither is flushed at these a, whose gate·b is far from the subnormal range).
      const gate = (x: number) => (k === 'swiglu' ? x * sigmoid64(Math.fround(p[0] * x)) : kernels.gelu.reference(x, []));
      for (let i = 0; i < n; i++) {
        const ref = gate(a[i]) * b[i];
        const refDb = gate(a[i]) * dy[i];
        // Results whose exact value is normal are counted (subnormal and zero ones are not, as everywhere).
        if (!ok(y[i], ref, fwd.bound.ulp) && !bad++) first = `${k}(${a[i]}, ${b[i]}; ${p}) = ${y[i]}, ref ${ref}`;
        if (!ok(db[i], refDb, bwd.bound.ulp) && !bad++) first = `${k} db(${a[i]}, dy ${dy[i]}) = ${db[i]}, ref ${refDb}`;
      }
    }
    expect(bad, first).toBe(0);
  });

  test('β = 0 and x = ±∞: swish, swiglu and biasSwish give ±∞, the limit of x·σ(0·x) = x/2', () => {
    const x = F([Infinity, -Infinity, 3, -5]);
    const want = [Infinity, -Infinity, 1.5, -2.5];
    expect(Array.from(S.swish(x, undefined, 0))).toEqual(want);
    expect(Array.from(S.swiglu(x, F([1, 1, 2, 2]), undefined, 0))).toEqual([Infinity, -Infinity, 3, -5]);
    expect(Array.from(S.biasSwish(x, F([0, 0]), undefined, 0))).toEqual(want);
  });

  test('small β, huge x: swish, swiglu and biasSwish within bound where x·e^(βx) is normal though |βx| >= 109 (16-wide and tail paths)', () => {
    // The exact values, from the float64 reference: swish(−109·2^60, 2^-60) = −5.77e-28 (issue #14,
    // defect 3), and one that the property test found, 6.166e-30. Then |x| up to FLT_MAX with
    // |β| in [2^-60, 2^-20), where the fast path's clamps (|x| <= 2^27) would give ±0.
    const ref = kernels.swish.reference;
    const cases: [number, number][] = [[-109 * 2 ** 60, 2 ** -60], [1343139627552211000, -8.115314e-17]];
    for (const [x, beta] of cases) {
      const want = ref(Math.fround(x), [Math.fround(beta)]);
      expect(Math.abs(want)).toBeGreaterThan(2 ** -126);
      for (const got of [S.swish(F([x]), undefined, beta)[0], S.swiglu(F([x]), F([1]), undefined, beta)[0],
        S.biasSwish(F([x]), F([0]), undefined, beta)[0]]) expect(ulpError(got, want), `swish(${x}, ${beta}) = ${got}, exact ${want}`).toBeLessThanOrEqual(3);
    }
    const r = rng(3);
    for (const beta of [2 ** -21, -(2 ** -40), 2 ** -60, 9.5e-7]) {
      const n = 1027;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = (r() < 0.5 ? -1 : 1) * 2 ** (128 * r());
      const got = S.swish(x, undefined, beta);
      const gate = S.swiglu(x, new Float32Array(n).fill(1), undefined, beta);
      let bad = 0, normal = 0;
      let first = '';
      for (let i = 0; i < n; i++) {
        const want = ref(x[i], [Math.fround(beta)]);
        if (!(Math.abs(want) >= 2 ** -126)) continue;
        normal++;
        for (const g of [got[i], gate[i]]) {
          if (!(ulpError(g, want) <= 3)) { bad++; first ||= `beta ${beta}: swish(${x[i]}) = ${g}, exact ${want}`; }
        }
      }
      expect(normal).toBeGreaterThan(n / 4);
      expect(bad, first).toBe(0);
    }
  });

  test('hardSwishBackward at the corners follows current PyTorch: 0 at x = −3, dy at x = 3', () => {
    const got = S.hardSwishBackward(F([-3, 3, -3, 3]), F([1, 1, -2.5, -2.5]));
    expect(Array.from(got)).toEqual([0, 1, 0, -2.5]);
  });

  test('subnormal results: gelu correctly rounded, hardSwish keeps the sign of its exact −0, swishBetaGrad keeps a tiny term', () => {
    const tiny = new Float32Array(new Uint32Array([1, 0x80000001, 0x007fffff, 0x807fffff, 3, 0x00800000]).buffer);
    // gelu(x) = x/2 + x²/√(2π) + …: a tie of x/2 breaks towards +∞.
    const want = new Float32Array(new Uint32Array([1, 0x80000000, 0x00400000, 0x803fffff, 2, 0x00400000]).buffer);
    const got = S.gelu(tiny);
    for (let i = 0; i < tiny.length; i++) expect(same(got[i], want[i]), `gelu(${tiny[i]}) = ${got[i]}, want ${want[i]}`).toBe(true);
    expect(Object.is(S.hardSwish(F([-(2 ** -149)]))[0], -0)).toBe(true);
    // dy·x²·σ'(0) = 2^-298/4, a normal float64.
    expect(S.swishBetaGrad(F([2 ** -149]), F([1]))).toBe(2 ** -300);
    expect(S.swishBetaGrad(new Float32Array(16).fill(2 ** -149), new Float32Array(16).fill(1))).toBe(2 ** -296);
  });

  test('...FromOutput gradients outside their domain: the formula in f32 arithmetic, step by step', () => {
    const f = Math.fround;
    const ys = [FLT_MAX, -FLT_MAX, 2, -3.3, 1e10, -1e20, 1.5];
    const dys = [1, 0, 1e-30, -2, 7.25];
    const y = new Float32Array(ys.length * dys.length);
    const dy = new Float32Array(y.length);
    ys.forEach((v, i) => dys.forEach((d, j) => { y[i * dys.length + j] = v; dy[i * dys.length + j] = d; }));
    const sig = S.sigmoidBackwardFromOutput(y, dy);
    const th = S.tanhBackwardFromOutput(y, dy);
    let bad = 0;
    let first = '';
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      const ws = f(dy[i] * f(v * f(1 - v)));
      const wt = f(dy[i] * f(f(1 - v) * f(1 + v)));
      if (!same(sig[i], ws) && !bad++) first = `sigmoidBackwardFromOutput(${v}, ${dy[i]}) = ${sig[i]}, want ${ws}`;
      if (!same(th[i], wt) && !bad++) first = `tanhBackwardFromOutput(${v}, ${dy[i]}) = ${th[i]}, want ${wt}`;
    }
    expect(bad, first).toBe(0);
  });
});
