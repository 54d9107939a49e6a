import { defineConfig } from 'vitest/config';

/**
 * f32x4.relaxed_madd in the smallest module (src/backends/select.ts's probe): whether this Node
 * has relaxed SIMD on. Node >= 21 has it by default, Node 20 only with the V8 flag below.
 */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0,
  10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
]);
const RELAXED_FLAG = WebAssembly.validate(RELAXED_PROBE) ? [] : ['--experimental-wasm-relaxed-simd'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // src/index.ts with the Node entry's synchronous build readers (see the file).
    setupFiles: ['test/setup-node-entry.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Child processes (not worker threads, which cannot take V8 flags of their own), started with
    // relaxed SIMD on so that the suites run the 'relaxed' backend too; test/conformance.test.ts
    // fails if it is missing. Child `node` processes the tests start themselves get no flag:
    // test/relaxed.test.ts checks that plain path (Node 20: 'simd').
    pool: 'forks',
    poolOptions: { forks: { execArgv: RELAXED_FLAG } },
  },
});
