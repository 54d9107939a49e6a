// Turns a results file of `npm run bench` into tables, targets and charts.
//
//   node bench/report.mjs bench/results/<date>-<host>.json
//
// rewrites the markdown beside the JSON, docs/bench/*.svg and the README's region between
// <!-- generated:speed --> and <!-- /generated:speed -->, so the README's figures come from one
// run and regenerate with one command. bench.mjs calls writeReport() itself after every run
// (markdown and SVGs beside the JSON only; the README and docs/ are left alone).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { barChart, lineChart } from './charts.mjs';
import { sizeLabel, table } from './lib.mjs';

const K = 1024;
const M = 1 << 20;

/** The implementations in the order tables and legends list them. */
export const IMPL_ORDER = ['relaxed zero-copy', 'relaxed copy', 'simd zero-copy', 'simd copy', 'simd export', 'wasm zero-copy', 'wasm copy', 'js copy',
  'naive loop', 'tfjs-wasm kernel', 'tfjs-wasm as-called', 'tfjs-cpu kernel', 'tfjs-cpu as-called',
  'ort-node as-called', 'ort-web as-called', 'floor set', 'floor memory.copy'];
/** Chart colours: one hue per implementation family, dashes for its other calls. */
const STYLE = {
  'relaxed zero-copy': ['#332288', ''], 'relaxed copy': ['#332288', '6 3'],
  'simd zero-copy': ['#0072B2', ''], 'simd copy': ['#0072B2', '6 3'], 'simd export': ['#0072B2', '2 3'],
  'wasm zero-copy': ['#56B4E9', ''], 'wasm copy': ['#56B4E9', '6 3'], 'js copy': ['#009E73', ''],
  'naive loop': ['#000000', ''], 'tfjs-wasm kernel': ['#D55E00', ''], 'tfjs-wasm as-called': ['#D55E00', '6 3'],
  'tfjs-cpu kernel': ['#E69F00', ''], 'tfjs-cpu as-called': ['#E69F00', '6 3'],
  'ort-node as-called': ['#CC79A7', ''], 'ort-web as-called': ['#882255', '6 3'],
  'floor set': ['#888888', ''], 'floor memory.copy': ['#888888', '2 3'],
};
const implRank = (i) => (IMPL_ORDER.includes(i) ? IMPL_ORDER.indexOf(i) : IMPL_ORDER.length);
/** What each implementation is, for the legends of the tables. */
export const IMPL_DOC = {
  'relaxed zero-copy': 'this package, relaxed-SIMD backend (fused multiply-adds where the engine fuses them), no copy',
  'relaxed copy': 'this package, relaxed-SIMD backend, Float32Arrays',
  'simd zero-copy': 'this package, simd backend, arrays from allocate() (no copy)',
  'simd copy': 'this package, simd backend, ordinary Float32Arrays in and out',
  'simd export': 'the WebAssembly export alone on pointers (no argument checks): the kernel time',
  'wasm zero-copy': 'this package, scalar WebAssembly backend, no copy',
  'wasm copy': 'this package, scalar WebAssembly backend, Float32Arrays',
  'js copy': 'this package, pure-JS fallback backend',
  'naive loop': 'the loop a user would write: out[i] = x[i] / (1 + Math.exp(-x[i])) and the like',
  'tfjs-wasm kernel': 'tfjs-backend-wasm (XNNPACK, SIMD), input tensors resident, output not read back',
  'tfjs-wasm as-called': 'tfjs-backend-wasm as users call it: tensor1d(x), op, dataSync()',
  'tfjs-cpu kernel': 'tfjs-backend-cpu, input tensors resident, output not read back',
  'tfjs-cpu as-called': 'tfjs-backend-cpu as users call it',
  'ort-node as-called': 'onnxruntime-node (native CPU, 1 thread): new Tensor(x), session.run, .data',
  'ort-web as-called': 'onnxruntime-web (wasm, 1 thread) in Node, same calls',
  'floor set': 'Float32Array.prototype.set of the same n floats: the memory floor',
  'floor memory.copy': 'WebAssembly memory.copy of the same bytes',
};

const fmtNs = (v) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const fmtUlp = (c) => {
  const u = c?.check?.ulp ?? c?.check?.maxUlp;
  if (u === undefined || c.check.kind !== 'ulp') return '';
  return u === Infinity ? '∞' : u >= 1e6 ? u.toExponential(1) : u >= 100 ? u.toFixed(0) : u.toFixed(2);
};
const fmtX = (v, d = 1) => (v === undefined || !Number.isFinite(v) ? '-' : `${v >= 100 ? v.toFixed(0) : v.toFixed(d)}×`);

/** The results without the distribution cases: what every table but the value-independence one reads. */
const plain = (json) => ({ ...json, cases: json.cases.filter((c) => c.dist === undefined) });

function index(json) {
  const byKey = new Map(json.cases.filter((c) => c.dist === undefined).map((c) => [`${c.kernel}|${c.n}|${c.impl}`, c]));
  const get = (kernel, n, impl) => byKey.get(`${kernel}|${n}|${impl}`);
  const sizes = [...new Set(json.cases.map((c) => c.n))].sort((a, b) => a - b);
  return { get, sizes };
}

// ---- targets -----------------------------------------------------------------------------------

/**
 * The targets, each { id, text, met (true/false/null when not measured), items, unmeasured (what
 * to say when nothing was measured), informational }, from one run: every ratio is between two
 * cases of the same results file. Each item is { label, value, shown, ok (null: not measured) },
 * and when missed also `by` (how far from the threshold, as text) and `excess` (the same as a
 * number > 1, to find the worst miss).
 */
export function targets(json) {
  const { get } = index(json);
  const hl = json.options.headline;
  const [sig, swi] = hl;
  const out = [];
  const target = (id, text, items, extra = {}) => {
    const measured = items.filter((i) => i.ok !== null);
    out.push({ id, text, met: measured.length === 0 ? null : measured.every((i) => i.ok), items, ...extra });
  };
  const pairs = (ks, ns) => ks.flatMap((k) => ns.map((n) => [k, n]));
  const label = (k, n) => `${k} ${sizeLabel(n)}`;
  const missed = (by, excess) => ({ by, excess });
  const BIG = [64 * K, M, 16 * M];

  // simd forward and backward of sigmoid and swish, zero-copy, >= 10x the naive loop at 64K and 1M
  target('simd-vs-naive', `simd ${hl.slice(0, -1).join(', ')} and ${hl.at(-1)} (zero-copy) ≥ 10× the naive JS loop at 64K and 1M`,
    pairs(hl, [64 * K, M]).map(([k, n]) => {
      const a = get(k, n, 'naive loop');
      const b = get(k, n, 'simd zero-copy');
      if (!a || !b) return { label: label(k, n), ok: null };
      const r = a.nsPerElement / b.nsPerElement;
      return { label: label(k, n), value: r, shown: fmtX(r), ok: r >= 10, ...(r >= 10 ? {} : missed(fmtX(10 / r, 2), 10 / r)) };
    }));

  // sigmoid and swish forward, zero-copy, against tfjs-backend-wasm's sigmoid kernel (for both: its
  // swish is two passes, sigmoid then a multiply) at 64K, 1M and 16M; simd also within 2 / 3 ULP
  const vsTfjsSigmoid = (backend, limit, ulpLimit) => ([k, n]) => {
    const a = get(k, n, `${backend} zero-copy`);
    const b = get(sig, n, 'tfjs-wasm kernel');
    if (!a || !b) return { label: label(k, n), ok: null };
    const r = a.nsPerElement / b.nsPerElement;
    const ulp = a.check.maxUlp;
    const maxUlp = ulpLimit?.[k];
    const fast = r <= limit;
    const within = maxUlp === undefined || ulp <= maxUlp;
    const ulps = `${ulp.toFixed(2)} ULP${k === sig ? `; tfjs ${fmtUlp(b)}` : ''}`;
    return {
      label: label(k, n), value: r, shown: `${r.toFixed(2)} (${ulps})`, ok: fast && within,
      ...(fast && within ? {} : missed([...(fast ? [] : [fmtX(r / limit, 2)]), ...(within ? [] : [`${ulp.toFixed(2)} > ${maxUlp} ULP`])].join(', '),
        Math.max(r / limit, within ? 0 : ulp / maxUlp))),
    };
  };
  target('simd-vs-tfjs-sigmoid', 'simd sigmoid and swish forward (zero-copy) in ≤ 1.0× the time of tfjs-backend-wasm\'s sigmoid kernel ' +
    '(kernel-only, for both) at 64K, 1M and 16M, within ≤ 2 / ≤ 3 ULP (time ratio; ULP on these inputs)',
    pairs([sig, swi], BIG).map(vsTfjsSigmoid('simd', 1, { [sig]: 2, [swi]: 3 })));
  target('relaxed-vs-tfjs-sigmoid', 'relaxed sigmoid and swish forward (zero-copy) in ≤ 0.8× the time of tfjs-backend-wasm\'s sigmoid kernel ' +
    '(kernel-only, for both) at 64K, 1M and 16M (time ratio)',
    pairs([sig, swi], BIG).map(vsTfjsSigmoid('relaxed', 0.8)),
    { unmeasured: json.relaxed?.available ? 'not measured in this run' : 'not measured: run npm run bench:relaxed' });

  // informational: the copy path against tfjs-wasm as users call it, 64K-1M
  target('copy-vs-tfjs-as-called', 'informational: simd copy path ≥ 2× faster than tfjs-backend-wasm as users call it at 64K–1M',
    pairs(hl, [64 * K, M]).map(([k, n]) => {
      const a = get(k, n, 'tfjs-wasm as-called');
      const b = get(k, n, 'simd copy');
      if (!a || !b) return { label: label(k, n), ok: null };
      const r = a.nsPerElement / b.nsPerElement;
      return { label: label(k, n), value: r, shown: fmtX(r, 2), ok: r >= 2, ...(r >= 2 ? {} : missed(fmtX(2 / r, 2), 2 / r)) };
    }), { informational: true });

  // per-call overhead at 256 elements: the API (zero-copy) over the bare export <= 100 ns
  target('overhead', 'per-call overhead at 256 elements ≤ 100 ns above the kernel time (zero-copy API call − bare export call, timed alternately)',
    hl.map((k) => {
      const o = (json.overhead ?? []).find((r) => r.kernel === k && r.n === 256);
      if (!o) return { label: label(k, 256), ok: null };
      const v = o.overheadNs;
      return { label: label(k, 256), value: v, shown: `${v.toFixed(0)} ns`, ok: v <= 100, ...(v <= 100 ? {} : missed(`${(v - 100).toFixed(v < 110 ? 1 : 0)} ns`, v / 100)) };
    }));

  // value independence: every kernel's time on every input distribution within 1.15x of u20
  const rows = distRows(json);
  const dt = distTarget(json);
  target('value-independence', `every kernel's time per element on every input distribution within ${fmtX(dt, 2)} of its ` +
    `time on uniform [−20, 20] (u20; zero-copy, ${sizeLabel(rows[0]?.n ?? 64 * K)}, each WebAssembly backend)`,
    rows.map((r) => ({
      label: `${r.kernel} ${r.backend}`, value: r.worst?.ratio, ok: r.ok,
      shown: r.worst ? `${fmtX(r.worst.ratio, 2)} (${r.worst.dist})` : '',
      ...(r.ok === false ? missed(fmtX(r.worst.ratio / dt, 2), r.worst.ratio / dt) : {}),
    })), { compact: true });
  return out;
}

// ---- value independence ------------------------------------------------------------------------

const distTarget = (json) => json.options?.dist?.target ?? 1.15;
/** The distributions' ids in the order the run lists them (the baseline u20 first). */
const distIds = (json) => json.options?.distributions?.map((d) => d.id) ?? [...new Set(json.cases.filter((c) => c.dist).map((c) => c.dist))];

/**
 * One row per kernel × backend of the distribution cases: ns per element by distribution, the
 * worst ratio to u20 ({ dist, ratio }, null without u20 or another distribution) and whether it
 * meets the target (null when not measured).
 */
export function distRows(json) {
  const target = distTarget(json);
  const rows = new Map();
  for (const c of json.cases.filter((e) => e.dist !== undefined)) {
    const key = `${c.kernel}|${c.backend}`;
    if (!rows.has(key)) rows.set(key, { kernel: c.kernel, backend: c.backend, n: c.n, ns: {}, rme: {} });
    rows.get(key).ns[c.dist] = c.nsPerElement;
    rows.get(key).rme[c.dist] = c.rme;
  }
  return [...rows.values()].map((r) => {
    const base = r.ns.u20;
    let worst = null;
    for (const [id, v] of Object.entries(r.ns)) {
      if (id === 'u20' || base === undefined) continue;
      const ratio = v / base;
      if (!worst || ratio > worst.ratio) worst = { dist: id, ratio };
    }
    return { ...r, worst, ok: worst ? worst.ratio <= target : null };
  });
}

const verdict = (r, target) => (r.ok === null ? 'not measured' : r.ok ? 'met' : `missed by ${fmtX(r.worst.ratio / target, 2)}`);

/** The value-independence table: ns per element per distribution (ratio to u20), the worst ratio, met or missed by how much. */
export function distTable(json) {
  const ids = distIds(json);
  const target = distTarget(json);
  const rows = distRows(json).map((r) => [r.kernel, r.backend,
    ...ids.map((id) => (r.ns[id] === undefined ? '-' : id === 'u20' || r.ns.u20 === undefined ? fmtNs(r.ns[id]) : `${fmtNs(r.ns[id])} (${fmtX(r.ns[id] / r.ns.u20, 2)})`)),
    r.worst ? `${fmtX(r.worst.ratio, 2)} ${r.worst.dist}` : '-', verdict(r, target)]);
  return table(['kernel', 'backend', ...ids.map((id) => (id === 'u20' ? 'u20 ns/el' : id)), 'worst / u20', `target ≤ ${fmtX(target, 2)}`], rows);
}

/** One line: how many kernel × backend pairs, and how many kernels on every backend, meet the target. */
export function distSummary(json) {
  const rows = distRows(json).filter((r) => r.ok !== null);
  if (rows.length === 0) return null;
  const target = distTarget(json);
  const kernels = [...new Set(rows.map((r) => r.kernel))];
  const kernelsMet = kernels.filter((k) => rows.filter((r) => r.kernel === k).every((r) => r.ok));
  const backends = [...new Set(rows.map((r) => r.backend))];
  return `Value independence (within ${fmtX(target, 2)} of u20 on every distribution): ${kernelsMet.length} of ${kernels.length} kernels ` +
    `meet it on every backend measured (${backends.join(', ')}); ${rows.filter((r) => r.ok).length} of ${rows.length} kernel × backend pairs.`;
}

function distSection(json) {
  if (distRows(json).length === 0) return [];
  const d = json.options.dist ?? {};
  const summary = distSummary(json);
  return [
    '## Value independence',
    '',
    `Each kernel, zero-copy at ${sizeLabel(d.n ?? 64 * K)} elements on each WebAssembly backend, on these inputs (${d.inputs ?? ''}):`,
    '',
    ...(json.options.distributions ?? []).map((e) => `- **${e.id}**: ${e.text}`),
    '',
    `A kernel's distributions are timed interleaved: ${d.rounds ?? '?'} rounds of one benchmark.js run per distribution ` +
      `(minSamples ${d.minSamples}, minTime ${d.minTime} s, maxTime ${d.maxTime} s), the order rotating by round; ` +
      'ns per element is the median of the pooled samples, in parentheses its ratio to u20. Checked first: finite inputs ' +
      "against the float64 reference within the registry bound, ±∞ and NaN inputs against the js backend's output.",
    '',
    ...(summary ? [summary, ''] : []),
    distTable(json),
    '',
  ];
}

/**
 * One line per target: met, or missed and by how much at worst (the item furthest from the
 * threshold), then every item's figure, "(missed by …)" after each miss.
 */
export function targetLines(ts) {
  return ts.map((t) => {
    if (t.met === null) return `${t.text}: ${t.unmeasured ?? 'not measured in this run'}`;
    const measured = t.items.filter((i) => i.ok !== null);
    const missing = t.items.filter((i) => i.ok === null).map((i) => i.label);
    const misses = measured.filter((i) => !i.ok).sort((a, b) => (b.excess ?? b.value) - (a.excess ?? a.value));
    const head = t.met ? `**MET**${missing.length > 0 ? ` (${measured.length} of ${t.items.length} measured)` : ''}` : `**MISSED**${misses[0]?.by ? ` (by up to ${misses[0].by}, ${misses[0].label})` : ''}`;
    if (t.compact) {
      // many items: the count, and the worst five misses
      return `${t.text}: ${head} — met by ${measured.length - misses.length} of ${measured.length}` +
        (misses.length > 0 ? `; worst: ${misses.slice(0, 5).map((i) => `${i.label} ${i.shown}`).join('; ')}` : '') +
        (missing.length > 0 ? `; not measured: ${missing.length}` : '');
    }
    return `${t.text}: ${head} — ` +
      measured.map((i) => `${i.label} ${i.shown}${i.ok ? '' : i.by ? ` (missed by ${i.by})` : ' (miss)'}`).join('; ') +
      (missing.length > 0 ? `; not measured: ${missing.join(', ')}` : '');
  });
}

// ---- tables ------------------------------------------------------------------------------------

const hasPackage = (json) => plain(json).cases.some((c) => c.group === 'package');

/**
 * The package's kernels: one row per kernel and size, its backends and paths side by side (the
 * relaxed columns only when the run has relaxed cases).
 */
function packageTable(json) {
  const { get, sizes } = index(json);
  const pkg = plain(json).cases.filter((c) => c.group === 'package');
  const kernels = [...new Set(pkg.map((c) => c.kernel))];
  const hasRelaxed = pkg.some((c) => c.backend === 'relaxed');
  const cols = ['js copy', 'wasm copy', 'wasm zero-copy', 'simd copy', 'simd zero-copy', ...(hasRelaxed ? ['relaxed copy', 'relaxed zero-copy'] : [])];
  const ratio = (a, b, d) => (a && b ? fmtX(a.nsPerElement / b.nsPerElement, d) : '-');
  const rows = [];
  for (const k of kernels) {
    for (const n of sizes) {
      const r = Object.fromEntries(cols.map((c) => [c, get(k, n, c)]));
      if (!Object.values(r).some(Boolean)) continue;
      const ulp = r['simd zero-copy'] ?? r['wasm zero-copy'];
      rows.push([k, sizeLabel(n), ...cols.map((c) => (r[c] ? `${fmtNs(r[c].nsPerElement)} ±${r[c].rme.toFixed(0)}%` : '-')),
        ratio(r['js copy'], r['simd zero-copy']), ratio(r['simd copy'], r['simd zero-copy'], 2), ulp ? fmtUlp(ulp) : '-',
        ...(hasRelaxed ? [ratio(r['simd zero-copy'], r['relaxed zero-copy'], 2), r['relaxed zero-copy'] ? fmtUlp(r['relaxed zero-copy']) : '-'] : [])]);
    }
  }
  return table(['kernel', 'n', ...cols, 'simd zero-copy vs js', 'simd copy / zero-copy', 'simd max ULP',
    ...(hasRelaxed ? ['relaxed vs simd zero-copy', 'relaxed max ULP'] : [])], rows);
}

/** The headline kernels against the peers and the floor at size n: one row per implementation. */
export function headlineTable(json, n) {
  const { get } = index(json);
  const hl = json.options.headline;
  const impls = [...new Set(plain(json).cases.filter((c) => c.n === n && (hl.includes(c.kernel) || c.kernel === 'copy')).map((c) => c.impl))]
    .filter((i) => i !== 'simd export').sort((a, b) => implRank(a) - implRank(b));
  const rows = impls.map((impl) => [impl, ...hl.flatMap((k) => {
    const c = get(k, n, impl) ?? (impl.startsWith('floor') ? get('copy', n, impl) : undefined);
    return [c ? fmtNs(c.nsPerElement) : '', c && !impl.startsWith('floor') ? fmtUlp(c) : ''];
  })]);
  return table(['implementation', ...hl.flatMap((k) => [`${k} ns/el`, 'ULP'])], rows);
}

/** Where each implementation's largest error was, at the largest size with peers. */
function worstInputs(json) {
  const n = Math.max(...json.cases.filter((c) => c.group === 'peer').map((c) => c.n));
  return plain(json).cases.filter((c) => c.n === n && c.check?.kind === 'ulp' && c.mode !== 'export')
    .sort((a, b) => implRank(a.impl) - implRank(b.impl))
    .map((c) => `- ${c.name}: ${fmtUlp(c)} ULP at ${c.check.ulpMeasure === 'relative' ? c.check.relAt : c.check.at}`);
}

function overheadTable(json) {
  const rows = (json.overhead ?? []).map((o) => [o.kernel, sizeLabel(o.n), o.exportNs.toFixed(0), o.zeroCopyNs.toFixed(0),
    o.overheadNs.toFixed(0), o.copyNs.toFixed(0), o.copyOverheadNs.toFixed(0)]);
  return 'ns per call: the fastest of 40 alternating blocks of each (bare export, API zero-copy, API copy); ' +
    'overhead = API − export.\n\n' +
    table(['kernel', 'n', 'export', 'zero-copy', 'zero-copy overhead', 'copy', 'copy − export'], rows);
}

/** Whether the relaxed backend ran in this run, and if not why (results files from before it: nothing). */
export function relaxedNote(json) {
  const r = json.relaxed;
  if (!r) return '';
  if (r.available) {
    return r.cases > 0 ? `The relaxed backend ran (${r.cases} cases; relaxed SIMD on ${r.flag ? 'with --experimental-wasm-relaxed-simd' : 'by default'}).`
      : 'The relaxed backend was available but no relaxed case was in this run.';
  }
  return `The relaxed backend did not run: not available in this runtime (${r.reason})` +
    `${/without/.test(r.reason) ? '; `npm run bench:relaxed` runs it' : ''}.`;
}

export function runLine(json) {
  const l = json.loadAverage1m;
  return `\`${json.command}\` on ${json.date} (${json.hostname}): ${json.cases.length} cases in ${Math.round(json.durationSeconds)} s; ` +
    `1-minute load average ${l.min.toFixed(2)}–${l.max.toFixed(2)} (mean ${l.mean.toFixed(2)})` +
    (l.busy ? ' — other processes competed for the 2 cores, so absolute times are inflated; the ratios are from the same run' : '') + '.';
}

function markdown(json) {
  const ts = targets(json);
  const sizes = index(json).sizes;
  const hlSizes = sizes.filter((n) => json.cases.some((c) => c.n === n && c.group === 'peer'));
  return [
    `# swish-wasm benchmark, ${json.date}`,
    '',
    `Machine: ${json.machine}`,
    '',
    runLine(json),
    ...(relaxedNote(json) ? ['', relaxedNote(json)] : []),
    '',
    `benchmark.js ${json.benchmarkJs}: minSamples ${json.options.minSamples}, minTime ${json.options.minTime} s, maxTime ${json.options.maxTime} s per case; ` +
      'figures are the median sample in ns per element, ± the relative margin of error. Max ULP is measured on the same inputs ' +
      '(x uniform in [-20, 20]; gradients with dy = 1) against the float64 reference.',
    '',
    ...hlSizes.flatMap((n) => [`## sigmoid and swish against the peers, ${sizeLabel(n)} elements`, '', headlineTable(json, n), '']),
    ...(worstInputs(json).length === 0 ? [] : [
      'ULP: relative error, except for gradients with a root in the inputs (swishBackward), where errors within the ' +
        "registry's absolute clause (≤ 2^-23·|dy|) are left out. Worst inputs at the largest size:",
      '',
      ...worstInputs(json),
      '']),
    '## Implementations',
    '',
    ...Object.entries(IMPL_DOC).filter(([i]) => json.cases.some((c) => c.impl === i)).map(([i, d]) => `- **${i}**: ${d}`),
    '',
    ...((json.overhead ?? []).length > 0 ? ['## Per-call overhead', '', overheadTable(json), ''] : []),
    ...(hasPackage(json) ? ['## Every kernel', '', packageTable(json), ''] : []),
    ...distSection(json),
    '## Targets',
    '',
    ...targetLines(ts).map((l) => `- ${l}`),
    '',
  ].join('\n');
}

// ---- charts ------------------------------------------------------------------------------------

function charts(json) {
  const { get, sizes } = index(json);
  const files = [];
  for (const k of json.options.headline) {
    const impls = [...new Set(plain(json).cases.filter((c) => c.kernel === k || c.kernel === 'copy').map((c) => c.impl))]
      .sort((a, b) => implRank(a) - implRank(b));
    const series = impls.map((impl) => ({
      label: impl,
      bold: impl === 'simd zero-copy',
      colour: STYLE[impl]?.[0],
      dash: STYLE[impl]?.[1],
      points: sizes.map((n) => get(k, n, impl) ?? get('copy', n, impl)).filter(Boolean).map((c) => [c.n, c.nsPerElement]),
    })).filter((s) => s.points.length > 0);
    if (!series.some((s) => !s.label.startsWith('floor'))) continue;
    files.push([`${k}.svg`, lineChart(series, {
      title: `${k}: ns per element against size`,
      subtitle: `${json.cpu}, ${json.cpus} cores, Node ${json.node}, ${json.date}; lower is better`,
      xLabel: sizeLabel,
    })]);
  }
  // speed-up over the naive loop at the largest size up to 1M that has it
  const n = [...sizes].reverse().find((s) => s <= M && json.options.headline.some((k) => get(k, s, 'naive loop')));
  if (n !== undefined) {
    const groups = json.options.headline.filter((k) => get(k, n, 'naive loop')).map((k) => {
      const base = get(k, n, 'naive loop').nsPerElement;
      const bars = IMPL_ORDER.filter((i) => i !== 'naive loop' && i !== 'simd export')
        .map((i) => [i, get(k, n, i) ?? (i.startsWith('floor') ? get('copy', n, i) : undefined)])
        .filter(([, c]) => c).map(([i, c]) => ({ label: i, value: base / c.nsPerElement, colour: STYLE[i]?.[0] }));
      return { label: k, bars };
    });
    files.push(['speedup.svg', barChart(groups, {
      title: `Speed-up over the naive JS loop, ${sizeLabel(n)} elements`,
      subtitle: `${json.cpu}, ${json.cpus} cores, Node ${json.node}, ${json.date}; floor = copying the same bytes`,
    })]);
  }
  // value independence: each kernel's worst distribution against u20, one group per backend
  const rows = distRows(json).filter((r) => r.worst);
  if (rows.length > 0) {
    const target = distTarget(json);
    const groups = [...new Set(rows.map((r) => r.backend))].map((b) => ({
      label: `${b} zero-copy, ${sizeLabel(rows[0].n)}`,
      bars: rows.filter((r) => r.backend === b).map((r) => ({
        label: `${r.kernel} (${r.worst.dist})`, value: r.worst.ratio, colour: r.ok ? '#0072B2' : '#D55E00',
      })),
    }));
    files.push(['value-independence.svg', barChart(groups, {
      title: 'Slowest input distribution against uniform [−20, 20], per kernel',
      subtitle: `${json.cpu}, ${json.cpus} cores, Node ${json.node}, ${json.date}; time ratio, lower is better; red: above the target`,
      axisLabel: 'time per element on the slowest distribution / on u20 (log scale)',
      marks: [{ value: target, label: `target ${fmtX(target, 2)}` }],
    })]);
  }
  return files;
}

/**
 * Writes the markdown report to mdPath and the charts to svgDir (named svgPrefix + name);
 * returns { summary (text for the console), files }.
 */
export function writeReport(json, { mdPath, svgDir, svgPrefix = '' }) {
  const files = [];
  if (mdPath) { writeFileSync(mdPath, markdown(json)); files.push(mdPath); }
  if (svgDir) {
    mkdirSync(svgDir, { recursive: true });
    for (const [name, svg] of charts(json)) {
      const f = path.join(svgDir, svgPrefix + name);
      writeFileSync(f, svg);
      files.push(f);
    }
  }
  const hlSizes = index(json).sizes.filter((n) => json.cases.some((c) => c.n === n && c.group === 'peer'));
  const summary = [
    ...hlSizes.map((n) => `\nsigmoid and swish against the peers, ${sizeLabel(n)} elements (ns per element, max ULP):\n${headlineTable(json, n)}`),
    ...(hasPackage(json) ? [`\nEvery kernel (ns per element):\n${packageTable(json)}`] : []),
    ...(distRows(json).length > 0 ? [`\nValue independence (ns per element at each input distribution; ratio to u20):\n${distTable(json)}` +
      `${distSummary(json) ? `\n${distSummary(json)}` : ''}`] : []),
    `\nTargets:\n${targetLines(targets(json)).map((l) => `- ${l.replace(/\*\*/g, '')}`).join('\n')}`,
  ].join('\n');
  return { summary, files };
}

// ---- README ------------------------------------------------------------------------------------

const BEGIN = '<!-- generated:speed -->';
const END = '<!-- /generated:speed -->';

/** The README's generated region: machine, run, headline tables, targets. */
export function readmeRegion(json, resultsPath) {
  const ts = targets(json);
  // one table, at 1M elements (or the largest size below it that has peers); the markdown report has every size
  const n = [...index(json).sizes].reverse().find((s) => s <= M && json.cases.some((c) => c.n === s && c.group === 'peer'));
  return [
    BEGIN,
    `Machine: ${json.machine}. Run: ${runLine(json)} Results: [\`${resultsPath}\`](${resultsPath}) ` +
      `(and its [\`.md\`](${resultsPath.replace(/\.json$/, '.md')}) with every kernel and size).` +
      (relaxedNote(json) ? ` ${relaxedNote(json)}` : ''),
    '',
    ...(n === undefined ? [] : [`ns per element at ${sizeLabel(n)} elements (median), and max ULP error on the same inputs ` +
      '(blank: onnxruntime runs no gradients; floor: the copy, whichever kernel):', '', headlineTable(json, n), '']),
    'Targets (ratios within this one run):',
    '',
    ...targetLines(ts).map((l) => `- ${l}`),
    ...(distRows(json).some((r) => r.worst) ? ['', `${distSummary(json)} Every kernel × distribution in the \`.md\`; the worst ratio of each:`, '',
      '![Slowest input distribution against u20, per kernel and backend](docs/bench/value-independence.svg)'] : []),
    END,
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/report.mjs bench/results/<date>-<host>.json');
    process.exit(2);
  }
  const root = fileURLToPath(new URL('..', import.meta.url));
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const mdPath = file.replace(/\.json$/, '.md');
  const { files } = writeReport(json, { mdPath, svgDir: path.join(root, 'docs', 'bench') });
  const readmePath = path.join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) {
    console.error(`report: README.md has no ${BEGIN} … ${END} region to rewrite`);
    process.exit(1);
  }
  const rel = path.relative(root, path.resolve(file)).split(path.sep).join('/');
  writeFileSync(readmePath, readme.slice(0, a) + readmeRegion(json, rel) + readme.slice(b + END.length));
  console.log(`report: wrote ${[...files.map((f) => path.relative(process.cwd(), f)), 'README.md (speed region)'].join(', ')}`);
}
