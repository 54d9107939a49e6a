// What an activation's entry in the registry holds. Each activation is one file in
// src/activations/ (this data and its JS fallback) and one in assembly/activations/ (its
// WebAssembly element math); scripts/generate.mjs turns the entries into the module's exports,
// the registry list and the public API wrappers, so nothing else is edited to add one.
//
// A kernel is one exported element-wise loop of the WebAssembly module, of one of three shapes:
//   map   out[i] = f(x[i]; params)                      e.g. swish
//   grad  out[i] = dy[i]·f'(input[i]; params)           e.g. swishBackward (input x or kept y)
//   sum   Σ_i term(x[i], dy[i]; params), as a number    e.g. swishBetaGrad
// Its WebAssembly op class is the kernel's name in PascalCase, in the activation's AssemblyScript
// file; its JS fallback is the `js` loop beside it.
//
// `reference` is the float64 meaning of the kernel, written for clarity and range-safety rather
// than speed, independently of the `js` loop; tests and the accuracy sweep compare against it.

/** How far a kernel may be from its float64 reference, per backend. */
export interface Bound {
  /**
   * Max error in units in the last place of the exact result. `relaxed` (the relaxed-SIMD build,
   * whose multiply-adds may or may not be fused) defaults to `simd`: the registry fills it in.
   */
  ulp: { simd: number; wasm: number; js: number; relaxed?: number };
  /**
   * Also accepted: |error| <= absDy·|dy| (gradients near a root of f', where a relative bound
   * cannot hold).
   */
  absDy?: number;
  /** For sums: |error| <= relSum·Σ|term|. */
  relSum?: number;
}

export interface Param {
  name: string;
  default: number;
  /** What it is, for the docs. */
  doc?: string;
  /** Only values > 0 make sense (e.g. softplus's β): others are a RangeError. */
  positive?: boolean;
  /**
   * Nonzero values smaller than this in magnitude are a RangeError: the range the kernels were
   * swept over ends there (swish's β: 2^-60; below 2^-20 its forward kernels take their wide op,
   * see `wideBelow`).
   */
  minAbs?: number;
}

export type MapLoop = (x: Float32Array, out: Float32Array, n: number, a: number, b: number) => void;
export type GradLoop = (v: Float32Array, dy: Float32Array, out: Float32Array, n: number, a: number, b: number) => void;
export type SumLoop = (x: Float32Array, dy: Float32Array, n: number, a: number, b: number) => number;

interface KernelBase {
  params: readonly Param[];
  bound: Bound;
  /** The formula, for the docs and the API's JSDoc. */
  formula: string;
  /** Anything else a user must know (saturation, kinks, special values). */
  notes?: string;
  /**
   * Exact results the README promises, the same in every backend, at the default parameters
   * (gradients with dy = 1): [input, result]. Compared with Object.is, so −0 is not 0.
   */
  exact?: readonly (readonly [number, number])[];
  /**
   * While |first parameter| < wideBelow the kernel runs the op `${Name}Wide` instead of `${Name}`:
   * element math valid for every input, slower, for parameters the fast op's range assumptions
   * exclude (swish's β: the fast op clamps |x| to 2^27, which changes no result for |β| >= 2^-20).
   */
  wideBelow?: number;
}

export interface MapKernel extends KernelBase {
  shape: 'map';
  /** float64 reference of out[i]. */
  reference: (x: number, p: readonly number[]) => number;
  /** The JS fallback: its own loop literal, so V8 inlines its element function (see backends/js.ts). */
  js: MapLoop;
}

export interface GradKernel extends KernelBase {
  shape: 'grad';
  /** Whether the first input is the forward input x or the kept output y. */
  reads: 'x' | 'y';
  /** The inputs the kernel is meant for, when narrower than every float (a kept σ output lies in [0, 1]). */
  domain?: readonly [number, number];
  /** float64 reference of out[i]. */
  reference: (v: number, dy: number, p: readonly number[]) => number;
  js: GradLoop;
}

export interface SumKernel extends KernelBase {
  shape: 'sum';
  reads: 'x';
  /** float64 reference of one term of the sum. */
  reference: (x: number, dy: number, p: readonly number[]) => number;
  js: SumLoop;
}

export type Kernel = MapKernel | GradKernel | SumKernel;
export type Shape = Kernel['shape'];

// Fused kernels (src/fused/): two inputs, so an activation and the multiply after it take one pass.
//   binary    out[i] = f(a[i], b[i]; params)                         e.g. swiglu = swish(a)·b
//   gateGrad  outA[i], outB[i] = ∂L/∂a, ∂L/∂b from a[i], b[i], dy[i]  e.g. swigluBackward

export type GateGradLoop = (a: Float32Array, b: Float32Array, dy: Float32Array, outA: Float32Array,
  outB: Float32Array, n: number, p0: number, p1: number) => void;

export interface BinaryKernel extends KernelBase {
  shape: 'binary';
  /** The two inputs' names, as the API and its errors call them. */
  args: readonly [string, string];
  reference: (a: number, b: number, p: readonly number[]) => number;
  js: GradLoop;
}

export interface GateGradKernel extends KernelBase {
  shape: 'gateGrad';
  /** float64 reference: [∂L/∂a, ∂L/∂b] for one element. */
  reference: (a: number, b: number, dy: number, p: readonly number[]) => readonly [number, number];
  js: GateGradLoop;
}

// Bias forms: x viewed as rows of C = bias.length channels, the bias added (in f32) first.
//   bias      out[r·C+c] = f(x[r·C+c] + bias[c]; params)
//   biasGrad  out[r·C+c] = dy[r·C+c]·f'(x[r·C+c] + bias[c]; params)   (the API sums dbias from it)

export type BiasLoop = (x: Float32Array, bias: Float32Array, out: Float32Array, n: number, C: number, a: number, b: number) => void;
export type BiasGradLoop = (x: Float32Array, bias: Float32Array, dy: Float32Array, out: Float32Array, n: number, C: number,
  a: number, b: number) => void;

export interface BiasKernel extends KernelBase {
  shape: 'bias';
  /** float64 reference of out at one element, given x and its channel's bias. */
  reference: (x: number, bias: number, p: readonly number[]) => number;
  js: BiasLoop;
}

export interface BiasGradKernel extends KernelBase {
  shape: 'biasGrad';
  reference: (x: number, bias: number, dy: number, p: readonly number[]) => number;
  js: BiasGradLoop;
}

export type FusedKernel = BinaryKernel | GateGradKernel | BiasKernel | BiasGradKernel;

/** A fused form: its forward (binary) and backward (gateGrad) kernels. */
export interface FusedSpec<K extends Record<string, FusedKernel> = Record<string, FusedKernel>> {
  name: string;
  doc: string;
  kernels: K;
  forward: keyof K & string;
  backward: keyof K & string;
}

export function defineFused<const K extends Record<string, FusedKernel>>(spec: FusedSpec<K>): FusedSpec<K> {
  return spec;
}

/** An activation as users see it: its kernels, and which is the forward, which the backward. */
export interface ActivationSpec<K extends Record<string, Kernel> = Record<string, Kernel>> {
  name: string;
  /** One sentence for the docs. */
  doc: string;
  kernels: K;
  forward: keyof K & string;
  backward: keyof K & string;
  backwardFromOutput?: keyof K & string;
  /** The gradient of the first parameter, summed over the elements (a trainable parameter). */
  paramGrad?: keyof K & string;
  /**
   * Inputs where the forward is not differentiable (ReLU at 0, hard functions at their corners,
   * a switch to a linear branch), for the given parameters: the backward there is a documented
   * one-sided value, and finite-difference checks leave these points out.
   */
  kinks?: (p: readonly number[]) => readonly number[];
}

/** Checks an activation's entry at compile time while keeping its literal kernel names. */
export function defineActivation<const K extends Record<string, Kernel>>(spec: ActivationSpec<K>): ActivationSpec<K> {
  return spec;
}

/** σ(t) in float64 without overflow for either sign: shared by the references. */
export function sigmoid64(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** Clamps v to [−m, m]; NaN stays NaN. */
export const clampAbs = (v: number, m: number): number => (v > m ? m : v < -m ? -m : v);

/** As assembly/math/expneg.ts: beyond |t| = Z_MAX, σ(t) has saturated to 0 or 1 in f32. */
export const Z_MAX = 109;

/**
 * As assembly/math/logistic.ts: the last f32 z whose σ(−z) is a normal number (87.3365402). Every
 * backend returns σ(−z) = 0 beyond it (σ(t) flushed to 0 for t < −Z_LAST), so no kernel forms a
 * subnormal number there, and the flush depends on the input alone.
 */
export const Z_LAST = 87.33654022216797;

/**
 * As assembly/activations/swish.ts: a swish-family result whose x·e^t (t = βx < 0) is below this
 * is returned as a zero of x's sign. It is 2^-126 less a margin of 2^-20, so that no result whose
 * exact value is a normal number is flushed by the rounding of x·e^t in f32. softplus (βx < 0) and
 * mishBackward (x <= 0, on dx) flush their results below it the same way (assembly/flush.ts).
 */
export const SWISH_FLUSH = 2 ** -126 * (1 - 2 ** -20);

/** Class names that are not plain PascalCase of the registry name. */
const SPELLINGS: Readonly<Record<string, string>> = {
  relu: 'ReLU', elu: 'ELU', selu: 'SELU', gelu: 'GELU', leakyRelu: 'LeakyReLU', geluTanh: 'GELUTanh',
};

/** The class name of a registry activation: 'swish' → 'Swish', 'leakyRelu' → 'LeakyReLU'. */
export function activationClassName(name: string): string {
  return Object.hasOwn(SPELLINGS, name) ? SPELLINGS[name] : name[0].toUpperCase() + name.slice(1);
}
