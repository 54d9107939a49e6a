// Deno: `deno run examples/deno.ts` (the npm: specifier needs no install step; Deno picks the
// package's "import" build, and the WebAssembly is embedded in it).
import { availableBackends, backend, init, swish, swishBackward } from 'npm:swish-wasm';

await init(); // 'relaxed' on Deno 2 (V8 has relaxed SIMD), else 'simd'
console.log('backend:', backend(), 'available:', availableBackends().join(', '));

const x = new Float32Array([-3, -1, 0, 1, 3]);
const y = swish(x);
const dx = swishBackward(x, new Float32Array(x.length).fill(1));
console.log('swish   ', Array.from(y, (v) => v.toFixed(5)).join(' '));
console.log("swish'  ", Array.from(dx, (v) => v.toFixed(5)).join(' '));
