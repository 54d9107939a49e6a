// The core builds (sigmoid's and swish's kernels alone, which a page that makes only those
// functions downloads instead of the whole build: src/backends/select.ts): the same bits as the
// whole build for every core kernel, on uniform, wide and special inputs and every tail length,
// and a clear Error, not a trap or a wrong answer, for a kernel the core build does not have.
// (That a bundled page selects it and computes there: test/size.test.ts, test/browser/vite and
// webpack.)
import { describe, expect, test } from 'vitest';
import { CORE_KERNELS } from '../src/generated/core.js';
import { KERNEL_NAMES } from '../src/generated/names.js';
import { inflateEmbedded, relaxedSimdSupported } from '../src/backends/select.js';
import { WasmBackend, type KernelExports } from '../src/backends/wasm.js';
import { simdWasmDeflated } from '../src/generated/wasm-simd.js';
import { simdCoreWasmDeflated } from '../src/generated/wasm-simd-core.js';
import { relaxedWasmDeflated } from '../src/generated/wasm-relaxed.js';
import { relaxedCoreWasmDeflated } from '../src/generated/wasm-relaxed-core.js';
import { allKernels, type AnyKernelName } from '../src/registry.js';
import { SPECIALS, uniform } from './helpers.js';

async function instance(deflated: string): Promise<KernelExports> {
  const mod = await WebAssembly.compile(await inflateEmbedded(deflated) as BufferSource);
  return (await WebAssembly.instantiate(mod, {})).exports as unknown as KernelExports;
}

/** Kernel k's output bits on `inputs` (laid out after the module's data), for parameters p. */
function run(ex: KernelExports, k: string, inputs: Float32Array[], p: number[]): Uint32Array {
  const n = inputs[0].length;
  const base = (ex.heapBase() + 15) & ~15;
  const need = base + (inputs.length + 1) * n * 4;
  if (ex.memory.buffer.byteLength < need) ex.memory.grow(Math.ceil((need - ex.memory.buffer.byteLength) / 65536));
  inputs.forEach((a, i) => new Float32Array(ex.memory.buffer, base + i * n * 4, n).set(a));
  const ptrs = inputs.map((_, i) => base + i * n * 4);
  const out = base + inputs.length * n * 4;
  const f = ex[k] as (...a: number[]) => number;
  if (allKernels[k as AnyKernelName].shape === 'sum') {
    return new Uint32Array(new Float64Array([f(...ptrs, n, p[0] ?? 0, p[1] ?? 0)]).buffer);
  }
  f(...ptrs, out, n, p[0] ?? 0, p[1] ?? 0);
  return new Uint32Array(ex.memory.buffer, out, n).slice();
}

const builds = [['simd', simdWasmDeflated, simdCoreWasmDeflated], ['relaxed', relaxedWasmDeflated, relaxedCoreWasmDeflated]] as const;

describe.each(builds)('the %s core build', (name, whole, core) => {
  const skip = name === 'relaxed' && !relaxedSimdSupported();
  test.skipIf(skip)('has the core kernels alone, and gives the whole build\'s bits for each', async () => {
    const [w, c] = await Promise.all([instance(whole), instance(core)]);
    for (const k of KERNEL_NAMES) expect(typeof c[k], k).toBe(CORE_KERNELS.includes(k) ? 'function' : 'undefined');
    expect(c.buildKind()).toBe(w.buildKind());
    const x = uniform(4099, -120, 120, 3);
    x.set(SPECIALS, 7);
    x.set(uniform(64, -20, 20, 4), 1000);
    const dy = uniform(4099, -2, 2, 5);
    for (const k of CORE_KERNELS) {
      const shape = allKernels[k as AnyKernelName].shape;
      const first = k === 'sigmoidBackwardFromOutput' ? x.map((v) => 1 / (1 + Math.exp(-v))) : x;
      for (const beta of k.startsWith('swish') ? [1, 1.702, 2 ** -24] : [0]) {
        for (const n of [4099, 17, 3]) {
          const ins = shape === 'map' ? [first.subarray(0, n)] : [first.subarray(0, n), dy.subarray(0, n)];
          expect(Array.from(run(c, k, ins, [beta])), `${k}, n = ${n}, beta = ${beta}`).toEqual(Array.from(run(w, k, ins, [beta])));
        }
      }
    }
  });

  test.skipIf(skip)('a kernel it does not have is an Error that says so, with nothing written', async () => {
    const b = new WasmBackend(await instance(core));
    expect(b.core).toBe(true);
    const x = new Float32Array([1, 2, 3]);
    const out = new Float32Array(3).fill(7);
    expect(() => b.map('mish', x, out, 0, 0)).toThrow(/mish is not in the .* core build that init\(\) loaded.*await init\(\) again/);
    expect(Array.from(out)).toEqual([7, 7, 7]);
    b.map('swish', x, out, 1, 0);
    expect(out[0]).toBeCloseTo(0.7310585786, 6);
    expect(new WasmBackend(await instance(whole)).core).toBe(false);
  });
});

// Which build init() loads, on a fresh copy of the selection module that has no synchronous
// reader (as in a bundle: the Node entry's readers give the whole builds): the core one while
// every kernel made is in it, and initSync() then selects it again; a kernel outside it, and
// init() loads the whole build.
test('init() loads the core build while every kernel made is in it, the whole one after', async () => {
  const sel = await import('../src/backends/select.js?fresh-core-test') as typeof import('../src/backends/select.js');
  sel.noteKernel('swish');
  sel.noteKernel('sigmoidBackward');
  const name = await sel.init();
  expect(['relaxed', 'simd']).toContain(name);
  expect((sel.currentBackend() as WasmBackend).core).toBe(true);
  expect(sel.initSync()).toBe(name);
  expect((sel.currentBackend() as WasmBackend).core).toBe(true);
  sel.noteKernel('mish');
  expect(sel.backendInfo()[name].available).toBe(false); // its core instance is dropped
  expect(await sel.init()).toBe(name);
  expect((sel.currentBackend() as WasmBackend).core).toBe(false);
});
