// swish-wasm/pool's entry for Node, Deno and Bun (the "node" condition), compiled to CommonJS only:
// the pool over the Node entry (src/node.ts), so that `swish-wasm` and `swish-wasm/pool`, imported
// or required, share one state (one backend, one memory for the synchronous API) and the pool can
// read its build synchronously. dist/pool.mjs (scripts/build-ts.mjs) is its ES-module face.
import '../node.js';

export * from './index.js';
