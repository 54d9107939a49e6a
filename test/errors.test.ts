// Bad input, on every backend: each public function refuses it with the documented error type
// and a message naming the argument, writes nothing (inputs and a pre-filled `out` unchanged),
// and the next valid call is still correct (checked against the registry's float64 reference).
import vm from 'node:vm';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { kernels, type KernelName } from '../src/registry.js';
import { BACKENDS, api, sumReference, uniform, withinBound } from './helpers.js';

type ArgName = 'x' | 'y' | 'dy' | 'out' | 'beta';
const ARRAY_ARGS: readonly ArgName[] = ['x', 'y', 'dy', 'out'];

interface Fn {
  name: string;
  kernel: KernelName;
  /** The positional parameters of the public function. */
  args: readonly ArgName[];
  /** The β the kernel runs with when the function has no beta argument (silu). */
  fixedBeta?: number;
}

const FNS: readonly Fn[] = [
  { name: 'sigmoid', kernel: 'sigmoid', args: ['x', 'out'] },
  { name: 'sigmoidBackward', kernel: 'sigmoidBackward', args: ['x', 'dy', 'out'] },
  { name: 'sigmoidBackwardFromOutput', kernel: 'sigmoidBackwardFromOutput', args: ['y', 'dy', 'out'] },
  { name: 'swish', kernel: 'swish', args: ['x', 'out', 'beta'] },
  { name: 'swishBackward', kernel: 'swishBackward', args: ['x', 'dy', 'out', 'beta'] },
  { name: 'swishBetaGrad', kernel: 'swishBetaGrad', args: ['x', 'dy', 'beta'] },
  { name: 'silu', kernel: 'swish', args: ['x', 'out'], fixedBeta: 1 },
  { name: 'siluBackward', kernel: 'swishBackward', args: ['x', 'dy', 'out'], fixedBeta: 1 },
];

type Vals = Partial<Record<ArgName, unknown>>;

/** The internal [[TypedArrayName]] of v, read by the %TypedArray% getter: works across realms
 * and cannot be spoofed by an own Symbol.toStringTag property. */
const typedArrayName = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), Symbol.toStringTag)!
  .get as (this: unknown) => string | undefined;
const isFloat32Array = (v: unknown): v is Float32Array =>
  ArrayBuffer.isView(v) && typedArrayName.call(v) === 'Float32Array';

const N = 37; // not a multiple of 4: the SIMD loops' tails run too
const BETA = 1.5;

let seed = 1;
/** A fresh valid argument set: the first input in its domain, dy, `out` pre-filled with 123. */
function valid(fn: Fn, n = N): Vals {
  const v: Vals = {};
  seed++;
  for (const a of fn.args) {
    if (a === 'x') v.x = uniform(n, -20, 20, seed * 7 + 1);
    if (a === 'y') v.y = uniform(n, 0, 1, seed * 7 + 2);
    if (a === 'dy') v.dy = uniform(n, -2, 2, seed * 7 + 3);
    if (a === 'out') v.out = new Float32Array(n).fill(123);
    if (a === 'beta') v.beta = BETA;
  }
  return v;
}

/** Calls fn with the arguments of v, in its argument order. */
function call(fn: Fn, v: Vals): unknown {
  return api(fn.name)(...fn.args.map((a) => v[a]));
}

const input = (fn: Fn, v: Vals) => (fn.args.includes('y') ? v.y : v.x) as Float32Array;

/** The kernel's parameters as the reference takes them (f32 values, defaults filled in). */
function params(fn: Fn, v: Vals): number[] {
  return kernels[fn.kernel].params.map((p) => Math.fround(fn.fixedBeta ?? (v.beta as number | undefined) ?? p.default));
}

/** Checks a result of `fn` on `v` against the float64 reference within the kernel's bound. */
function expectCorrect(fn: Fn, v: Vals, got: unknown, backend: S.Backend): void {
  const kr = kernels[fn.kernel];
  const a = input(fn, v);
  const dy = v.dy as Float32Array | undefined;
  const p = params(fn, v);
  if (kr.shape === 'sum') {
    const { ref, mag } = sumReference(fn.kernel, a, dy!, p);
    expect(typeof got).toBe('number');
    expect(Math.abs((got as number) - ref), `${fn.name}: got ${got}, reference ${ref}`)
      .toBeLessThanOrEqual((kr.bound.relSum ?? 0) * mag + 1e-300);
    return;
  }
  const o = got as Float32Array;
  if (v.out !== undefined && v.out !== null) expect(o).toBe(v.out);
  else expect(o).toBeInstanceOf(Float32Array);
  expect(isFloat32Array(o)).toBe(true);
  expect(o.length).toBe(a.length);
  let bad = 0;
  let first = '';
  for (let i = 0; i < a.length; i++) {
    const ref = kr.shape === 'map' ? kr.reference(a[i], p) : kr.reference(a[i], dy![i], p);
    if (!withinBound(fn.kernel, backend, o[i], ref, dy ? dy[i] : 1)) {
      if (!bad++) first = `${fn.name}(${a[i]}${dy ? `, dy=${dy[i]}` : ''}) = ${o[i]}, reference ${ref}`;
    }
  }
  expect(bad, first).toBe(0);
}

/** Copies of every Float32Array argument that can still be read (not detached). */
function snapshot(v: Vals): Map<ArgName, Uint32Array> {
  const m = new Map<ArgName, Uint32Array>();
  for (const a of ARRAY_ARGS) {
    const arr = v[a];
    if (isFloat32Array(arr) && arr.buffer.byteLength > 0) {
      m.set(a, new Uint32Array(arr.buffer, arr.byteOffset, arr.length).slice());
    }
  }
  return m;
}

function expectUnchanged(v: Vals, snap: Map<ArgName, Uint32Array>, what: string): void {
  for (const [a, bits] of snap) {
    const arr = v[a] as Float32Array;
    const now = new Uint32Array(arr.buffer, arr.byteOffset, arr.length);
    let changed = -1;
    for (let i = 0; i < bits.length; i++) if (now[i] !== bits[i]) { changed = i; break; }
    expect(changed, `${what}: ${a}[${changed}] was written`).toBe(-1);
  }
}

/**
 * Calls fn on v and expects it to throw `type` with a message matching every pattern; then that
 * nothing was written, and that a valid call right after is correct.
 */
function expectRefused(fn: Fn, v: Vals, type: typeof TypeError | typeof RangeError, patterns: RegExp[], backend: S.Backend, what: string): void {
  const snap = snapshot(v);
  let err: unknown;
  try {
    call(fn, v);
  } catch (e) {
    err = e;
  }
  expect(err, `${fn.name} ${what}: did not throw`).toBeDefined();
  expect(err, `${fn.name} ${what}: ${String(err)}`).toBeInstanceOf(type);
  for (const re of patterns) expect((err as Error).message, `${fn.name} ${what}`).toMatch(re);
  expectUnchanged(v, snap, `${fn.name} ${what}`);
  expectNextCallCorrect(fn, backend);
}

function expectNextCallCorrect(fn: Fn, backend: S.Backend): void {
  expect(S.backend()).toBe(backend);
  const ok = valid(fn);
  expectCorrect(fn, ok, call(fn, ok), backend);
}

const word = (name: string) => new RegExp(`\\b${name}\\b`);

/** Values that are not a Float32Array; `required` ones include null and undefined. */
function notFloat32(n: number, required: boolean): [string, unknown][] {
  const list: [string, unknown][] = [
    ['a plain array', Array.from({ length: n }, (_, i) => i / n)],
    ['a Float64Array', new Float64Array(n)],
    ['an Int32Array', new Int32Array(n)],
    ['a Uint8Array', new Uint8Array(4 * n)],
    ['a DataView', new DataView(new ArrayBuffer(4 * n))],
    ['an ArrayBuffer', new ArrayBuffer(4 * n)],
    ['a number', 42],
    ['a string', 'abc'],
    ['an object with a length', { length: n }],
    ['an object with Float32Array.prototype', Object.create(Float32Array.prototype)],
    ['a Float64Array from another realm', vm.runInNewContext(`new Float64Array(${n})`)],
  ];
  if (required) list.push(['null', null], ['undefined', undefined]);
  return list;
}

function detachedView(n: number): Float32Array {
  const buf = new ArrayBuffer(4 * Math.max(n, 1));
  const view = new Float32Array(buf, 0, n);
  structuredClone(buf, { transfer: [buf] });
  return view;
}

beforeAll(async () => {
  await S.init();
});

test('every backend is available', () => {
  expect(S.availableBackends()).toEqual(['relaxed', 'simd', 'wasm', 'js']);
});

describe.each(BACKENDS)('%s backend', (backend) => {
  beforeEach(() => S.setBackend(backend));

  describe.each(FNS.map((f) => [f.name, f] as const))('%s', (_name, fn) => {
    const arrays = fn.args.filter((a) => a !== 'beta');
    const first = fn.args[0];

    test('a valid call is correct (the baseline the other tests rely on)', () => {
      const v = valid(fn);
      expectCorrect(fn, v, call(fn, v), backend);
      if (fn.args.includes('out')) {
        // out omitted or null: a new array.
        for (const o of [undefined, null]) {
          const w = { ...valid(fn), out: o };
          const got = call(fn, w) as Float32Array;
          expectCorrect(fn, w, got, backend);
        }
      }
    });

    test.each(arrays)('a non-Float32Array %s gives TypeError naming it', (arg) => {
      for (const [what, bad] of notFloat32(N, arg !== 'out')) {
        const v = { ...valid(fn), [arg]: bad };
        expectRefused(fn, v, TypeError, [word(arg)], backend, `${arg} = ${what}`);
      }
    });

    test.each(arrays)('a Float32Array %s on a detached ArrayBuffer gives TypeError naming it (non-empty and zero-length views)', (arg) => {
      for (const n of [N, 0]) {
        const v = { ...valid(fn, n), [arg]: detachedView(n) };
        expectRefused(fn, v, TypeError, [word(arg), /detached/], backend, `${arg} detached (length ${n})`);
      }
    });

    if (fn.args.includes('dy')) {
      test('dy of a different length gives RangeError naming dy and the input', () => {
        for (const m of [N - 1, N + 1, 0]) {
          const v = { ...valid(fn), dy: uniform(m, -2, 2, m) };
          expectRefused(fn, v, RangeError, [word('dy'), word(first)], backend, `dy length ${m}`);
        }
        // Empty input, non-empty dy.
        const v = { ...valid(fn, 0), dy: new Float32Array(3) };
        expectRefused(fn, v, RangeError, [word('dy'), word(first)], backend, 'empty input, dy length 3');
      });
    }

    if (fn.args.includes('out')) {
      test('out of a different length gives RangeError naming out and the input', () => {
        for (const m of [N - 1, N + 1, 0]) {
          const v = { ...valid(fn), out: new Float32Array(m).fill(123) };
          expectRefused(fn, v, RangeError, [word('out'), word(first)], backend, `out length ${m}`);
        }
        const v = { ...valid(fn, 0), out: new Float32Array(2).fill(123) };
        expectRefused(fn, v, RangeError, [word('out'), word(first)], backend, 'empty input, out length 2');
      });

      test('out partially overlapping an input gives RangeError', () => {
        for (const arg of arrays.filter((a) => a !== 'out')) {
          // [start of input, start of out] in elements of one buffer; both of length 10.
          for (const [i0, o0] of [[0, 2], [2, 0], [0, 9], [9, 0], [5, 6]]) {
            const buf = uniform(40, arg === 'y' ? 0 : -20, arg === 'y' ? 1 : 20, i0 * 10 + o0);
            const v: Vals = { ...valid(fn, 10), [arg]: buf.subarray(i0, i0 + 10), out: buf.subarray(o0, o0 + 10) };
            expectRefused(fn, v, RangeError, [/overlap/, word(arg)], backend, `${arg} = [${i0}, ${i0 + 10}), out = [${o0}, ${o0 + 10})`);
          }
          // The same ranges as views made separately (same buffer, different view objects).
          const buf = uniform(40, 0, 1, 99);
          const v: Vals = {
            ...valid(fn, 10),
            [arg]: new Float32Array(buf.buffer, 0, 10),
            out: new Float32Array(buf.buffer, 8, 10),
          };
          expectRefused(fn, v, RangeError, [/overlap/], backend, `${arg} and out separate views overlapping`);
        }
      });

      test('out adjacent to an input, or exactly an input (in place), is accepted and correct', () => {
        for (const arg of arrays.filter((a) => a !== 'out')) {
          const buf = uniform(2 * N, arg === 'y' ? 0 : -20, arg === 'y' ? 1 : 20, 5);
          const base = valid(fn);
          const v: Vals = { ...base, [arg]: buf.subarray(0, N), out: buf.subarray(N, 2 * N) };
          const inputCopy = (v[arg] as Float32Array).slice();
          expectCorrect(fn, v, call(fn, v), backend);
          expect(v[arg]).toEqual(inputCopy);
          // In place: the expected values are computed from a copy of the input.
          const inPlace = (v[arg] as Float32Array).slice();
          const w: Vals = { ...v, [arg]: inPlace, out: inPlace };
          const got = call(fn, w) as Float32Array;
          expect(got).toBe(inPlace);
          expectCorrect(fn, { ...w, [arg]: inputCopy, out: got }, got, backend);
        }
      });
    }

    if (fn.args.includes('dy')) {
      test('the two inputs may overlap each other (they are only read)', () => {
        const buf = uniform(N + 5, fn.args.includes('y') ? 0 : -2, fn.args.includes('y') ? 1 : 2, 17);
        const v: Vals = { ...valid(fn), [first]: buf.subarray(0, N), dy: buf.subarray(5, N + 5) };
        const copy = buf.slice();
        expectCorrect(fn, v, call(fn, v), backend);
        expect(buf).toEqual(copy);
      });
    }

    if (fn.args.includes('beta')) {
      test('beta that is not finite in float32 gives RangeError mentioning beta', () => {
        const edge = (2 - 2 ** -24) * 2 ** 127; // the smallest double that rounds to +∞ in f32
        for (const b of [NaN, Infinity, -Infinity, 1e39, -1e39, edge, -edge]) {
          const v = { ...valid(fn), beta: b };
          expectRefused(fn, v, RangeError, [word('beta')], backend, `beta = ${b}`);
        }
      });

      test('beta that is not a number gives TypeError mentioning beta', () => {
        for (const b of ['1', '1.5', null, true, 1n, {}, [1], new Float32Array([1])]) {
          const v = { ...valid(fn), beta: b };
          expectRefused(fn, v, TypeError, [word('beta')], backend, `beta = ${typeof b} ${String(b)}`);
        }
      });

      test('the largest beta that is finite in float32 is accepted', () => {
        const edge = (2 - 2 ** -24) * 2 ** 127;
        const bits = new Float64Array([edge]);
        new BigInt64Array(bits.buffer)[0] -= 1n; // the double just below: rounds to FLT_MAX
        const below = bits[0];
        expect(Math.fround(below)).toBe(3.4028234663852886e38);
        for (const b of [below, -below, 3.4028234663852886e38, 2 ** -60, -(2 ** -60), 0]) {
          const v = { ...valid(fn), beta: b };
          const got = call(fn, v);
          // Only the forward's float64 reference stays meaningful for an infinite β·x.
          if (fn.kernel === 'swish') expectCorrect(fn, v, got, backend);
        }
      });

      test('a nonzero beta smaller than 2^-60 in magnitude is a RangeError naming beta', () => {
        for (const b of [2 ** -61, -(2 ** -149), 1e-30]) {
          expect(() => call(fn, { ...valid(fn), beta: b })).toThrow(RangeError);
          expect(() => call(fn, { ...valid(fn), beta: b })).toThrow(/beta/);
        }
      });
    }
  });

  test("setBackend('gpu') and other unknown names give TypeError and keep the backend", () => {
    for (const name of ['gpu', 'SIMD', '', undefined, null, 1]) {
      expect(() => S.setBackend(name as any), String(name)).toThrow(TypeError);
      expect(S.backend()).toBe(backend);
    }
    expectNextCallCorrect(FNS[3], backend);
  });

  test('allocate refuses a length that is not a non-negative integer with RangeError', () => {
    const before = S.memoryBytes();
    for (const n of [-1, 1.5, '3', NaN, Infinity, -Infinity, -0.5, null, undefined, 2.5, 3n]) {
      expect(() => S.allocate(n as any), String(n)).toThrow(RangeError);
    }
    expect(S.memoryBytes()).toBe(before);
    expectNextCallCorrect(FNS[0], backend);
  });

  if (backend !== 'js') {
    test('allocate beyond the 4 GiB of a 32-bit memory gives RangeError and does not grow memory', () => {
      const before = S.memoryBytes();
      expect(() => S.allocate(2 ** 30 + 1)).toThrow(RangeError); // 4 GiB + 4 bytes
      expect(() => S.allocate(2 ** 31)).toThrow(RangeError);
      expect(S.memoryBytes()).toBe(before);
      const a = S.allocate(16);
      a.array.set(uniform(16, -5, 5, 1));
      const x = a.array.slice();
      expect(S.sigmoid(a.array, a.array)).toBe(a.array);
      expectCorrect(FNS[0], { x, out: a.array }, a.array, backend);
      a.free();
    });
  }

  test('a freed WasmFloat32Array: .array and a second .free() give TypeError', () => {
    for (const n of [0, 1, 100]) {
      const a = S.allocate(n);
      expect(a.length).toBe(n);
      expect(a.array).toBeInstanceOf(Float32Array);
      expect(a.array.length).toBe(n);
      a.free();
      expect(() => a.array).toThrow(TypeError);
      expect(() => a.free()).toThrow(TypeError);
      expect(() => a.array).toThrow(TypeError);
    }
    expectNextCallCorrect(FNS[4], backend);
  });

  test('SharedArrayBuffer-backed inputs and outputs work and are correct', () => {
    const shared = (src: Float32Array) => {
      const a = new Float32Array(new SharedArrayBuffer(4 * src.length));
      a.set(src);
      return a;
    };
    for (const fn of FNS) {
      for (const n of [N, 20000]) {
        // Each array argument on a SharedArrayBuffer in turn, then all of them.
        const arrays = fn.args.filter((a) => a !== 'beta');
        for (const which of [...arrays.map((a) => [a]), arrays]) {
          const v = valid(fn, n);
          for (const a of which) v[a] = shared(v[a] as Float32Array);
          const snap = snapshot({ ...v, out: undefined });
          expectCorrect(fn, v, call(fn, v), backend);
          expectUnchanged({ ...v, out: undefined }, snap, `${fn.name} shared ${which}`);
        }
        // In place on one shared buffer, and a partial overlap on it refused.
        if (fn.args.includes('out')) {
          const v = valid(fn, n);
          const arg = fn.args[0];
          const a = shared(v[arg] as Float32Array);
          const copy = a.slice();
          expect(call(fn, { ...v, [arg]: a, out: a })).toBe(a);
          expectCorrect(fn, { ...v, [arg]: copy, out: a }, a, backend);
          const buf = new Float32Array(new SharedArrayBuffer(4 * (n + 3)));
          buf.set(copy);
          expectRefused(fn, { ...v, [arg]: buf.subarray(0, n), out: buf.subarray(3, n + 3) }, RangeError, [/overlap/], backend, 'shared overlap');
        }
      }
    }
  });

  test('Float32Arrays from another realm (node:vm) are accepted as every array argument', () => {
    const foreign = (src: Float32Array) => {
      const a = vm.runInNewContext(`new Float32Array(${src.length})`) as Float32Array;
      expect(a instanceof Float32Array).toBe(false); // really another realm's constructor
      a.set(src);
      return a;
    };
    for (const fn of FNS) {
      const arrays = fn.args.filter((a) => a !== 'beta');
      for (const which of [...arrays.map((a) => [a]), arrays]) {
        const v = valid(fn, 8);
        for (const a of which) v[a] = foreign(v[a] as Float32Array);
        expectCorrect(fn, v, call(fn, v), backend);
      }
    }
    // The literal case from another realm: an 8-element array of zeros.
    const x = vm.runInNewContext('new Float32Array(8)') as Float32Array;
    const y = S.sigmoid(x);
    expect(Array.from(y)).toEqual(new Array(8).fill(0.5));
  });

  test('an Int32Array or DataView that claims to be a Float32Array (own Symbol.toStringTag) is refused with TypeError', () => {
    const fake = (v: object) => Object.defineProperty(v, Symbol.toStringTag, { value: 'Float32Array' });
    for (const fn of FNS) {
      for (const [what, bad] of [
        ['Int32Array', fake(new Int32Array(N))],
        ['Float64Array', fake(new Float64Array(N))],
        ['DataView', fake(new DataView(new ArrayBuffer(4 * N)))],
      ] as const) {
        const v = { ...valid(fn), [fn.args[0]]: bad };
        expectRefused(fn, v, TypeError, [word(fn.args[0])], backend, `${fn.args[0]} = a ${what} posing as a Float32Array`);
      }
    }
  });
});
