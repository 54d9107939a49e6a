// Imported by package name: Vite resolves 'swish-wasm' through its package.json "exports" (the
// "browser" condition), and the WebAssembly comes embedded (each build a chunk of its own: the page
// downloads the one init() selects), so there is nothing else to set up.
import { init, backend, swish, swishBackward } from 'swish-wasm';

await init(); // 'simd', else 'wasm', else 'js'

const x = new Float32Array([-3, -1, -0.5, 0, 0.5, 1, 3]);
const y = swish(x);
const dx = swishBackward(x, new Float32Array(x.length).fill(1));

document.querySelector('#backend').textContent = backend();
document.querySelector('#rows').innerHTML = Array.from(x, (v, i) =>
  `<tr><td>${v}</td><td>${y[i].toFixed(6)}</td><td>${dx[i].toFixed(6)}</td></tr>`).join('');

// For the browser test (test/browser/vite.test.ts).
window.swishResult = { backend: backend(), x: Array.from(x), swish: Array.from(y), swishBackward: Array.from(dx) };
document.body.dataset.ready = 'true';
