// Completeness of the registry (src/registry.ts), the one table everything else reads: every
// kernel has a public function, a JS fallback loop, an export in both WebAssembly builds, a
// bound for every backend, and a mention in the README; every activation names real kernels of
// the right shapes.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { activations, fusedKernelNames, fusedKernels, kernels, kernelNames, type KernelName } from '../src/registry.js';
import { BACKENDS, callKernel } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const builds = {
  simd: new WebAssembly.Module(readFileSync(join(root, 'build/swish-simd.wasm'))),
  relaxed: new WebAssembly.Module(readFileSync(join(root, 'build/swish-relaxed.wasm'))),
  scalar: new WebAssembly.Module(readFileSync(join(root, 'build/swish-scalar.wasm'))),
};
const RUNTIME_EXPORTS = ['memory', 'heapBase', 'isSimdBuild', 'buildKind'];

test('the registry is not empty, and kernelNames lists exactly its keys', () => {
  expect(kernelNames.length).toBeGreaterThan(0);
  expect([...kernelNames].sort()).toEqual(Object.keys(kernels).sort());
});

describe.each(kernelNames)('%s', (k) => {
  const kr = kernels[k];

  test('its shape is map, grad or sum, with a reference and a formula', () => {
    expect(['map', 'grad', 'sum']).toContain(kr.shape);
    if (kr.shape !== 'map') expect(['x', 'y']).toContain((kr as { reads: string }).reads);
    expect(typeof kr.reference).toBe('function');
    expect(kr.formula.length).toBeGreaterThan(0);
  });

  test('its parameters have names and f32-finite defaults', () => {
    for (const p of kr.params) {
      expect(p.name).toMatch(/^[a-z]\w*$/i);
      expect(Number.isFinite(Math.fround(p.default))).toBe(true);
    }
    expect(kr.params.length).toBeLessThanOrEqual(2); // the wasm signatures carry two (a, b)
  });

  test('is a public function of the same name exported from src/index.ts, returning its shape', async () => {
    expect(typeof (S as any)[k]).toBe('function');
    await S.init();
    const x = new Float32Array([0.25, -1, 3]);
    const dy = new Float32Array([1, 2, -1]);
    for (const b of BACKENDS) {
      S.setBackend(b);
      const r = callKernel(k, x, dy);
      if (kr.shape === 'sum') expect(typeof r).toBe('number');
      else {
        expect(r).toBeInstanceOf(Float32Array);
        expect(r.length).toBe(3);
      }
    }
  });

  test('has a JS fallback loop', () => {
    expect(typeof kr.js).toBe('function');
  });

  test.each(Object.keys(builds))('is exported as a function by the %s build', (b) => {
    const exp = WebAssembly.Module.exports(builds[b as keyof typeof builds]);
    expect(exp.find((e) => e.name === k)?.kind).toBe('function');
  });

  test('has an error bound for every backend', () => {
    for (const b of BACKENDS) {
      const u = kr.bound.ulp[b];
      expect(typeof u, `${k} ulp.${b}`).toBe('number');
      expect(Number.isFinite(u) && u >= 0.5, `${k} ulp.${b} = ${u}`).toBe(true);
    }
    if (kr.shape === 'sum') expect(kr.bound.relSum, `${k}: a sum needs relSum`).toBeGreaterThan(0);
  });

  test('is named in README.md', () => {
    // The name itself, not as part of a longer word or of "swish-wasm".
    expect(readme, `README.md does not mention ${k}`).toMatch(new RegExp(`(?<![\\w-])${k}(?![\\w-])`));
  });
});

// The fused forms (src/fused/) must be as complete as the activations: every backend, a bound
// for each, a public function, a mention in the README.
describe.each(fusedKernelNames)('fused %s', (k) => {
  const kr = fusedKernels[k];

  test('is exported by every build, has a JS fallback and a public function', () => {
    for (const b of Object.keys(builds)) {
      expect(WebAssembly.Module.exports(builds[b as keyof typeof builds]).find((e) => e.name === k)?.kind, `${b} build`).toBe('function');
    }
    expect(typeof kr.js).toBe('function');
    expect(typeof (S as any)[k]).toBe('function');
  });

  test('has a reference, a formula and an error bound for every backend', () => {
    expect(typeof kr.reference).toBe('function');
    expect(kr.formula.length).toBeGreaterThan(0);
    for (const b of BACKENDS) expect(kr.bound.ulp[b], `${k} ulp.${b}`).toBeGreaterThanOrEqual(0.5);
  });

  test('is named in README.md', () => {
    expect(readme, `README.md does not mention ${k}`).toMatch(new RegExp(`(?<![\\w-])${k}(?![\\w-])`));
  });
});

test.each(Object.keys(builds))('the %s build exports nothing but the registry kernels, memory, heapBase, isSimdBuild and buildKind', (b) => {
  const names = WebAssembly.Module.exports(builds[b as keyof typeof builds]).map((e) => e.name);
  for (const n of names) expect([...kernelNames, ...fusedKernelNames, ...RUNTIME_EXPORTS], `export ${n}`).toContain(n);
});

describe.each(activations.map((a) => [a.name, a] as const))('activation %s', (_name, act) => {
  const exists = (k: string | undefined) => k !== undefined && Object.prototype.hasOwnProperty.call(kernels, k);

  test('names kernels that exist', () => {
    for (const k of [act.forward, act.backward, act.backwardFromOutput, act.paramGrad]) {
      if (k !== undefined) expect(exists(k), `${act.name} names '${k}'`).toBe(true);
    }
  });

  test("its forward is a 'map' kernel and its backward a 'grad' kernel from x", () => {
    expect(kernels[act.forward].shape).toBe('map');
    const bwd = kernels[act.backward];
    expect(bwd.shape).toBe('grad');
    expect((bwd as { reads?: string }).reads).toBe('x');
  });

  test('its optional kernels have the right shapes: backwardFromOutput a grad from y, paramGrad a sum', () => {
    if (act.backwardFromOutput) {
      const k = kernels[act.backwardFromOutput];
      expect(k.shape).toBe('grad');
      expect((k as { reads?: string }).reads).toBe('y');
    }
    if (act.paramGrad) {
      expect(kernels[act.paramGrad].shape).toBe('sum');
      // Only a parametrised forward has a parameter gradient, with the same parameters.
      expect(kernels[act.forward].params.length).toBeGreaterThan(0);
      expect(kernels[act.paramGrad].params).toEqual(kernels[act.forward].params);
    }
  });

  test('the backward takes the same parameters as the forward', () => {
    expect(kernels[act.backward].params).toEqual(kernels[act.forward].params);
  });
});

test('every kernel belongs to some activation (so the docs table, accuracy report and benchmarks cover it)', () => {
  const used = new Set(activations.flatMap((a) => [a.forward, a.backward, a.backwardFromOutput, a.paramGrad]));
  for (const k of kernelNames) expect(used.has(k), `${k} is in no activation`).toBe(true);
});

test('activation names are unique', () => {
  const names = activations.map((a) => a.name);
  expect(new Set(names).size).toBe(names.length);
});
