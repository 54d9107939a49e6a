// The conformance suite's browser subset, generated from the registry at run time: every kernel
// (activations and fused forms) × the given backend, on seeded random inputs of lengths 0..33 and
// around 1024, on each kernel's parameter sets, on special values and on each kernel's `exact`
// table. Expected values are the registry's float64 references, from the same module `S` that
// runs the kernels (the browser bundle), so this file imports only the plain modules test/rng.js
// and test/call-kernel.js and runs as is in a page and in a module Worker.
//
// runSuite(S, backend, { specials }) → { backend, selected, cases, perKernel: { name: cases }, failures: [...] }
// (`specials`: the special inputs, passed in by the test runner from test/helpers.ts.)
// Each failure is one string: the kernel, the case, what came out and what was expected.

import { callKernel } from '../call-kernel.js';
import { uniform } from '../rng.js';

export const BACKENDS = ['relaxed', 'simd', 'wasm', 'js'];
export const LENGTHS = [...Array.from({ length: 34 }, (_, i) => i), 1023, 1024, 1025, 1029];

/** A copy of test/helpers.ts's SPECIALS, used when the runner passes none. */
export const SPECIALS = [
  0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, -(2 ** -126),
  3.4028234663852886e38, -3.4028234663852886e38, 1e-30, -1e-30, 88, -88, 104, -104, 109, -109, 110, -110,
];

const MIN_NORMAL = 2 ** -126;
const MAX_FAILURES_PER_KERNEL = 5;

const fmt = (v) => (Object.is(v, -0) ? '-0' : String(v));
const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** The default parameters and each parameter in turn at a few other values (as test/conformance.test.ts). */
function paramSets(spec) {
  const sets = [spec.map((q) => q.default)];
  spec.forEach((q, j) => {
    for (const v of [0.5, 1.702, -1.25, 3]) {
      if (q.positive && v <= 0) continue;
      sets.push(spec.map((p, i) => (i === j ? v : p.default)));
    }
  });
  return sets;
}

/** Within the ULP bound of `ulp` or the absolute `abs`; results below the normal range may flush. */
function close(S, got, ref, ulp, abs = 0) {
  if (Number.isFinite(ref) && Math.abs(ref) < MIN_NORMAL && Math.abs(got) <= MIN_NORMAL) return true;
  return S.ulpError(got, ref) <= ulp || Math.abs(got - ref) <= abs;
}

export function runSuite(S, backend, { specials = SPECIALS } = {}) {
  S.setBackend(backend);
  const selected = S.backend();
  const failures = [];
  const perKernel = {};
  let cases = 0;
  let current = '';
  const fail = (msg) => {
    const mine = failures.filter((f) => f.startsWith(`${current}:`)).length;
    if (mine < MAX_FAILURES_PER_KERNEL) failures.push(`${current}: ${msg}`);
    else if (mine === MAX_FAILURES_PER_KERNEL) failures.push(`${current}: (more failures left out)`);
  };
  const check = (ok, msg) => {
    cases++;
    perKernel[current] = (perKernel[current] ?? 0) + 1;
    if (!ok) fail(typeof msg === 'function' ? msg() : msg);
  };
  const guard = (fn) => {
    try {
      fn();
    } catch (e) {
      check(false, `threw ${e && e.stack ? e.stack : e}`);
    }
  };

  const kernels = S.kernels;
  /** The activation whose kernel k is, for kernels that read a kept output y = f(x). */
  const forwardOf = (k) => S.activations.find((a) => [a.forward, a.backward, a.backwardFromOutput, a.paramGrad].includes(k));
  /** Inputs for kernel k from forward inputs xs: xs, or f(xs) at default parameters when k reads y. */
  const inputFor = (k, xs) => {
    const kr = kernels[k];
    if (kr.shape === 'map' || kr.reads !== 'y') return Float32Array.from(xs);
    const fwd = kernels[forwardOf(k).forward];
    const p = fwd.params.map((q) => Math.fround(q.default));
    return Float32Array.from(xs, (x) => fwd.reference(x, p));
  };

  for (const k of Object.keys(kernels)) {
    current = k;
    const kr = kernels[k];
    const fn = S[k];
    guard(() => {
      if (typeof fn !== 'function') return check(false, 'is not exported by the bundle');
      const call = (a, dy, p) => callKernel(S, k, a, dy, undefined, p);

      // Random inputs of every tail length, on every parameter set.
      for (const raw of paramSets(kr.params)) {
        const p = raw.map(Math.fround);
        for (const n of LENGTHS) {
          const a = inputFor(k, uniform(n, -20, 20, n + 1));
          const dy = uniform(n, -2, 2, n + 1000);
          const copies = [a.slice(), dy.slice()];
          const got = call(a, dy, raw);
          check(same(a, copies[0]) && same(dy, copies[1]), `n=${n}: an input was modified`);
          if (kr.shape === 'sum') {
            let ref = 0;
            let mag = 0;
            for (let i = 0; i < n; i++) {
              const t = kr.reference(a[i], dy[i], p);
              ref += t;
              mag += Math.abs(t);
            }
            check(typeof got === 'number' && Math.abs(got - ref) <= (kr.bound.relSum ?? 0) * mag + 1e-300,
              () => `n=${n}, p=[${raw}]: sum ${got}, reference ${ref} (Σ|term| ${mag})`);
            continue;
          }
          check(got instanceof Float32Array && got.length === n, () => `n=${n}: returned ${got && got.constructor.name} of length ${got && got.length}`);
          let bad = 0;
          let first = '';
          for (let i = 0; i < n; i++) {
            const ref = kr.shape === 'map' ? kr.reference(a[i], p) : kr.reference(a[i], dy[i], p);
            const d = kr.shape === 'map' ? 1 : dy[i];
            if (!S.withinBound(k, selected, got[i], ref, d) && !bad++) {
              first = `${k}(${fmt(a[i])}${kr.shape === 'map' ? '' : `, dy=${dy[i]}`}; p=[${raw}]) = ${fmt(got[i])}, reference ${ref}`;
            }
          }
          check(bad === 0, () => `n=${n}: ${bad} element(s) out of bound (${kr.bound.ulp[selected]} ULP on ${selected}), first ${first}`);
        }
      }

      // Special and extreme values against the reference (finite inputs; the rest is `exact`).
      if (kr.shape !== 'sum') {
        const a = inputFor(k, specials);
        const p = kr.params.map((q) => Math.fround(q.default));
        const got = call(a, new Float32Array(a.length).fill(1), []);
        for (let i = 0; i < a.length; i++) {
          if (!Number.isFinite(a[i])) continue;
          const ref = kr.shape === 'map' ? kr.reference(a[i], p) : kr.reference(a[i], 1, p);
          check(S.withinBound(k, selected, got[i], ref), () => `special ${k}(${fmt(a[i])}) = ${fmt(got[i])}, reference ${ref}`);
        }
      }

      // The exact special values the README promises (Object.is: −0 is not 0), dy = 1.
      for (const [x, want] of kr.exact ?? []) {
        const got = kr.shape === 'sum' ? fn(new Float32Array([x]), new Float32Array([1])) : call(new Float32Array([x]), new Float32Array([1]), [])[0];
        check(Object.is(got, want), () => `exact ${k}(${fmt(x)}) = ${fmt(got)}, expected exactly ${fmt(want)}`);
      }
    });
  }

  // The fused forms: two inputs (binary, gateGrad) or rows of channels (bias, biasGrad).
  for (const k of Object.keys(S.fusedKernels ?? {})) {
    current = k;
    const kr = S.fusedKernels[k];
    const fn = S[k];
    guard(() => {
      if (typeof fn !== 'function') return check(false, 'is not exported by the bundle');
      const p = kr.params.map((q) => Math.fround(q.default));
      const ulp = kr.bound.ulp[selected];
      const absDy = kr.bound.absDy ?? 0;
      if (kr.shape === 'binary' || kr.shape === 'gateGrad') {
        for (const n of LENGTHS) {
          const a = uniform(n, -20, 20, n + 1);
          const b = uniform(n, -3, 3, n + 2);
          const dy = uniform(n, -2, 2, n + 3);
          const copies = [a.slice(), b.slice(), dy.slice()];
          let bad = 0;
          let first = '';
          if (kr.shape === 'binary') {
            const y = fn(a, b);
            for (let i = 0; i < n; i++) {
              const ref = kr.reference(a[i], b[i], p);
              if (!close(S, y[i], ref, ulp) && !bad++) first = `${k}(${a[i]}, ${b[i]}) = ${y[i]}, reference ${ref}`;
            }
          } else {
            const { da, db } = fn(a, b, dy);
            for (let i = 0; i < n; i++) {
              const [wa, wb] = kr.reference(a[i], b[i], dy[i], p);
              if (!close(S, da[i], wa, ulp, absDy * Math.abs(dy[i] * b[i])) && !bad++) first = `da(${a[i]}, ${b[i]}, ${dy[i]}) = ${da[i]}, reference ${wa}`;
              if (!close(S, db[i], wb, ulp) && !bad++) first = `db(${a[i]}, ${b[i]}, ${dy[i]}) = ${db[i]}, reference ${wb}`;
            }
          }
          check(same(a, copies[0]) && same(b, copies[1]) && same(dy, copies[2]), `n=${n}: an input was modified`);
          check(bad === 0, () => `n=${n}: ${bad} element(s) out of bound, first ${first}`);
        }
      } else if (kr.shape === 'bias' || kr.shape === 'biasGrad') {
        for (const C of [1, 3, 4, 5, 8, 33, 1024]) {
          for (const rows of [0, 1, 2, 3]) {
            const x = uniform(rows * C, -20, 20, rows * 7 + C);
            const bias = uniform(C, -2, 2, C);
            const dy = uniform(rows * C, -2, 2, rows + 99);
            let bad = 0;
            let first = '';
            if (kr.shape === 'bias') {
              const y = fn(x, bias);
              for (let i = 0; i < x.length; i++) {
                const ref = kr.reference(x[i], bias[i % C], p);
                if (!close(S, y[i], ref, ulp) && !bad++) first = `${k}(${x[i]} + ${bias[i % C]}) = ${y[i]}, reference ${ref}`;
              }
            } else {
              const { dx, dbias } = fn(x, bias, dy);
              const sums = new Float64Array(C);
              const mags = new Float64Array(C);
              for (let i = 0; i < x.length; i++) {
                const c = i % C;
                const ref = kr.reference(x[i], bias[c], dy[i], p);
                if (!close(S, dx[i], ref, ulp, absDy * Math.abs(dy[i])) && !bad++) first = `dx(${x[i]} + ${bias[c]}, dy=${dy[i]}) = ${dx[i]}, reference ${ref}`;
                sums[c] += ref;
                mags[c] += Math.max(2 ** -21 * Math.abs(ref), absDy * Math.abs(dy[i]));
              }
              check(dbias.length === C, `dbias has length ${dbias.length}, expected ${C}`);
              for (let c = 0; c < C; c++) {
                if (!(Math.abs(dbias[c] - sums[c]) <= mags[c] + 2 ** -24 * Math.abs(sums[c]) + 1e-30) && !bad++) {
                  first = `dbias[${c}] = ${dbias[c]}, reference ${sums[c]}`;
                }
              }
            }
            check(bad === 0, () => `C=${C}, rows=${rows}: ${bad} value(s) out of bound, first ${first}`);
          }
        }
      } else {
        check(false, `unknown fused shape ${kr.shape}`);
      }
    });
  }

  return { backend, selected, cases, perKernel, failures };
}
