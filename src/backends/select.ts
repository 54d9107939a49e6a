// Which backends this runtime can run, and the one in use: `relaxed` (relaxed SIMD), then `simd`,
// then `wasm` (scalar), then `js`.
import { instantiate, instantiateSync } from '@assemblyscript/loader';
import { relaxedWasmBase64, scalarWasmBase64, simdWasmBase64 } from '../generated/wasm.js';
import { jsBackend } from './js.js';
import type { Backend, BackendImpl } from './types.js';
import { WasmBackend, type KernelExports } from './wasm.js';

/** The smallest module using a SIMD opcode (i8x16.splat): validates iff SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, // magic, version
  1, 5, 1, 96, 0, 1, 123, // type: () -> v128
  3, 2, 1, 0, // one function of that type
  10, 8, 1, 6, 0, 65, 0, 253, 15, 11, // body: i32.const 0; i8x16.splat; end
]);

/**
 * The smallest module using a relaxed-SIMD opcode (f32x4.relaxed_madd, 0xfd 0x105): validates iff
 * relaxed SIMD is supported (on by default in Chrome/Edge >= 114 and Node >= 21; Node 20 only
 * with --experimental-wasm-relaxed-simd; engines without it get the simd build).
 */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, // magic, version
  1, 8, 1, 96, 3, 123, 123, 123, 1, 123, // type: (v128, v128, v128) -> v128
  3, 2, 1, 0, // one function of that type
  10, 13, 1, 11, 0, // code: one body of 11 bytes, no locals:
  32, 0, 32, 1, 32, 2, // local.get 0; local.get 1; local.get 2
  253, 133, 2, 11, // f32x4.relaxed_madd (prefix 0xfd, then 0x105 as LEB128: 0x85 0x02); end
]);

export type WasmSource = WebAssembly.Module | BufferSource | Response;

const available = new Map<Backend, BackendImpl>([['js', jsBackend]]);
let current: BackendImpl = jsBackend;

export function currentBackend(): BackendImpl {
  return current;
}

function hasWebAssembly(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly !== null && typeof WebAssembly.instantiate === 'function';
}

export function simdSupported(): boolean {
  try {
    return hasWebAssembly() && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** Whether this runtime supports relaxed SIMD (and so can run the `relaxed` build). */
export function relaxedSimdSupported(): boolean {
  try {
    return simdSupported() && WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** The embedded builds this runtime can compile, best last (the order does not matter: best() picks). */
function embeddedBuilds(): string[] {
  return [scalarWasmBase64, ...(simdSupported() ? [simdWasmBase64] : []), ...(relaxedSimdSupported() ? [relaxedWasmBase64] : [])];
}

/** @internal Also the worker pool's (src/pool/), for its shared builds. */
export function decodeBase64(s: string): Uint8Array {
  if (typeof atob === 'function') {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  return new Uint8Array((globalThis as any).Buffer.from(s, 'base64'));
}

/** Wraps an instance's raw exports (not the loader's demangled wrappers: no call overhead). */
function register(result: { instance: WebAssembly.Instance }): BackendImpl {
  const b = new WasmBackend(result.instance.exports as unknown as KernelExports);
  available.set(b.name, b);
  return b;
}

function best(): BackendImpl {
  return available.get('relaxed') ?? available.get('simd') ?? available.get('wasm') ?? jsBackend;
}

function checkSource(source: unknown): void {
  if (source instanceof WebAssembly.Module || ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return;
  if (typeof Response === 'function' && source instanceof Response) return;
  throw new TypeError('source must be a WebAssembly.Module, a Response (or a promise of one), or the bytes of a swish-wasm .wasm build');
}

/**
 * Compiles and instantiates what this runtime supports and selects the best backend: 'relaxed'
 * (relaxed SIMD), else 'simd', else 'wasm' (scalar), else 'js'.
 * With `source` (a precompiled `WebAssembly.Module`, the bytes of `swish-relaxed.wasm`,
 * `swish-simd.wasm` or `swish-scalar.wasm`, or a `Response` for one of them or a promise of it,
 * as `fetch` returns), only that module is used: for runtimes that forbid compiling bytes
 * (Cloudflare Workers) or that load the .wasm file themselves.
 */
export async function init(source?: WasmSource | PromiseLike<WasmSource>): Promise<Backend> {
  if (!hasWebAssembly()) return (current = jsBackend).name;
  if (source !== undefined) {
    // `init(fetch(url))`: a failed fetch rejects here with its own error, as it would in
    // WebAssembly.instantiateStreaming.
    source = await source;
    checkSource(source);
    return (current = register(await instantiate(source as WebAssembly.Module, {}))).name;
  }
  await Promise.all(embeddedBuilds().map(async (b) => {
    try {
      register(await instantiate(decodeBase64(b), {}));
    } catch {
      // This runtime refuses to compile it (e.g. a CSP without 'wasm-unsafe-eval'): keep the rest.
    }
  }));
  return (current = best()).name;
}

/**
 * Like `init`, synchronously: for game loops and scripts that cannot await. Browsers' main
 * threads may refuse to compile modules over 4 KB synchronously; the fallback then takes over.
 */
export function initSync(source?: WasmSource): Backend {
  if (!hasWebAssembly()) return (current = jsBackend).name;
  if (source !== undefined) {
    checkSource(source);
    if (typeof Response === 'function' && source instanceof Response) {
      throw new TypeError('initSync cannot read a Response: use init, or pass a WebAssembly.Module or bytes');
    }
    return (current = register(instantiateSync(source as WebAssembly.Module, {}))).name;
  }
  for (const b of embeddedBuilds()) {
    try {
      register(instantiateSync(decodeBase64(b), {}));
    } catch {
      // As in init: this build cannot be compiled here.
    }
  }
  return (current = best()).name;
}

/** The backend in use: 'js' until `init` has run. */
export function backend(): Backend {
  return current.name;
}

const BACKENDS = ['relaxed', 'simd', 'wasm', 'js'] as const;

/** The backends that can be selected now, best first (after `init`, all four where relaxed SIMD is supported). */
export function availableBackends(): Backend[] {
  return BACKENDS.filter((b) => available.has(b));
}

/** Why `name` (not yet registered) is not available. */
function unavailable(name: Backend): string {
  if (!hasWebAssembly()) return 'this runtime has no WebAssembly';
  if ((name === 'simd' || name === 'relaxed') && !simdSupported()) return 'this runtime has no WebAssembly SIMD';
  if (name === 'relaxed' && !relaxedSimdSupported()) return 'relaxed SIMD is not supported by this runtime';
  return 'call init() first';
}

/** Forces a backend; throws if it is unknown or not available in this runtime. */
export function setBackend(name: Backend): void {
  if (!(BACKENDS as readonly unknown[]).includes(name)) {
    throw new TypeError(`unknown backend ${JSON.stringify(name)}: expected 'relaxed', 'simd', 'wasm' or 'js'`);
  }
  const b = available.get(name);
  if (!b) throw new Error(`backend '${name}' is not available: ${unavailable(name)}`);
  current = b;
}
