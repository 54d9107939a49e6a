// The activation classes (src/classes.ts): one per registry activation, each giving exactly the
// functional API's results in every backend, round-tripping its config through JSON, refusing
// misuse, and (for activations with a paramGrad) accumulating its parameter's gradient. Expected
// values come from the functional API and the registry, never from the classes themselves.
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import * as G from '../src/generated/classes.js';
import { activationClassName, activationFromConfig, classes, ActivationFunction } from '../src/classes.js';
import { Swish } from '../src/generated/classes.js';
import { activations, kernels, type Activation, type KernelName } from '../src/registry.js';
import { BACKENDS, SPECIALS, api as fn, uniform } from './helpers.js';

beforeAll(async () => {
  await S.init();
});
// Every test here must assert.
beforeEach(() => {
  expect.hasAssertions();
});

/** The spellings the issue asks for; any other name is plain PascalCase. */
const SPELLED: Record<string, string> = {
  sigmoid: 'Sigmoid', swish: 'Swish', tanh: 'Tanh', relu: 'ReLU', leakyRelu: 'LeakyReLU', elu: 'ELU', selu: 'SELU',
  softplus: 'Softplus', mish: 'Mish', gelu: 'GELU', geluTanh: 'GELUTanh', hardSigmoid: 'HardSigmoid',
  hardSwish: 'HardSwish', penalizedTanh: 'PenalizedTanh',
};

const forwardParams = (a: Activation) => kernels[a.forward].params;
/** Non-default parameter values (still valid: > 0 stays > 0). */
const changed = (a: Activation) => Object.fromEntries(forwardParams(a).map((p) => [p.name, p.default + 0.25]));
/** The functional API's positional parameters for kernel k from named values. */
const args = (k: KernelName, values: Record<string, number>) => kernels[k].params.map((p) => values[p.name] ?? p.default);
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const make = (a: Activation, options?: Record<string, unknown>) => new classes[activationClassName(a.name)](options as never);

const X = new Float32Array([...uniform(509, -12, 12, 7), ...SPECIALS]);
const DY = uniform(X.length, -2, 2, 8);

test('every registry activation has a class in `classes`, with the expected name', () => {
  expect(activations.length).toBeGreaterThan(0);
  for (const a of activations) {
    const name = SPELLED[a.name] ?? a.name[0].toUpperCase() + a.name.slice(1);
    expect(activationClassName(a.name)).toBe(name);
    const cls = classes[name];
    expect(cls, `no class ${name} in classes for activation '${a.name}'`).toBeDefined();
    expect(cls.name).toBe(name);
    expect(cls.activation).toBe(a);
    expect(new cls()).toBeInstanceOf(ActivationFunction);
  }
  expect(Object.keys(classes).length).toBe(activations.length);
});

test('every class is a named export of src/generated/classes.ts and src/index.ts', () => {
  for (const [name, cls] of Object.entries(classes)) {
    expect((G as Record<string, unknown>)[name], `src/generated/classes.ts has no named export ${name}`).toBe(cls);
    expect((S as Record<string, unknown>)[name], `src/index.ts does not export ${name}`).toBe(cls);
  }
  expect(S.activationFromConfig).toBe(activationFromConfig);
});

describe.each(activations.map((a) => [a.name, a] as const))('%s', (_name, a) => {
  const defaults = Object.fromEntries(forwardParams(a).map((p) => [p.name, p.default]));
  const settings = [defaults, changed(a)];

  test.each(BACKENDS)('forward and backward equal the functional API exactly (%s)', (b) => {
    S.setBackend(b);
    for (const values of settings) {
      const act = make(a, values);
      const y = act.forward(X);
      const yRef = fn(a.forward)(X, null, ...args(a.forward, values)) as Float32Array;
      expect(bits(y)).toEqual(bits(yRef));
      const dx = act.backward(DY);
      const dxRef = (a.backwardFromOutput
        ? fn(a.backwardFromOutput)(yRef, DY, null, ...args(a.backwardFromOutput, values))
        : fn(a.backward)(X, DY, null, ...args(a.backward, values))) as Float32Array;
      expect(bits(dx)).toEqual(bits(dxRef));
      // Into a caller's array, and in place: the same bits, and backward still sees the original x.
      const out = new Float32Array(X.length);
      expect(act.forward(X, out)).toBe(out);
      const xs = X.slice();
      expect(bits(act.forward(xs, xs))).toEqual(bits(yRef));
      const d = DY.slice();
      expect(act.backward(d, d)).toBe(d);
      expect(bits(d)).toEqual(bits(dxRef));
    }
  });

  test('its config round-trips through JSON.stringify and activationFromConfig', () => {
    for (const values of settings) {
      const options = a.paramGrad ? { ...values, trainable: true } : values;
      const act = make(a, options);
      expect(act.config).toEqual({ name: a.name, ...options, ...(a.paramGrad ? { trainable: true } : {}) });
      const back = activationFromConfig(JSON.parse(JSON.stringify(act)));
      expect(back.constructor).toBe(act.constructor);
      expect(back.config).toEqual(act.config);
      expect(bits(back.forward(X))).toEqual(bits(act.forward(X)));
    }
    expect(make(a, make(a, changed(a)).config as never).config).toEqual(make(a, changed(a)).config); // a config as options
    expect(() => make(a, { name: `${a.name}X` })).toThrow(RangeError);
    expect(make(a).toJSON()).toEqual({ name: a.name, ...defaults, ...(a.paramGrad ? { trainable: false } : {}) });
  });

  // Only for activations with parameters (the others have no parameter properties to check).
  if (forwardParams(a).length) test('parameters are properties, checked like the functional API', () => {
    const act = make(a) as unknown as Record<string, number>;
    for (const p of forwardParams(a)) {
      expect(act[p.name]).toBe(p.default);
      act[p.name] = p.default + 0.5;
      expect(act[p.name]).toBe(p.default + 0.5);
      expect(() => { act[p.name] = 'x' as never; }).toThrow(TypeError);
      expect(() => make(a, { [p.name]: Infinity })).toThrow(new RegExp(p.name));
      expect(() => make(a, { [p.name]: '1' })).toThrow(TypeError);
    }
  });

  test('backward before forward is an Error; a dy of another length a RangeError', () => {
    const act = make(a);
    expect(() => act.backward(DY)).toThrow(/before forward/);
    act.forward(X);
    expect(() => act.backward(DY.subarray(1))).toThrow(RangeError);
  });
});

test('activationFromConfig: unknown names and options are named in the error', () => {
  expect(() => activationFromConfig({ name: 'nope' })).toThrow(TypeError);
  expect(() => activationFromConfig({ name: 'nope' })).toThrow(/'nope'/);
  expect(() => activationFromConfig({ name: 'swish', gamma: 1 })).toThrow(RangeError);
  expect(() => activationFromConfig({ name: 'swish', gamma: 1 })).toThrow(/'gamma'/);
  expect(() => activationFromConfig({ name: 'swish', beta: 'x' })).toThrow(TypeError);
  expect(() => activationFromConfig({ name: 'swish', beta: 'x' })).toThrow(/beta/);
  expect(() => activationFromConfig({ name: 'swish', beta: 1e40 })).toThrow(RangeError);
  expect(() => activationFromConfig({ name: 'swish', trainable: 'yes' as never })).toThrow(TypeError);
  expect(() => activationFromConfig({ name: 'sigmoid', trainable: true })).toThrow(RangeError);
  expect(() => activationFromConfig(null as never)).toThrow(TypeError);
  expect(() => activationFromConfig({} as never)).toThrow(TypeError);
  expect(() => new ActivationFunction('nope')).toThrow(/'nope'/);
});

test('parameters are checked on construction and setParam as the functions check them (minAbs, > 0)', () => {
  // Every parameter with a lower bound on its magnitude or sign, from the registry.
  for (const a of activations) {
    for (const p of kernels[a.forward].params as readonly { name: string; positive?: boolean; minAbs?: number }[]) {
      const bad = p.minAbs ? p.minAbs / 4 : p.positive ? -1 : undefined;
      if (bad === undefined) continue;
      expect(() => activationFromConfig({ name: a.name, [p.name]: bad }), `${a.name} ${p.name} = ${bad}`).toThrow(RangeError);
      const m = activationFromConfig({ name: a.name });
      expect(() => m.setParam(p.name, bad), `${a.name}.setParam(${p.name}, ${bad})`).toThrow(new RegExp(p.name));
      expect(m.getParam(p.name)).toBe(p.default);
    }
  }
});

describe.each(activations.filter((a) => a.paramGrad).map((a) => [a.name, a] as const))('trainable %s', (_name, a) => {
  const first = forwardParams(a)[0]!.name;
  const pg = a.paramGrad!;

  test(`${first}Grad equals the functional ${pg} and accumulates over backward calls`, () => {
    const values = changed(a);
    const act = make(a, { ...values, trainable: true }) as ActivationFunction & Record<string, number>;
    const x = uniform(509, -12, 12, 7); // finite: a NaN sum would hide a missing accumulation
    const dy = uniform(509, -2, 2, 8);
    const dy2 = uniform(509, -1, 1, 9);
    act.forward(x);
    act.backward(dy);
    const g1 = fn(pg)(x, dy, ...args(pg, values)) as number;
    expect(Number.isFinite(g1) && g1 !== 0).toBe(true);
    expect(act[`${first}Grad`]).toBe(g1);
    expect(act.grad).toBe(g1);
    act.backward(dy2);
    expect(act[`${first}Grad`]).toBe(g1 + (fn(pg)(x, dy2, ...args(pg, values)) as number));
    act.zeroGrad();
    expect(act[`${first}Grad`]).toBe(0);
    // Not trainable: no gradient is kept.
    const still = make(a, values) as ActivationFunction & Record<string, number>;
    still.forward(x);
    still.backward(dy);
    expect(still[`${first}Grad`]).toBe(0);
  });
});

test('Swish: trainable betaGrad equals swishBetaGrad, accumulated over two backward calls', () => {
  const x = uniform(300, -6, 6, 11);
  const dy1 = uniform(300, -1, 1, 12);
  const dy2 = uniform(300, -1, 1, 13);
  const act = new Swish({ beta: 1.5, trainable: true });
  act.forward(x);
  act.backward(dy1);
  expect(act.betaGrad).toBe(S.swishBetaGrad(x, dy1, 1.5));
  act.backward(dy2);
  expect(act.betaGrad).toBe(S.swishBetaGrad(x, dy1, 1.5) + S.swishBetaGrad(x, dy2, 1.5));
});

test('toy regression: gradient descent on β recovers β* = 1.7 from β = 1', () => {
  const n = 201;
  const x = Float32Array.from({ length: n }, (_, i) => -5 + (10 * i) / (n - 1));
  const target = S.swish(x, null, 1.7); // the data: y = swish(x) with β* = 1.7
  const act = new Swish({ beta: 1, trainable: true });
  const dy = new Float32Array(n);
  for (let step = 0; step < 100; step++) {
    const y = act.forward(x);
    for (let i = 0; i < n; i++) dy[i] = (2 / n) * (y[i] - target[i]); // ∂MSE/∂y
    act.zeroGrad();
    act.backward(dy); // adds ∂MSE/∂β to act.betaGrad
    act.beta -= 8 * act.betaGrad;
  }
  expect(Math.abs(act.beta - 1.7)).toBeLessThan(0.01);
});
