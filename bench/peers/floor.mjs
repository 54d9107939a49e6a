// The floor: copying the same bytes a kernel reads and writes (n floats in, n floats out), once
// with Float32Array.prototype.set and once with WebAssembly's memory.copy, so any row of the
// benchmark can be read as a multiple of memory bandwidth.

/**
 * A WebAssembly module, byte by byte: one memory (exported as "memory", 1 page to start) and
 * `copy(dst, src, bytes)`, a single memory.copy (bulk memory, in every runtime with SIMD).
 */
export const COPY_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  // type section: 1 type, func (i32, i32, i32) -> ()
  0x01, 0x07, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00,
  // function section: 1 function of type 0
  0x03, 0x02, 0x01, 0x00,
  // memory section: 1 memory, no maximum, minimum 1 page
  0x05, 0x03, 0x01, 0x00, 0x01,
  // export section: "copy" = function 0, "memory" = memory 0
  0x07, 0x11, 0x02,
  0x04, 0x63, 0x6f, 0x70, 0x79, 0x00, 0x00,
  0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00,
  // code section: 1 body of 12 bytes, no locals:
  // local.get 0, local.get 1, local.get 2, memory.copy 0 0, end
  0x0a, 0x0e, 0x01, 0x0c, 0x00,
  0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0a, 0x00, 0x00, 0x0b,
]);

/**
 * memory.copy of n floats inside one instance's memory: `src` and `dst` are Float32Array views
 * (src filled by the caller), `copy()` copies src into dst.
 */
export function wasmCopier(n) {
  const { exports: ex } = new WebAssembly.Instance(new WebAssembly.Module(COPY_WASM));
  const bytes = n * 4;
  const need = 2 * bytes + 64;
  const have = ex.memory.buffer.byteLength;
  if (need > have) ex.memory.grow(Math.ceil((need - have) / 65536));
  const srcAt = 0;
  const dstAt = Math.ceil(bytes / 64) * 64; // 64-byte aligned, like any allocator's arrays
  const src = new Float32Array(ex.memory.buffer, srcAt, n);
  const dst = new Float32Array(ex.memory.buffer, dstAt, n);
  return { src, dst, copy: () => ex.copy(dstAt, srcAt, bytes) };
}
