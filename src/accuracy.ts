// Error measurement against the registry's float64 references, shared by the tests, `npm start`
// and the accuracy report.
import { kernels, type Bound, type KernelName } from './registry.js';
import type { Backend } from './backends/types.js';

export const MIN_NORMAL = 2 ** -126;

/** |got − ref| in units of the f32 spacing at ref (below 2^-126, the subnormal spacing 2^-149). */
export function ulpError(got: number, ref: number): number {
  if (Number.isNaN(ref)) return Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(ref)) return got === ref ? 0 : Infinity;
  if (Number.isNaN(got)) return Infinity;
  // f32 rounding overflows to ∞ from 2^128 − 2^103 on, as if ∞ were 2^128: measured so, ∞ for
  // an exact result just below 2^128 is within 0.5 ULP, and exact for one beyond it.
  if (got === Math.sign(ref) * Infinity && Math.abs(ref) >= 2 ** 128) return 0;
  const g = Math.abs(got) === Infinity ? Math.sign(got) * 2 ** 128 : got;
  const a = Math.abs(ref);
  const e = a < MIN_NORMAL ? -126 : Math.floor(Math.log2(a));
  return Math.abs(g - ref) / 2 ** (e - 23);
}

/**
 * Whether `got` meets kernel `k`'s bound on `backend` against the float64 `ref`. Results whose
 * exact value is below the normal range may be flushed, so they pass when |got| is too.
 */
export function withinBound(k: KernelName, backend: Backend, got: number, ref: number, dy = 1): boolean {
  const bound: Bound = kernels[k].bound;
  if (Number.isFinite(ref) && Math.abs(ref) < MIN_NORMAL && Math.abs(got) <= MIN_NORMAL) return true;
  if (ulpError(got, ref) <= (bound.ulp[backend] ?? bound.ulp.simd)) return true;
  return bound.absDy !== undefined && Math.abs(got - ref) <= bound.absDy * Math.abs(dy);
}

/**
 * The largest errors of `got` against kernel k's reference over `input` (dy = 1 for gradients),
 * over results whose exact value is a normal float: `maxUlp` in ULP, leaving out results that
 * meet the kernel's absolute clause (|error| <= absDy·|dy|, near a root of the gradient), and
 * `maxAbs`, the largest |error|/|dy| in units of 2^-23 (0 for kernels without that clause).
 */
export function maxUlpError(k: KernelName, input: Float32Array, got: Float32Array, params: readonly number[] = []):
  { maxUlp: number; at: number; maxAbs: number } {
  const kr = kernels[k];
  const bound: Bound = kr.bound;
  const absDy = bound.absDy;
  let maxUlp = 0;
  let at = NaN;
  let maxAbs = 0;
  for (let i = 0; i < input.length; i++) {
    const ref = kr.shape === 'map' ? kr.reference(input[i], params) : kr.reference(input[i], 1, params);
    if (!Number.isFinite(ref) || Math.abs(ref) < MIN_NORMAL) continue;
    const abs = Math.abs(got[i] - ref);
    if (absDy !== undefined) {
      maxAbs = Math.max(maxAbs, abs / 2 ** -23);
      if (abs <= absDy) continue;
    }
    const e = ulpError(got[i], ref);
    if (e > maxUlp) { maxUlp = e; at = input[i]; }
  }
  return { maxUlp, at, maxAbs };
}

/**
 * Where kernels change regime: e^-z under/overflow, σ rounding to 1, the clamps (Z_MAX = 109,
 * 2^95), the largest float. The quick accuracy sample holds each with 8 neighbours either side.
 */
export const BOUNDARIES: readonly number[] = [0, 2 ** -149, 2 ** -126 - 2 ** -149, 2 ** -126, 2 ** -24, 2 ** -12, 0.5, 1,
  1.2784645, 2, 3, 6, 8.317766, 9.010913, 15.942385, 16.635532, 17, 20, 87.33655, 88.02969, 88.72284, 103.27893, 103.97208,
  104, 108.5, 109, 109.5, 110, 2 ** 31, 2 ** 60, 2 ** 95, 2 ** 96, 3.4028234663852886e38];

/**
 * The quick accuracy sample (`npm run accuracy -- --quick` and test/accuracy.test.ts): `spread`
 * inputs spread evenly over all finite f32 bit patterns, plus every boundary and its 8
 * neighbours on either side, both signs.
 */
export function boundarySample(spread = 2 ** 20): Float32Array {
  const bits = new Uint32Array(spread);
  const step = 2 ** 32 / spread;
  for (let i = 0; i < spread; i++) bits[i] = Math.floor(i * step + ((i * 2654435761) % step));
  const near = new Uint32Array(BOUNDARIES.length * 2 * 17);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  let j = 0;
  for (const v of BOUNDARIES) {
    for (const sign of [1, -1]) {
      f[0] = sign * v;
      for (let d = -8; d <= 8; d++) near[j++] = (u[0] + d) >>> 0;
    }
  }
  const all = new Uint32Array(spread + near.length);
  all.set(bits);
  all.set(near, spread);
  return new Float32Array(all.buffer).filter(Number.isFinite);
}
