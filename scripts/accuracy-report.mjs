// The pieces of docs/accuracy.md that other code reads back: the sweep merging a run in parts,
// the README generator, and the tests that re-check the worst inputs. A row is one kernel on one
// backend (ROW_BACKENDS, relaxed included: a reader that skipped its rows made a partial sweep drop
// them from the report). It is named after what was swept: a kernel at its default parameters
// (`softplus`), or at others (`softplus:beta=2`, more as `:name=value`).

/**
 * The kernel and the parameters (rounded to f32, as the kernels receive them) a row name
 * stands for. `kernels` is the registry (`kernels` of the package). Throws an Error naming the
 * kernel or its parameters when the name does not fit the registry.
 */
export function parseKey(key, kernels) {
  const [kernel, ...sets] = key.split(':');
  if (!Object.hasOwn(kernels, kernel)) throw new Error(`unknown kernel ${kernel}`);
  const spec = kernels[kernel].params;
  const params = spec.map((q) => Math.fround(q.default));
  for (const set of sets) {
    const [name, value] = set.split('=');
    const i = spec.findIndex((q) => q.name === name);
    if (i < 0 || value === undefined || value.trim() === '' || !Number.isFinite(Number(value))) {
      throw new Error(`${key}: ${kernel} takes ${spec.map((q) => `${q.name}=<number>`).join(', ') || 'no parameters'}`);
    }
    params[i] = Math.fround(Number(value));
  }
  return { kernel, params };
}

/** The backends a report row may be for. */
export const ROW_BACKENDS = ['relaxed', 'simd', 'wasm', 'js'];
const ROW = new RegExp(`^\\| ([\\w:=.+-]+) \\| (${ROW_BACKENDS.join('|')}) \\|`);

/**
 * The measurement rows of a report, in order: { key, backend, cells } with the row's cells
 * (trimmed) after the backend: max ULP, bound, at input, ULP all, max abs, exact, counted,
 * same bits as, within bound.
 */
export function reportRows(md) {
  const rows = [];
  for (const line of md.split('\n')) {
    const m = line.match(ROW);
    if (!m || line.split('|').length !== 13) continue;
    rows.push({ key: m[1], backend: m[2], line, cells: line.split('|').slice(3, 12).map((c) => c.trim()) });
  }
  return rows;
}

/** The rows (by name: every backend's lines) and the runs of an earlier report, to merge a partial run into. */
export function parseReport(md) {
  const rows = new Map();
  for (const { key, line } of reportRows(md)) rows.set(key, [...(rows.get(key) ?? []), line]);
  const runs = md.split('\n').filter((l) => /^- \d+ s on /.test(l)).map((line) => ({ line, kernels: line.slice(line.lastIndexOf(': ') + 2).split(', ') }));
  return { rows, runs };
}

/**
 * A partial run merged into an earlier report's rows: `fresh` (row name → its lines, one per
 * backend) replaces the earlier rows of the names it holds, whole, and every other earlier row is
 * kept. Returns the table's lines in registry order (`kernelOrder`: the sweepable kernels), each
 * kernel's rows at other parameters right after its default row, and the kernels with no row.
 */
export function mergeRows(earlier, fresh, kernelOrder) {
  const rows = new Map(earlier);
  for (const [key, lines] of fresh) rows.set(key, lines);
  const order = kernelOrder.flatMap((k) => [...rows.keys()].filter((key) => key.split(':')[0] === k).sort());
  return { lines: order.flatMap((k) => rows.get(k)), missing: kernelOrder.filter((k) => !rows.has(k)) };
}
