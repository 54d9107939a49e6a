// The one table every other part of the package reads: the public API (generated/api.ts), the
// JS fallback (backends/js.ts), the WebAssembly driver, the tests, the benchmarks and the
// accuracy report all loop over `kernels` and `activations`. The entries themselves live one
// activation per file in src/activations/ (see kernel.ts for what an entry holds).
import { activationSpecs, fusedKernels, fusedSpecs, kernels } from './generated/registry.js';
import type { ActivationSpec } from './kernel.js';

export { kernels, fusedKernels, fusedSpecs };
export { sigmoid64 } from './kernel.js';
export type {
  Bound, Param, Kernel, MapKernel, GradKernel, SumKernel, Shape, ActivationSpec,
  FusedKernel, BinaryKernel, GateGradKernel, FusedSpec,
} from './kernel.js';

/** The activations' kernels (map, grad, sum shapes). */
export type KernelName = keyof typeof kernels;
export const kernelNames = Object.keys(kernels) as KernelName[];
/** The fused forms' kernels (binary, gateGrad shapes). */
export type FusedKernelName = keyof typeof fusedKernels;
export const fusedKernelNames = Object.keys(fusedKernels) as FusedKernelName[];
/** Every kernel the WebAssembly module exports and every backend runs. */
export type AnyKernelName = KernelName | FusedKernelName;
export const allKernels: Record<AnyKernelName, import('./kernel.js').Kernel | import('./kernel.js').FusedKernel> = { ...kernels, ...fusedKernels };
// Every bound has a `relaxed` entry, so that `bound.ulp[backend]` holds for every backend: the
// simd one unless the entry states its own (the relaxed build differs from the simd build only
// where a kernel uses assembly/fma.ts's madd, whose unfused form is the simd build's).
for (const k of Object.values(allKernels)) {
  const ulp = k.bound.ulp as { simd: number; relaxed?: number };
  ulp.relaxed ??= ulp.simd;
}

/** Activations as users see them: which kernel is the forward, which the backward, and the extras. */
export interface Activation {
  name: string;
  doc: string;
  forward: KernelName;
  backward: KernelName;
  backwardFromOutput?: KernelName;
  paramGrad?: KernelName;
  /** Where the forward has a kink, for the given parameters (see ActivationSpec.kinks). */
  kinks?: (p: readonly number[]) => readonly number[];
}

export const activations: readonly Activation[] = (activationSpecs as unknown as readonly ActivationSpec[]).map((s) => ({
  name: s.name,
  doc: s.doc,
  forward: s.forward as KernelName,
  backward: s.backward as KernelName,
  ...(s.backwardFromOutput ? { backwardFromOutput: s.backwardFromOutput as KernelName } : {}),
  ...(s.paramGrad ? { paramGrad: s.paramGrad as KernelName } : {}),
  ...(s.kinks ? { kinks: s.kinks } : {}),
}));
