// Cloudflare Workers: compiling WebAssembly from bytes at run time is not allowed there, so import
// the .wasm build as a module (Wrangler turns a .wasm import into a WebAssembly.Module) and pass
// it to init(). Deploy with `wrangler deploy examples/cloudflare-worker.js` (compatibility_date
// set in wrangler.toml); then GET /?x=-1,0,1&beta=1.5.
import simdModule from 'swish-wasm/swish-simd.wasm';
import { backend, init, swish } from 'swish-wasm';

let ready; // instantiated on the first request, then reused by the isolate

export default {
  async fetch(request) {
    ready ??= init(simdModule); // a WebAssembly.Module: selects 'simd'
    await ready;
    const url = new URL(request.url);
    const x = Float32Array.from((url.searchParams.get('x') ?? '-3,-1,0,1,3').split(','), Number);
    const beta = Number(url.searchParams.get('beta') ?? 1);
    try {
      return Response.json({ backend: backend(), x: Array.from(x), swish: Array.from(swish(x, undefined, beta)) });
    } catch (e) {
      return Response.json({ error: String(e) }, { status: 400 }); // e.g. a beta that is not finite in f32
    }
  },
};
