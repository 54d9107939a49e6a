// Which backends this runtime can run, the one in use, and why any other is not available:
// `relaxed` (relaxed SIMD), then `simd`, then `wasm` (scalar), then `js`.
//
// Start-up is one build: init() compiles only the best build the runtime validates; the others are
// compiled when first selected. Nothing here reads the global `Response` unless given one: in Node
// 18-20, the first read of that global loads Node's fetch implementation (about 30 ms).
import { BUILD_FILE, lazyBuilds, lazyCoreBuilds, WASM_BACKENDS, type WasmBackendName } from './builds.js';
import { CORE_KERNELS } from '../generated/core.js';
import { jsBackend } from './js.js';
import type { Backend, BackendImpl } from './types.js';
import { checkBuildExports, WasmBackend, type KernelExports } from './wasm.js';

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

// The declarations name two types of the DOM library: declared here as (empty) interfaces, which
// merge with the DOM's where a project has it, so that a project without it (a Node project with
// lib: ["es2023"] and skipLibCheck: false) compiles too.
declare global {
  namespace WebAssembly {
    interface Module {}
  }
  interface Response {}
}

/** A build's bytes: any ArrayBuffer or view of one (BufferSource, without the DOM library). */
export type WasmBytes = ArrayBufferView<ArrayBuffer> | ArrayBuffer;

/** What init accepts: one build as a compiled module, its bytes, or a Response for it. */
export type WasmSource = WebAssembly.Module | WasmBytes | Response;

/** Whether a backend can be selected now, and if not, why. */
export interface BackendStatus {
  available: boolean;
  reason?: string;
}

/** A build's bytes, read synchronously (the Node entry's way: node.ts). */
type SyncBuild = () => Uint8Array;

/** Instances, by backend: the ones setBackend can select without compiling. */
const instances = new Map<WasmBackendName, BackendImpl>();
/** Compiled builds, by backend, kept so that a later init() only instantiates. */
const modules = new Map<WasmBackendName, WebAssembly.Module>();
/** Why a build could not be compiled or instantiated here, by backend (cleared when one is). */
const failures = new Map<WasmBackendName, string>();
let syncBuilds: Partial<Record<WasmBackendName, SyncBuild>> = {};
let current: BackendImpl = jsBackend;
let warned = false;
/** Why the last module given to init was refused (added to the reasons of unavailable backends). */
let rejected: string | undefined;

export function currentBackend(): BackendImpl {
  return current;
}

/**
 * A build's bytes: from the entry's synchronous reader where there is one (Node: the .wasm
 * file), else its embedded chunk, inflated.
 */
export async function buildBytes(name: WasmBackendName): Promise<Uint8Array> {
  const read = syncBuilds[name];
  return read ? read() : inflateEmbedded(await lazyBuilds[name]());
}

/** @internal Lets an entry point read the embedded builds synchronously (node.ts). */
export function provideSyncBuilds(builds: Partial<Record<WasmBackendName, SyncBuild>>): void {
  syncBuilds = builds;
}

function hasWebAssembly(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly !== null && typeof WebAssembly.instantiate === 'function';
}

/** Whether this runtime supports WebAssembly SIMD (and so can run the `simd` build). */
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

/** Why this runtime cannot run backend `name` at all, or undefined if it can. */
function unsupported(name: WasmBackendName): string | undefined {
  if (!hasWebAssembly()) return 'this runtime has no WebAssembly';
  if (name !== 'wasm' && !simdSupported()) return 'this runtime has no WebAssembly SIMD (the SIMD probe module does not validate)';
  if (name === 'relaxed' && !relaxedSimdSupported()) {
    return 'this runtime has no relaxed SIMD (the relaxed-SIMD probe module does not validate; Node 20 needs --experimental-wasm-relaxed-simd)';
  }
  return undefined;
}

/** @internal Also the worker pool's (src/pool/), for its shared builds. */
export function decodeBase64(s: string): Uint8Array {
  const U8 = Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array };
  if (typeof U8.fromBase64 === 'function') return U8.fromBase64(s);
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B) return new Uint8Array(B.from(s, 'base64'));
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The bytes of an embedded build (base64 of its zlib-deflated bytes, src/generated/wasm-*.ts),
 * inflated by the runtime's DecompressionStream (browsers, Workers, Deno, Bun, Node >= 18).
 */
export async function inflateEmbedded(deflatedBase64: string): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this runtime has no DecompressionStream to inflate the embedded build: pass a WebAssembly.Module or the .wasm bytes to init()');
  }
  const stream = new DecompressionStream('deflate');
  const writer = stream.writable.getWriter();
  void writer.write(decodeBase64(deflatedBase64) as Uint8Array<ArrayBuffer>).then(() => writer.close()).catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Says why a compile or instantiation was refused, naming the way around it where there is one. */
function refusal(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/disallowed by embedder|code generation/i.test(msg)) {
    return `this runtime refuses to compile WebAssembly from bytes (as Cloudflare Workers does): pass a WebAssembly.Module, e.g. import simd from 'swish-wasm/swish-simd.wasm'; init(simd) (${msg})`;
  }
  if (/unsafe-eval|Content.Security.Policy|CSP/i.test(msg)) {
    return `a Content-Security-Policy refuses to compile WebAssembly: allow 'wasm-unsafe-eval' in script-src, or pass a WebAssembly.Module (${msg})`;
  }
  return `the build could not be compiled here: ${msg}`;
}

/** A Response, told apart without reading the global `Response` (see the header). */
function isResponse(v: unknown): v is Response {
  return typeof v === 'object' && v !== null && Object.prototype.toString.call(v) === '[object Response]' &&
    typeof (v as Response).arrayBuffer === 'function';
}

/** A compiled module (false, not a ReferenceError, where there is no WebAssembly). */
function isModule(v: unknown): v is WebAssembly.Module {
  return hasWebAssembly() && v instanceof WebAssembly.Module;
}

function isBytes(v: unknown): v is WasmBytes {
  return ArrayBuffer.isView(v) || v instanceof ArrayBuffer;
}

function notSource(): TypeError {
  return new TypeError("source must be a WebAssembly.Module, a Response (or a promise of one), the bytes of a swish-wasm .wasm build, or a backend name ('relaxed', 'simd' or 'wasm')");
}

/** The kernels whose functions the program has made (wrappers.ts), and the core builds compiled. */
const madeKernels = new Set<string>();
const coreModules = new Map<WasmBackendName, WebAssembly.Module>();

/**
 * @internal A kernel's function has been made (wrappers.ts, as the module that exports it is
 * evaluated): init() loads a core build only while every kernel made is in it. A kernel outside
 * it drops the core instances, so that no backend is selected that lacks it.
 */
export function noteKernel(k: string): void {
  madeKernels.add(k);
  if (CORE_KERNELS.includes(k)) return;
  for (const [name, b] of instances) if ((b as WasmBackend).core) instances.delete(name);
}

/** Whether the core build covers every kernel made so far. */
function coreCovers(): boolean {
  for (const k of madeKernels) if (!CORE_KERNELS.includes(k)) return false;
  return true;
}

/** Keeps an instance of core build `name` as its backend's instance (its module is kept in coreModules). */
function registerCore(name: WasmBackendName, instance: WebAssembly.Instance): WasmBackend {
  const b = new WasmBackend(instance.exports as unknown as KernelExports);
  instances.set(name, b);
  failures.delete(name);
  return b;
}

/** Instantiates a checked swish-wasm module (it has no imports) and keeps it as its backend's instance. */
function register(mod: WebAssembly.Module, instance: WebAssembly.Instance): WasmBackend {
  const b = new WasmBackend(instance.exports as unknown as KernelExports);
  const name = b.name as WasmBackendName;
  instances.set(name, b);
  modules.set(name, mod);
  failures.delete(name);
  return b;
}

/** Throws a TypeError, and keeps its message for backendInfo(), if a caller's module is not a swish-wasm build. */
function checkModule(mod: WebAssembly.Module): void {
  const imports = WebAssembly.Module.imports(mod);
  const problem = imports.length
    ? `it imports ${imports.slice(0, 3).map((i) => `${i.module}.${i.name}`).join(', ')} (the builds import nothing)`
    : checkBuildExports(WebAssembly.Module.exports(mod).map((e) => e.name));
  if (problem) throw rejectSource(problem);
  rejected = undefined;
}

function rejectSource(problem: string): TypeError {
  rejected = `the module last given to init was not a swish-wasm build: ${problem}`;
  return new TypeError(`the module given to init is not a swish-wasm build: ${problem}`);
}

async function compileAsync(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (isResponse(source)) {
    const type = source.headers?.get?.('content-type') ?? '';
    if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\b/i.test(type)) {
      return WebAssembly.compileStreaming(source);
    }
    return WebAssembly.compile(await source.arrayBuffer());
  }
  return WebAssembly.compile(source);
}

/**
 * Loads embedded build `name` (its module, cached) and instantiates it; records why not, and
 * returns null. Where no synchronous reader gives the whole build (a bundle, a browser) and every
 * function made is sigmoid's or swish's, the core build instead (5 KB gzipped, not 25).
 */
async function loadEmbedded(name: WasmBackendName): Promise<WasmBackend | null> {
  try {
    const lazyCore = lazyCoreBuilds[name];
    if (lazyCore && !syncBuilds[name] && !modules.has(name) && coreCovers()) {
      const core = coreModules.get(name) ?? await WebAssembly.compile(await inflateEmbedded(await lazyCore()) as BufferSource);
      coreModules.set(name, core);
      return registerCore(name, await WebAssembly.instantiate(core, {}));
    }
    const mod = modules.get(name) ?? await WebAssembly.compile(await buildBytes(name) as BufferSource);
    return register(mod, await WebAssembly.instantiate(mod, {}));
  } catch (e) {
    failures.set(name, refusal(e));
    return null;
  }
}

/** As loadEmbedded, synchronously: from a compiled module or a synchronous source, else null with a reason. */
function loadEmbeddedSync(name: WasmBackendName): WasmBackend | null {
  const read = syncBuilds[name];
  // The core build init() compiled, on the same terms as loadEmbedded's.
  const core = !read && !modules.has(name) && coreCovers() ? coreModules.get(name) : undefined;
  if (!core && !modules.has(name) && !read) return null;
  try {
    if (core) return registerCore(name, new WebAssembly.Instance(core, {}));
    const mod = modules.get(name) ?? new WebAssembly.Module(read!() as BufferSource);
    return register(mod, new WebAssembly.Instance(mod, {}));
  } catch (e) {
    failures.set(name, refusal(e));
    return null;
  }
}

/** Once per process: a fallback to the slow path that the runtime forced is said on the console too. */
function warnFallback(): void {
  if (warned || current !== jsBackend) return;
  warned = true;
  const why = WASM_BACKENDS.map((n) => failures.get(n)).find((r) => r !== undefined);
  if (why) console.warn(`swish-wasm: using the JS fallback (about 10x slower): ${why}. backendInfo() says why for each backend.`);
}

function selectBackendName(name: unknown): name is WasmBackendName {
  return typeof name === 'string' && (WASM_BACKENDS as readonly string[]).includes(name);
}

/** Whether init() or initSync() has been called (the worker pool runs init() first otherwise). */
export function initCalled(): boolean {
  return initRan;
}
let initRan = false;

/**
 * Compiles and instantiates the best build this runtime validates and selects it: 'relaxed'
 * (relaxed SIMD), else 'simd', else 'wasm' (scalar), else 'js'; a build the runtime refuses to
 * compile (a CSP without 'wasm-unsafe-eval', Cloudflare Workers) is passed over, and
 * `backendInfo()` says why (as does one console warning when that leaves 'js').
 * Only that build is downloaded and compiled; the others are loaded when selected.
 *
 * With `source`, only that is used: a precompiled `WebAssembly.Module`, the bytes of
 * `swish-relaxed.wasm`, `swish-simd.wasm` or `swish-scalar.wasm`, a `Response` for one of them or
 * a promise of it (as `fetch` returns), for runtimes that forbid compiling bytes or load the .wasm
 * themselves; or a backend name ('relaxed', 'simd', 'wasm'), which loads that embedded build.
 * A module that is not a swish-wasm build is a TypeError, and the backend in use is kept.
 */
export async function init(source?: WasmSource | WasmBackendName | PromiseLike<WasmSource>): Promise<Backend> {
  initRan = true;
  if (source !== undefined) {
    // `init(fetch(url))`: a failed fetch rejects here with its own error, as it would in
    // WebAssembly.instantiateStreaming.
    const s = await source;
    if (selectBackendName(s)) {
      const why = unsupported(s);
      if (why) throw new Error(`backend '${s}' is not available: ${why}`);
      const b = await loadEmbedded(s);
      if (!b) throw new Error(`backend '${s}' is not available: ${failures.get(s)}`);
      return (current = b).name;
    }
    if (!(isModule(s) || isBytes(s) || isResponse(s))) throw notSource();
    if (!hasWebAssembly()) return (current = jsBackend).name;
    const mod = await compileAsync(s).catch((e) => {
      throw rejectSource(`it does not compile: ${e instanceof Error ? e.message : String(e)}`);
    });
    checkModule(mod);
    return (current = register(mod, await WebAssembly.instantiate(mod, {}))).name;
  }
  instances.clear();
  current = jsBackend;
  for (const name of WASM_BACKENDS) {
    if (unsupported(name)) continue;
    // Where the bytes are at hand (the Node entry), compiling on this thread takes about 1 ms; an
    // asynchronous compile waits for V8's background threads, which just after the package's
    // CommonJS modules have loaded can be busy for several ms more (measured in fresh processes).
    const b = syncBuilds[name] ? loadEmbeddedSync(name) : await loadEmbedded(name);
    if (b) return (current = b).name;
  }
  warnFallback();
  return current.name;
}

/**
 * Like `init`, synchronously: for game loops and scripts that cannot await. In Node (and Deno,
 * Bun) every build is at hand; elsewhere the builds load asynchronously, so without a source only
 * one already loaded by `init` can be selected. Browsers' main threads may refuse to compile
 * large modules synchronously; `backendInfo()` then says so and the next build or js takes over.
 */
export function initSync(source?: WebAssembly.Module | WasmBytes): Backend {
  initRan = true;
  if (source !== undefined) {
    if (isResponse(source)) throw new TypeError('initSync cannot read a Response: use init, or pass a WebAssembly.Module or bytes');
    if (!(isModule(source) || isBytes(source))) throw notSource();
    if (!hasWebAssembly()) return (current = jsBackend).name;
    let mod: WebAssembly.Module;
    try {
      mod = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
    } catch (e) {
      throw rejectSource(`it does not compile: ${e instanceof Error ? e.message : String(e)}`);
    }
    checkModule(mod);
    return (current = register(mod, new WebAssembly.Instance(mod, {}))).name;
  }
  instances.clear();
  current = jsBackend;
  for (const name of WASM_BACKENDS) {
    if (unsupported(name)) continue;
    const b = loadEmbeddedSync(name);
    if (b) return (current = b).name;
  }
  warnFallback();
  return current.name;
}

/** The backend in use: 'js' until `init` has run. */
export function backend(): Backend {
  return current.name;
}

const BACKENDS = ['relaxed', 'simd', 'wasm', 'js'] as const;

/** Why backend `name` cannot be selected now, or undefined if it can (compiling it on demand if need be). */
function reasonFor(name: WasmBackendName): string | undefined {
  if (instances.has(name)) return undefined;
  let why = unsupported(name) ?? failures.get(name);
  if (!why && (modules.has(name) || syncBuilds[name])) return undefined;
  why ??= `not loaded yet (this entry loads each build when first asked for it): await init('${name}') loads ${BUILD_FILE[name]}`;
  return rejected ? `${why}; ${rejected}` : why;
}

/**
 * For every backend, whether it can be selected now and, if not, why: no WebAssembly, SIMD or
 * relaxed SIMD not validated by this runtime, compiling refused (a CSP, Cloudflare Workers: pass
 * a WebAssembly.Module), not loaded yet (`await init(name)`), or the module given was not a
 * swish-wasm build.
 */
export function backendInfo(): Record<Backend, BackendStatus> {
  const info = { js: { available: true } } as Record<Backend, BackendStatus>;
  for (const name of WASM_BACKENDS) {
    const reason = reasonFor(name);
    info[name] = reason === undefined ? { available: true } : { available: false, reason };
  }
  return { relaxed: info.relaxed, simd: info.simd, wasm: info.wasm, js: info.js };
}

/** The backends that can be selected now, best first (in Node after `init`, all four where relaxed SIMD is supported). */
export function availableBackends(): Backend[] {
  return BACKENDS.filter((b) => b === 'js' || reasonFor(b) === undefined);
}

/** Forces a backend, compiling its build first if need be; throws, saying why, if it is unknown or not available. */
export function setBackend(name: Backend): void {
  if (!(BACKENDS as readonly unknown[]).includes(name)) {
    throw new TypeError(`unknown backend ${JSON.stringify(name)}: expected 'relaxed', 'simd', 'wasm' or 'js'`);
  }
  if (name === 'js') {
    current = jsBackend;
    return;
  }
  const why = reasonFor(name);
  const b = why === undefined ? instances.get(name) ?? loadEmbeddedSync(name) : null;
  if (!b) throw new Error(`backend '${name}' is not available: ${why ?? failures.get(name)}`);
  current = b;
}
