// The suites import src/index.ts, the default entry, which loads each build when first asked for it
// (asynchronously: a bundled page downloads only the build it runs). In Node, `swish-wasm` resolves
// to the Node entry (src/node.ts, dist/cjs/node.js), which can read every build synchronously, so
// that after init() every backend the runtime supports can be selected. This gives the suites that
// entry's readers (from the same generated modules the build embeds); test/startup.test.ts checks
// the default entry's own behaviour in a child process.
import { decodeBase64, provideSyncBuilds } from '../src/backends/select.js';
import { relaxedWasmBase64 } from '../src/generated/wasm-relaxed.js';
import { scalarWasmBase64 } from '../src/generated/wasm-scalar.js';
import { simdWasmBase64 } from '../src/generated/wasm-simd.js';

provideSyncBuilds({
  relaxed: () => decodeBase64(relaxedWasmBase64),
  simd: () => decodeBase64(simdWasmBase64),
  wasm: () => decodeBase64(scalarWasmBase64),
});
