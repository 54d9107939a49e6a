// The demo's benchmark: one kernel on each available backend (js, wasm, simd, relaxed) at a few array
// lengths, in the visitor's browser. Each backend warms up (letting the JIT settle), then the
// backends take turns at repeated samples, each long enough for the timer's resolution (100 µs in
// ordinary pages, 5 µs when cross-origin isolated); the median time per element is reported.

export const PRESETS = {
  quick: { sizes: [1024, 16384, 262144], samples: 5, sampleMs: 3, warmMs: 10 },
  standard: { sizes: [1024, 16384, 262144], samples: 11, sampleMs: 10, warmMs: 40 },
  thorough: { sizes: [1024, 16384, 262144, 1048576], samples: 21, sampleMs: 25, warmMs: 80 },
};

const tick = () => new Promise((r) => setTimeout(r, 0));
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/** Deterministic inputs in [lo, hi) (no subnormal results, which are slow on x86 in every backend). */
function fill(a, lo, hi, seed) {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + ((hi - lo) * s) / 4294967296;
  }
}

/** The inputs kernel k is meant for: a kept output y lies in its `domain`, x in [−8, 8]. */
function inputRange(kr) {
  return kr.domain ?? [-8, 8];
}

/**
 * Sets up kernel `k` on backend `b` at length n: `run(reps)` times reps calls in ms; `free()`
 * releases the arrays. `zeroCopy`: arrays in WebAssembly memory (allocate) instead of plain
 * Float32Arrays that the wasm backends copy in and out.
 */
function setup(S, k, b, n, zeroCopy) {
  S.setBackend(b);
  const kr = S.kernels[k];
  const fn = S[k];
  const params = kr.params.map((p) => p.default);
  const held = [];
  const make = () => {
    if (zeroCopy && b !== 'js') {
      const w = S.allocate(n);
      held.push(w);
      return w;
    }
    return { array: new Float32Array(n) };
  };
  const X = make();
  const D = make();
  const O = make();
  // Read the views only after every allocation: growing the memory detaches earlier views.
  const x = X.array;
  const dy = D.array;
  const out = O.array;
  const [lo, hi] = inputRange(kr);
  fill(x, lo, hi, n + 1);
  fill(dy, -1, 1, n + 2);
  let sink = 0;
  const once = kr.shape === 'map' ? () => fn(x, out, ...params)
    : kr.shape === 'grad' ? () => fn(x, dy, out, ...params)
      : () => { sink += fn(x, dy, ...params); };
  return {
    backend: b,
    run(reps) {
      S.setBackend(b);
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) once();
      return performance.now() - t0;
    },
    free() {
      for (const w of held) w.free();
      return sink;
    },
  };
}

/** Warms `m` up while finding how many repetitions fill one sample. */
function calibrate(m, preset) {
  let reps = 1;
  let spent = 0;
  for (;;) {
    const t = m.run(reps);
    spent += t;
    if (t >= preset.sampleMs / 2 && spent >= preset.warmMs) return Math.max(1, Math.ceil((reps * preset.sampleMs) / t));
    if (t < preset.sampleMs / 2) reps *= 2;
    if (spent > 2000) return reps; // a very slow device: take what we have
  }
}

/**
 * Runs the benchmark and resolves to [{ backend, size, ns, min, samples }]. At each size the
 * backends' samples are interleaved (js, wasm, simd, js, …), so that anything else the machine
 * does slows them alike. `onProgress(done, total, { backend, size, what })` reports progress,
 * `onResults(resultsSoFar)` each finished size. The backend in use is restored.
 */
export async function runBenchmark(S, { kernel, preset = 'standard', zeroCopy = false, onProgress, onResults }) {
  const p = PRESETS[preset] ?? PRESETS.standard;
  const order = ['js', 'wasm', 'simd', 'relaxed'].filter((b) => S.availableBackends().includes(b));
  const before = S.backend();
  const results = [];
  const total = p.sizes.length * (order.length + p.samples);
  let done = 0;
  try {
    for (const size of p.sizes) {
      const ms = order.map((b) => setup(S, kernel, b, size, zeroCopy));
      try {
        const reps = [];
        for (const m of ms) {
          onProgress?.(done++, total, { backend: m.backend, size, what: 'warming up' });
          await tick();
          reps.push(calibrate(m, p));
        }
        const ns = ms.map(() => []);
        for (let i = 0; i < p.samples; i++) {
          onProgress?.(done++, total, { backend: null, size, what: `sample ${i + 1} of ${p.samples}` });
          await tick();
          ms.forEach((m, j) => ns[j].push((m.run(reps[j]) * 1e6) / (reps[j] * size)));
        }
        ms.forEach((m, j) => results.push({ backend: m.backend, size, ns: median(ns[j]), min: Math.min(...ns[j]), samples: ns[j].length, reps: reps[j] }));
        onResults?.([...results]);
      } finally {
        for (const m of ms) m.free();
      }
    }
    onProgress?.(total, total, null);
  } finally {
    S.setBackend(before);
  }
  return results;
}
