// Activations as modules, the way deep-learning frameworks present them: an object that holds its
// parameters, runs `forward`, keeps what `backward` needs, and serialises to a config. One class
// per registry activation, made by `activationClass` below, so a new file in src/activations/ gets
// its class with nothing edited here (only its named export at the bottom is written by hand).
import { activations, kernels, type Activation, type KernelName } from './registry.js';
import { activationClassName, type ActivationSpec } from './kernel.js';

export { activationClassName };
import { gradOp, mapOp, sumOp } from './wrappers.js';
import { noteKernel } from './backends/select.js';

/** Where the classes' wrappers find their kernels' entries. */
const TABLE = { kernels };
// The classes make their kernels' functions when called, after init(): tell it now that every
// kernel may be made (it loads the whole build, not the core one).
for (const k of Object.keys(kernels)) noteKernel(k);
import { f32Param, float32Array } from './validate.js';

/** Constructor options: the activation's parameters by name, and `trainable` where it has one. */
export interface ActivationOptions {
  /** Accumulate the gradient of the first parameter in `backward` (activations with a `paramGrad` only). */
  trainable?: boolean;
  [param: string]: number | boolean | undefined;
}

/** What `toJSON()` and `config` return and `activationFromConfig` accepts: `{ name, ...params }`. */
export interface ActivationConfig {
  /** The registry name, e.g. 'swish'. */
  name: string;
  trainable?: boolean;
  [param: string]: number | string | boolean | undefined;
}


const byName = new Map(activations.map((a) => [a.name, a]));
const known = () => activations.map((a) => a.name).join(', ');

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an Array' : `a ${typeof v}`;
}

/** Whether two arrays share any memory (an in-place call). */
function overlaps(a: unknown, b: Float32Array): boolean {
  if (!ArrayBuffer.isView(a) || a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * The base of every activation class. `forward` keeps what `backward` needs, by reference (no
 * copy): the output y when the activation has a `backwardFromOutput` kernel (sigmoid: dx =
 * dy·y·(1−y)), otherwise the input x; activations with a trainable parameter also keep x, which
 * its gradient reads. Do not overwrite the kept array between `forward` and `backward`; calling
 * `forward(x, x)` in place is fine (x is then copied first when it is the one kept).
 */
export class ActivationFunction {
  /** The registry name, e.g. 'swish'. */
  readonly name: string;
  /** The registry entry: which kernels are the forward, the backward and the extras. */
  readonly activation: Activation;
  /** The parameter `backward` accumulates a gradient for when `trainable` (its first), if any. */
  readonly trainableParam: string | undefined;
  #values: Record<string, number> = {};
  #trainable = false;
  #grad = 0;
  #x: Float32Array | null = null;
  #y: Float32Array | null = null;

  /** `name` is a registry name; `options` its parameters by name (defaults from the forward kernel). */
  constructor(name: string, options: ActivationOptions = {}) {
    const a = byName.get(name);
    if (!a) throw new TypeError(`unknown activation '${String(name)}'; known: ${known()}`);
    this.name = name;
    this.activation = a;
    const params = kernels[a.forward].params;
    this.trainableParam = a.paramGrad ? params[0]?.name : undefined;
    for (const p of params) this.#values[p.name] = p.default;
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new TypeError(`${name}: options must be an object of its parameters, got ${describe(options)}`);
    }
    for (const [k, v] of Object.entries(options)) {
      if (v === undefined || (k === 'name' && (v as unknown) === name)) continue; // a config's own name is fine
      if (k === 'trainable') this.trainable = v as boolean;
      else if (Object.hasOwn(this.#values, k)) this.setParam(k, v);
      else {
        const names: string[] = params.map((p): string => p.name).concat(a.paramGrad ? ['trainable'] : []);
        throw new RangeError(`${name}: unknown option '${k}'; ${names.length ? `its options are: ${names.join(', ')}` : 'it takes none'}`);
      }
    }
  }

  /** Whether `backward` accumulates the gradient of `trainableParam` into `grad`. */
  get trainable(): boolean {
    return this.#trainable;
  }

  set trainable(v: boolean) {
    if (typeof v !== 'boolean') throw new TypeError(`${this.name}: trainable must be a boolean, got ${describe(v)}`);
    if (v && !this.trainableParam) throw new RangeError(`${this.name}: trainable: it has no trainable parameter`);
    this.#trainable = v;
  }

  /** The parameters by name (a copy). */
  get params(): Record<string, number> {
    return { ...this.#values };
  }

  /** Reads one parameter. */
  getParam(name: string): number {
    if (!Object.hasOwn(this.#values, name)) throw new RangeError(`${this.name} has no parameter '${name}'`);
    return this.#values[name];
  }

  /**
   * Sets one parameter, checked as the functions check it: a number finite in float32, > 0
   * where the kernel requires it, 0 or at least `minAbs` in magnitude where it has one (β).
   */
  setParam(name: string, value: unknown): void {
    const p = kernels[this.activation.forward].params.find((q) => q.name === name) as
      { positive?: boolean; minAbs?: number } | undefined;
    if (!p) throw new RangeError(`${this.name} has no parameter '${name}'`);
    f32Param(value, name, p.positive === true, p.minAbs ?? 0);
    this.#values[name] = value as number;
  }

  /** The gradient accumulated for `trainableParam` by `backward` since the last `zeroGrad()`. */
  get grad(): number {
    return this.#grad;
  }

  /** Resets `grad` to 0. */
  zeroGrad(): void {
    this.#grad = 0;
  }

  /** `{ name, ...params }`, plus `trainable` for activations that have a trainable parameter. */
  get config(): ActivationConfig {
    return { name: this.name, ...this.#values, ...(this.trainableParam ? { trainable: this.#trainable } : {}) };
  }

  /** The config, so `JSON.stringify(act)` gives what `activationFromConfig` takes back. */
  toJSON(): ActivationConfig {
    return this.config;
  }

  /** The kernel's positional parameters from this activation's named ones. */
  #args(k: KernelName): number[] {
    return kernels[k].params.map((p) => this.#values[p.name] ?? p.default);
  }

  /** y = f(x), with the functional API's forward kernel; `out` as there (may be x itself). */
  forward(x: Float32Array, out?: Float32Array | null): Float32Array {
    const a = this.activation;
    const xs = float32Array(x, 'x');
    const keepX = !a.backwardFromOutput || a.paramGrad !== undefined;
    const kept = keepX && overlaps(out, xs) ? xs.slice() : xs;
    const y = mapOp(a.forward, TABLE)(xs, out, ...this.#args(a.forward));
    this.#x = keepX ? kept : null;
    this.#y = a.backwardFromOutput ? y : null;
    return y;
  }

  /**
   * dx = dy·f′(x) for the last `forward`'s input, with the functional API's backward kernel
   * (`backwardFromOutput` from the kept y when there is one). When `trainable`, also adds the
   * parameter's gradient Σ dy·∂f/∂p to `grad`. `out` may be dy itself. Throws Error before any
   * forward, RangeError when dy's length is not the forward input's.
   */
  backward(dy: Float32Array, out?: Float32Array | null): Float32Array {
    const a = this.activation;
    const kept = this.#y ?? this.#x;
    if (!kept) throw new Error(`${this.name}: backward called before forward: there is no input to differentiate at`);
    const ds = float32Array(dy, 'dy');
    if (ds.length !== kept.length) {
      throw new RangeError(`${this.name}: dy has length ${ds.length} but the last forward input had length ${kept.length}`);
    }
    // The parameter gradient reads dy before dx is written (out may be dy), and is added once dx succeeded.
    const pg = this.#trainable && a.paramGrad ? sumOp(a.paramGrad, TABLE)(this.#x!, ds, ...this.#args(a.paramGrad)) : 0;
    const dx = this.#y && a.backwardFromOutput
      ? gradOp(a.backwardFromOutput, TABLE, 'y')(this.#y, ds, out, ...this.#args(a.backwardFromOutput))
      : gradOp(a.backward, TABLE, 'x')(this.#x!, ds, out, ...this.#args(a.backward));
    this.#grad += pg;
    return dx;
  }
}

// --- Types of the classes, derived from the registry entries' literal kernel tables.
type KernelsOf<S> = S extends ActivationSpec<infer K> ? K[keyof K] : never;
type ParamNames<S> = KernelsOf<S> extends { params: readonly (infer P)[] } ? (P extends { name: infer N extends string } ? N : never) : never;
type FirstParam<S> = KernelsOf<S> extends { params: readonly [{ name: infer N extends string }, ...unknown[]] } ? N : never;
type HasParamGrad<S> = [Extract<KernelsOf<S>, { shape: 'sum' }>] extends [never] ? false : true;

/** An instance of the class of registry entry S: its parameters and `<param>Grad` as properties. */
export type ActivationInstance<S> = ActivationFunction & { [P in ParamNames<S>]: number } &
  (HasParamGrad<S> extends true ? { readonly [P in `${FirstParam<S>}Grad`]: number } : unknown);

/** The options of registry entry S's class: its parameters, and `trainable` if it has a trainable one. */
export type OptionsOf<S> = ([ParamNames<S>] extends [never] ? Record<string, never> : { [P in ParamNames<S>]?: number }) &
  (HasParamGrad<S> extends true ? { trainable?: boolean } : unknown);

/** A class made by `activationClass`. */
export interface ActivationClass<I extends ActivationFunction = ActivationFunction, O = ActivationOptions> {
  new (options?: O): I;
  /** The registry entry it wraps. */
  readonly activation: Activation;
}

/** The class of one registry activation: parameters as properties, `<param>Grad` when trainable. */
export function activationClass(a: Activation): ActivationClass {
  const cls = class extends ActivationFunction {
    static readonly activation = a;
    constructor(options?: ActivationOptions) {
      super(a.name, options);
    }
  };
  Object.defineProperty(cls, 'name', { value: activationClassName(a.name) });
  for (const p of kernels[a.forward].params) {
    Object.defineProperty(cls.prototype, p.name, {
      get(this: ActivationFunction) { return this.getParam(p.name); },
      set(this: ActivationFunction, v: number) { this.setParam(p.name, v); },
      enumerable: true,
    });
  }
  const first = kernels[a.forward].params[0];
  if (a.paramGrad && first) {
    Object.defineProperty(cls.prototype, `${first.name}Grad`, {
      get(this: ActivationFunction) { return this.grad; },
      enumerable: true,
    });
  }
  return cls as ActivationClass;
}

/** Every registry activation's class, by class name ('Swish', 'LeakyReLU', ...). */
export const classes: Readonly<Record<string, ActivationClass>> = Object.freeze(
  Object.fromEntries(activations.map((a) => [activationClassName(a.name), activationClass(a)])),
);

/**
 * The activation a config describes (`act.toJSON()`, or `JSON.parse(JSON.stringify(act))`):
 * `{ name: 'leakyRelu', alpha: 0.2 }`. An unknown name is a TypeError naming it; an unknown
 * parameter a RangeError, a parameter that is not a finite number a TypeError/RangeError.
 */
export function activationFromConfig(config: ActivationConfig): ActivationFunction {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new TypeError(`config must be an object like { name: 'swish' }, got ${describe(config)}`);
  }
  const { name, ...options } = config;
  if (typeof name !== 'string') throw new TypeError(`config.name must be a string, got ${describe(name)}`);
  const a = byName.get(name);
  if (!a) throw new TypeError(`unknown activation '${name}'; known: ${known()}`);
  return new classes[activationClassName(a.name)](options as ActivationOptions);
}

/** The class of registry activation `name`, typed from its entry S (used by generated/classes.ts). */
export function named<S>(name: string) {
  const cls = classes[activationClassName(name)];
  if (!cls) throw new Error(`activation '${name}' is not in the registry`);
  return cls as unknown as ActivationClass<ActivationInstance<S>, OptionsOf<S>>;
}
