// A first-fit free-list allocator over WebAssembly linear memory, kept on the JS side so the
// module needs no runtime of its own and memory is only ever grown from here. Blocks are
// 16-byte aligned (one v128); freeing coalesces with both neighbours, so any order of
// allocate/free returns the memory to one block.

const ALIGN = 16;
const PAGE = 65536;
/** WebAssembly 32-bit memories end at 4 GiB (65536 pages). */
const MAX_BYTES = 65536 * PAGE;

interface Block { start: number; size: number }

export class Allocator {
  /** Free blocks, sorted by start, never adjacent (adjacent ones are merged). */
  private free: Block[] = [];
  private used = new Map<number, number>();

  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    const end = memory.buffer.byteLength;
    if (end > base) this.free.push({ start: base, size: end - base });
    this.top = end;
  }

  /** End of the memory this allocator manages (the memory's current size). */
  private top: number;

  /** Returns a 16-byte aligned byte offset of `bytes` bytes; grows memory if needed. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size >= size) return this.take(i, size);
    }
    this.grow(size);
    return this.alloc(bytes);
  }

  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new RangeError(`no block is allocated at ${ptr}`);
    this.used.delete(ptr);
    let i = 0;
    while (i < this.free.length && this.free[i].start < ptr) i++;
    this.free.splice(i, 0, { start: ptr, size });
    // Merge with the next block, then with the previous one.
    if (i + 1 < this.free.length && ptr + size === this.free[i + 1].start) {
      this.free[i].size += this.free[i + 1].size;
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1].start + this.free[i - 1].size === ptr) {
      this.free[i - 1].size += this.free[i].size;
      this.free.splice(i, 1);
    }
  }

  /** Bytes currently handed out. */
  usedBytes(): number {
    let s = 0;
    for (const v of this.used.values()) s += v;
    return s;
  }

  private take(i: number, size: number): number {
    const b = this.free[i];
    const ptr = b.start;
    if (b.size === size) this.free.splice(i, 1);
    else { b.start += size; b.size -= size; }
    this.used.set(ptr, size);
    return ptr;
  }

  private grow(size: number): void {
    // Grow by at least what is missing at the end, and at least by half again, so that many
    // small allocations do not each grow memory.
    const last = this.free[this.free.length - 1];
    const tailFree = last && last.start + last.size === this.top ? last.size : 0;
    const need = size - tailFree;
    const pages = Math.max(Math.ceil(need / PAGE), Math.ceil(this.top / PAGE / 2));
    const fit = Math.ceil(need / PAGE);
    let added = 0;
    for (const p of pages > fit ? [pages, fit] : [fit]) {
      if (this.top + p * PAGE > MAX_BYTES) continue;
      try { this.memory.grow(p); added = p; break; } catch { /* try the smaller size */ }
    }
    if (added === 0) {
      throw new RangeError(
        `cannot allocate ${size} bytes: WebAssembly memory cannot grow past ${this.top} bytes`);
    }
    const start = this.top;
    this.top += added * PAGE;
    if (tailFree) last.size += added * PAGE;
    else this.free.push({ start, size: added * PAGE });
  }
}
