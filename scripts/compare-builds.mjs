// Compares one kernel of two .wasm builds over all 2^32 f32 inputs (dy = 1; a gate's b = 1, and
// both outputs of a gate's gradient, ∂L/∂a then ∂L/∂b, are compared): where the old build's
// output was a normal number, the new one must give the same bits for the old exhaustive sweep's
// figures to hold for the new build. Prints how many outputs differ there, split by |a·x| against
// Z_LAST (beyond it a flush may zero results the gradients' 2^-23·|dy| clause covers), and how many
// differ where the old output was subnormal or zero (results the sweep does not count).
//
//   node scripts/compare-builds.mjs old.wasm new.wasm kernel [a] [b]
//
// A kernel changed this way needs no new sweep; one whose outputs differ at counted results does.
import { readFileSync } from 'node:fs';

const [oldFile, newFile, kernel, a = '1', b = '0'] = process.argv.slice(2);
if (!kernel) {
  console.error('usage: node scripts/compare-builds.mjs old.wasm new.wasm kernel [a] [b]');
  process.exit(2);
}
const N = 1 << 20;
const BASE = 1 << 20;
const Z_LAST = 87.33654022216797;
const MIN_NORMAL = 2 ** -126;
const open = (file) => {
  const ex = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {}).exports;
  if (typeof ex[kernel] !== 'function') throw new Error(`${file} has no kernel ${kernel}`);
  ex.memory.grow(Math.ceil((BASE + 20 * N) / 65536));
  new Float32Array(ex.memory.buffer, BASE + 4 * N, 2 * N).fill(1); // dy, or a gate's b and dy
  return ex;
};
const builds = [open(oldFile), open(newFile)];
const scale = Math.fround(Number(a));
let inside = 0, beyond = 0, uncounted = 0, first = null;
for (let chunk = 0; chunk < 2 ** 32 / N; chunk++) {
  const out = builds.map((ex) => {
    const bits = new Uint32Array(ex.memory.buffer, BASE, N);
    for (let i = 0; i < N; i++) bits[i] = chunk * N + i;
    const f = ex[kernel];
    // map (x, out, n, a, b), grad or gate (x, dy or b, out, n, a, b), gate gradient (a, b, dy, outA, outB, n, p0, p1)
    if (f.length === 8) f(BASE, BASE + 4 * N, BASE + 8 * N, BASE + 12 * N, BASE + 16 * N, N, Number(a), Number(b));
    else if (f.length === 6) f(BASE, BASE + 4 * N, BASE + 12 * N, N, Number(a), Number(b));
    else f(BASE, BASE + 12 * N, N, Number(a), Number(b));
    return new Uint32Array(ex.memory.buffer, BASE + 12 * N, f.length === 8 ? 2 * N : N);
  });
  const x = new Float32Array(builds[0].memory.buffer, BASE, N);
  const before = new Float32Array(out[0].buffer, out[0].byteOffset, out[0].length);
  for (let j = 0; j < out[0].length; j++) {
    const i = j % N;
    if (out[0][j] === out[1][j] || Number.isNaN(x[i]) || Number.isNaN(before[j])) continue;
    if (Math.abs(before[j]) < MIN_NORMAL) uncounted++;
    else if (Math.abs(Math.fround(scale * x[i])) <= Z_LAST) { inside++; first ??= x[i]; }
    else beyond++;
  }
}
console.log(`${kernel} (a = ${a}, b = ${b}), all 2^32 x, dy = 1: outputs differing where the old one was normal: ` +
  `${inside} with |a·x| <= Z_LAST${first !== null ? ` (first at x = ${first})` : ''}, ${beyond} beyond; ` +
  `${uncounted} more where the old one was subnormal or zero`);
process.exit(inside ? 1 : 0);
