// The demo page: every activation of the registry plotted with its derivative (computed by the
// package itself, on the best backend), and a live benchmark of JS vs WASM vs WASM-SIMD (vs
// WASM relaxed SIMD where the browser has it).
// Everything is local: the package's self-contained browser bundle embeds its WebAssembly.
// Served by `npm run demo:web`. URL parameters: ?act=swish,relu (activations shown),
// ?kernel=swishBackward, ?preset=quick|standard|thorough, ?autorun (start the benchmark at once).
import * as S from '../dist/browser/swish-wasm.js';
import { PRESETS, runBenchmark } from './bench.js';
import { barChart, lineChart } from './plot.js';

const $ = (sel) => document.querySelector(sel);
const PALETTE = ['#1d4ed8', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#882255', '#44aa99', '#999933', '#332288'];
const BACKEND_NAMES = { relaxed: 'WASM relaxed SIMD', simd: 'WASM-SIMD', wasm: 'WASM', js: 'JS' };
const BACKEND_COLORS = { js: '#94a3b8', wasm: '#60a5fa', simd: '#1d4ed8', relaxed: '#1e1b4b' };
const GREEK = { beta: 'β', alpha: 'α', gamma: 'γ', lambda: 'λ', a: 'a' };
const DEFAULT_ON = ['swish', 'sigmoid', 'tanh', 'leakyRelu'];
const params = new URLSearchParams(location.search);

const state = {
  on: new Set(),
  values: {}, // activation name → { param name → value }
  range: [-6, 6],
  bench: null, // { kernel, zeroCopy, results }
  running: false,
};

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const sizeLabel = (n) => (n >= 1048576 ? `${n / 1048576}M` : n >= 1024 ? `${n / 1024}K` : String(n));
const fmtNs = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const color = (name) => PALETTE[S.activations.findIndex((a) => a.name === name) % PALETTE.length];
const paramSpec = (act) => S.kernels[act.forward].params;
const paramText = (act) => paramSpec(act).map((p) => `${GREEK[p.name] ?? p.name}=${state.values[act.name][p.name]}`).join(' ');

function setStatus(level, text) {
  const s = $('#status');
  s.dataset.level = level;
  $('#status-text').textContent = text;
}

// ---- Activations and parameters -------------------------------------------------------------

function buildActivationList() {
  const ul = $('#acts');
  ul.innerHTML = '';
  const preselected = (params.get('act') ?? '').split(',').filter(Boolean);
  for (const act of S.activations) {
    state.values[act.name] = Object.fromEntries(paramSpec(act).map((p) => [p.name, p.default]));
    const on = preselected.length ? preselected.includes(act.name) : DEFAULT_ON.includes(act.name);
    if (on) state.on.add(act.name);
    const li = document.createElement('li');
    li.dataset.act = act.name;
    li.dataset.on = String(on);
    li.title = `${act.doc}\n${S.kernels[act.forward].formula}`;
    li.innerHTML = `<label class="name"><input type="checkbox" ${on ? 'checked' : ''}>`
      + `<span class="swatch" style="background:${color(act.name)}"></span><span class="label">${esc(act.name)}</span></label>`
      + paramSpec(act).map((p) => `<label class="param" title="${esc(p.doc ?? p.name)}">${esc(GREEK[p.name] ?? p.name)}`
        + `<input type="number" data-param="${esc(p.name)}" value="${p.default}" step="${Math.abs(p.default) < 0.1 ? 0.01 : 0.05}"`
        + `${p.positive ? ' min="0"' : ''} aria-label="${esc(act.name)} ${esc(p.name)}"></label>`).join('');
    li.querySelector('input[type="checkbox"]').addEventListener('change', (e) => {
      if (e.target.checked) state.on.add(act.name);
      else state.on.delete(act.name);
      li.dataset.on = String(e.target.checked);
      drawPlots();
    });
    for (const input of li.querySelectorAll('input[data-param]')) {
      input.addEventListener('input', () => {
        const v = Number(input.value);
        const spec = paramSpec(act).find((p) => p.name === input.dataset.param);
        const ok = input.value.trim() !== '' && Number.isFinite(v) && Number.isFinite(Math.fround(v)) && !(spec.positive && !(v > 0));
        input.setAttribute('aria-invalid', String(!ok));
        if (!ok) return;
        state.values[act.name][spec.name] = v;
        drawPlots();
      });
    }
    ul.appendChild(li);
  }
  for (const id of ['#x-from', '#x-to']) {
    $(id).addEventListener('input', () => {
      const lo = Number($('#x-from').value);
      const hi = Number($('#x-to').value);
      const ok = Number.isFinite(lo) && Number.isFinite(hi) && lo < hi && hi - lo <= 1e6;
      $('#x-from').setAttribute('aria-invalid', String(!ok));
      $('#x-to').setAttribute('aria-invalid', String(!ok));
      if (!ok) return;
      state.range = [lo, hi];
      drawPlots();
    });
  }
}

// ---- Plots ----------------------------------------------------------------------------------

const tooltips = {};
function tooltipFor(svg) {
  if (!tooltips[svg.id]) {
    const t = document.createElement('div');
    t.className = 'tooltip';
    t.hidden = true;
    svg.parentElement.appendChild(t);
    tooltips[svg.id] = t;
  }
  return tooltips[svg.id];
}

/** f and f′ of every selected activation, by the package's own kernels (dy = 1 for f′). */
function drawPlots() {
  const [x0, x1] = state.range;
  const N = 601;
  const x = Float32Array.from({ length: N }, (_, i) => x0 + ((x1 - x0) * i) / (N - 1));
  const ones = new Float32Array(N).fill(1);
  const f = [];
  const df = [];
  const errors = [];
  for (const act of S.activations) {
    if (!state.on.has(act.name)) continue;
    const values = state.values[act.name];
    const args = (k) => S.kernels[k].params.map((p) => values[p.name] ?? p.default);
    try {
      const y = S[act.forward](x, undefined, ...args(act.forward));
      const dy = S[act.backward](x, ones, undefined, ...args(act.backward));
      const full = paramSpec(act).map((p) => values[p.name]);
      const name = act.name;
      f.push({ name, color: color(name), x, y });
      df.push({ name, color: color(name), x, y: dy, breaks: act.kinks?.(full) ?? [] });
    } catch (e) {
      errors.push(`${act.name}: ${e.message}`);
    }
  }
  const err = $('#plot-error');
  err.hidden = !errors.length;
  err.textContent = errors.join('\n');
  lineChart($('#plot-f'), { series: f, xDomain: [x0, x1], yLabel: 'f(x)', tooltip: tooltipFor($('#plot-f')) });
  lineChart($('#plot-df'), { series: df, xDomain: [x0, x1], yLabel: 'f′(x)', tooltip: tooltipFor($('#plot-df')) });
  $('#legend').innerHTML = S.activations.filter((a) => state.on.has(a.name)).map((a) =>
    `<li data-act="${esc(a.name)}"><span class="line" style="background:${color(a.name)}"></span><code>${esc(a.name)}</code>`
    + `${paramSpec(a).length ? ` <span class="params">${esc(paramText(a))}</span>` : ''}</li>`).join('');
}

// ---- Environment ----------------------------------------------------------------------------

function showEnvironment() {
  const hasWasm = typeof WebAssembly === 'object' && WebAssembly !== null;
  const simd = S.simdSupported();
  const b = S.backend();
  const available = S.availableBackends();
  const yes = (v) => `<span class="${v ? 'yes' : 'no'}">${v ? 'Yes' : 'No'}</span>`;
  const rows = [
    ['WebAssembly', yes(hasWasm), 'wasm'],
    ['SIMD', yes(simd), 'simd'],
    ['Relaxed SIMD', yes(S.relaxedSimdSupported()), 'relaxed'],
    ['Backend in use', `${BACKEND_NAMES[b]}<small>backend() = '${b}'</small>`, 'backend'],
    ['Available', ['relaxed', 'simd', 'wasm', 'js'].map((k) => `<span class="pill${available.includes(k) ? ' on' : ''}">${BACKEND_NAMES[k]}</span>`).join(''), 'available'],
    ['CPU threads', String(navigator.hardwareConcurrency ?? 'unknown'), 'threads'],
    ['Timer', globalThis.crossOriginIsolated ? '5 µs<small>cross-origin isolated</small>' : '100 µs<small>not cross-origin isolated</small>', 'timer'],
    ['User agent', esc(navigator.userAgent), 'ua'],
  ];
  $('#env').innerHTML = rows.map(([k, v, id]) => `<dt>${k}</dt><dd data-env="${id}"${id === 'ua' ? ' class="ua"' : ''}>${v}</dd>`).join('');
  if (b === 'relaxed') setStatus('good', 'Running on WebAssembly SIMD (relaxed SIMD: fused multiply-add where the CPU has it)');
  else if (b === 'simd') setStatus('good', 'Running on WebAssembly SIMD');
  else if (b === 'wasm') setStatus('warn', 'Scalar WebAssembly (no SIMD here)');
  else setStatus('bad', hasWasm ? 'Pure JS (WebAssembly unavailable)' : 'Pure JS (no WebAssembly here)');
}

// ---- Benchmark ------------------------------------------------------------------------------

function buildBenchControls() {
  const sel = $('#bench-kernel');
  sel.innerHTML = S.activations.map((a) => {
    const ks = [[a.forward, 'forward'], [a.backward, 'backward'], [a.backwardFromOutput, 'backward from y'], [a.paramGrad, 'param gradient']]
      .filter(([k]) => k);
    return `<optgroup label="${esc(a.name)}">${ks.map(([k, what]) => `<option value="${esc(k)}">${esc(k)} · ${what}</option>`).join('')}</optgroup>`;
  }).join('');
  const wanted = params.get('kernel');
  sel.value = wanted && S.kernels[wanted] ? wanted : S.kernels.swish ? 'swish' : S.activations[0].forward;
  const preset = params.get('preset');
  if (preset && PRESETS[preset]) $('#bench-preset').value = preset;
  if (!S.availableBackends().includes('wasm')) $('#bench-memory').disabled = true;
  $('#bench-form').addEventListener('submit', (e) => {
    e.preventDefault();
    bench();
  });
}

async function bench() {
  const kernel = $('#bench-kernel').value;
  const preset = $('#bench-preset').value;
  const zeroCopy = $('#bench-memory').value === 'zero';
  const button = $('#bench-run');
  const progress = $('#bench-progress');
  button.disabled = true;
  button.textContent = 'Running…';
  progress.hidden = false;
  document.body.dataset.bench = 'running';
  state.bench = null;
  state.running = true;
  drawBench();
  let outcome = 'done';
  try {
    const results = await runBenchmark(S, {
      kernel,
      preset,
      zeroCopy,
      onResults(partial) {
        state.bench = { kernel, zeroCopy, results: partial };
        drawBench();
      },
      onProgress(done, total, now) {
        progress.querySelector('.bar').style.width = `${(100 * done) / total}%`;
        progress.querySelector('.label').textContent = !now ? 'Done'
          : now.backend ? `${sizeLabel(now.size)} elements: warming up ${BACKEND_NAMES[now.backend]}`
            : `${sizeLabel(now.size)} elements: ${now.what}`;
      },
    });
    state.bench = { kernel, zeroCopy, results };
  } catch (e) {
    outcome = 'error';
    console.warn('benchmark failed:', e);
    $('#bench-note').textContent = `The benchmark failed: ${e.message}`;
  } finally {
    state.running = false;
    button.disabled = false;
    button.textContent = 'Run again';
    progress.hidden = true;
    if (outcome === 'done') drawBench();
    document.body.dataset.bench = outcome;
  }
}

function drawBench() {
  const backends = ['js', 'wasm', 'simd', 'relaxed'].filter((b) => S.availableBackends().includes(b));
  const r = state.bench?.results ?? [];
  const sizes = state.running || !r.length ? PRESETS[$('#bench-preset').value].sizes : [...new Set(r.map((x) => x.size))];
  const get = (size, b) => r.find((x) => x.size === size && x.backend === b)?.ns;
  const speedup = (size, b) => {
    const js = get(size, 'js');
    const v = get(size, b);
    return b !== 'js' && js && v ? js / v : undefined;
  };
  barChart($('#bench-chart'), {
    groups: sizes.map(sizeLabel),
    series: backends.map((b) => ({ key: b, name: BACKEND_NAMES[b], color: BACKEND_COLORS[b] })),
    value: (g, b) => get(sizes[g], b),
    label: fmtNs,
    note: (g, b) => (b === backends[backends.length - 1] && speedup(sizes[g], b) ? `${speedup(sizes[g], b).toFixed(1)}×` : ''),
    yLabel: 'ns per element',
    placeholder: state.running ? '' : 'Press “Run benchmark” to measure this browser',
  });
  const table = $('#bench-table');
  table.tHead.innerHTML = `<tr><th>Length</th>${backends.map((b) => `<th><span class="sw" style="background:${BACKEND_COLORS[b]}"></span>${BACKEND_NAMES[b]}</th>`).join('')}</tr>`;
  table.tBodies[0].innerHTML = sizes.map((size) => `<tr data-size="${size}"><td>${sizeLabel(size)}</td>`
    + backends.map((b) => {
      const v = get(size, b);
      if (v === undefined) return '<td>–</td>';
      const s = speedup(size, b);
      return `<td data-backend="${b}" data-ns="${v}">${fmtNs(v)}<span class="unit">ns</span>`
        + `${s === undefined ? '' : `<span class="speed" data-speedup="${s}" title="JS time ÷ ${BACKEND_NAMES[b]} time">${s.toFixed(1)}×</span>`}</td>`;
    }).join('') + '</tr>').join('');
  const fastest = backends[backends.length - 1];
  const largest = sizes[sizes.length - 1];
  const sum = $('#bench-summary');
  sum.hidden = !(state.bench && !state.running && fastest !== 'js' && speedup(largest, fastest));
  if (!sum.hidden) {
    sum.innerHTML = `On this device, <b>${BACKEND_NAMES[fastest]}</b> runs <code>${esc(state.bench.kernel)}</code> `
      + `<b>${speedup(largest, fastest).toFixed(1)}× faster</b> than the JS fallback at ${sizeLabel(largest)} elements `
      + `(${fmtNs(get(largest, fastest))} vs ${fmtNs(get(largest, 'js'))} ns per element).`;
  }
  if (state.bench) {
    $('#bench-note').textContent = `${state.bench.kernel}, ${state.bench.zeroCopy ? 'arrays in WebAssembly memory (zero-copy)' : 'plain Float32Arrays (copied in and out)'}: `
      + 'median time per element over repeated runs (lower is better); × is the speed-up over the pure-JS fallback.';
  }
}

// ---- Start ----------------------------------------------------------------------------------

let frame = 0;
function redrawSoon() {
  cancelAnimationFrame(frame);
  frame = requestAnimationFrame(() => {
    drawPlots();
    drawBench();
  });
}

async function main() {
  try {
    const best = await S.init();
    // The page compares backends: load every build this browser can run (the bundle fetches each
    // on demand), then select the best again.
    for (const b of ['relaxed', 'simd', 'wasm']) {
      if (/^not loaded/.test(S.backendInfo()[b].reason ?? '')) await S.init(b);
    }
    S.setBackend(best);
  } catch (e) {
    setStatus('bad', `init failed: ${e.message}`);
  }
  showEnvironment();
  buildActivationList();
  buildBenchControls();
  drawPlots();
  drawBench();
  new ResizeObserver(redrawSoon).observe($('.content'));
  document.body.dataset.state = 'ready';
  document.body.dataset.bench = 'idle';
  if (params.has('autorun')) await bench();
}

main().catch((e) => {
  setStatus('bad', `Error: ${e.message}`);
  document.body.dataset.state = 'error';
  throw e;
});
