// Two small SVG charts for the benchmark report, with no chart library: ns per element against
// size on log–log axes (one polyline per implementation), and horizontal bars of speed-up over the
// naive JS loop on a log axis. Every element carries data-* attributes so tests can read it back.

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
/** Okabe–Ito colours (colour-blind safe) and then darker tones, for series that bring none. */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#882255', '#44AA99', '#999933', '#332288', '#888888'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r2 = (v) => String(Math.round(v * 100) / 100);

/** `<tag a="…">children</tag>`, attributes with undefined values left out. */
function el(tag, attrs, ...children) {
  const a = Object.entries(attrs).filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
  const inner = children.flat().join('');
  return inner ? `<${tag}${a}>${inner}</${tag}>` : `<${tag}${a}/>`;
}
const text = (x, y, s, attrs = {}) => el('text', { x: r2(x), y: r2(y), ...attrs }, esc(s));

/** Powers of ten covering [lo, hi] (lo, hi > 0), and 2 and 5 between them when the range is short. */
function logTicks(lo, hi) {
  const out = [];
  const decades = Math.log10(hi / lo);
  const steps = decades <= 2.5 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of steps) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}
const fmtTick = (v) => (v >= 1 ? String(Math.round(v * 1000) / 1000) : String(Number(v.toPrecision(2))));

function svgDoc(width, height, title, body) {
  return el('svg', {
    xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`,
    'font-family': FONT, 'font-size': 12, role: 'img', 'aria-label': title,
  }, el('title', {}, esc(title)), el('rect', { width, height, fill: '#ffffff' }), body) + '\n';
}

/**
 * Line chart. series: [{ label, points: [[n, nsPerElement], ...], colour?, dash?, bold? }]; x is the element count
 * (labelled with `xLabel(n)`), both axes logarithmic.
 */
export function lineChart(series, { title, subtitle, xLabel = String, width = 860, height = 480 }) {
  const legendW = 230;
  const m = { left: 64, right: legendW + 16, top: subtitle ? 58 : 40, bottom: 48 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0);
  const [x0, x1] = xs.length > 1 ? [xs[0], xs[xs.length - 1]] : [xs[0] / 2, xs[0] * 2];
  const y0 = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const y1 = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const px = (v) => m.left + (Math.log(v / x0) / Math.log(x1 / x0)) * pw;
  const py = (v) => m.top + ph - (Math.log(v / y0) / Math.log(y1 / y0)) * ph;
  const parts = [];
  for (const t of logTicks(y0, y1)) {
    parts.push(el('line', { x1: m.left, x2: m.left + pw, y1: r2(py(t)), y2: r2(py(t)), stroke: '#e4e4e4' }));
    parts.push(text(m.left - 6, py(t) + 4, fmtTick(t), { 'text-anchor': 'end', fill: '#444' }));
  }
  for (const t of xs) {
    parts.push(el('line', { x1: r2(px(t)), x2: r2(px(t)), y1: m.top, y2: m.top + ph, stroke: '#e4e4e4' }));
    parts.push(text(px(t), m.top + ph + 16, xLabel(t), { 'text-anchor': 'middle', fill: '#444' }));
  }
  parts.push(el('rect', { x: m.left, y: m.top, width: pw, height: ph, fill: 'none', stroke: '#888' }));
  parts.push(text(m.left + pw / 2, height - 10, 'elements per call (log scale)', { 'text-anchor': 'middle' }));
  parts.push(text(16, m.top + ph / 2, 'ns per element (log scale)', { 'text-anchor': 'middle', transform: `rotate(-90 16 ${r2(m.top + ph / 2)})` }));
  parts.push(text(m.left, 22, title, { 'font-size': 15, 'font-weight': 'bold' }));
  if (subtitle) parts.push(text(m.left, 40, subtitle, { fill: '#555' }));
  series.forEach((s, i) => {
    const colour = s.colour ?? COLOURS[i % COLOURS.length];
    const dash = s.dash;
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    parts.push(el('polyline', {
      'data-impl': s.label, fill: 'none', stroke: colour, 'stroke-width': s.bold ? 3 : 1.8, 'stroke-dasharray': dash,
      points: pts.map(([x, y]) => `${r2(px(x))},${r2(py(y))}`).join(' '),
    }));
    for (const [x, y] of pts) parts.push(el('circle', { cx: r2(px(x)), cy: r2(py(y)), r: 2.5, fill: colour }));
    const ly = m.top + 6 + i * 18;
    const lx = width - legendW;
    parts.push(el('line', { x1: lx, x2: lx + 24, y1: ly, y2: ly, stroke: colour, 'stroke-width': s.bold ? 3 : 1.8, 'stroke-dasharray': dash }));
    parts.push(text(lx + 30, ly + 4, s.label));
  });
  return svgDoc(width, height, title, parts);
}

/**
 * Horizontal bar chart on a log axis. groups: [{ label, bars: [{ label, value, colour? }] }]; a reference
 * line at 1 (the baseline), and a dashed line at each of `marks` ([{ value, label }], e.g. a target).
 */
export function barChart(groups, { title, subtitle, unit = '×', width = 860, axisLabel = `speed-up (log scale; 1${unit} = the baseline)`, marks = [] }) {
  const barH = 13;
  const gap = 16;
  const m = { left: 230, right: 70, top: subtitle ? 58 : 40, bottom: 40 };
  const rows = groups.reduce((s, g) => s + g.bars.length, 0);
  const ph = rows * barH + groups.length * (gap + 16);
  const height = m.top + ph + m.bottom;
  const pw = width - m.left - m.right;
  const values = [...groups.flatMap((g) => g.bars.map((b) => b.value)), ...marks.map((k) => k.value)].filter((v) => v > 0);
  const v0 = 10 ** Math.floor(Math.log10(Math.min(1, ...values)));
  const v1 = 10 ** Math.ceil(Math.log10(Math.max(1, ...values)));
  const px = (v) => m.left + (Math.log(v / v0) / Math.log(v1 / v0)) * pw;
  const labels = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.label)))];
  const colour = (b) => b.colour ?? COLOURS[labels.indexOf(b.label) % COLOURS.length];
  const parts = [text(16, 22, title, { 'font-size': 15, 'font-weight': 'bold' })];
  if (subtitle) parts.push(text(16, 40, subtitle, { fill: '#555' }));
  for (const t of logTicks(v0, v1)) {
    parts.push(el('line', { x1: r2(px(t)), x2: r2(px(t)), y1: m.top, y2: m.top + ph, stroke: t === 1 ? '#444' : '#e4e4e4' }));
    parts.push(text(px(t), m.top + ph + 16, `${fmtTick(t)}${unit}`, { 'text-anchor': 'middle', fill: '#444' }));
  }
  parts.push(text(m.left + pw / 2, height - 8, axisLabel, { 'text-anchor': 'middle' }));
  for (const k of marks) {
    parts.push(el('line', { 'data-mark': r2(k.value), x1: r2(px(k.value)), x2: r2(px(k.value)), y1: m.top - 4, y2: m.top + ph, stroke: '#D55E00', 'stroke-dasharray': '5 3' }));
    parts.push(text(px(k.value) + 3, m.top - 6, k.label, { fill: '#D55E00', 'font-size': 11 }));
  }
  let y = m.top + 4;
  for (const g of groups) {
    parts.push(text(16, y + 11, g.label, { 'font-weight': 'bold' }));
    y += 16;
    for (const b of g.bars) {
      const x1 = px(Math.max(b.value, v0));
      const xa = px(1);
      parts.push(text(m.left - 6, y + barH - 3, b.label, { 'text-anchor': 'end', 'font-size': 11 }));
      parts.push(el('rect', {
        'data-group': g.label, 'data-impl': b.label, 'data-value': r2(b.value),
        x: r2(Math.min(xa, x1)), y: r2(y), width: r2(Math.max(1, Math.abs(x1 - xa))), height: barH - 2, fill: colour(b),
      }));
      parts.push(text(Math.max(xa, x1) + 4, y + barH - 3, `${b.value >= 10 ? b.value.toFixed(0) : b.value.toFixed(2)}${unit}`, { 'font-size': 11 }));
      y += barH;
    }
    y += gap;
  }
  return svgDoc(width, height, title, parts);
}
