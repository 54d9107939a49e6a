import { FLT_MAX, FLT_MAX_V, NEG_FLT_MAX_V } from "./math/vconst";
// The one loop shape every kernel uses: a vector body (SIMD build only) and a scalar tail that
// runs the same element math on the remaining n % 4 elements (or on all of them in the scalar
// build). The unary and binary vector bodies take 16 elements a step, as four independent 4-lane
// chains (V8 schedules them side by side: swish 2.76 → 2.10, sigmoid 2.62 → 2.35 ns/element against
// two chains, in one loaded run; two chains had taken sigmoid from 1.69 to 1.47 against one; for
// the binary loop, sigmoidBackward 2.62 → 1.81 and swishBackward 3.26 → 2.52 against two chains,
// measured interleaved on a loaded machine, though four chains spill more registers: each chain
// is a long dependent sequence, and the out-of-order window holds about one 16-element step);
// then 4-lane steps. Every result of a step is stored after all its loads, so out
// may be the input itself. Ops are @final classes with @inline methods; `changetype<Op>(0)` gives a
// receiver without allocating, and since `this` is never read, every call inlines away.
//
// Unary op:     s(x, a, b): f32          v(x, a, b): v128
// Binary op:    s(x, dy, a, b): f32      v(x, dy, a, b): v128   (a gradient, or a fused gate)
// Sum op:       s(x, a, b): f32          v(x, a, b): v128       v(x) of a term dy·x²·v(x)·unscale() (sumGrad)
// Gate-grad op: s(a, b, dy, p0, p1, outA, outB): void (stores both results),
//               v(a, b, dy, p0, p1): v128 and w(a, dy, p0, p1): v128 (the two results)
// a, b (p0, p1) are the activation's parameters (unused ones are ignored and cost nothing).

// @ts-ignore: decorator
@inline export function mapUnary<Op>(x: usize, out: usize, n: i32, a: f32, b: f32): void {
  const op = changetype<Op>(0);
  const end = x + (<usize>n << 2);
  if (ASC_FEATURE_SIMD) {
    const av = f32x4.splat(a);
    const bv = f32x4.splat(b);
    const vend16 = x + (<usize>(n & ~15) << 2);
    while (x < vend16) {
      const r0 = op.v(v128.load(x), av, bv);
      const r1 = op.v(v128.load(x, 16), av, bv);
      const r2 = op.v(v128.load(x, 32), av, bv);
      const r3 = op.v(v128.load(x, 48), av, bv);
      v128.store(out, r0);
      v128.store(out, r1, 16);
      v128.store(out, r2, 32);
      v128.store(out, r3, 48);
      x += 64;
      out += 64;
    }
    const vend = x + (<usize>(n & 12) << 2);
    while (x < vend) {
      v128.store(out, op.v(v128.load(x), av, bv));
      x += 16;
      out += 16;
    }
  }
  while (x < end) {
    store<f32>(out, op.s(load<f32>(x), a, b));
    x += 4;
    out += 4;
  }
}

// An op may have rare lanes that its branch-free `v` gets wrong (a fused gate's tiny a): it then
// has `rare(x): v128`, their mask. The loops ask once per step, after every chain's `v`, so the
// common path has no branch between the chains, and run a step with a rare lane through the
// scalar `s` (bit-identical to `v` where `v` is right) in a function of its own, so that no value
// of the common path lives across a call (V8 would spill it). Ops without `rare` compile it away.

/** The scalar form of n elements of a binary op: a vector step with a rare lane. */
function scalarBinary<Op>(x: usize, dy: usize, out: usize, n: i32, a: f32, b: f32): void {
  const op = changetype<Op>(0);
  for (let i: usize = 0; i < <usize>n << 2; i += 4) store<f32>(out + i, op.s(load<f32>(x + i), load<f32>(dy + i), a, b));
}
/** The scalar form of n elements of a gate-grad op. */
function scalarGateGrad<Op>(a: usize, b: usize, dy: usize, outA: usize, outB: usize, n: i32, p0: f32, p1: f32): void {
  const op = changetype<Op>(0);
  for (let i: usize = 0; i < <usize>n << 2; i += 4) op.s(load<f32>(a + i), load<f32>(b + i), load<f32>(dy + i), p0, p1, outA + i, outB + i);
}

// @ts-ignore: decorator
@inline export function mapBinary<Op>(x: usize, dy: usize, out: usize, n: i32, a: f32, b: f32): void {
  const op = changetype<Op>(0);
  const end = x + (<usize>n << 2);
  if (ASC_FEATURE_SIMD) {
    const av = f32x4.splat(a);
    const bv = f32x4.splat(b);
    // Two chains for an op marked `narrow` (a fused gelu gate: four chains of it spill so much
    // that gegluBackward took 15.5 instead of 8.3 ns/element), else four.
    let narrow = false;
    if (isDefined(op.narrow)) narrow = op.narrow();
    const vend8 = x + (<usize>(n & ~7) << 2);
    while (narrow && x < vend8) {
      const x0 = v128.load(x), x1 = v128.load(x, 16);
      const d0 = v128.load(dy), d1 = v128.load(dy, 16);
      const r0 = op.v(x0, d0, av, bv);
      const r1 = op.v(x1, d1, av, bv);
      if (isDefined(op.rare) && v128.any_true(v128.or(op.rare(x0), op.rare(x1)))) {
        scalarBinary<Op>(x, dy, out, 8, a, b);
      } else {
        v128.store(out, r0);
        v128.store(out, r1, 16);
      }
      x += 32;
      dy += 32;
      out += 32;
    }
    const vend16 = x + (<usize>(n & ~15) << 2);
    while (!narrow && x < vend16) {
      const x0 = v128.load(x), x1 = v128.load(x, 16), x2 = v128.load(x, 32), x3 = v128.load(x, 48);
      const d0 = v128.load(dy), d1 = v128.load(dy, 16), d2 = v128.load(dy, 32), d3 = v128.load(dy, 48);
      const r0 = op.v(x0, d0, av, bv);
      const r1 = op.v(x1, d1, av, bv);
      const r2 = op.v(x2, d2, av, bv);
      const r3 = op.v(x3, d3, av, bv);
      if (isDefined(op.rare) && v128.any_true(v128.or(v128.or(op.rare(x0), op.rare(x1)), v128.or(op.rare(x2), op.rare(x3))))) {
        scalarBinary<Op>(x, dy, out, 16, a, b);
      } else {
        v128.store(out, r0);
        v128.store(out, r1, 16);
        v128.store(out, r2, 32);
        v128.store(out, r3, 48);
      }
      x += 64;
      dy += 64;
      out += 64;
    }
    const vend = x + (<usize>(n & (narrow ? 4 : 12)) << 2);
    while (x < vend) {
      const x0 = v128.load(x), d0 = v128.load(dy);
      const r0 = op.v(x0, d0, av, bv);
      if (isDefined(op.rare) && v128.any_true(op.rare(x0))) scalarBinary<Op>(x, dy, out, 4, a, b);
      else v128.store(out, r0);
      x += 16;
      dy += 16;
      out += 16;
    }
  }
  while (x < end) {
    store<f32>(out, op.s(load<f32>(x), load<f32>(dy), a, b));
    x += 4;
    dy += 4;
    out += 4;
  }
}


/**
 * Σ dy·x²·v(x) in f64, the gradient of a parameter, times the op's unscale(): the op gives v(x) in
 * f32 (for swish's β, σ'(βx)·2^64, scaled so that it is never subnormal), and the products with dy
 * and x are formed in f64, where they cannot overflow (|dy·x²·v| < 2^448) or round. x is clamped
 * to ±FLT_MAX there, so an infinite x whose v is 0 contributes 0, not ∞·0.
 */
// @ts-ignore: decorator
@inline export function sumGrad<Op>(x: usize, dy: usize, n: i32, a: f32, b: f32): f64 {
  const op = changetype<Op>(0);
  const end = x + (<usize>n << 2);
  let sum: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const av = f32x4.splat(a);
    const bv = f32x4.splat(b);
    const vend = x + (<usize>(n & ~3) << 2);
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    while (x < vend) {
      const xv = v128.load(x);
      const v = op.v(xv, av, bv);
      const xc = f32x4.pmax(f32x4.pmin(xv, v128.load(FLT_MAX_V)), v128.load(NEG_FLT_MAX_V));
      const d = v128.load(dy);
      const xw = i64x2.shuffle(xc, xc, 1, 0);
      const vw = i64x2.shuffle(v, v, 1, 0);
      const dd = i64x2.shuffle(d, d, 1, 0);
      const xl = f64x2.promote_low_f32x4(xc);
      const xh = f64x2.promote_low_f32x4(xw);
      lo = f64x2.add(lo, f64x2.mul(f64x2.mul(f64x2.mul(f64x2.promote_low_f32x4(d), xl), xl), f64x2.promote_low_f32x4(v)));
      hi = f64x2.add(hi, f64x2.mul(f64x2.mul(f64x2.mul(f64x2.promote_low_f32x4(dd), xh), xh), f64x2.promote_low_f32x4(vw)));
      x += 16;
      dy += 16;
    }
    const both = f64x2.add(lo, hi);
    sum = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  }
  while (x < end) {
    const xs = load<f32>(x);
    const xc = <f64>(FLT_MAX < xs ? FLT_MAX : (xs < -FLT_MAX ? -FLT_MAX : xs));
    sum += ((<f64>load<f32>(dy) * xc) * xc) * <f64>op.s(xs, a, b);
    x += 4;
    dy += 4;
  }
  return sum * op.unscale();
}

/** Two outputs from three inputs (a fused gate's backward): the scalar `s` stores both results
 * itself; the vector forms give them apart (`v` the first, `w` the second; `rare` as above), four chains a step as mapBinary, every store after every
 * load of its step, so outputs may be inputs (in place). */
// @ts-ignore: decorator
@inline export function mapGateGrad<Op>(a: usize, b: usize, dy: usize, outA: usize, outB: usize, n: i32, p0: f32, p1: f32): void {
  const op = changetype<Op>(0);
  const end = a + (<usize>n << 2);
  if (ASC_FEATURE_SIMD) {
    const p0v = f32x4.splat(p0);
    const p1v = f32x4.splat(p1);
    let narrow = false; // two chains for a `narrow` op, as in mapBinary
    if (isDefined(op.narrow)) narrow = op.narrow();
    const vend8 = a + (<usize>(n & ~7) << 2);
    while (narrow && a < vend8) {
      const a0 = v128.load(a), a1 = v128.load(a, 16);
      const b0 = v128.load(b), b1 = v128.load(b, 16);
      const d0 = v128.load(dy), d1 = v128.load(dy, 16);
      const u0 = op.v(a0, b0, d0, p0v, p1v);
      const u1 = op.v(a1, b1, d1, p0v, p1v);
      const w0 = op.w(a0, d0, p0v, p1v);
      const w1 = op.w(a1, d1, p0v, p1v);
      if (isDefined(op.rare) && v128.any_true(v128.or(op.rare(a0), op.rare(a1)))) {
        scalarGateGrad<Op>(a, b, dy, outA, outB, 8, p0, p1);
      } else {
        v128.store(outA, u0);
        v128.store(outA, u1, 16);
        v128.store(outB, w0);
        v128.store(outB, w1, 16);
      }
      a += 32;
      b += 32;
      dy += 32;
      outA += 32;
      outB += 32;
    }
    const vend16 = a + (<usize>(n & ~15) << 2);
    while (!narrow && a < vend16) {
      const a0 = v128.load(a), a1 = v128.load(a, 16), a2 = v128.load(a, 32), a3 = v128.load(a, 48);
      const b0 = v128.load(b), b1 = v128.load(b, 16), b2 = v128.load(b, 32), b3 = v128.load(b, 48);
      const d0 = v128.load(dy), d1 = v128.load(dy, 16), d2 = v128.load(dy, 32), d3 = v128.load(dy, 48);
      const u0 = op.v(a0, b0, d0, p0v, p1v);
      const u1 = op.v(a1, b1, d1, p0v, p1v);
      const u2 = op.v(a2, b2, d2, p0v, p1v);
      const u3 = op.v(a3, b3, d3, p0v, p1v);
      const w0 = op.w(a0, d0, p0v, p1v);
      const w1 = op.w(a1, d1, p0v, p1v);
      const w2 = op.w(a2, d2, p0v, p1v);
      const w3 = op.w(a3, d3, p0v, p1v);
      if (isDefined(op.rare) && v128.any_true(v128.or(v128.or(op.rare(a0), op.rare(a1)), v128.or(op.rare(a2), op.rare(a3))))) {
        scalarGateGrad<Op>(a, b, dy, outA, outB, 16, p0, p1);
      } else {
        v128.store(outA, u0);
        v128.store(outA, u1, 16);
        v128.store(outA, u2, 32);
        v128.store(outA, u3, 48);
        v128.store(outB, w0);
        v128.store(outB, w1, 16);
        v128.store(outB, w2, 32);
        v128.store(outB, w3, 48);
      }
      a += 64;
      b += 64;
      dy += 64;
      outA += 64;
      outB += 64;
    }
    const vend = a + (<usize>(n & (narrow ? 4 : 12)) << 2);
    while (a < vend) {
      const a0 = v128.load(a), b0 = v128.load(b), d0 = v128.load(dy);
      const u0 = op.v(a0, b0, d0, p0v, p1v);
      const w0 = op.w(a0, d0, p0v, p1v);
      if (isDefined(op.rare) && v128.any_true(op.rare(a0))) {
        scalarGateGrad<Op>(a, b, dy, outA, outB, 4, p0, p1);
      } else {
        v128.store(outA, u0);
        v128.store(outB, w0);
      }
      a += 16;
      b += 16;
      dy += 16;
      outA += 16;
      outB += 16;
    }
  }
  while (a < end) {
    op.s(load<f32>(a), load<f32>(b), load<f32>(dy), p0, p1, outA, outB);
    a += 4;
    b += 4;
    dy += 4;
    outA += 4;
    outB += 4;
  }
}

/** out = op(x + bias[c]) over rows of C channels (n a multiple of C): bias is added in f32 first.
 * Within a row, 16 channels a step as four chains (as mapUnary), then 4, then the scalar rest. */
// @ts-ignore: decorator
@inline export function mapBias<Op>(x: usize, bias: usize, out: usize, n: i32, C: i32, a: f32, b: f32): void {
  const op = changetype<Op>(0);
  const rowBytes = <usize>C << 2;
  const end = x + (<usize>n << 2);
  while (x < end) {
    const rowEnd = x + rowBytes;
    let c = bias;
    if (ASC_FEATURE_SIMD) {
      const av = f32x4.splat(a);
      const bv = f32x4.splat(b);
      const vend16 = x + (<usize>(C & ~15) << 2);
      while (x < vend16) {
        const r0 = op.v(f32x4.add(v128.load(x), v128.load(c)), av, bv);
        const r1 = op.v(f32x4.add(v128.load(x, 16), v128.load(c, 16)), av, bv);
        const r2 = op.v(f32x4.add(v128.load(x, 32), v128.load(c, 32)), av, bv);
        const r3 = op.v(f32x4.add(v128.load(x, 48), v128.load(c, 48)), av, bv);
        v128.store(out, r0);
        v128.store(out, r1, 16);
        v128.store(out, r2, 32);
        v128.store(out, r3, 48);
        x += 64;
        c += 64;
        out += 64;
      }
      const vend = x + (<usize>(C & 12) << 2);
      while (x < vend) {
        v128.store(out, op.v(f32x4.add(v128.load(x), v128.load(c)), av, bv));
        x += 16;
        c += 16;
        out += 16;
      }
    }
    while (x < rowEnd) {
      store<f32>(out, op.s(load<f32>(x) + load<f32>(c), a, b));
      x += 4;
      c += 4;
      out += 4;
    }
  }
}

/** out = op(x + bias[c], dy) over rows of C channels: a gradient with a bias in front. */
// @ts-ignore: decorator
@inline export function mapBiasGrad<Op>(x: usize, bias: usize, dy: usize, out: usize, n: i32, C: i32, a: f32, b: f32): void {
  const op = changetype<Op>(0);
  const rowBytes = <usize>C << 2;
  const end = x + (<usize>n << 2);
  while (x < end) {
    const rowEnd = x + rowBytes;
    let c = bias;
    if (ASC_FEATURE_SIMD) {
      const av = f32x4.splat(a);
      const bv = f32x4.splat(b);
      const vend16 = x + (<usize>(C & ~15) << 2);
      while (x < vend16) {
        const r0 = op.v(f32x4.add(v128.load(x), v128.load(c)), v128.load(dy), av, bv);
        const r1 = op.v(f32x4.add(v128.load(x, 16), v128.load(c, 16)), v128.load(dy, 16), av, bv);
        const r2 = op.v(f32x4.add(v128.load(x, 32), v128.load(c, 32)), v128.load(dy, 32), av, bv);
        const r3 = op.v(f32x4.add(v128.load(x, 48), v128.load(c, 48)), v128.load(dy, 48), av, bv);
        v128.store(out, r0);
        v128.store(out, r1, 16);
        v128.store(out, r2, 32);
        v128.store(out, r3, 48);
        x += 64;
        c += 64;
        dy += 64;
        out += 64;
      }
      const vend = x + (<usize>(C & 12) << 2);
      while (x < vend) {
        v128.store(out, op.v(f32x4.add(v128.load(x), v128.load(c)), v128.load(dy), av, bv));
        x += 16;
        c += 16;
        dy += 16;
        out += 16;
      }
    }
    while (x < rowEnd) {
      store<f32>(out, op.s(load<f32>(x) + load<f32>(c), load<f32>(dy), a, b));
      x += 4;
      c += 4;
      dy += 4;
      out += 4;
    }
  }
}
