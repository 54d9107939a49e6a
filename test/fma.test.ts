// assembly/fma.ts's helpers, compiled on their own (a three-function probe module, in memory) for
// both SIMD targets: in the relaxed build they are the relaxed-SIMD instructions, in the simd
// build the unfused mul-then-add / mul-then-sub and bitselect; and run here (the test workers
// have relaxed SIMD), madd and nmadd give the unfused result in the simd build and the fused or
// the unfused one in the relaxed build, and laneselect picks lanes by an all-ones/all-zeros mask.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { beforeAll, describe, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each export reads three vectors at p, p+16, p+32 and writes its result at p+48. */
const PROBE = `import { madd, nmadd, laneselect } from "./fma";
export function maddAt(p: usize): void { v128.store(p, madd(v128.load(p), v128.load(p, 16), v128.load(p, 32)), 48); }
export function nmaddAt(p: usize): void { v128.store(p, nmadd(v128.load(p), v128.load(p, 16), v128.load(p, 32)), 48); }
export function laneselectAt(p: usize): void { v128.store(p, laneselect(v128.load(p), v128.load(p, 16), v128.load(p, 32)), 48); }
`;

type Probe = { memory: WebAssembly.Memory; maddAt(p: number): void; nmaddAt(p: number): void; laneselectAt(p: number): void };
const builds: Record<'simd' | 'relaxed', { text: string; ex: Probe }> = {} as never;

beforeAll(async () => {
  const fma = readFileSync(join(root, 'assembly/fma.ts'), 'utf8');
  for (const [name, enable] of [['simd', ['simd']], ['relaxed', ['simd', 'relaxed-simd']]] as const) {
    // The options of asconfig.json's targets.
    const r = await asc.compileString({ 'probe.ts': PROBE, 'fma.ts': fma },
      { runtime: 'stub', use: ['abort='], noAssert: true, optimizeLevel: 3, initialMemory: 1, enable: [...enable] });
    if (r.error || !r.binary || !r.text) throw new Error(`${name}: ${r.error}\n${r.stderr}`);
    const ex = new WebAssembly.Instance(new WebAssembly.Module(r.binary), {}).exports as unknown as Probe;
    builds[name] = { text: r.text, ex };
  }
}, 60_000);

const P = 1024;
/** Runs fn(a, b, c) lane-wise in build b's probe; returns the four result lanes. */
function run(b: 'simd' | 'relaxed', fn: 'maddAt' | 'nmaddAt' | 'laneselectAt', a: number[], bb: number[], c: number[], int = false): number[] {
  const { ex } = builds[b];
  const view = int ? new Uint32Array(ex.memory.buffer) : new Float32Array(ex.memory.buffer);
  view.set([...a, ...bb, ...c], P / 4);
  ex[fn](P);
  return Array.from(view.subarray(P / 4 + 12, P / 4 + 16));
}

const ops = (text: string) => text.match(/\b(?:f32x4|i32x4|v128)\.\w+/g) ?? [];

describe('the instructions', () => {
  test('relaxed build: f32x4.relaxed_madd, f32x4.relaxed_nmadd, i32x4.relaxed_laneselect and no other arithmetic', () => {
    const used = new Set(ops(builds.relaxed.text));
    for (const op of ['f32x4.relaxed_madd', 'f32x4.relaxed_nmadd', 'i32x4.relaxed_laneselect']) expect(used).toContain(op);
    for (const op of ['f32x4.mul', 'f32x4.add', 'f32x4.sub', 'v128.bitselect']) expect(used).not.toContain(op);
  });

  test('simd build: f32x4.mul then f32x4.add / f32x4.sub, and v128.bitselect; no relaxed SIMD', () => {
    const used = new Set(ops(builds.simd.text));
    for (const op of ['f32x4.mul', 'f32x4.add', 'f32x4.sub', 'v128.bitselect']) expect(used).toContain(op);
    expect(builds.simd.text).not.toMatch(/relaxed_/);
  });
});

describe('the results', () => {
  // a = b = 1 + 2^-12: a·b = 1 + 2^-11 + 2^-24 exactly, which f32 rounds (a tie, to even) to
  // 1 + 2^-11. With c = −(1 + 2^-11), fused a·b + c = 2^-24, unfused 0.
  const a = [1 + 2 ** -12, 1 + 2 ** -12, 3, -0.5];
  const b = [1 + 2 ** -12, 1 + 2 ** -12, 4, 8];
  const c = [-(1 + 2 ** -11), 1 + 2 ** -11, 1, 0.25];
  const unfused = [0, 2 + 2 ** -10, 13, -3.75];
  const fused = [2 ** -24, 2 + 2 ** -10, 13, -3.75];
  // nmadd: c − a·b; with c = 1 + 2^-11 in lane 0, fused −2^-24, unfused 0.
  const cn = [1 + 2 ** -11, -(1 + 2 ** -11), 1, 0.25];
  const nUnfused = [0, -(2 + 2 ** -10), -11, 4.25];
  const nFused = [-(2 ** -24), -(2 + 2 ** -10), -11, 4.25];

  test('simd build: madd and nmadd are exactly the unfused fl(fl(a·b) ± c)', () => {
    expect(run('simd', 'maddAt', a, b, c)).toEqual(unfused);
    expect(run('simd', 'nmaddAt', a, b, cn)).toEqual(nUnfused);
  });

  test('relaxed build: madd and nmadd are the fused or the unfused result, the same in every lane', () => {
    const m = run('relaxed', 'maddAt', a, b, c);
    const n = run('relaxed', 'nmaddAt', a, b, cn);
    const isFused = m[0] !== 0;
    expect(m).toEqual(isFused ? fused : unfused);
    expect(n).toEqual(isFused ? nFused : nUnfused);
    console.log(`relaxed_madd on this machine (${process.arch}): ${isFused ? 'fused (FMA)' : 'unfused (mul + add)'}`);
  });

  test('laneselect takes a where the mask lane is all ones and b where it is all zeros, in both builds', () => {
    const x = [0x11111111, 0x22222222, 0x33333333, 0x44444444];
    const y = [0xaaaaaaaa, 0xbbbbbbbb, 0xcccccccc, 0xdddddddd];
    const mask = [0xffffffff, 0, 0, 0xffffffff];
    for (const build of ['simd', 'relaxed'] as const) {
      expect(run(build, 'laneselectAt', x, y, mask, true), build).toEqual([0x11111111, 0xbbbbbbbb, 0xcccccccc, 0x44444444]);
    }
  });
});
