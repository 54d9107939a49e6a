// Where the arrays of the zero-copy path lie, remembered between calls.
//
// V8 11 (Node 20) does not inline a typed array's `byteOffset`, `byteLength` or `buffer` getter
// into optimized code: each read is a call, 25–45 ns (measured; `length` is inlined, ~2 ns). A
// 256-element call of a gradient read them seven times for its overlap checks and pointers,
// more than the rest of the call path together. The arrays of the zero-copy path (views of a
// WebAssembly memory, from `allocate`) are the same objects call after call, so their offset
// and buffer are read once and kept here, by identity.
//
// Only views of a WebAssembly memory are kept (the driver adds them, wasm.ts): they cost no
// memory of their own (the memory is held by its backend anyway), whereas keeping ordinary
// arrays would keep a caller's dropped arrays alive. A kept entry is used only while the array's
// length is the one recorded: a detached view (memory growth detaches the old buffer) reads as
// length 0, and the offset of a view that is not detached never changes.

/** How many views are kept: more than one call passes (up to five). Every look-up of an array
 * that is not kept (an ordinary array, on the copy path) goes through them all, ~1–2 ns each
 * (measured: 16 slots cost the copy path more than they saved a loop over two layers). */
const SLOTS = 8;

const none = new Float32Array(0);
const views: Float32Array[] = Array.from({ length: SLOTS }, () => none);
const lengths: number[] = Array.from({ length: SLOTS }, () => -1);
const offsets: number[] = Array.from({ length: SLOTS }, () => 0);
const buffers: ArrayBufferLike[] = Array.from({ length: SLOTS }, () => none.buffer);
let nextSlot = 0;
/** Slots in use (they fill from 0): a program that never passes arrays from `allocate` looks
 * through none. */
let used = 0;

/** The slot of a kept view, or -1. */
export function keptSlot(a: Float32Array): number {
  const length = a.length;
  for (let i = 0; i < used; i++) {
    if (views[i] === a && lengths[i] === length) return i;
  }
  return -1;
}

/** `a.byteOffset`, without the getter's call when `a` is kept. */
export function byteOffsetOf(a: Float32Array): number {
  const i = keptSlot(a);
  return i < 0 ? a.byteOffset : offsets[i];
}

/** The byte offset of `a` if it is a view of `buffer`, else -1. A view of `buffer` is kept from
 * then on: the next call with it reads neither getter. */
export function offsetIn(a: Float32Array, buffer: ArrayBufferLike): number {
  const i = keptSlot(a);
  if (i >= 0) return buffers[i] === buffer ? offsets[i] : -1;
  if (a.buffer !== buffer) return -1;
  const offset = a.byteOffset;
  views[nextSlot] = a;
  lengths[nextSlot] = a.length;
  offsets[nextSlot] = offset;
  buffers[nextSlot] = buffer;
  nextSlot = (nextSlot + 1) % SLOTS;
  if (used < SLOTS) used++;
  return offset;
}

/** Forgets every kept view of `buffer` (its memory grew: they are detached). */
export function forgetViewsOf(buffer: ArrayBufferLike): void {
  for (let i = 0; i < SLOTS; i++) {
    if (buffers[i] === buffer) {
      views[i] = none;
      lengths[i] = -1;
      buffers[i] = none.buffer;
    }
  }
}
