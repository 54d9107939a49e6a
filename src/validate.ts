// Argument checks shared by every public function. They run before any backend sees the
// arguments, so a bad call throws before anything is written.
import { byteOffsetOf } from './views.js';

// The built-in getter behind every typed array's Symbol.toStringTag: it reads the internal type
// (so it works for arrays from another realm) and cannot be fooled by an own property.
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get as (this: unknown) => string | undefined;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (ArrayBuffer.isView(v)) return typedArrayTag.call(v) ?? 'DataView';
  if (Array.isArray(v)) return 'an Array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return `a ${typeof v}`;
}

function isDetached(a: Float32Array): boolean {
  // A view of a detached buffer reads as length 0; constructing a view of it throws.
  if (a.length !== 0) return false;
  try {
    new Uint8Array(a.buffer);
    return false;
  } catch {
    return true;
  }
}

/** A Float32Array (from any realm, e.g. a worker or an iframe) whose buffer is not detached. */
export function float32Array(v: unknown, name: string): Float32Array {
  if (typedArrayTag.call(v) !== 'Float32Array') {
    throw new TypeError(`${name} must be a Float32Array, got ${describe(v)}`);
  }
  const a = v as Float32Array;
  if (isDetached(a)) throw new TypeError(`${name} is a view of a detached ArrayBuffer`);
  return a;
}

export function sameLength(a: Float32Array, aName: string, b: Float32Array, bName: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${bName} has length ${b.length} but ${aName} has length ${a.length}; they must be equal`);
  }
}

/** `out` may be exactly an input (in place) or disjoint from it; a partial overlap is refused,
 * since the streamed copy path would read elements it had already overwritten. `outAt` and
 * `inputAt` are the arrays' byteOffsets, from byteOffsetOf: looked up once per array and call,
 * as `byteOffset` is a getter V8 does not inline (views.ts). */
export function noPartialOverlap(out: Float32Array, outAt: number, input: Float32Array, inputAt: number,
  inputName: string, outName = 'out'): void {
  if (out === input || out.length === 0 || outAt === inputAt) return;
  // The buffers (another getter) only when the ranges meet. A Float32Array's byteLength is 4·length.
  if (outAt < inputAt + 4 * input.length && inputAt < outAt + 4 * out.length && out.buffer === input.buffer) {
    throw new RangeError(`${outName} partially overlaps ${inputName}: pass the same array for in-place, or a disjoint one`);
  }
}

/** `a` and `b` share no element (an output that must not be in place, e.g. dbias); `aAt` and
 * `bAt` are their byteOffsets, as for noPartialOverlap. */
export function disjoint(a: Float32Array, aAt: number, b: Float32Array, bAt: number): boolean {
  if (a.length === 0 || b.length === 0) return true;
  return !(aAt < bAt + 4 * b.length && bAt < aAt + 4 * a.length && a.buffer === b.buffer);
}

/** The output array: a new one, or the caller's after checking it. */
export function outArray(out: unknown, n: number, lengthOf: string, name = 'out'): Float32Array {
  if (out === undefined || out === null) return new Float32Array(n);
  const o = float32Array(out, name);
  if (o.length !== n) {
    throw new RangeError(`${name} has length ${o.length} but ${lengthOf} has length ${n}; they must be equal`);
  }
  return o;
}

/** A parameter as the f32 the kernels use; it must be a number that stays finite in f32 (and
 * is > 0 where only positive values make sense). */
export function f32Param(v: unknown, name: string, positive = false, minAbs = 0): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  const r = Math.fround(v);
  if (!Number.isFinite(r)) {
    throw new RangeError(`${name} must be a finite number (within float32 range), got ${v}`);
  }
  if (positive && !(r > 0)) throw new RangeError(`${name} must be > 0, got ${v}`);
  if (r !== 0 && Math.abs(r) < minAbs) throw new RangeError(`${name} must be 0 or at least ${minAbs} in magnitude, got ${v}`);
  return r;
}

/** A count of elements: a non-negative integer (allocate's n). */
export function count(n: unknown, name: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(n)}`);
  }
  return n;
}
