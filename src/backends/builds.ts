// The three WebAssembly builds, named by the backend each one runs, and how the default entry gets
// their bytes: each is a module of its own (src/generated/wasm-*.ts, base64), reached only through
// import(), so that a bundler emits each as a chunk of its own (Vite, webpack, Rollup, esbuild with
// --splitting) and a page downloads only the build init() selects. The Node entry (node.ts) gives
// synchronous readers of the same modules instead. The worker pool makes its shared-memory module
// from the simd or relaxed build's bytes (src/pool/shared-module.ts).
import type { Backend } from './types.js';

/** The backends that run a WebAssembly build. */
export type WasmBackendName = Exclude<Backend, 'js'>;

/** Best first: the order init() tries them in. */
export const WASM_BACKENDS: readonly WasmBackendName[] = ['relaxed', 'simd', 'wasm'];

/** The file each backend's build ships as (dist/swish-*.wasm, the `swish-wasm/swish-*.wasm` subpaths). */
export const BUILD_FILE: Readonly<Record<WasmBackendName, string>> = {
  relaxed: 'swish-relaxed.wasm',
  simd: 'swish-simd.wasm',
  wasm: 'swish-scalar.wasm',
};

/** The value of the build's buildKind() export for each backend (assembly/index.ts). */
export const BUILD_KIND: readonly WasmBackendName[] = ['wasm', 'simd', 'relaxed'];

/** A build's bytes, zlib-deflated, as base64 (select.ts's inflateEmbedded inflates them), fetched on demand. */
export type LazyBuild = () => Promise<string>;

export const lazyBuilds: Readonly<Record<WasmBackendName, LazyBuild>> = {
  relaxed: () => import('../generated/wasm-relaxed.js').then((m) => m.relaxedWasmDeflated),
  simd: () => import('../generated/wasm-simd.js').then((m) => m.simdWasmDeflated),
  wasm: () => import('../generated/wasm-scalar.js').then((m) => m.scalarWasmDeflated),
};

/**
 * The core builds (sigmoid's and swish's kernels alone, src/generated/core.ts), for the embedded
 * path: init() loads one instead of the whole build where every function the program has made
 * is in it (select.ts). The scalar build is small already: it has no core build.
 */
export const lazyCoreBuilds: Readonly<Partial<Record<WasmBackendName, LazyBuild>>> = {
  relaxed: () => import('../generated/wasm-relaxed-core.js').then((m) => m.relaxedCoreWasmDeflated),
  simd: () => import('../generated/wasm-simd-core.js').then((m) => m.simdCoreWasmDeflated),
};
