// Makes this realm look like a browser with WebAssembly SIMD but without relaxed SIMD (Safari,
// older Chrome and Firefox): WebAssembly.validate returns false for any module whose code section
// holds a relaxed-SIMD opcode, 0xfd followed by 0x100..0x1ff as LEB128 (0x80..0xff, then 0x02 or
// 0x03; the package's probe, src/backends/select.ts, is such a module). Run before anything else:
// by page.addInitScript in a page, or imported first by test/browser/worker.js. Valid both as a
// classic script and a module.
(() => {
  const W = globalThis.WebAssembly;
  if (!W || W.validate.__swishHidesRelaxed) return;
  const original = W.validate;
  const bytesOf = (src) => {
    if (src instanceof ArrayBuffer) return new Uint8Array(src);
    if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    return null;
  };
  /** Whether the code section (id 10) contains such a sequence; false positives only make the stand-in stricter. */
  const usesRelaxed = (b) => {
    let i = 8;
    while (i < b.length) {
      const id = b[i++];
      let size = 0;
      for (let shift = 0; i < b.length; shift += 7) {
        const byte = b[i++];
        size += (byte & 0x7f) * 2 ** shift;
        if (!(byte & 0x80)) break;
      }
      if (id === 10) {
        const code = b.subarray(i, i + size);
        for (let j = 0; j + 2 < code.length; j++) {
          if (code[j] === 0xfd && code[j + 1] >= 0x80 && (code[j + 2] === 0x02 || code[j + 2] === 0x03)) return true;
        }
        return false;
      }
      i += size;
    }
    return false;
  };
  const validate = function validate(src) {
    const b = bytesOf(src);
    if (b && usesRelaxed(b)) return false;
    return original.call(W, src);
  };
  validate.__swishHidesRelaxed = true;
  W.validate = validate;
})();
