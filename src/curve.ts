// An activation and its derivative sampled on a grid, for plots (src/cli.ts, src/svg.ts) and
// tables: the forward kernel for y, the backward kernel with dy = 1 for dy/dx, in the current
// backend, for any activation in the registry.
import { activations, kernels, type KernelName } from './registry.js';
import { gradOp, mapOp } from './wrappers.js';
import { noteKernel } from './backends/select.js';

// Curves are made for any activation, after init() has run: tell it now that every kernel may be
// made (it loads the whole build, not the core one).
for (const k of Object.keys(kernels)) noteKernel(k);
import { ActivationFunction } from './classes.js';

/** The options of `curve`: the grid, and the activation's parameters by name. */
export interface CurveOptions {
  /** First x (default −5). */
  from?: number;
  /** Last x (default 5), > from. */
  to?: number;
  /** Number of evenly spaced x from `from` to `to` inclusive (default 1000), an integer in [2, 10_000_000]. */
  points?: number;
  [param: string]: number | undefined;
}

/** Samples of an activation on a grid: y = f(x) and dydx = f′(x), the same length. */
export interface Curve {
  x: Float32Array;
  y: Float32Array;
  dydx: Float32Array;
}

/** The most points `curve` samples. */
export const MAX_CURVE_POINTS = 10_000_000;

function finiteOption(v: unknown, name: string): number {
  if (typeof v !== 'number') throw new TypeError(`curve: ${name} must be a number, got ${v === null ? 'null' : typeof v}`);
  if (!Number.isFinite(Math.fround(v))) throw new RangeError(`curve: ${name} must be finite (within float32 range), got ${v}`);
  return v;
}

/**
 * Activation `name` (a registry name, e.g. 'swish') and its derivative at `points` evenly spaced
 * x from `from` to `to`, rounded to float32: `curve('swish', { beta: 1.5, points: 201 })`.
 * An unknown name is a TypeError; a bad range or point count a RangeError naming the option.
 */
export function curve(name: string, options: CurveOptions = {}): Curve {
  if (typeof name !== 'string' || !activations.some((a) => a.name === name)) {
    throw new TypeError(`curve: unknown activation '${String(name)}'; known: ${activations.map((a) => a.name).join(', ')}`);
  }
  const { from = -5, to = 5, points = 1000, ...params } = options ?? {};
  const lo = finiteOption(from, 'from');
  const hi = finiteOption(to, 'to');
  if (!(lo < hi)) throw new RangeError(`curve: from must be less than to, got from = ${lo}, to = ${hi}`);
  const n = finiteOption(points, 'points');
  if (!Number.isInteger(n) || n < 2 || n > MAX_CURVE_POINTS) {
    throw new RangeError(`curve: points must be an integer from 2 to ${MAX_CURVE_POINTS}, got ${n}`);
  }
  if ('trainable' in params) throw new RangeError(`curve: unknown option 'trainable'`);
  // Checks the parameters as the classes do (unknown name: RangeError; bad value: TypeError/RangeError).
  const act = new ActivationFunction(name, params);
  const values = act.params;
  const args = (k: KernelName) => kernels[k].params.map((p) => values[p.name] ?? p.default);

  const x = new Float32Array(n);
  // Exact at both ends, and at every grid point that is exact in float64 (0 on [−5, 5] with an odd count).
  for (let i = 0; i < n; i++) x[i] = (lo * (n - 1 - i) + hi * i) / (n - 1);
  const { forward, backward } = act.activation;
  const y = mapOp(forward, { kernels })(x, null, ...args(forward));
  const dydx = gradOp(backward, { kernels }, 'x')(x, new Float32Array(n).fill(1), null, ...args(backward));
  return { x, y, dydx };
}
