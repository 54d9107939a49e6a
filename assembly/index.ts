// The module's exports: every kernel (generated from the registry by scripts/generate.mjs, one
// line each over the loops in loop.ts), and the facts the JS driver reads (heapBase, buildKind).
//   map   name(x, out, n, a, b)
//   grad  name(x or y, dy, out, n, a, b)
//   sum   name(x, dy, n, a, b): f64
// Pointers are byte offsets into this module's memory (16-byte aligned is fastest, 4 suffices);
// a, b are the activation's parameters. Memory is managed by the JS side; nothing here allocates.
export * from "./generated/kernels";

/** First byte the JS side may manage: everything below is this module's static data. */
export function heapBase(): usize { return (__heap_base + 15) & ~15; }

/** 1 in the SIMD builds (simd and relaxed), 0 in the scalar one. Kept for modules' old readers: use buildKind. */
export function isSimdBuild(): i32 { return ASC_FEATURE_SIMD ? 1 : 0; }

/** Which build this is, to tell a caller-supplied module apart: 0 scalar, 1 simd, 2 relaxed (relaxed SIMD). */
export function buildKind(): i32 { return ASC_FEATURE_RELAXED_SIMD ? 2 : ASC_FEATURE_SIMD ? 1 : 0; }
