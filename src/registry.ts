// The one table every other part of the package reads: the public API wrappers (index.ts), the
// JS fallback's completeness check (backends/js.ts), the conformance tests, the benchmarks and
// the accuracy report all loop over `kernels` and `activations`.
//
// A kernel is one exported element-wise loop of the WebAssembly module, of one of three shapes:
//   map   out[i] = f(x[i]; params)                      e.g. swish
//   grad  out[i] = dy[i]·f'(input[i]; params)           e.g. swishBackward (input x or kept y)
//   sum   Σ_i term(x[i], dy[i]; params), as a number    e.g. swishBetaGrad
//
// `reference` is the float64 meaning of the kernel, written for clarity and range-safety rather
// than speed, independently of the JS fallback; tests and the accuracy sweep compare against it.

export type Shape = 'map' | 'grad' | 'sum';

/** How far a kernel may be from its float64 reference, per backend. */
export interface Bound {
  /** Max error in units in the last place of the f32 nearest the reference. */
  ulp: { simd: number; wasm: number; js: number };
  /**
   * Also accepted: |error| <= absDy·|dy| (gradients near a root of f', where a relative bound
   * cannot hold), or for sums |error| <= relSum·Σ|term|.
   */
  absDy?: number;
  relSum?: number;
}

export interface Param {
  name: string;
  default: number;
}

interface KernelBase {
  name: string;
  params: readonly Param[];
  bound: Bound;
  /** One line for the docs: the formula. */
  formula: string;
}
export interface MapKernel extends KernelBase {
  shape: 'map';
  /** float64 reference of out[i]. */
  reference: (x: number, p: readonly number[]) => number;
}
export interface GradKernel extends KernelBase {
  shape: 'grad' | 'sum';
  /** Whether the first input is the forward input x or the kept output y. */
  reads: 'x' | 'y';
  /** The inputs the kernel is meant for, when narrower than every float (a kept σ output lies in [0, 1]). */
  domain?: readonly [number, number];
  /** float64 reference of out[i] (grad) or of one term of the sum. */
  reference: (v: number, dy: number, p: readonly number[]) => number;
}
export type Kernel = MapKernel | GradKernel;

const f32 = Math.fround;

/** σ(t) in float64 without overflow for either sign. */
export function sigmoid64(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

const BETA: readonly Param[] = [{ name: 'beta', default: 1 }];

// The kernel's t is fl(β·x): f32 implementations all form that product first (NUMERICS.md).
const swishT = (x: number, p: readonly number[]) => f32(f32(p[0]) * x);

export const kernels = {
  sigmoid: {
    name: 'sigmoid',
    shape: 'map',
    params: [],
    reference: (x) => sigmoid64(x),
    bound: { ulp: { simd: 2, wasm: 2, js: 1 } },
    formula: 'σ(x) = 1/(1+e^−x)',
  },
  sigmoidBackward: {
    name: 'sigmoidBackward',
    shape: 'grad',
    reads: 'x',
    params: [],
    reference: (x, dy) => dy * sigmoid64(x) * sigmoid64(-x),
    bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
    formula: 'dx = dy·σ(x)·(1−σ(x))',
  },
  sigmoidBackwardFromOutput: {
    name: 'sigmoidBackwardFromOutput',
    shape: 'grad',
    reads: 'y',
    domain: [0, 1],
    params: [],
    reference: (y, dy) => dy * y * (1 - y),
    bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
    formula: 'dx = dy·y·(1−y), y = σ(x) kept from the forward pass',
  },
  swish: {
    name: 'swish',
    shape: 'map',
    params: BETA,
    reference: (x, p) => x * sigmoid64(swishT(x, p)),
    bound: { ulp: { simd: 3, wasm: 3, js: 1 } },
    formula: 'swish(x) = x·σ(βx)',
  },
  swishBackward: {
    name: 'swishBackward',
    shape: 'grad',
    reads: 'x',
    params: BETA,
    reference: (x, dy, p) => {
      const t = swishT(x, p);
      const s = sigmoid64(t);
      return dy * (s + t * s * sigmoid64(-t));
    },
    bound: { ulp: { simd: 4, wasm: 4, js: 1 }, absDy: 2 ** -23 },
    formula: 'dx = dy·(σ(βx) + βx·σ(βx)·(1−σ(βx)))',
  },
  swishBetaGrad: {
    name: 'swishBetaGrad',
    shape: 'sum',
    reads: 'x',
    params: BETA,
    reference: (x, dy, p) => {
      const t = swishT(x, p);
      return dy * x * x * sigmoid64(t) * sigmoid64(-t);
    },
    bound: { ulp: { simd: 4, wasm: 4, js: 1 }, relSum: 2 ** -21 },
    formula: '∂L/∂β = Σ dy·x²·σ(βx)·(1−σ(βx))',
  },
} as const satisfies Record<string, Kernel>;


export type KernelName = keyof typeof kernels;
export const kernelNames = Object.keys(kernels) as KernelName[];

/**
 * Activations as users see them: which kernel is the forward, which the backward, and which
 * optional extras exist. Drives the docs table, the accuracy report and the benchmarks.
 */
export interface Activation {
  name: string;
  forward: KernelName;
  backward: KernelName;
  backwardFromOutput?: KernelName;
  paramGrad?: KernelName;
}

export const activations: readonly Activation[] = [
  { name: 'sigmoid', forward: 'sigmoid', backward: 'sigmoidBackward', backwardFromOutput: 'sigmoidBackwardFromOutput' },
  { name: 'swish', forward: 'swish', backward: 'swishBackward', paramGrad: 'swishBetaGrad' },
];
