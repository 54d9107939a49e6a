// The suites import src/index.ts, the default entry, which loads each build when first asked for it
// (asynchronously: a bundled page downloads only the build it runs). In Node, `swish-wasm` resolves
// to the Node entry (src/node.ts, dist/cjs/node.js), which can read every build synchronously, so
// that after init() every backend the runtime supports can be selected. This gives the suites that
// entry's readers (from the same generated modules the build embeds); test/startup.test.ts checks
// the default entry's own behaviour in a child process.
import { decodeBase64, provideSyncBuilds } from '../src/backends/select.js';
import { inflateSync } from 'node:zlib';
import { relaxedWasmDeflated } from '../src/generated/wasm-relaxed.js';
import { scalarWasmDeflated } from '../src/generated/wasm-scalar.js';
import { simdWasmDeflated } from '../src/generated/wasm-simd.js';
import { afterEach } from 'vitest';

provideSyncBuilds({
  relaxed: () => inflateSync(decodeBase64(relaxedWasmDeflated)),
  simd: () => inflateSync(decodeBase64(simdWasmDeflated)),
  wasm: () => inflateSync(decodeBase64(scalarWasmDeflated)),
});

// Each test ends with a turn of the event loop. A file of synchronous tests (conformance: 1546 in
// 73 s) otherwise runs start to end in microtasks, and its worker cannot read vitest's replies
// meanwhile: on a loaded machine a file past 60 s fails the run with "Timeout calling
// onTaskUpdate" though every test passed (a clean-clone CI run on 2026-12-02, under load).
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
