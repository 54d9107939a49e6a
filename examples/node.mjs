// Node (18 or later): `node examples/node.mjs`. `import` and `require('swish-wasm')` load the same
// implementation; init() compiles the best build this Node supports ('relaxed' from Node 21, else
// 'simd') in a few milliseconds.
import { backend, init, swish, swishBackward } from 'swish-wasm';

await init();
console.log('backend:', backend());

const x = new Float32Array([-3, -1, 0, 1, 3]);
console.log('swish   ', Array.from(swish(x), (v) => v.toFixed(5)).join(' '));
console.log("swish'  ", Array.from(swishBackward(x, new Float32Array(x.length).fill(1)), (v) => v.toFixed(5)).join(' '));
