// The synchronous API's function for any kernel, made over a given backend: the same wrapper
// (wrappers.ts) that src/generated/api.ts makes over the current one, chosen by the kernel's shape.
import { allKernels, type AnyKernelName, type KernelName } from '../registry.js';
import { biasGradOp, biasOp, binaryOp, gateGradOp, gradOp, mapOp, sumOp } from '../wrappers.js';
import type { BackendImpl } from '../backends/types.js';
import { noteKernel } from '../backends/select.js';

/** Any kernel function: up to seven arguments (gateGrad's and biasGrad's count). */
export type AnyFunction = (a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown, a6?: unknown) => any;

const TABLE = { kernels: allKernels };
// The pool makes every kernel's function after init(): tell it now (it loads the whole build).
for (const k of Object.keys(allKernels)) noteKernel(k);

export function kernelFunction(k: AnyKernelName, backendOf: () => BackendImpl): AnyFunction {
  const kr = allKernels[k];
  switch (kr.shape) {
    case 'map': return mapOp(k as KernelName, TABLE, backendOf) as AnyFunction;
    case 'grad': return gradOp(k as KernelName, TABLE, kr.reads, backendOf) as AnyFunction;
    case 'sum': return sumOp(k as KernelName, TABLE, backendOf) as AnyFunction;
    case 'binary': return binaryOp(k, TABLE, kr.args, backendOf) as AnyFunction;
    case 'gateGrad': return gateGradOp(k, TABLE, backendOf) as AnyFunction;
    case 'bias': return biasOp(k, TABLE, backendOf) as AnyFunction;
    case 'biasGrad': return biasGradOp(k, TABLE, backendOf) as AnyFunction;
  }
}
