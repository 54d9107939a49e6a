// Bun: `bun add swish-wasm`, then `bun run examples/bun.ts`. Bun loads the package's ESM build;
// the WebAssembly is embedded, nothing else to configure.
import { allocate, backend, init, sigmoid, swish } from 'swish-wasm';

await init(); // 'relaxed' on Bun 1.4 (JavaScriptCore has relaxed SIMD), else 'simd'
console.log('backend:', backend());

const x = new Float32Array([-3, -1, 0, 1, 3]);
console.log('sigmoid', Array.from(sigmoid(x), (v) => v.toFixed(5)).join(' '));

// Zero-copy on arrays in WebAssembly memory (free them when done).
const a = allocate(1 << 16);
const b = allocate(1 << 16);
a.array.fill(0.5);
swish(a.array, b.array);
console.log('swish(0.5) =', b.array[0]);
a.free();
b.free();
