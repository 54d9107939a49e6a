// The facts the JS driver reads from every build (the whole one, assembly/index.ts, and the core
// one, assembly/generated/core.ts).

/** First byte the JS side may manage: everything below is this module's static data. */
export function heapBase(): usize { return (__heap_base + 15) & ~15; }

/** 1 in the SIMD builds (simd and relaxed), 0 in the scalar one. Kept for modules' old readers: use buildKind. */
export function isSimdBuild(): i32 { return ASC_FEATURE_SIMD ? 1 : 0; }

/** Which build this is, to tell a caller-supplied module apart: 0 scalar, 1 simd, 2 relaxed (relaxed SIMD). */
export function buildKind(): i32 { return ASC_FEATURE_RELAXED_SIMD ? 2 : ASC_FEATURE_SIMD ? 1 : 0; }
