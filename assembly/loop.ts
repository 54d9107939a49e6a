import { FLT_MAX, FLT_MAX_V, NEG_FLT_MAX_V } from "./math/vconst";
// The one loop shape every kernel uses: a vector body (SIMD build only) and a scalar tail that
// runs the same element math on the remaining n % 4 elements (or on all of them in the scalar
// build). The unary vector body takes 16 elements a step, as four independent 4-lane chains
// (V8 schedules them side by side: swish 2.76 → 2.10, sigmoid 2.62 → 2.35 ns/element against two
// chains, in one loaded run; two chains had taken sigmoid from 1.69 to 1.47 against one), the
// binary one 8; then 4-lane steps. Every result of a step is stored after all its loads, so out
// may be the input itself. Ops are @final classes with @inline methods; `changetype<Op>(0)` gives a
// receiver without allocating, and since `this` is never read, every call inlines away.
//
// Unary op:     s(x, a, b): f32          v(x, a, b): v128
// Binary op:    s(x, dy, a, b): f32      v(x, dy, a, b): v128   (a gradient, or a fused gate)
// Sum op:       s(x, a, b): f32          v(x, a, b): v128       v(x) of a term dy·x²·v(x)·unscale() (sumGrad)
// Gate-grad op: s(a, b, dy, p0, p1, outA, outB): void, v(...) likewise: stores two results
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

// @ts-ignore: decorator
@inline export function mapBinary<Op>(x: usize, dy: usize, out: usize, n: i32, a: f32, b: f32): void {
  const op = changetype<Op>(0);
  const end = x + (<usize>n << 2);
  if (ASC_FEATURE_SIMD) {
    const av = f32x4.splat(a);
    const bv = f32x4.splat(b);
    const vend8 = x + (<usize>(n & ~7) << 2);
    while (x < vend8) {
      const r0 = op.v(v128.load(x), v128.load(dy), av, bv);
      const r1 = op.v(v128.load(x, 16), v128.load(dy, 16), av, bv);
      v128.store(out, r0);
      v128.store(out, r1, 16);
      x += 32;
      dy += 32;
      out += 32;
    }
    if (n & 4) {
      v128.store(out, op.v(v128.load(x), v128.load(dy), av, bv));
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

/** Two outputs from three inputs (a fused gate's backward): the op stores both results itself;
 * each step loads every input before the op stores, so outputs may be inputs (in place). */
// @ts-ignore: decorator
@inline export function mapGateGrad<Op>(a: usize, b: usize, dy: usize, outA: usize, outB: usize, n: i32, p0: f32, p1: f32): void {
  const op = changetype<Op>(0);
  const end = a + (<usize>n << 2);
  if (ASC_FEATURE_SIMD) {
    const p0v = f32x4.splat(p0);
    const p1v = f32x4.splat(p1);
    const vend = a + (<usize>(n & ~3) << 2);
    while (a < vend) {
      op.v(v128.load(a), v128.load(b), v128.load(dy), p0v, p1v, outA, outB);
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

/** out = op(x + bias[c]) over rows of C channels (n a multiple of C): bias is added in f32 first. */
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
      const vend = x + (<usize>(C & ~3) << 2);
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
      const vend = x + (<usize>(C & ~3) << 2);
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
