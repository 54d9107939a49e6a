// Small SVG charts for the demo page, no dependencies: a line chart with axes, grid, labels and
// a hover read-out, and a grouped bar chart. Both draw at the SVG's on-screen size (so text is
// never scaled) and are redrawn by the caller on resize.

const NS = 'http://www.w3.org/2000/svg';

export function el(name, attrs = {}, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

function clear(svg) {
  while (svg.firstChild) svg.firstChild.remove();
}

/** Tick values covering [lo, hi] with a 1-2-2.5-5 step, about `count` of them. */
export function niceTicks(lo, hi, count = 6) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.ceil(lo / step - 1e-9) * step;
  const ticks = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/** A tick label: at most 4 significant digits, no trailing zeros, a real minus sign. */
export function fmtTick(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(4)));
  return s.replace('-', '−');
}

/** [lo, hi] padded by 8%, never empty, always including 0 when it is near. */
function domainOf(values, include0 = true) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [-1, 1];
  if (include0) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.08;
  return [lo - (lo < 0 ? pad : 0), hi + pad];
}

/**
 * Draws series [{ name, color, x: Float32Array, y: Float32Array, breaks?: number[] }] into `svg`.
 * `breaks` are x values where the curve is not continuous (kinks of a derivative): the line is
 * not drawn across them. Returns nothing; hover shows a read-out in `tooltip` (an HTML element).
 */
export function lineChart(svg, { series, xDomain, xLabel = 'x', yLabel = 'y', tooltip, digits = 4 }) {
  clear(svg);
  const W = svg.clientWidth || 460;
  const H = svg.clientHeight || 258;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const m = { l: 50, r: 12, t: 10, b: 38 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const [x0, x1] = xDomain;
  const [y0, y1] = domainOf(series.flatMap((s) => Array.from(s.y)));
  const sx = (x) => m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y) => m.t + (1 - (y - y0) / (y1 - y0)) * ph;

  const grid = el('g', { class: 'grid' }, svg);
  const xt = niceTicks(x0, x1, Math.max(4, Math.round(pw / 70)));
  const yt = niceTicks(y0, y1, Math.max(3, Math.round(ph / 45)));
  for (const t of xt) {
    el('line', { x1: sx(t), x2: sx(t), y1: m.t, y2: m.t + ph }, grid);
    el('text', { x: sx(t), y: m.t + ph + 15, 'text-anchor': 'middle' }, svg).textContent = fmtTick(t);
  }
  for (const t of yt) {
    el('line', { x1: m.l, x2: m.l + pw, y1: sy(t), y2: sy(t) }, grid);
    el('text', { x: m.l - 7, y: sy(t) + 3.5, 'text-anchor': 'end' }, svg).textContent = fmtTick(t);
  }
  if (y0 < 0 && y1 > 0) el('line', { class: 'zero', x1: m.l, x2: m.l + pw, y1: sy(0), y2: sy(0) }, svg);
  if (x0 < 0 && x1 > 0) el('line', { class: 'zero', x1: sx(0), x2: sx(0), y1: m.t, y2: m.t + ph }, svg);
  el('rect', { class: 'frame', x: m.l, y: m.t, width: pw, height: ph }, svg);
  el('text', { class: 'axis-label', x: m.l + pw / 2, y: H - 4, 'text-anchor': 'middle' }, svg).textContent = xLabel;
  el('text', { class: 'axis-label', transform: `translate(13 ${m.t + ph / 2}) rotate(-90)`, 'text-anchor': 'middle' }, svg).textContent = yLabel;

  const clipId = `clip-${svg.id}`;
  el('rect', { x: m.l, y: m.t, width: pw, height: ph }, el('clipPath', { id: clipId }, el('defs', {}, svg)));
  const curves = el('g', { 'clip-path': `url(#${clipId})` }, svg);
  for (const s of series) {
    let d = '';
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i];
      if (!Number.isFinite(y)) {
        pen = false;
        continue;
      }
      const crosses = i > 0 && (s.breaks ?? []).some((b) => s.x[i - 1] <= b && s.x[i] >= b);
      d += `${pen && !crosses ? 'L' : 'M'}${sx(s.x[i]).toFixed(2)} ${sy(y).toFixed(2)}`;
      pen = true;
    }
    el('path', { class: 'curve', d, stroke: s.color, 'data-series': s.name }, curves);
  }

  // Hover read-out: a vertical line, a dot per series and the values at the nearest sample.
  const cross = el('line', { class: 'cross', y1: m.t, y2: m.t + ph, visibility: 'hidden' }, svg);
  const dots = series.map((s) => el('circle', { r: 3.5, fill: s.color, stroke: '#fff', 'stroke-width': 1.5, visibility: 'hidden' }, svg));
  const hit = el('rect', { x: m.l, y: m.t, width: pw, height: ph, fill: 'transparent' }, svg);
  const hide = () => {
    cross.setAttribute('visibility', 'hidden');
    dots.forEach((c) => c.setAttribute('visibility', 'hidden'));
    if (tooltip) tooltip.hidden = true;
  };
  hit.addEventListener('pointerleave', hide);
  hit.addEventListener('pointermove', (ev) => {
    if (!series.length) return;
    const box = svg.getBoundingClientRect();
    const px = ((ev.clientX - box.left) / box.width) * W;
    const xs = series[0].x;
    const i = Math.max(0, Math.min(xs.length - 1, Math.round(((px - m.l) / pw) * (xs.length - 1))));
    const X = sx(xs[i]);
    cross.setAttribute('x1', X);
    cross.setAttribute('x2', X);
    cross.setAttribute('visibility', 'visible');
    series.forEach((s, j) => {
      const ok = Number.isFinite(s.y[i]) && s.y[i] >= y0 && s.y[i] <= y1;
      dots[j].setAttribute('cx', X);
      dots[j].setAttribute('cy', ok ? sy(s.y[i]) : -99);
      dots[j].setAttribute('visibility', ok ? 'visible' : 'hidden');
    });
    if (tooltip) {
      tooltip.innerHTML = `<div class="row">x<b>${xs[i].toFixed(3)}</b></div>` + series.map((s) =>
        `<div class="row"><i style="background:${s.color}"></i>${s.name}<b>${Number(s.y[i].toPrecision(digits))}</b></div>`).join('');
      tooltip.hidden = false;
      const left = (X / W) * box.width;
      tooltip.style.left = `${left + (left > box.width * 0.6 ? -tooltip.offsetWidth - 12 : 12)}px`;
      tooltip.style.top = `${m.t + 20}px`;
    }
  });
}

/**
 * Grouped bars: `groups` (labels along x), `series` [{ key, name, color }], and
 * `value(groupIndex, key)` → number or undefined. `note(groupIndex, key)` → a label above a bar.
 */
export function barChart(svg, { groups, series, value, label, note, yLabel, placeholder }) {
  clear(svg);
  const W = svg.clientWidth || 520;
  const H = svg.clientHeight || 258;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const m = { l: 50, r: 10, t: 24, b: 40 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const values = groups.flatMap((_, g) => series.map((s) => value(g, s.key))).filter((v) => Number.isFinite(v));
  const top = values.length ? Math.max(...values) * 1.12 : 1;
  const yt = niceTicks(0, top, Math.max(3, Math.round(ph / 45)));
  const y1 = Math.max(top, yt[yt.length - 1]);
  const sy = (v) => m.t + (1 - v / y1) * ph;

  const grid = el('g', { class: 'grid' }, svg);
  for (const t of yt) {
    el('line', { x1: m.l, x2: m.l + pw, y1: sy(t), y2: sy(t) }, grid);
    el('text', { x: m.l - 7, y: sy(t) + 3.5, 'text-anchor': 'end' }, svg).textContent = fmtTick(t);
  }
  el('line', { class: 'zero', x1: m.l, x2: m.l + pw, y1: sy(0), y2: sy(0) }, svg);
  el('text', { class: 'axis-label', transform: `translate(13 ${m.t + ph / 2}) rotate(-90)`, 'text-anchor': 'middle' }, svg).textContent = yLabel;

  // Legend, top right.
  let lx = m.l + pw;
  for (const s of [...series].reverse()) {
    const t = el('text', { x: lx, y: 11, 'text-anchor': 'end', class: 'axis-label' }, svg);
    t.textContent = s.name;
    const w = t.getComputedTextLength ? t.getComputedTextLength() : s.name.length * 7;
    el('rect', { x: lx - w - 14, y: 2, width: 10, height: 10, rx: 2, fill: s.color }, svg);
    lx -= w + 26;
  }

  if (!values.length) {
    el('text', { class: 'placeholder', x: m.l + pw / 2, y: m.t + ph / 2, 'text-anchor': 'middle' }, svg).textContent = placeholder ?? '';
  }
  const gw = pw / Math.max(1, groups.length);
  const bw = Math.min(46, (gw * 0.72) / series.length);
  groups.forEach((gLabel, g) => {
    const cx = m.l + gw * (g + 0.5);
    el('text', { x: cx, y: m.t + ph + 16, 'text-anchor': 'middle', class: 'axis-label' }, svg).textContent = gLabel;
    series.forEach((s, j) => {
      const v = value(g, s.key);
      if (!Number.isFinite(v)) return;
      const x = cx + (j - series.length / 2) * bw;
      el('rect', {
        class: 'bar', x: x + 1, y: sy(v), width: bw - 2, height: Math.max(0.5, sy(0) - sy(v)), rx: 2, fill: s.color,
        'data-backend': s.key, 'data-group': g, 'data-value': v,
      }, svg);
      el('text', { class: 'bar-label', x: x + bw / 2, y: sy(v) - 4, 'text-anchor': 'middle' }, svg).textContent = label(v);
      const n = note?.(g, s.key);
      if (n) el('text', { class: 'speedup', x: x + bw / 2, y: sy(v) - 17, 'text-anchor': 'middle' }, svg).textContent = n;
    });
  });
  el('text', { x: m.l + pw / 2, y: H - 4, 'text-anchor': 'middle' }, svg).textContent = 'array length (elements)';
}
