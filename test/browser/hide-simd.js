// Makes this realm look like a browser without WebAssembly SIMD: WebAssembly.validate returns
// false for any module whose code section holds the SIMD prefix byte 0xfd (the package's probe,
// src/backends/select.ts, is such a module). Run before anything else: by page.addInitScript in a
// page, or imported first by test/browser/worker.js. Valid both as a classic script and a module.
(() => {
  const W = globalThis.WebAssembly;
  if (!W || W.validate.__swishHidesSimd) return;
  const original = W.validate;
  const bytesOf = (src) => {
    if (src instanceof ArrayBuffer) return new Uint8Array(src);
    if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    return null;
  };
  /** Whether the code section (id 10) contains 0xfd; false positives only make the stand-in stricter. */
  const usesSimd = (b) => {
    let i = 8;
    while (i < b.length) {
      const id = b[i++];
      let size = 0;
      for (let shift = 0; i < b.length; shift += 7) {
        const byte = b[i++];
        size += (byte & 0x7f) * 2 ** shift;
        if (!(byte & 0x80)) break;
      }
      if (id === 10) return b.subarray(i, i + size).includes(0xfd);
      i += size;
    }
    return false;
  };
  const validate = function validate(src) {
    const b = bytesOf(src);
    if (b && usesSimd(b)) return false;
    return original.call(W, src);
  };
  validate.__swishHidesSimd = true;
  W.validate = validate;
})();
