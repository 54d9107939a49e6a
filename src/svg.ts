// A self-contained SVG line chart of activations and their derivatives (no dependencies): each
// function solid, its derivative dashed in the same colour, on one set of axes with ticks, a light
// grid, axis labels, a title and a legend placed in the emptiest corner.

/** One activation to draw: its samples (a `curve` result) and its legend label. */
export interface ChartSeries {
  /** The activation's name (used for data-name attributes and the default title). */
  name: string;
  /** The legend text (default: name), e.g. 'swish (beta = 1.5)'. */
  label?: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  dydx: ArrayLike<number>;
}

export interface ChartOptions {
  /** Default: "swish and sigmoid, with their derivatives". */
  title?: string;
  width?: number;
  height?: number;
}

/** A colour-blind-friendly palette (Okabe–Ito, reordered), cycled when there are more series. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#882255', '#44AA99', '#999933', '#332288'];

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number) => (Math.round(v * 100) / 100).toString();

/** Tick positions at a 1-2-5 step covering [lo, hi] with about `count` intervals. */
function niceStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

function ticks(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k * step);
  return out;
}

function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const s = (Math.abs(v) < step / 2 ? 0 : v).toFixed(decimals);
  return s.replace('-', '−');
}

/** The SVG path of (x, y) in pixels, broken at non-finite values; at most ~2 vertices per pixel column. */
function pathData(xs: ArrayLike<number>, ys: ArrayLike<number>, px: (v: number) => number, py: (v: number) => number, columns: number): string {
  const n = xs.length;
  const parts: string[] = [];
  let pen = false;
  const emit = (i: number) => {
    parts.push(`${pen ? 'L' : 'M'}${num(px(xs[i]))} ${num(py(ys[i]))}`);
    pen = true;
  };
  const per = Math.max(1, Math.floor(n / (2 * columns)));
  for (let s = 0; s < n; s += per) {
    // In each bucket keep its extremes in order, so kinks and spikes survive the thinning.
    let lo = -1;
    let hi = -1;
    for (let i = s; i < Math.min(n, s + per); i++) {
      if (!Number.isFinite(ys[i]) || !Number.isFinite(xs[i])) {
        if (lo >= 0) { emit(Math.min(lo, hi)); if (hi !== lo) emit(Math.max(lo, hi)); lo = hi = -1; }
        pen = false;
        continue;
      }
      if (lo < 0 || ys[i] < ys[lo]) lo = i;
      if (hi < 0 || ys[i] > ys[hi]) hi = i;
    }
    if (lo >= 0) { emit(Math.min(lo, hi)); if (hi !== lo) emit(Math.max(lo, hi)); }
  }
  return parts.join('');
}

function extent(series: readonly ChartSeries[], key: 'x' | 'y' | 'dydx'): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s[key].length; i++) {
      const v = s[key][i];
      if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
  }
  if (!(lo <= hi)) return [-1, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo, hi];
}

/** "swish and sigmoid, with their derivatives", or "8 activations and their derivatives" when too long. */
function defaultTitle(names: string[], maxChars: number): string {
  if (names.length === 1) return `${names[0]} and its derivative`;
  const t = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}, with their derivatives`;
  return t.length <= maxChars ? t : `${names.length} activations and their derivatives`;
}

/**
 * An SVG document charting each series' function (solid) and derivative (dashed, same colour)
 * over x. Every function path has class "fn", every derivative path class "deriv", and every
 * legend row class "legend-entry", each with data-name set to the series' name.
 */
export function renderChart(series: readonly ChartSeries[], options: ChartOptions = {}): string {
  if (series.length === 0) throw new RangeError('renderChart: at least one series is needed');
  const W = options.width ?? 900;
  const H = options.height ?? 600;
  const m = { top: 84, right: 28, bottom: 64, left: 72 };
  const [x0, x1] = [m.left, W - m.right];
  const [y0, y1] = [m.top, H - m.bottom];

  const [xlo, xhi] = extent(series, 'x');
  const [ya, yb] = extent(series, 'y');
  const [da, db] = extent(series, 'dydx');
  // y: the data with a 4% margin, so no curve runs along the frame; ticks at nice values inside.
  const yPad = 0.04 * (Math.max(yb, db) - Math.min(ya, da));
  const [ylo, yhi] = [Math.min(ya, da) - yPad, Math.max(yb, db) + yPad];
  const yStep = niceStep(ylo, yhi, 7);
  const xStep = niceStep(xlo, xhi, 10);
  const px = (v: number) => x0 + ((v - xlo) / (xhi - xlo)) * (x1 - x0);
  const py = (v: number) => y1 - ((v - ylo) / (yhi - ylo)) * (y1 - y0);

  const out: string[] = [];
  const names = series.map((s) => s.name);
  const title = options.title ?? defaultTitle(names, (W - x0) / 11);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title" font-family="${esc(FONT)}">`);
  out.push(`<title id="chart-title">${esc(title)}</title>`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<defs><clipPath id="plot-area"><rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}"/></clipPath></defs>`);

  // Grid, zero lines, frame.
  const xt = ticks(xlo, xhi, xStep);
  const yt = ticks(ylo, yhi, yStep);
  out.push('<g class="grid" stroke="#e8e8ec" stroke-width="1">');
  for (const v of xt) out.push(`<line x1="${num(px(v))}" y1="${y0}" x2="${num(px(v))}" y2="${y1}"/>`);
  for (const v of yt) out.push(`<line x1="${x0}" y1="${num(py(v))}" x2="${x1}" y2="${num(py(v))}"/>`);
  out.push('</g>');
  out.push('<g class="zero" stroke="#b8b8c0" stroke-width="1">');
  if (xlo < 0 && xhi > 0) out.push(`<line x1="${num(px(0))}" y1="${y0}" x2="${num(px(0))}" y2="${y1}"/>`);
  if (ylo < 0 && yhi > 0) out.push(`<line x1="${x0}" y1="${num(py(0))}" x2="${x1}" y2="${num(py(0))}"/>`);
  out.push('</g>');
  out.push(`<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="none" stroke="#9a9aa3" stroke-width="1"/>`);

  // Ticks and their labels.
  out.push('<g class="ticks" stroke="#9a9aa3" stroke-width="1">');
  for (const v of xt) out.push(`<line x1="${num(px(v))}" y1="${y1}" x2="${num(px(v))}" y2="${y1 + 5}"/>`);
  for (const v of yt) out.push(`<line x1="${x0 - 5}" y1="${num(py(v))}" x2="${x0}" y2="${num(py(v))}"/>`);
  out.push('</g>');
  out.push('<g class="tick-labels" fill="#4a4a55" font-size="13">');
  for (const v of xt) out.push(`<text x="${num(px(v))}" y="${y1 + 22}" text-anchor="middle">${tickLabel(v, xStep)}</text>`);
  for (const v of yt) out.push(`<text x="${x0 - 10}" y="${num(py(v) + 4.5)}" text-anchor="end">${tickLabel(v, yStep)}</text>`);
  out.push('</g>');

  // Axis labels and title.
  out.push(`<text class="axis-label" x="${(x0 + x1) / 2}" y="${H - 18}" text-anchor="middle" font-size="15" fill="#2a2a33">x</text>`);
  out.push(`<text class="axis-label" transform="translate(22 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle" font-size="15" fill="#2a2a33">f(x) and f′(x)</text>`);
  out.push(`<text class="title" x="${x0}" y="36" font-size="20" font-weight="600" fill="#1a1a22">${esc(title)}</text>`);
  out.push(`<text class="subtitle" x="${x0}" y="60" font-size="14" fill="#6a6a75">solid lines: f(x) · dashed lines: the derivative f′(x)</text>`);

  // The curves: derivatives first, so the functions are drawn over them.
  const colour = (i: number) => PALETTE[i % PALETTE.length];
  out.push('<g clip-path="url(#plot-area)" fill="none" stroke-linejoin="round" stroke-linecap="round">');
  series.forEach((s, i) => {
    out.push(`<path class="deriv" data-name="${esc(s.name)}" stroke="${colour(i)}" stroke-width="2" stroke-dasharray="7 5" stroke-linecap="butt" d="${pathData(s.x, s.dydx, px, py, x1 - x0)}"/>`);
  });
  series.forEach((s, i) => {
    out.push(`<path class="fn" data-name="${esc(s.name)}" stroke="${colour(i)}" stroke-width="2.75" d="${pathData(s.x, s.y, px, py, x1 - x0)}"/>`);
  });
  out.push('</g>');

  out.push(legend(series, colour, { x0, x1, y0, y1 }, px, py));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The legend: one row per series (solid and dashed swatch, label), in the emptiest corner. */
function legend(series: readonly ChartSeries[], colour: (i: number) => string, box: { x0: number; x1: number; y0: number; y1: number },
  px: (v: number) => number, py: (v: number) => number): string {
  const rowH = 22;
  const labels = series.map((s) => s.label ?? s.name);
  const width = 92 + 7.2 * Math.max(...labels.map((l) => l.length));
  const height = 12 + rowH * series.length;
  const pad = 12;
  const corners = [
    [box.x0 + pad, box.y0 + pad], [box.x1 - pad - width, box.y0 + pad],
    [box.x0 + pad, box.y1 - pad - height], [box.x1 - pad - width, box.y1 - pad - height],
  ];
  // The corner whose rectangle covers the fewest plotted points.
  const cover = corners.map(([lx, ly]) => {
    let c = 0;
    for (const s of series) {
      for (const ys of [s.y, s.dydx]) {
        for (let i = 0; i < s.x.length; i++) {
          const X = px(s.x[i]);
          const Y = py(ys[i]);
          if (X >= lx && X <= lx + width && Y >= ly && Y <= ly + height) c++;
        }
      }
    }
    return c;
  });
  const [lx, ly] = corners[cover.indexOf(Math.min(...cover))];
  const out = [`<g class="legend" transform="translate(${num(lx)} ${num(ly)})" font-size="14" fill="#2a2a33">`];
  out.push(`<rect width="${num(width)}" height="${height}" rx="6" fill="#ffffff" fill-opacity="0.92" stroke="#d0d0d8"/>`);
  series.forEach((s, i) => {
    const y = 6 + rowH * i + rowH / 2;
    out.push(`<g class="legend-entry" data-name="${esc(s.name)}">`);
    out.push(`<line x1="12" y1="${y}" x2="34" y2="${y}" stroke="${colour(i)}" stroke-width="2.75" stroke-linecap="round"/>`);
    out.push(`<line x1="44" y1="${y}" x2="70" y2="${y}" stroke="${colour(i)}" stroke-width="2" stroke-dasharray="7 5"/>`);
    out.push(`<text x="80" y="${y + 5}">${esc(labels[i])}</text>`);
    out.push('</g>');
  });
  out.push('</g>');
  return out.join('\n');
}
