// The pool's shared-memory module is the simd or relaxed build with its memory imported as a
// shared env.memory (src/pool/shared-module.ts): checked here to import that and nothing else, to
// export what the build exports, to hold the build's code section byte for byte, and to give the
// same bits over a shared memory as the build over its own. Malformed input is a TypeError.
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSharedMemory } from '../../src/pool/shared-module.js';
import { root } from '../browser/browser.js';
import { uniform } from '../helpers.js';

const MAX_PAGES = 32768;

/** The payload of the first section with this id. */
function section(bytes: Uint8Array, id: number): Uint8Array {
  for (let at = 8; at < bytes.length;) {
    let size = 0;
    let p = at + 1;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[p++];
      size += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    if (bytes[at] === id) return bytes.subarray(p, p + size);
    at = p + size;
  }
  throw new Error(`no section ${id}`);
}

describe.each(['simd', 'relaxed'])('the %s build with a shared memory', (name) => {
  const plain = new Uint8Array(readFileSync(join(root, 'build', `swish-${name}.wasm`)));
  const shared = withSharedMemory(plain, MAX_PAGES) as Uint8Array<ArrayBuffer>;
  const runs = WebAssembly.validate(plain);

  test('imports env.memory only, exports what the build exports, holds its code byte for byte', () => {
    expect(Array.from(section(shared, 10))).toEqual(Array.from(section(plain, 10)));
    expect(Array.from(section(shared, 11))).toEqual(Array.from(section(plain, 11)));
    expect(() => section(shared, 5)).toThrow(/no section 5/);
    if (!runs) return; // relaxed on an engine without relaxed SIMD: the bytes are all it can check
    const m = new WebAssembly.Module(shared);
    expect(WebAssembly.Module.imports(m)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(m)).toEqual(WebAssembly.Module.exports(new WebAssembly.Module(plain)));
  });

  test.runIf(runs)('the same bits as the build over its own memory', () => {
    const memory = new WebAssembly.Memory({ initial: 4, maximum: MAX_PAGES, shared: true } as WebAssembly.MemoryDescriptor);
    const a = new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory } }).exports as any;
    const b = new WebAssembly.Instance(new WebAssembly.Module(plain), {}).exports as any;
    b.memory.grow(3);
    const n = 4099;
    const x = uniform(n, -30, 30, 5);
    const at = a.heapBase() + 64;
    expect(a.heapBase()).toBe(b.heapBase());
    new Float32Array(memory.buffer, at, n).set(x);
    new Float32Array(b.memory.buffer, at, n).set(x);
    for (const k of ['sigmoid', 'swish', 'gelu']) {
      a[k](at, at + 4 * n, n, 1, 0);
      b[k](at, at + 4 * n, n, 1, 0);
      expect(Array.from(new Uint32Array(memory.buffer, at + 4 * n, n)), k).toEqual(Array.from(new Uint32Array(b.memory.buffer, at + 4 * n, n)));
    }
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});

test('anything but a build that defines one memory and imports nothing is a TypeError', () => {
  expect(() => withSharedMemory(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), MAX_PAGES)).toThrow(TypeError);
  // (module (import "env" "f" (func))): an import.
  const withImport = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 9, 1, 3, 0x65, 0x6e, 0x76, 1, 0x66, 0, 0]);
  expect(WebAssembly.validate(withImport)).toBe(true);
  expect(() => withSharedMemory(withImport, MAX_PAGES)).toThrow(/import nothing/);
  // (module): no memory.
  expect(() => withSharedMemory(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), MAX_PAGES)).toThrow(/one memory/);
});
