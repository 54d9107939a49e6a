// Property tests (fast-check, seeded: every run draws the same cases) over every kernel of the
// registry and every backend, on random lengths 0..300 at random subarray offsets, random f32
// values (all of f32 with NaN, ±∞, ±0 and subnormals, the range where the functions bend, and the
// special values) and random parameters (finite in f32, > 0 where the parameter is `positive`):
//   (a) the backends agree: simd and wasm bit for bit (map and grad kernels; NaN payloads aside),
//       js and relaxed each within the sum of its and simd's bounds against the float64
//       reference (ULP, or the absolute clause); special results identical; sums within twice
//       their relative bound of each other, and each within its bound of the reference;
//   (b) the forward is monotone where the function is (a short hand list, checked against the
//       registry), on sorted inputs and on runs of neighbouring floats;
//   (c) identities: σ(−x) = 1 − σ(x) and swish(x) − swish(−x) = x within the bounds,
//       tanh(−x) = −tanh(x) and relu(x) − relu(−x) = x exactly;
//   (d) the backward (and the backward from a kept output) matches central differences of the
//       float64 forward reference away from declared kinks;
//   (e) in place (over either input, in ordinary arrays or in WebAssembly memory) equals out of
//       place, bit for bit;
//   (f) the fused forms (swiglu, geglu, biasSwish and their backwards): every backend within its
//       bound of the float64 reference, simd and wasm bit for bit, special results identical,
//       inputs untouched, in place equal to out of place.
// Expected values come from the float64 references, exact identities and finite differences.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { activations, fusedKernels, fusedSpecs, kernels as registryKernels, kernelNames, type Activation, type Kernel, type KernelName, type Param } from '../src/registry.js';
import type { FusedKernel } from '../src/kernel.js';
import { BACKENDS, MIN_NORMAL, SPECIALS, WASM_BACKENDS, api, callKernel } from './helpers.js';

/** Every entry as the general Kernel type (the registry's literal types differ per entry). */
const kernels: Record<string, Kernel> = registryKernels;

const RUNS = 500;
// includeErrorInReport: the report shows the property's own message (input, backend, got and expected).
fc.configureGlobal({ seed: 42, numRuns: RUNS, includeErrorInReport: true });

const MAX_F32 = 3.4028234663852886e38;
/**
 * Array lengths 0..300, spread over the whole range: fast-check's default size ('small') caps a
 * generated array at about 10 elements whatever maxLength says, which would never reach the
 * 16-wide vector body of the kernels nor most of their tails.
 */
const LENGTHS = { maxLength: 300, size: 'max' } as const;

beforeAll(async () => {
  await S.init();
});

// ---------------------------------------------------------------------------------------------
// Helpers.

/** One unit in the last place of an f32 of magnitude |v| (2^-149 below the normal range), as ulpError counts it. */
function ulpOf(v: number): number {
  const a = Math.abs(v);
  return a < MIN_NORMAL ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** How far kernel k's result may be from the float64 reference `ref` on `backend`, by its bound. */
function allowed(k: KernelName, backend: S.Backend, ref: number, dy: number): number {
  const b = kernels[k].bound;
  let e = b.ulp[backend] * ulpOf(ref);
  if (b.absDy !== undefined) e = Math.max(e, b.absDy * Math.abs(dy));
  if (Math.abs(ref) < MIN_NORMAL) e = Math.max(e, MIN_NORMAL + Math.abs(ref)); // may be flushed
  return e;
}

const sameNumber = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

/** The index of the first element whose bits differ (NaN payloads too unless `anyNaN`), or −1. */
function firstBitDifference(got: Float32Array, want: Float32Array, anyNaN: boolean): number {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++) {
    if (g[i] === w[i] || (anyNaN && Number.isNaN(got[i]) && Number.isNaN(want[i]))) continue;
    return i;
  }
  return g.length === w.length ? -1 : Math.min(g.length, w.length);
}
const bitsOf = (v: number) => `${show(v)} (0x${new Uint32Array(Float32Array.of(v).buffer)[0].toString(16)})`;

/** values at element `offset` of a larger array (sentinels either side): a subarray view. */
function placed(values: ArrayLike<number>, offset: number): Float32Array {
  const base = new Float32Array(offset + values.length + 3).fill(-7.5);
  base.set(values, offset);
  return base.subarray(offset, offset + values.length);
}

/** On each backend in turn. */
function onEach<T>(backends: readonly S.Backend[], f: (b: S.Backend) => T): T[] {
  return backends.map((b) => {
    S.setBackend(b);
    return f(b);
  });
}

/** The reference of kernel k at one element. */
function reference(k: KernelName, v: number, dy: number, p: readonly number[]): number {
  const kr = kernels[k];
  return kr.shape === 'map' ? kr.reference(v, p) : kr.reference(v, dy, p);
}

// f32 order: the integer key of a float such that keys and values sort alike (−0 and +0 share 0).
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const INF_KEY = 0x7f800000;
function keyOf(x: number): number {
  f32[0] = x;
  return u32[0] >= 0x80000000 ? -(u32[0] & 0x7fffffff) : u32[0];
}
function fromKey(key: number): number {
  u32[0] = key >= 0 ? key : (0x80000000 | -key) >>> 0;
  return f32[0];
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

/** Any f32 (fast-check favours the extremes: NaN, ±∞, ±0, subnormals, ±max), the range where the
 * functions bend, and the suite's special values. */
const anyF32 = fc.oneof(
  { weight: 3, arbitrary: fc.float() },
  { weight: 3, arbitrary: fc.float({ min: -32, max: 32, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIALS) },
);
/** dy: mostly ordinary, sometimes ±0, ±1 or NaN (infinite dy would make Inf·0 = NaN references). */
const dyF32 = fc.oneof(
  { weight: 6, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1, -1, NaN) },
);

/** The first input of kernel k: any f32, or inside its domain (with its ends, and NaN). */
function firstInput(k: KernelName): fc.Arbitrary<number> {
  const kr = kernels[k];
  const d = kr.shape === 'grad' ? kr.domain : undefined;
  if (!d) return anyF32;
  const [lo, hi] = [Math.fround(d[0]), Math.fround(d[1])];
  return fc.oneof(
    { weight: 8, arbitrary: fc.float({ min: lo, max: hi, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(lo, hi, NaN) },
  );
}

/** Parameters of kernel k, f32-finite: the default, a moderate value or any finite f32; > 0 where
 * `positive`, ≥ 0 throughout when `nonNegative`, and 0 or at least `minAbs` in magnitude. */
function paramsArb(k: KernelName, nonNegative = false): fc.Arbitrary<number[]> {
  return paramValues(kernels[k].params, nonNegative);
}
function paramValues(params: readonly Param[], nonNegative = false): fc.Arbitrary<number[]> {
  return fc.tuple(...params.map((q: Param) => {
    const min = q.positive ? 2 ** -149 : nonNegative ? 0 : undefined;
    const minAbs = q.minAbs ?? 0;
    const allowed = (v: number) => v === 0 || Math.abs(v) >= minAbs;
    return fc.oneof(
      fc.constant(Math.fround(q.default)),
      fc.float({ min: min ?? -8, max: 8, noNaN: true }).filter(allowed),
      fc.float({ min: min ?? -MAX_F32, max: MAX_F32, noNaN: true }).filter(allowed),
    );
  }));
}

interface Inputs { v: Float32Array; dy: Float32Array }
/** v (and dy) of one random length 0..300, each at its own random offset. */
function inputsArb(k: KernelName): fc.Arbitrary<Inputs> {
  return fc.record({
    pairs: fc.array(fc.tuple(firstInput(k), dyF32), LENGTHS),
    vOff: fc.nat(7),
    dOff: fc.nat(7),
  }).map(({ pairs, vOff, dOff }) => ({
    v: placed(pairs.map((q) => q[0]), vOff),
    dy: placed(pairs.map((q) => q[1]), dOff),
  }));
}

// ---------------------------------------------------------------------------------------------
// (a) The backends agree.

describe('(a) the backends agree', () => {
  test.each(kernelNames.filter((k) => kernels[k].shape !== 'sum'))(
    '%s: simd and wasm bit-identical, js and relaxed within both bounds, special results identical', (k) => {
      const grad = kernels[k].shape === 'grad';
      fc.assert(fc.property(paramsArb(k), inputsArb(k), (p, { v, dy }) => {
        const [simd, wasm, js, relaxed] = onEach(['simd', 'wasm', 'js', 'relaxed'], () => callKernel(k, v, dy, undefined, p) as Float32Array);
        const j = firstBitDifference(simd, wasm, true);
        if (j >= 0) throw new Error(`${k}(${show(v[j])}${grad ? `, dy = ${show(dy[j])}` : ''}; p = ${p}): simd ${bitsOf(simd[j])}, wasm ${bitsOf(wasm[j])}`);
        for (const [name, other] of [['js', js], ['relaxed', relaxed]] as const) {
          for (let i = 0; i < v.length; i++) {
            const ref = reference(k, v[i], dy[i], p);
            const at = `${k}(${show(v[i])}${grad ? `, dy = ${show(dy[i])}` : ''}; p = ${p}): simd ${show(simd[i])}, ${name} ${show(other[i])}, reference ${ref}`;
            if (!Number.isFinite(Math.fround(ref))) {
              // NaN, ±∞ or beyond f32: the special results must be the same in every backend.
              if (!sameNumber(simd[i], other[i])) throw new Error(`${at}: special results differ`);
            } else {
              const tol = allowed(k, 'simd', ref, dy[i]) + allowed(k, name, ref, dy[i]);
              if (!(Math.abs(simd[i] - other[i]) <= tol)) throw new Error(`${at}: |simd − ${name}| > ${tol}`);
            }
          }
        }
      }));
    });

  test.each(kernelNames.filter((k) => kernels[k].shape === 'sum'))('%s: sums agree within twice the relative bound', (k) => {
    const kr = kernels[k];
    fc.assert(fc.property(paramsArb(k), inputsArb(k), (p, { v, dy }) => {
      const sums = onEach(['simd', 'wasm', 'js', 'relaxed'], () => callKernel(k, v, dy, undefined, p) as number);
      // Σ|term| scales the bound. Each term is formed in f32, so one whose exact value is below
      // the normal range may be flushed (as any result may): up to 2·2^-126 each, per backend.
      let mag = 0;
      let flush = 0;
      for (let i = 0; i < v.length; i++) {
        const t = reference(k, v[i], dy[i], p);
        if (Number.isFinite(t)) mag += Math.abs(t);
        if (Math.abs(t) < MIN_NORMAL) flush += 2 * MIN_NORMAL;
      }
      const at = `${k}(p = ${p}, n = ${v.length}): simd ${sums[0]}, wasm ${sums[1]}, js ${sums[2]}, relaxed ${sums[3]}`;
      if (sums.some(Number.isNaN) || sums.some((s) => !Number.isFinite(s))) {
        if (!sums.every((s) => sameNumber(s, sums[2]))) throw new Error(`${at}: special sums differ`);
        return;
      }
      const tol = 2 * ((kr.bound.relSum ?? 0) * mag + flush);
      for (const s of sums) if (!(Math.abs(s - sums[2]) <= tol)) throw new Error(`${at}: differ by more than ${tol}`);
    }));
  });

  test.each(kernelNames.filter((k) => kernels[k].shape === 'sum'))('%s: every backend\'s sum is within its bound of the reference', (k) => {
    const kr = kernels[k];
    fc.assert(fc.property(paramsArb(k), inputsArb(k), (p, { v, dy }) => {
      let ref = 0;
      let mag = 0;
      let flush = 0;
      for (let i = 0; i < v.length; i++) {
        const t = reference(k, v[i], dy[i], p);
        ref += t;
        mag += Math.abs(t);
        if (Math.abs(t) < MIN_NORMAL) flush += 2 * MIN_NORMAL;
      }
      // A NaN or infinite term (NaN or ±∞ inputs, whose special results are compared above) has
      // no reference to hold against.
      if (!Number.isFinite(mag)) return;
      const tol = (kr.bound.relSum ?? 0) * mag + flush;
      onEach(BACKENDS, (b) => {
        const s = callKernel(k, v, dy, undefined, p) as number;
        if (!(Math.abs(s - ref) <= tol)) {
          const i = v.length === 1 ? '' : ` (inputs ${Array.from(v).slice(0, 4)}${v.length > 4 ? ', …' : ''})`;
          throw new Error(`${k}(p = ${p}, n = ${v.length}) on ${b} = ${s}, reference ${ref}, off by more than ${tol}${i}`);
        }
      });
    }));
  });
});

// ---------------------------------------------------------------------------------------------
// (b) Monotone forwards. The one hand list: which functions are monotone (for parameters ≥ 0).

// (penalizedTanh, x or a·tanh x, is monotone for a ≥ 0; hardSwish, x·relu6(x + 3)/6, for x ≥ 0.)
// softplus is left out: PyTorch's switch to x above βx > threshold is a jump down for small
// thresholds (threshold 1e-45: softplus(0) = log 2/β, softplus(1e-5) = 1e-5), by definition.
const MONOTONE_EVERYWHERE = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'selu', 'hardSigmoid', 'penalizedTanh'];
const MONOTONE_ON_POSITIVE = ['swish', 'mish', 'gelu', 'hardSwish'];
const monotone = activations.filter((a) => MONOTONE_EVERYWHERE.includes(a.name) || MONOTONE_ON_POSITIVE.includes(a.name));

/** Ascending finite inputs: sorted random floats, or a run of floats `step` f32 apart (step 1: neighbours). */
function ascending(nonNegative: boolean): fc.Arbitrary<Float32Array> {
  const value = nonNegative ? fc.float({ min: 0, noNaN: true, noDefaultInfinity: true }) : fc.float({ noNaN: true, noDefaultInfinity: true });
  // fc.float is spread over bit patterns (mostly tiny magnitudes); add values spread evenly over
  // [−32, 32] (on a 2^-16 grid), where the functions bend.
  const even = fc.integer({ min: nonNegative ? 0 : -(2 ** 21), max: 2 ** 21 }).map((i) => i / 2 ** 16);
  const near = fc.oneof(nonNegative ? fc.float({ min: 0, max: 32, noNaN: true }) : fc.float({ min: -32, max: 32, noNaN: true }), even, even);
  const sorted = fc.array(fc.oneof(value, near), LENGTHS).map((xs) => Float32Array.from(xs).sort());
  // Neighbours (step 1) where the function bends are where rounding errors could reverse the order.
  const run = fc.record({
    start: fc.oneof(value, near, near),
    n: fc.integer({ min: 2, max: 300 }),
    step: fc.oneof(fc.constant(1), fc.constant(1), fc.integer({ min: 1, max: 64 })),
  })
    .map(({ start, n, step }) => {
      const k0 = keyOf(start);
      const out: number[] = [];
      for (let i = 0, key = k0; i < n && key < INF_KEY; i++, key += step) out.push(fromKey(key));
      return Float32Array.from(out);
    });
  return fc.tuple(fc.oneof(sorted, run), fc.nat(7)).map(([xs, off]) => placed(xs, off));
}

describe('(b) monotone forwards are monotone (the WebAssembly kernels up to their error bound)', () => {
  test('the activations of the hand list that exist have map forwards', () => {
    // Not all of them need exist; those that do are checked below.
    expect(monotone.every((a) => kernels[a.forward].shape === 'map')).toBe(true);
  });
  const cases = monotone.flatMap((a) => BACKENDS.map((b) => [a.name, b, a] as const));
  test.each(cases)('%s on %s (parameters ≥ 0)', (_name, backend, act) => {
    const k = act.forward;
    const onPositive = MONOTONE_ON_POSITIVE.includes(act.name);
    S.setBackend(backend);
    // The WebAssembly kernels are monotone up to their error bound: neighbouring inputs can come
    // out one or two ULP out of order (their errors differ), never more than the bound allows.
    // The js fallback rounds float64 results once, so it is monotone outright.
    const slack = backend === 'js' ? 0 : kernels[k].bound.ulp[backend];
    fc.assert(fc.property(paramsArb(k, true), ascending(onPositive), (p, x) => {
      const y = callKernel(k, x, x, undefined, p) as Float32Array;
      for (let i = 1; i < x.length; i++) {
        if (y[i - 1] <= y[i]) continue;
        const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(y[i]), 2 ** -126))) - 23);
        if (!(Number.isFinite(y[i]) && y[i - 1] <= y[i] + slack * ulp)) {
          throw new Error(`${k}(p = ${p}) on ${backend}: ${k}(${show(x[i - 1])}) = ${show(y[i - 1])} > ${k}(${show(x[i])}) = ${show(y[i])}` +
            ` (references ${reference(k, x[i - 1], 1, p)}, ${reference(k, x[i], 1, p)})`);
        }
      }
    }), { numRuns: 4 * RUNS }); // cheap, and order reversals are rare: more runs
  });
});

// ---------------------------------------------------------------------------------------------
// (c) Identities, for the activations among these that exist.

const has = (name: string) => activations.some((a) => a.name === name);
const anyArray = fc.tuple(fc.array(anyF32, LENGTHS), fc.nat(7)).map(([xs, off]) => placed(xs, off));
const negated = (x: Float32Array) => x.map((v) => -v);

describe('(c) identities', () => {
  test.runIf(has('sigmoid')).each(BACKENDS)('σ(−x) = 1 − σ(x) within both results\' bounds (%s)', (backend) => {
    S.setBackend(backend);
    const u = kernels.sigmoid.bound.ulp[backend];
    fc.assert(fc.property(anyArray, (x) => {
      const a = api('sigmoid')(x);
      const b = api('sigmoid')(negated(x));
      for (let i = 0; i < x.length; i++) {
        if (Number.isNaN(x[i])) {
          if (!Number.isNaN(a[i]) || !Number.isNaN(b[i])) throw new Error(`σ(NaN) is not NaN`);
          continue;
        }
        // Each result may miss its exact value by its bound (or flush below 2^-126); 1 − a is exact in float64.
        const r = reference('sigmoid' as KernelName, x[i], 1, []);
        const rn = reference('sigmoid' as KernelName, -x[i], 1, []);
        const tol = u * (ulpOf(r) + ulpOf(rn)) + (rn < MIN_NORMAL || r < MIN_NORMAL ? 2 * MIN_NORMAL : 0);
        if (!(Math.abs(b[i] - (1 - a[i])) <= tol)) {
          throw new Error(`x = ${show(x[i])}: σ(x) = ${a[i]}, σ(−x) = ${b[i]}, |σ(−x) − (1 − σ(x))| = ${Math.abs(b[i] - (1 - a[i]))} > ${tol}`);
        }
      }
    }));
  });

  test.runIf(has('tanh')).each(BACKENDS)('tanh(−x) = −tanh(x) exactly, signed zeros included (%s)', (backend) => {
    S.setBackend(backend);
    fc.assert(fc.property(anyArray, (x) => {
      const a = api('tanh')(x);
      const b = api('tanh')(negated(x));
      for (let i = 0; i < x.length; i++) {
        if (!sameNumber(b[i], -a[i])) throw new Error(`x = ${show(x[i])}: tanh(x) = ${show(a[i])}, tanh(−x) = ${show(b[i])}`);
      }
    }));
  });

  test.runIf(has('swish')).each(BACKENDS)('swish(x) − swish(−x) = x within both results\' bounds, any β (%s)', (backend) => {
    S.setBackend(backend);
    const u = kernels.swish.bound.ulp[backend];
    fc.assert(fc.property(paramsArb('swish' as KernelName), anyArray, (p, x) => {
      const a = api('swish')(x, undefined, ...p);
      const b = api('swish')(negated(x), undefined, ...p);
      for (let i = 0; i < x.length; i++) {
        const xi = x[i];
        const d = a[i] - b[i];
        const at = `β = ${p}, x = ${show(xi)}: swish(x) = ${show(a[i])}, swish(−x) = ${show(b[i])}`;
        if (!Number.isFinite(xi)) {
          if (p[0] === 0) continue; // β = 0 with an infinite x gives NaN, as the README says
          if (!sameNumber(d, xi)) throw new Error(`${at}: difference ${d}`);
          continue;
        }
        // x·σ(t) + x·σ(−t) = x, t = fl(βx) (and fl(−βx) = −t); the float64 difference of the two
        // f32 results is within 2^-52·|x| of exact.
        const r = reference('swish' as KernelName, xi, 1, p);
        const rn = reference('swish' as KernelName, -xi, 1, p);
        const flush = (Math.abs(r) < MIN_NORMAL ? 2 * MIN_NORMAL : 0) + (Math.abs(rn) < MIN_NORMAL ? 2 * MIN_NORMAL : 0);
        const tol = u * (ulpOf(r) + ulpOf(rn)) + flush + 2 ** -52 * Math.abs(xi);
        if (!(Math.abs(d - xi) <= tol)) throw new Error(`${at}: difference ${d}, off by ${Math.abs(d - xi)} > ${tol}`);
      }
    }));
  });

  test.runIf(has('relu')).each(BACKENDS)('relu(x) − relu(−x) = x exactly (%s)', (backend) => {
    S.setBackend(backend);
    fc.assert(fc.property(anyArray, (x) => {
      const a = api('relu')(x);
      const b = api('relu')(negated(x));
      for (let i = 0; i < x.length; i++) {
        const d = a[i] - b[i];
        if (!(d === x[i] || (Number.isNaN(d) && Number.isNaN(x[i])))) {
          throw new Error(`x = ${show(x[i])}: relu(x) = ${show(a[i])}, relu(−x) = ${show(b[i])}`);
        }
      }
    }));
  });
});

// ---------------------------------------------------------------------------------------------
// (d) Gradients against central differences of the float64 forward reference. x on a 2^-8 grid
// in [−20, 20], h = 2^-14 and parameters ±2^-3..2^3, so that x ± h and every product with a
// parameter are exact in f32 (the reference's fl(βx) is then exact and the quotient smooth); the
// truncation error h²/6·|f'''| stays below 1e-9. Points within 2h of a declared kink are left out.

const H = 2 ** -14;
function gridParams(k: KernelName): fc.Arbitrary<number[]> {
  return fc.tuple(...kernels[k].params.map((q) =>
    fc.tuple(fc.integer({ min: -3, max: 3 }), q.positive ? fc.constant(1) : fc.constantFrom(1, -1)).map(([e, s]) => s * 2 ** e)));
}
const gridXs = fc.tuple(fc.array(fc.integer({ min: -20 * 256, max: 20 * 256 }), { ...LENGTHS, minLength: 1 }), fc.nat(7))
  .map(([ns, off]) => placed(ns.map((n) => n / 256), off));

/** Which gradient kernels of activation a read what: [kernel, reads y]. */
const gradKernels = (a: Activation): [KernelName, boolean][] =>
  [[a.backward, false], ...(a.backwardFromOutput ? [[a.backwardFromOutput, true] as [KernelName, boolean]] : [])];

describe('(d) gradients match central differences of the forward reference', () => {
  const cases = activations.flatMap((a) => gradKernels(a).flatMap(([g, fromY]) => BACKENDS.map((b) => [g, b, a, fromY] as [KernelName, S.Backend, Activation, boolean])));
  test.each(cases)('%s on %s', (g, backend, act, fromY) => {
    const fwd = kernels[act.forward];
    if (fwd.shape !== 'map') throw new Error('a forward is a map kernel');
    S.setBackend(backend);
    fc.assert(fc.property(gridParams(act.forward), gridXs, (p, x) => {
      const kinks = act.kinks?.(p) ?? [];
      // The kept output y = f(x) rounded to f32, for a kernel that reads it.
      const v = fromY ? x.map((xi) => fwd.reference(xi, p)) : x;
      const got = callKernel(g, v, new Float32Array(x.length).fill(1), undefined, p.slice(0, kernels[g].params.length)) as Float32Array;
      for (let i = 0; i < x.length; i++) {
        if (kinks.some((c) => Math.abs(x[i] - c) <= 2 * H)) continue; // one-sided there, by definition
        const fd = (fwd.reference(x[i] + H, p) - fwd.reference(x[i] - H, p)) / (2 * H);
        if (!(Math.abs(got[i] - fd) <= 2 ** -18 * Math.abs(fd) + 2 ** -20)) {
          throw new Error(`${g}(${fromY ? `y = ${v[i]} = f(${x[i]})` : x[i]}; p = ${p}) = ${got[i]}, finite difference ${fd}`);
        }
      }
    }));
  });
});

// ---------------------------------------------------------------------------------------------
// (e) In place equals out of place, bit for bit.

describe('(e) in place equals out of place, bit for bit', () => {
  const cases = kernelNames.filter((k) => kernels[k].shape !== 'sum').flatMap((k) => BACKENDS.map((b) => [k, b] as const));
  test.each(cases)('%s on %s', (k, backend) => {
    const grad = kernels[k].shape === 'grad';
    S.setBackend(backend);
    const wasm = (WASM_BACKENDS as readonly string[]).includes(backend);
    fc.assert(fc.property(paramsArb(k), inputsArb(k), fc.nat(7), fc.nat(7), fc.boolean(), (p, { v, dy }, outOff, memOff, inMemory) => {
      const n = v.length;
      const vBefore = v.slice();
      const dyBefore = dy.slice();
      const out = placed(new Float32Array(n), outOff);
      callKernel(k, v, dy, out, p);
      // The inputs are untouched.
      if (firstBitDifference(v, vBefore, false) >= 0 || firstBitDifference(dy, dyBefore, false) >= 0) {
        throw new Error(`${k}: an input changed`);
      }
      const check = (got: Float32Array, how: string) => {
        const j = firstBitDifference(got, out, false);
        if (j >= 0) {
          throw new Error(`${k}(${show(v[j])}${grad ? `, dy = ${show(dy[j])}` : ''}; p = ${p}) on ${backend}, ${how}: ` +
            `${bitsOf(got[j])}, out of place ${bitsOf(out[j])}`);
        }
      };
      // In place over the first input (an ordinary array at another offset).
      const a = placed(v, outOff);
      callKernel(k, a, dy, a, p);
      check(a, 'in place over the input');
      if (grad) {
        const d = placed(dy, memOff);
        callKernel(k, v, d, d, p);
        check(d, 'in place over dy');
      }
      // In place in WebAssembly memory (zero-copy), at an element offset inside a block.
      if (wasm && inMemory) {
        const blockV = S.allocate(n + 8);
        const blockD = S.allocate(n + 8);
        try {
          const mv = blockV.array.subarray(memOff, memOff + n);
          const md = blockD.array.subarray(memOff, memOff + n);
          mv.set(v);
          md.set(dy);
          callKernel(k, mv, md, mv, p);
          check(mv, 'in place in WebAssembly memory');
          if (grad) {
            mv.set(v);
            callKernel(k, mv, md, md, p);
            check(md, 'in place over dy in WebAssembly memory');
          }
        } finally {
          blockV.free();
          blockD.free();
        }
      }
    }));
  });
});

// ---------------------------------------------------------------------------------------------
// (f) The fused forms, on every backend: within the bound of the float64 reference (special
// results, where the reference is NaN, ±∞ or beyond f32, identical to simd's), simd and wasm bit
// for bit, the inputs untouched, in place (out = a; outA = a, outB = b; dx over x) equal to out
// of place.

const fused: Record<string, FusedKernel> = fusedKernels;

/** Whether got is within kernel bound `bound` of ref on backend (abs: the absDy clause's scale), or
 * for a reference that is no finite f32, the same special value as simd's result. */
function fusedOk(k: string, backend: S.Backend, got: number, ref: number, abs: number, simd: number): boolean {
  if (!Number.isFinite(Math.fround(ref))) return sameNumber(got, simd);
  const b = fused[k].bound;
  let e = b.ulp[backend] * ulpOf(ref);
  if (b.absDy !== undefined) e = Math.max(e, b.absDy * abs);
  if (Math.abs(ref) < MIN_NORMAL) e = Math.max(e, MIN_NORMAL + Math.abs(ref)); // may be flushed
  return Math.abs(got - ref) <= e;
}

/** Throws naming the first element whose bits differ between simd's and wasm's outputs. */
function sameBits(k: string, simd: Float32Array, wasm: Float32Array, at: (i: number) => string) {
  const j = firstBitDifference(simd, wasm, true);
  if (j >= 0) throw new Error(`${k}(${at(j)}): simd ${bitsOf(simd[j])}, wasm ${bitsOf(wasm[j])}`);
}

const FUSED_RUNS = 200;

describe('(f) the fused forms', () => {
  const gates = fusedSpecs.filter((s) => fused[s.forward].shape === 'binary');
  test.each(gates.map((s) => [s.name, s] as const))('%s and its backward: every backend within its bound, simd = wasm, in place = out of place', (_n, spec) => {
    const [fk, bk] = [spec.forward, spec.backward];
    const fwd = fused[fk];
    const bwd = fused[bk];
    if (fwd.shape !== 'binary' || bwd.shape !== 'gateGrad') throw new Error('a gate is a binary forward and a gateGrad backward');
    const inputs = fc.record({
      // FINDING (reported to the lead with this change): where dy·b overflows f32 but the exact
      // ∂L/∂a = dy·b·f'(a) does not, the backward returns ±∞: gegluBackward(a = 0, b = 8.507074e37,
      // dy = 3.999993).da is ∞ on relaxed and simd, reference 1.7014118e38. Such elements are
      // left out here; the test.fails below holds the case until it is fixed.
      t: fc.array(fc.tuple(anyF32, anyF32, dyF32).filter(([, b, dy]) => !Number.isFinite(b) || Number.isFinite(Math.fround(dy * b))), LENGTHS),
      off: fc.tuple(fc.nat(7), fc.nat(7), fc.nat(7)),
    }).map(({ t, off }) => ({ a: placed(t.map((q) => q[0]), off[0]), b: placed(t.map((q) => q[1]), off[1]), dy: placed(t.map((q) => q[2]), off[2]) }));
    fc.assert(fc.property(paramValues(fwd.params), inputs, (p, { a, b, dy }) => {
      const copies = [a.slice(), b.slice(), dy.slice()];
      const at = (i: number) => `a = ${show(a[i])}, b = ${show(b[i])}, dy = ${show(dy[i])}; p = ${p}`;
      const runs = onEach(BACKENDS, (backend) => {
        const y = api(fk)(a, b, undefined, ...p) as Float32Array;
        const { da, db } = api(bk)(a, b, dy, undefined, undefined, ...p) as { da: Float32Array; db: Float32Array };
        const a2 = a.slice();
        api(fk)(a2, b, a2, ...p);
        const [a3, b3] = [a.slice(), b.slice()];
        api(bk)(a3, b3, dy, a3, b3, ...p);
        for (const [got, want, how] of [[a2, y, 'out = a'], [a3, da, 'outA = a'], [b3, db, 'outB = b']] as const) {
          const j = firstBitDifference(got, want, false);
          if (j >= 0) throw new Error(`${how === 'out = a' ? fk : bk}(${at(j)}) on ${backend}, ${how}: ${bitsOf(got[j])}, out of place ${bitsOf(want[j])}`);
        }
        for (const [v, c] of [[a, copies[0]], [b, copies[1]], [dy, copies[2]]]) {
          if (firstBitDifference(v, c, false) >= 0) throw new Error(`${fk}/${bk} on ${backend}: an input changed`);
        }
        return { backend, y, da, db };
      });
      const simd = runs.find((r) => r.backend === 'simd')!;
      const wasm = runs.find((r) => r.backend === 'wasm')!;
      sameBits(fk, simd.y, wasm.y, at);
      sameBits(`${bk}.da`, simd.da, wasm.da, at);
      sameBits(`${bk}.db`, simd.db, wasm.db, at);
      for (const r of runs) {
        for (let i = 0; i < a.length; i++) {
          const want = fwd.reference(a[i], b[i], p);
          const [wa, wb] = bwd.reference(a[i], b[i], dy[i], p);
          if (!fusedOk(fk, r.backend, r.y[i], want, 0, simd.y[i])) throw new Error(`${fk}(${at(i)}) on ${r.backend} = ${show(r.y[i])}, reference ${want}, simd ${show(simd.y[i])}`);
          if (!fusedOk(bk, r.backend, r.da[i], wa, Math.abs(dy[i] * b[i]), simd.da[i])) throw new Error(`${bk}(${at(i)}).da on ${r.backend} = ${show(r.da[i])}, reference ${wa}, simd ${show(simd.da[i])}`);
          if (!fusedOk(bk, r.backend, r.db[i], wb, 0, simd.db[i])) throw new Error(`${bk}(${at(i)}).db on ${r.backend} = ${show(r.db[i])}, reference ${wb}, simd ${show(simd.db[i])}`);
        }
      }
    }), { numRuns: FUSED_RUNS });
  });

  test.fails.each(gates.map((s) => s.backward))('%s: ∂L/∂a is finite where only dy·b overflows f32 (the FINDING above; fails until fixed)', (bk) => {
    const [a, b, dy] = [Float32Array.of(0), Float32Array.of(8.507074384830664e37), Float32Array.of(3.999992847442627)];
    const f = fused[bk];
    if (f.shape !== 'gateGrad') throw new Error('a gate backward');
    const want = f.reference(0, b[0], dy[0], f.params.map((q) => Math.fround(q.default)))[0];
    expect(Number.isFinite(Math.fround(want))).toBe(true);
    for (const backend of BACKENDS) {
      S.setBackend(backend);
      expect(api(bk)(a, b, dy).da[0], backend).toBe(Math.fround(want));
    }
  });

  const biases = fusedSpecs.filter((s) => fused[s.forward].shape === 'bias');
  test.each(biases.map((s) => [s.name, s] as const))('%s and its backward: every backend within its bound, simd = wasm, in place = out of place', (_n, spec) => {
    const [fk, bk] = [spec.forward, spec.backward];
    const fwd = fused[fk];
    const bwd = fused[bk];
    if (fwd.shape !== 'bias' || bwd.shape !== 'biasGrad') throw new Error('a bias form is a bias forward and a biasGrad backward');
    // rows × C elements, C in 1..40 channels, at most 300 elements.
    const inputs = fc.integer({ min: 1, max: 40 }).chain((C) => fc.record({
      C: fc.constant(C),
      bias: fc.array(anyF32, { minLength: C, maxLength: C }),
      rows: fc.integer({ min: 0, max: Math.floor(300 / C) }),
      off: fc.tuple(fc.nat(7), fc.nat(7), fc.nat(7)),
    })).chain(({ C, bias, rows, off }) => fc.array(fc.tuple(anyF32, dyF32), { minLength: rows * C, maxLength: rows * C }).map((t) => ({
      C, x: placed(t.map((q) => q[0]), off[0]), bias: placed(bias, off[1]), dy: placed(t.map((q) => q[1]), off[2]),
    })));
    fc.assert(fc.property(paramValues(fwd.params), inputs, (p, { C, x, bias, dy }) => {
      const copies = [x.slice(), bias.slice(), dy.slice()];
      const at = (i: number) => `x = ${show(x[i])}, bias = ${show(bias[i % C])}, dy = ${show(dy[i])}, C = ${C}; p = ${p}`;
      const runs = onEach(BACKENDS, (backend) => {
        const y = api(fk)(x, bias, undefined, ...p) as Float32Array;
        const { dx, dbias } = api(bk)(x, bias, dy, undefined, undefined, ...p) as { dx: Float32Array; dbias: Float32Array };
        const x2 = x.slice();
        api(fk)(x2, bias, x2, ...p);
        const x3 = x.slice();
        api(bk)(x3, bias, dy, x3, undefined, ...p);
        for (const [got, want, how] of [[x2, y, 'out = x'], [x3, dx, 'dx over x']] as const) {
          const j = firstBitDifference(got, want, false);
          if (j >= 0) throw new Error(`${how === 'out = x' ? fk : bk}(${at(j)}) on ${backend}, ${how}: ${bitsOf(got[j])}, out of place ${bitsOf(want[j])}`);
        }
        for (const [v, c] of [[x, copies[0]], [bias, copies[1]], [dy, copies[2]]]) {
          if (firstBitDifference(v, c, false) >= 0) throw new Error(`${fk}/${bk} on ${backend}: an input changed`);
        }
        return { backend, y, dx, dbias };
      });
      const simd = runs.find((r) => r.backend === 'simd')!;
      const wasm = runs.find((r) => r.backend === 'wasm')!;
      sameBits(fk, simd.y, wasm.y, at);
      sameBits(`${bk}.dx`, simd.dx, wasm.dx, at);
      sameBits(`${bk}.dbias`, simd.dbias, wasm.dbias, (c) => `channel ${c}, C = ${C}; p = ${p}`);
      for (const r of runs) {
        const sums = new Float64Array(C);
        const mags = new Float64Array(C);
        for (let i = 0; i < x.length; i++) {
          const c = i % C;
          const want = fwd.reference(x[i], bias[c], p);
          const wd = bwd.reference(x[i], bias[c], dy[i], p);
          if (!fusedOk(fk, r.backend, r.y[i], want, 0, simd.y[i])) throw new Error(`${fk}(${at(i)}) on ${r.backend} = ${show(r.y[i])}, reference ${want}, simd ${show(simd.y[i])}`);
          if (!fusedOk(bk, r.backend, r.dx[i], wd, Math.abs(dy[i]), simd.dx[i])) throw new Error(`${bk}(${at(i)}).dx on ${r.backend} = ${show(r.dx[i])}, reference ${wd}, simd ${show(simd.dx[i])}`);
          // Where the reference is no finite f32 every backend gave simd's special dx (checked
          // just above): that is the term dbias sums.
          if (!Number.isFinite(Math.fround(wd))) { sums[c] += simd.dx[i]; continue; }
          sums[c] += wd;
          // Each dx may be off by its bound (or flushed): dbias, their float64 sum rounded once, by the sum of those.
          mags[c] += Math.max(bwd.bound.ulp[r.backend] * ulpOf(wd), (bwd.bound.absDy ?? 0) * Math.abs(dy[i]), Math.abs(wd) < MIN_NORMAL ? MIN_NORMAL + Math.abs(wd) : 0);
        }
        for (let c = 0; c < C; c++) {
          const ok = Number.isFinite(Math.fround(sums[c]))
            ? Math.abs(r.dbias[c] - sums[c]) <= mags[c] + 2 ** -24 * Math.abs(sums[c])
            : sameNumber(r.dbias[c], simd.dbias[c]);
          if (!ok) throw new Error(`${bk}(C = ${C}; p = ${p}).dbias[${c}] on ${r.backend} = ${show(r.dbias[c])}, reference ${sums[c]} (± ${mags[c]}), simd ${show(simd.dbias[c])}`);
        }
      }
    }), { numRuns: FUSED_RUNS });
  });
});
