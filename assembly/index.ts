// The module's exports: every kernel (generated from the registry by scripts/generate.mjs, one
// line each over the loops in loop.ts), and the facts the JS driver reads (heapBase, buildKind).
//   map   name(x, out, n, a, b)
//   grad  name(x or y, dy, out, n, a, b)
//   sum   name(x, dy, n, a, b): f64
// Pointers are byte offsets into this module's memory (16-byte aligned is fastest, 4 suffices);
// a, b are the activation's parameters. Memory is managed by the JS side; nothing here allocates.
export * from "./generated/kernels";
export { heapBase, isSimdBuild, buildKind } from "./build-info";
