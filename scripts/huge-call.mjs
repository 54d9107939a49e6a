// One huge call on the copy path, by hand: an ordinary Float32Array of N elements (default
// 200,000,000: 800 MB) through `swish` on the simd backend, into a second array and in place.
// Checks a strided sample of the results against the float64 reference within the kernel's
// bound, that in place and out of place agree bit for bit, and that WebAssembly memory did not
// grow past its size after init (the fixed scratch the copy path streams through). Prints the
// time, ns/element, WebAssembly memory bytes and peak RSS.
//
//   npm run build && node --max-old-space-size=8192 scripts/huge-call.mjs [N]
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const S = await import(pathToFileURL(join(root, 'dist/node.mjs')).href);

const N = Number(process.argv[2] ?? 200_000_000);
if (!Number.isInteger(N) || N < 1) throw new Error(`N must be a positive integer, got ${process.argv[2]}`);

await S.init();
S.setBackend('simd');
const memAfterInit = S.memoryBytes();
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);

// The pattern: P values spread over [−30, 30] (where swish bends and saturates), with the
// boundaries where the kernels change regime at its start. P is prime, so a strided sample
// meets every part of it.
const P = 65_521;
const BOUNDARIES = [0, -0, 2 ** -149, -(2 ** -126), 1.2784645, -1.2784645, 16.635532, -16.635532, 88.72284, -88.72284,
  103.97208, -103.97208, 109, -109, 2 ** 60, -(2 ** 60), 3.4028234663852886e38, -3.4028234663852886e38];
const pattern = new Float32Array(P);
for (let i = 0; i < P; i++) pattern[i] = -30 + (60 * i) / (P - 1);
pattern.set(BOUNDARIES);

/** An ordinary Float32Array of n elements repeating the pattern: filled by doubling copyWithin. */
function filled(n) {
  const a = new Float32Array(n);
  a.set(n < P ? pattern.subarray(0, n) : pattern);
  for (let have = Math.min(n, P); have < n; have *= 2) a.copyWithin(have, 0, Math.min(have, n - have));
  return a;
}

let t0 = performance.now();
const x = filled(N);
const tFill = performance.now() - t0;
// The output's pages are touched first, so the timing below is the call's, not the first-touch
// page faults of a fresh 800 MB array.
t0 = performance.now();
const out = new Float32Array(N).fill(0);
const tTouch = performance.now() - t0;

t0 = performance.now();
S.swish(x, out); // into the second array
const tOut = performance.now() - t0;
const memAfterOut = S.memoryBytes();

t0 = performance.now();
S.swish(x, x); // in place
const tIn = performance.now() - t0;
const memAfterIn = S.memoryBytes();

// Check a strided sample (and every element of the first pattern period and of the last
// elements) against the float64 reference; in place must equal out of place bit for bit.
const kr = S.kernels.swish;
const params = kr.params.map((q) => Math.fround(q.default));
const xBits = new Uint32Array(x.buffer);
const oBits = new Uint32Array(out.buffer);
const STRIDE = 9_973;
let checked = 0;
let bad = 0;
let firstBad = '';
let maxUlp = 0;
const check = (i) => {
  const xi = pattern[i % P];
  const ref = kr.reference(xi, params);
  checked++;
  let why = '';
  if (!S.withinBound('swish', 'simd', out[i], ref)) why = `out[${i}] = swish(${xi}) = ${out[i]}, reference ${ref}`;
  else if (xBits[i] !== oBits[i]) why = `in place x[${i}] = ${x[i]} but out of place ${out[i]}`;
  if (Number.isFinite(ref) && Math.abs(ref) >= 2 ** -126) maxUlp = Math.max(maxUlp, S.ulpError(out[i], ref));
  if (why && !bad++) firstBad = why;
};
for (let i = 0; i < Math.min(N, P); i++) check(i);
for (let i = P; i < N; i += STRIDE) check(i);
for (let i = Math.max(P, N - 1000); i < N; i++) check(i);

const perEl = (ms) => ((ms * 1e6) / N).toFixed(3);
const rss = process.resourceUsage().maxRSS * 1024; // maxRSS is in kilobytes
console.log(`swish on the simd backend, copy path, N = ${N.toLocaleString('en')} (${mb(N * 4)} MB per array)`);
console.log(`  fill (copyWithin doubling):  ${tFill.toFixed(0)} ms; touching the output array: ${tTouch.toFixed(0)} ms`);
console.log(`  swish(x, out):               ${tOut.toFixed(0)} ms, ${perEl(tOut)} ns/element`);
console.log(`  swish(x, x) in place:        ${tIn.toFixed(0)} ms, ${perEl(tIn)} ns/element`);
console.log(`  WebAssembly memory:          ${memAfterInit} bytes after init, ${memAfterOut} after the first call, ${memAfterIn} after the second`);
console.log(`  peak RSS:                    ${mb(rss)} MB`);
console.log(`  checked ${checked.toLocaleString('en')} elements (stride ${STRIDE}): max ${maxUlp.toFixed(3)} ULP ` +
  `(bound ${kr.bound.ulp.simd}), ${bad} outside the bound or differing in place`);

const grew = memAfterOut > memAfterInit || memAfterIn > memAfterInit;
if (grew) console.error(`huge-call: WebAssembly memory grew past its size after init (${memAfterInit} bytes)`);
if (bad) console.error(`huge-call: ${bad} wrong results; first: ${firstBad}`);
if (grew || bad) process.exit(1);
console.log('huge-call: ok');
