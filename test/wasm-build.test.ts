// The three WebAssembly builds, checked with an independent tool (wabt): the scalar build is
// plain WebAssembly 1.0 (no SIMD, and none of the other post-MVP features asconfig.json turns
// off), the SIMD build really needs SIMD and has no relaxed SIMD, the relaxed build uses no
// relaxed-SIMD instruction but those assembly/fma.ts emits, none imports anything, and all
// export every kernel of the registry with the signature of its shape.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import wabtInit from 'wabt';
import { inflateEmbedded } from '../src/backends/select.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { kernels, kernelNames } from '../src/registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A fresh Uint8Array: wabt reads a Node Buffer's whole underlying ArrayBuffer (Buffers can be
// views into a shared pool), which fails to parse.
const read = (rel: string) => new Uint8Array(readFileSync(join(root, rel)));

const BUILDS = {
  simd: 'build/swish-simd.wasm',
  relaxed: 'build/swish-relaxed.wasm',
  scalar: 'build/swish-scalar.wasm',
} as const;
/** What buildKind() returns in each. */
const KIND = { scalar: 0, simd: 1, relaxed: 2 } as const;

/** Every post-MVP feature wabt knows, off: what a WebAssembly 1.0 engine accepts. */
const MVP = {
  simd: false,
  relaxed_simd: false,
  bulk_memory: false,
  sign_extension: false,
  sat_float_to_int: false,
  mutable_globals: false,
  multi_value: false,
  reference_types: false,
  exceptions: false,
  threads: false,
  tail_call: false,
  function_references: false,
  gc: false,
  memory64: false,
  extended_const: false,
};

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt;

beforeAll(async () => {
  wabt = await wabtInit();
});

/** Reads and validates with the given features; returns the text format, or throws. */
function validate(bytes: Uint8Array, features: Record<string, boolean>): string {
  const m = wabt.readWasm(bytes, { readDebugNames: true, ...features });
  try {
    m.validate();
    return m.toText({});
  } finally {
    m.destroy();
  }
}

const SIMD_TEXT = /\bv128\b|\b[if](8x16|16x8|32x4|64x2)\./;
/** Any relaxed-SIMD instruction in wabt's text format (all are named `*.relaxed_*`). */
const RELAXED_TEXT = /\b\w+\.relaxed_\w+/g;
/** The ones assembly/fma.ts emits: madd, nmadd, laneselect (only with all-ones/all-zeros lanes). */
const FMA_RELAXED = ['f32x4.relaxed_madd', 'f32x4.relaxed_nmadd', 'i32x4.relaxed_laneselect', 'f32x4.relaxed_laneselect'];
/** Fixed-width SIMD plus the features every SIMD engine also has (bulk memory, sign extension,
 * saturating conversions, mutable globals, multi-value, reference types). */
const WIDELY_SHIPPED = { simd: true, bulk_memory: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true, multi_value: true, reference_types: true };

describe('scalar build', () => {
  const bytes = read(BUILDS.scalar);

  test('reads and validates with SIMD disabled', () => {
    expect(() => validate(bytes, { simd: false })).not.toThrow();
  });

  test('its disassembly has no v128, f32x4, i32x4 or other SIMD instruction', () => {
    const text = validate(bytes, { simd: false });
    expect(text).toMatch(/\(func/); // it is a real disassembly
    expect(text).not.toMatch(/v128/);
    expect(text).not.toMatch(/f32x4/);
    expect(text).not.toMatch(/i32x4/);
    expect(text).not.toMatch(SIMD_TEXT);
  });

  test('validates with every post-MVP feature disabled (asconfig.json disables them for this target)', () => {
    expect(() => validate(bytes, MVP)).not.toThrow();
  });

  test('compiles in this engine', () => {
    expect(WebAssembly.validate(bytes)).toBe(true);
  });
});

describe('SIMD build', () => {
  const bytes = read(BUILDS.simd);

  test('fails to read or validate with SIMD disabled', () => {
    expect(() => validate(bytes, { simd: false })).toThrow();
  });

  test('reads and validates with SIMD enabled, and uses SIMD instructions', () => {
    const text = validate(bytes, { simd: true });
    expect(text).toMatch(/v128/);
    expect(text).toMatch(/f32x4\./);
  });

  test('uses no relaxed SIMD (whose results may differ between engines) and no threads, exceptions, GC or memory64', () => {
    expect(() => validate(bytes, { ...MVP, ...WIDELY_SHIPPED })).not.toThrow();
    expect(validate(bytes, { simd: true, relaxed_simd: true }).match(RELAXED_TEXT)).toBeNull();
  });

  test('compiles in this engine', () => {
    expect(WebAssembly.validate(bytes)).toBe(true);
  });
});

describe('relaxed-SIMD build', () => {
  const bytes = read(BUILDS.relaxed);
  const text = () => validate(bytes, { simd: true, relaxed_simd: true });

  test('reads and validates with SIMD and relaxed SIMD enabled, and uses SIMD instructions', () => {
    expect(text()).toMatch(/v128/);
    expect(text()).toMatch(/f32x4\./);
  });

  test("its only relaxed-SIMD instructions are assembly/fma.ts's (madd, nmadd, laneselect)", () => {
    for (const op of new Set(text().match(RELAXED_TEXT) ?? [])) expect(FMA_RELAXED, `${op} in the relaxed build`).toContain(op);
  });

  test('needs nothing else: validates with the widely shipped features plus relaxed SIMD, and without relaxed SIMD exactly when it uses none', () => {
    expect(() => validate(bytes, { ...MVP, ...WIDELY_SHIPPED, relaxed_simd: true })).not.toThrow();
    const without = () => validate(bytes, { ...MVP, ...WIDELY_SHIPPED });
    if (text().match(RELAXED_TEXT)) expect(without).toThrow();
    else expect(without).not.toThrow();
  });

  test('compiles in this engine (the test workers have relaxed SIMD)', () => {
    expect(WebAssembly.validate(bytes)).toBe(true);
  });
});

describe.each(Object.entries(BUILDS))('%s build (%s)', (name, path) => {
  const bytes = read(path);
  const mod = new WebAssembly.Module(bytes);

  test('has no imports', () => {
    expect(WebAssembly.Module.imports(mod)).toEqual([]);
  });

  test('exports every registry kernel, memory, heapBase, buildKind and isSimdBuild', () => {
    const exports = new Map(WebAssembly.Module.exports(mod).map((e) => [e.name, e.kind]));
    for (const k of kernelNames) expect(exports.get(k), `export ${k}`).toBe('function');
    expect(exports.get('memory')).toBe('memory');
    expect(exports.get('heapBase')).toBe('function');
    expect(exports.get('isSimdBuild')).toBe('function');
    expect(exports.get('buildKind')).toBe('function');
  });

  test('each kernel export has the signature of its shape', () => {
    // (export "name" (func N)) and (func (;N;) (type T) (param ...) (result ...)) in the text.
    const text = validate(bytes, { simd: true, relaxed_simd: true });
    const funcIndex = new Map<string, string>();
    for (const m of text.matchAll(/\(export "([^"]+)" \(func (\d+)\)\)/g)) funcIndex.set(m[1], m[2]);
    const sig = new Map<string, string>();
    for (const m of text.matchAll(/\(func (?:\$\S+ )?\(;(\d+);\) \(type \d+\)((?: \((?:param|result)[^()]*\))*)/g)) {
      sig.set(m[1], m[2].trim());
    }
    const want = {
      map: '(param i32 i32 i32 f32 f32)',
      grad: '(param i32 i32 i32 i32 f32 f32)',
      sum: '(param i32 i32 i32 f32 f32) (result f64)',
    } as const;
    for (const k of kernelNames) {
      const idx = funcIndex.get(k);
      expect(idx, `export ${k}`).toBeDefined();
      expect(sig.get(idx!), k).toBe(want[kernels[k].shape]);
    }
    expect(sig.get(funcIndex.get('heapBase')!)).toBe('(result i32)');
    expect(sig.get(funcIndex.get('isSimdBuild')!)).toBe('(result i32)');
    expect(sig.get(funcIndex.get('buildKind')!)).toBe('(result i32)');
  });

  const kind = KIND[name as keyof typeof KIND];
  test(`instantiates with no imports; buildKind() is ${kind}, isSimdBuild() ${kind ? 1 : 0}; heapBase() is 16-byte aligned and inside memory`, () => {
    const inst = new WebAssembly.Instance(mod, {});
    const ex = inst.exports as Record<string, any>;
    expect(ex.buildKind()).toBe(kind);
    expect(ex.isSimdBuild()).toBe(kind ? 1 : 0);
    const base = ex.heapBase();
    expect(base % 16).toBe(0);
    expect(base).toBeGreaterThan(0);
    expect(base).toBeLessThanOrEqual((ex.memory as WebAssembly.Memory).buffer.byteLength);
  });

  test('the copies in dist/ and the deflated base64 in src/generated/wasm-*.ts are this build', async () => {
    const file = path.split('/').pop()!;
    expect(Buffer.from(read(`dist/${file}`)).equals(Buffer.from(bytes))).toBe(true);
    const b64 = await {
      simd: async () => (await import('../src/generated/wasm-simd.js')).simdWasmDeflated,
      relaxed: async () => (await import('../src/generated/wasm-relaxed.js')).relaxedWasmDeflated,
      scalar: async () => (await import('../src/generated/wasm-scalar.js')).scalarWasmDeflated,
    }[name as keyof typeof BUILDS]();
    expect(inflateSync(Buffer.from(b64, 'base64')).equals(Buffer.from(bytes))).toBe(true);
    // The runtime's own inflater (DecompressionStream), as browsers and Workers use it.
    expect(Buffer.from(await inflateEmbedded(b64)).equals(Buffer.from(bytes))).toBe(true);
  });
});
