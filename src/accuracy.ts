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
  const a = Math.abs(ref);
  const e = a < MIN_NORMAL ? -126 : Math.floor(Math.log2(a));
  return Math.abs(got - ref) / 2 ** (e - 23);
}

/**
 * Whether `got` meets kernel `k`'s bound on `backend` against the float64 `ref`. Results whose
 * exact value is below the normal range may be flushed, so they pass when |got| is too.
 */
export function withinBound(k: KernelName, backend: Backend, got: number, ref: number, dy = 1): boolean {
  const bound: Bound = kernels[k].bound;
  if (Number.isFinite(ref) && Math.abs(ref) < MIN_NORMAL && Math.abs(got) <= MIN_NORMAL) return true;
  if (ulpError(got, ref) <= bound.ulp[backend]) return true;
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
