// The README's error bounds, held by the test suite on the accuracy sweep's quick sample
// (scripts/accuracy.mjs --quick): inputs spread over every finite f32 plus every boundary where
// the kernels change regime and its f32 neighbours (test/helpers.ts boundarySample). Every map
// and grad kernel of the registry, on every backend, at its default parameters and dy = 1, must
// meet withinBound against its float64 reference at every input: ULP of the exact result, or the
// kernel's absolute clause, with results below the normal range allowed to flush. A kernel with
// a `domain` is run only inside it; a kernel that reads a kept output y is also run on the
// forward's f32 outputs y = f(x) over the sample.
//
// The sample is the script's own (2^20 spread inputs, SPREAD below): 18 kernels × 3 backends take
// about 11 s on two busy cores, so ~40 kernels stay well within a minute. If it ever grows too
// slow, lower SPREAD: boundarySample thins only the spread part and keeps every boundary point.
import { beforeAll, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { kernels as registryKernels, kernelNames, type Kernel, type KernelName } from '../src/registry.js';
// @ts-expect-error: a plain JavaScript module of the sweep, without type declarations
import { parseKey, reportRows } from '../scripts/accuracy-report.mjs';
import { BACKENDS, MIN_NORMAL, boundarySample, callKernel, defaultParams, inputFor, readsY, ulpError, withinBound } from './helpers.js';

/** Every entry as the general Kernel type (the registry's literal types differ per entry). */
const kernels: Record<string, Kernel> = registryKernels;

/** Inputs spread over the bit patterns: 2^20, as the script's --quick. */
const SPREAD = 2 ** 20;
const SAMPLE = boundarySample(SPREAD);

const MAP_GRAD = kernelNames.filter((k) => kernels[k].shape !== 'sum');

/** The inputs kernel k is checked on: the sample inside its domain, plus for a kernel reading
 * a kept output, the forward's outputs over the whole sample (inside the domain too). */
function inputsOf(k: KernelName): Float32Array {
  const kr = kernels[k];
  const domain = kr.shape === 'grad' ? kr.domain : undefined;
  const inDomain = (v: number) => !domain || (v >= domain[0] && v <= domain[1]);
  const own = SAMPLE.filter(inDomain);
  if (!readsY(k)) return own;
  const ys = inputFor(k, SAMPLE).filter((v) => Number.isFinite(v) && inDomain(v));
  const all = new Float32Array(own.length + ys.length);
  all.set(own);
  all.set(ys, own.length);
  return all;
}

/** Per kernel: its inputs and the float64 references there, computed once for every backend. */
const cache = new Map<KernelName, { x: Float32Array; ref: Float64Array }>();
function prepared(k: KernelName) {
  let c = cache.get(k);
  if (!c) {
    const kr = kernels[k];
    const x = inputsOf(k);
    const p = defaultParams(k);
    const ref = new Float64Array(x.length);
    if (kr.shape === 'map') for (let i = 0; i < x.length; i++) ref[i] = kr.reference(x[i], p);
    else if (kr.shape === 'grad') for (let i = 0; i < x.length; i++) ref[i] = kr.reference(x[i], 1, p);
    c = { x, ref };
    cache.set(k, c);
  }
  return c;
}

beforeAll(async () => {
  await S.init();
});

test('the sample holds every boundary and its neighbours, and only finite inputs', () => {
  expect(SAMPLE.length).toBeGreaterThan(SPREAD * 0.99);
  expect(SAMPLE.every(Number.isFinite)).toBe(true);
  const has = new Set(SAMPLE);
  const f32 = (v: number) => Math.fround(v);
  for (const v of [0, 2 ** -149, 2 ** -126, 1.2784645, 88.72284, 109, 3.4028234663852886e38]) {
    expect(has.has(f32(v)), String(v)).toBe(true);
    expect(has.has(f32(-v)), String(-v)).toBe(true);
  }
});

describe.each(MAP_GRAD)('%s', (k) => {
  const kr = kernels[k];

  test.each(BACKENDS)('meets its bound on the quick sample (%s)', (backend) => {
    S.setBackend(backend);
    const { x, ref } = prepared(k);
    const got: Float32Array = callKernel(k, x, new Float32Array(x.length).fill(1));
    expect(got.length).toBe(x.length);
    let bad = 0;
    let first = '';
    let maxUlp = 0;
    let maxAt = NaN;
    let maxAbs = 0;
    for (let i = 0; i < x.length; i++) {
      const r = ref[i];
      const g = got[i];
      if (g === Math.fround(r)) continue; // correctly rounded (≤ 0.5 ULP)
      if (Number.isFinite(r) && Math.abs(r) >= MIN_NORMAL) {
        const e = ulpError(g, r);
        if (e > maxUlp) { maxUlp = e; maxAt = x[i]; }
        if (kr.bound.absDy !== undefined) maxAbs = Math.max(maxAbs, Math.abs(g - r) / 2 ** -23);
      }
      if (!withinBound(k, backend, g, r, 1)) {
        if (!bad++) first = `first: ${k}(${x[i]}${kr.shape === 'map' ? '' : ', dy=1'}) = ${g}, reference ${r} ` +
          `(${ulpError(g, r).toFixed(3)} ULP)`;
      }
    }
    const summary = `${k} on ${backend}: max ${maxUlp.toFixed(3)} ULP at x = ${maxAt} (bound ${kr.bound.ulp[backend]})` +
      (kr.bound.absDy !== undefined ? `, max |error| ${maxAbs.toFixed(3)}·2^-23 (clause ${kr.bound.absDy / 2 ** -23}·2^-23)` : '') +
      `; ${bad} of ${x.length} inputs outside the bound; ${first}`;
    expect(bad, summary).toBe(0);
  });
});

// The measure itself, on values whose error is known by construction.
test('ulpError: spacing of the exact result, subnormal spacing below 2^-126, ∞ as 2^128 past the largest float', () => {
  expect(ulpError(1 + 2 ** -23, 1)).toBe(1);
  expect(ulpError(1, 1 - 2 ** -25)).toBe(0.5); // 1 − 2^-25 is in [0.5, 1): its spacing is 2^-24
  expect(ulpError(2 ** -149, 0)).toBe(1);
  expect(ulpError(0, 3 * 2 ** -150)).toBe(1.5);
  const FLT_MAX = 2 ** 128 - 2 ** 104;
  expect(ulpError(Infinity, 2 ** 128 - 2 ** 103)).toBe(0.5); // the exact result that rounds to ∞
  expect(ulpError(FLT_MAX, 2 ** 128 - 2 ** 103)).toBe(0.5);
  expect(ulpError(-Infinity, -(2 ** 128 - 2 ** 102))).toBe(0.25);
  expect(ulpError(Infinity, FLT_MAX)).toBe(1);
  expect(ulpError(Infinity, 3.6e38)).toBe(0); // beyond 2^128: ∞ is the correctly rounded f32
  expect(ulpError(FLT_MAX, 3.6e38)).toBeGreaterThan(2 ** 18);
  expect(ulpError(-Infinity, 3.6e38)).toBeGreaterThan(2 ** 24);
  expect(ulpError(Infinity, 1e30)).toBeGreaterThan(2 ** 20);
  expect(ulpError(-Infinity, FLT_MAX)).toBeGreaterThan(2 ** 24);
  expect(ulpError(Infinity, Infinity)).toBe(0);
  expect(ulpError(NaN, 1)).toBe(Infinity);
  expect(ulpError(NaN, NaN)).toBe(0);
});

// The inputs where the exhaustive sweep (docs/accuracy.md) found each kernel's largest error, and
// the inputs where it once found a kernel over its bound, before their fixes (mishBackward 4.22
// ULP; swish at β = 1.702, 3.03 ULP), and earlier forms' worst inputs: held on
// every backend, so a kernel change that loses accuracy at a known worst case fails here without
// waiting for the next sweep.
test('the worst inputs the exhaustive sweep found are within bound on every backend', async () => {
  const { readFileSync } = await import('node:fs');
  const md = readFileSync(new URL('../docs/accuracy.md', import.meta.url), 'utf8');
  // [kernel, its first argument (x, or y for a kernel reading a kept output), parameters]
  const points: [KernelName, number, number[]][] = [
    ['mishBackward', -0.23864400386810303, defaultParams('mishBackward')],
    ['swish', -3.10792875289917, [Math.fround(1.702)]], // 3.03 ULP before swish rounded x·s·(1 + p) once
    // sigmoid's worst inputs in its |x| form (1.967 simd, 1.975 relaxed), and the worst of the
    // signed form without its correction (2.27 ULP), in the band where D = 1 + E rounds to even.
    ['sigmoid', -6.237699031829834, []],
    ['sigmoid', -5.858062744140625, []],
    ['sigmoid', -16.650114059448242, []],
  ];
  for (const { key, cells } of reportRows(md)) {
    // A row named kernel:param=value was swept at those parameters.
    const { kernel, params } = parseKey(key, kernels);
    if (cells[2] !== '-') points.push([kernel as KernelName, Number(cells[2]), params]);
  }
  expect(points.length).toBeGreaterThan(20);
  for (const [k, x0, p] of points) {
    const x = Float32Array.of(x0);
    const kr = kernels[k];
    for (const backend of BACKENDS) {
      S.setBackend(backend);
      const got = callKernel(k, x, new Float32Array([1]), undefined, p)[0];
      const ref = kr.shape === 'map' ? kr.reference(x[0], p) : kr.reference(x[0], 1, p);
      expect(withinBound(k, backend, got, ref), `${k}(${x[0]}; ${p}) on ${backend}: ${got}, reference ${ref}`).toBe(true);
    }
  }
});
