// The entry point for Node, Deno and Bun (the "node" condition), compiled to CommonJS only: the API
// of index.ts, with each build read synchronously when first needed, so that initSync() and
// setBackend() can compile any build on demand. A build is read from its .wasm file beside this
// package's dist/ (no base64 to parse and decode: start-up is the compile); where that file is
// not there (an app bundled into one file), from the embedded base64. Node's ES-module entry
// (dist/node.mjs, written by scripts/build-ts.mjs) re-exports this module, so that `import` and
// `require` in one process share one state: one backend, one memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { BUILD_FILE, type WasmBackendName } from './backends/builds.js';
import { decodeBase64, provideSyncBuilds } from './backends/select.js';

const embedded: Record<WasmBackendName, () => string> = {
  relaxed: () => (require('./generated/wasm-relaxed.js') as typeof import('./generated/wasm-relaxed.js')).relaxedWasmDeflated,
  simd: () => (require('./generated/wasm-simd.js') as typeof import('./generated/wasm-simd.js')).simdWasmDeflated,
  wasm: () => (require('./generated/wasm-scalar.js') as typeof import('./generated/wasm-scalar.js')).scalarWasmDeflated,
};

function read(name: WasmBackendName): Uint8Array {
  try {
    return readFileSync(join(__dirname, '..', BUILD_FILE[name]));
  } catch {
    return new Uint8Array(inflateSync(decodeBase64(embedded[name]())));
  }
}

provideSyncBuilds({ relaxed: () => read('relaxed'), simd: () => read('simd'), wasm: () => read('wasm') });

export * from './index.js';
