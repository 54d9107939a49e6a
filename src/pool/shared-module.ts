// The pool's shared-memory module, made at run time from the bytes of the simd or relaxed build.
//
// The pool needs its build to import one shared memory (`env.memory`) that every worker
// instantiates it over. Compiled by AssemblyScript with importMemory and sharedMemory, such a
// build was the same code, instruction for instruction, as the plain one (its only other
// difference: data segments that also write the zeros the plain build leaves to a fresh memory,
// and the pool's memory is fresh). Shipping it meant two more builds of 78 KB each, in both the
// ESM and the CommonJS tree. Here the plain build is rewritten instead: its memory section is
// dropped and an import section with one entry, a shared memory of the same initial size and
// `maximum` pages, is put where the format wants it (after the type section). Function, memory
// and every other index stay as they were (the build has no other import), so the export
// `memory` now names the imported memory and everything else is the same bytes.

const MEMORY_SECTION = 5;
const IMPORT_SECTION = 2;
const TYPE_SECTION = 1;
const CUSTOM_SECTION = 0;

/** An unsigned LEB128 at bytes[at]: its value and the offset after it. */
function readU32(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at++];
    if (b === undefined || shift > 28) throw new TypeError('not a WebAssembly module (bad LEB128)');
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, at];
  }
}

function u32(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

const name = (s: string) => [...u32(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/**
 * `bytes` (a build with one memory, defined, and no import) with that memory imported as
 * env.memory instead: shared, of the same initial size and at most `maximum` pages.
 */
export function withSharedMemory(bytes: Uint8Array, maximum: number): Uint8Array {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new TypeError('not a WebAssembly module');
  }
  const sections: { id: number; start: number; end: number }[] = [];
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [size, body] = readU32(bytes, at + 1);
    sections.push({ id, start: at, end: body + size });
    at = body + size;
  }
  const memories = sections.filter((s) => s.id === MEMORY_SECTION);
  if (sections.some((s) => s.id === IMPORT_SECTION) || memories.length !== 1) {
    throw new TypeError('the build must define one memory and import nothing');
  }
  // The memory section: a count (1), then limits (flags 0: a minimum; 1: a minimum and a maximum).
  const mem = memories[0];
  let [, at] = readU32(bytes, mem.start + 1);
  const [count, afterCount] = readU32(bytes, at);
  if (count !== 1) throw new TypeError('the build must define one memory');
  at = afterCount;
  const flags = bytes[at++];
  if (flags !== 0 && flags !== 1) throw new TypeError('the build\'s memory is already shared or 64-bit');
  const [initial] = readU32(bytes, at);
  const entry = [...name('env'), ...name('memory'), 0x02, 0x03, ...u32(initial), ...u32(maximum)];
  const importSection = [IMPORT_SECTION, ...u32(entry.length + 1), 1, ...entry];
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let placed = false;
  for (const s of sections) {
    if (!placed && s.id !== CUSTOM_SECTION && s.id !== TYPE_SECTION) {
      parts.push(Uint8Array.from(importSection));
      placed = true;
    }
    if (s !== mem) parts.push(bytes.subarray(s.start, s.end));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
