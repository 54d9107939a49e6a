// `npm run accuracy`: every finite f32 input (all 2^32 bit patterns but NaN and ±∞) through
// every map and grad kernel (dy = 1) on every backend, against the float64 reference. Writes
// docs/accuracy.md: per kernel and backend the max ULP error, the input where it occurs, and the
// share of results that are exactly rounded. Results whose exact value is below 2^-126 are
// not counted (they may flush, as the README says); for gradients with an absolute clause the
// ULP figure leaves out results within 2^-23·|dy|, and the largest absolute error is given too.
//
//   node scripts/accuracy.mjs [--quick] [--kernels a,b] [--workers N] [--out FILE]
//   --quick: 2^20 inputs spread over the range plus every boundary, for CI.
//   --kernels: sweep only these, keeping the other kernels' rows already in the report. A kernel
//     written name:param=value[:param=value] is swept at those parameters, as a row of its own
//     (e.g. softplus:beta=2); other parameters stay at their defaults.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mergeRows, parseKey, parseReport } from './accuracy-report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHUNK = 1 << 20;
const TOTAL = 2 ** 32;

if (isMainThread) await main();
else await work();

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : process.argv[i + 1];
}

async function main() {
  const S = await import('../dist/node.mjs');
  await S.init();
  const quick = process.argv.includes('--quick');
  const sweepable = Object.keys(S.kernels).filter((k) => S.kernels[k].shape !== 'sum');
  let specs;
  try {
    specs = (arg('--kernels', null)?.split(',') ?? sweepable).map((key) => {
      const { kernel, params: p } = parseKey(key, S.kernels);
      if (!sweepable.includes(kernel)) throw new Error(`${kernel} sums over its inputs: the sweep takes ${sweepable.join(', ')}`);
      return { key, kernel, p };
    });
  } catch (e) {
    console.error(`accuracy: ${e.message}`);
    process.exit(2);
  }
  const keys = specs.map((s) => s.key);
  const backends = S.availableBackends();
  const nWorkers = Number(arg('--workers', os.cpus().length));
  const chunks = quick ? 1 : TOTAL / CHUNK;
  const started = Date.now();
  let done = 0;
  const stats = {};
  const merge = (part) => {
    for (const [key, s] of Object.entries(part)) {
      const t = (stats[key] ??= { maxUlp: 0, at: NaN, allUlp: 0, exact: 0, counted: 0, maxAbs: 0 });
      if (s.maxUlp > t.maxUlp) { t.maxUlp = s.maxUlp; t.at = s.at; }
      t.allUlp = Math.max(t.allUlp, s.allUlp);
      t.exact += s.exact; t.counted += s.counted; t.maxAbs = Math.max(t.maxAbs, s.maxAbs);
      t.identical ??= {};
      for (const [b, n] of Object.entries(s.identical)) t.identical[b] = (t.identical[b] ?? 0) + n;
    }
  };
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(nWorkers, chunks) }, () => new Promise((resolve, reject) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { specs, backends, quick } });
    const feed = () => (next < chunks ? w.postMessage(next++) : w.postMessage(-1));
    w.on('message', (m) => {
      if (m.ready) return feed();
      merge(m.stats);
      done++;
      const el = (Date.now() - started) / 1000;
      const eta = (el / done) * (chunks - done);
      const line = `accuracy: ${done}/${chunks} chunks (${((100 * done) / chunks).toFixed(1)}%), ${el.toFixed(0)} s, ETA ${eta.toFixed(0)} s`;
      process.stderr.write(process.stderr.isTTY ? `\r${line}` : done % 64 === 0 || done === chunks ? `${line}\n` : '');
      feed();
    });
    w.on('error', reject);
    w.on('exit', resolve);
  })));
  process.stderr.write('\n');
  const seconds = Math.round((Date.now() - started) / 1000);
  const { machine } = await import('../bench/lib.mjs');
  const out = arg('--out', join(root, quick ? 'docs/accuracy-quick.md' : 'docs/accuracy.md'));
  // A full sweep of every kernel takes hours on two cores, so it can be run in parts
  // (--kernels): rows and runs of kernels this run did not sweep are kept from the file.
  const kept = existsSync(out) ? parseReport(readFileSync(out, 'utf8')) : { rows: new Map(), runs: [] };
  let failed = false;
  const fresh = new Map();
  for (const { key: k, kernel } of specs) {
    const lines = [];
    for (const b of backends) {
      const s = stats[`${k}/${b}`];
      const bound = S.kernels[kernel].bound;
      const ok = s.maxUlp <= bound.ulp[b];
      if (!ok) failed = true;
      const grad = bound.absDy !== undefined;
      const twin = Object.keys(s.identical).find((t) => s.identical[t] === chunks) ?? '-';
      lines.push(`| ${k} | ${b} | ${s.maxUlp.toFixed(3)} | ${bound.ulp[b]} | ${Number.isNaN(s.at) ? '-' : s.at} | ` +
        `${grad ? s.allUlp.toFixed(3) : '-'} | ${grad ? `${s.maxAbs.toFixed(3)}·2^-23` : '-'} | ` +
        `${((100 * s.exact) / s.counted).toFixed(2)}% | ${s.counted.toLocaleString('en')} | ${twin} | ${ok ? 'yes' : '**NO**'} |`);
    }
    fresh.set(k, lines);
  }
  // An earlier run stays listed while some row it measured has not been measured again since.
  const later = new Set(keys);
  const runs = [];
  for (const r of [...kept.runs].reverse()) {
    if (r.kernels.some((k) => !later.has(k))) runs.unshift(r);
    for (const k of r.kernels) later.add(k);
  }
  const date = new Date().toISOString().slice(0, 10);
  runs.push({ kernels: keys, line: `- ${seconds} s on ${machine(S)}, ${date}: ${keys.join(', ')}` });
  const { lines: table, missing } = mergeRows(kept.rows, fresh, sweepable);
  const md = [
    '# Accuracy of every kernel, measured',
    '',
    quick
      ? `A quick sample (${CHUNK.toLocaleString('en')} inputs spread over every finite f32, plus the boundaries).`
      : 'Every finite f32 input (all 2^32 bit patterns except NaN and ±∞).',
    `Made by \`npm run accuracy${quick ? ' -- --quick' : ''}\` (${runs.length} run${runs.length > 1 ? 's' : ''}, ` +
      `${runs.reduce((t, r) => t + Number(r.line.match(/^- (\d+) s/)[1]), 0)} s in all; the machine and date of each under Runs).`,
    '',
    'Gradients are taken with dy = 1 (and β = 1 for swish). "max ULP" is in units in the last place of the exact',
    'result; results whose exact value is below 2^-126 are not counted (they may flush to zero). For gradients',
    'the contract is ULP **or** an absolute error of at most 2^-23·|dy|, whichever is larger: "max ULP" leaves out',
    'results within the absolute clause, "ULP, all" counts every result (near a root of the gradient no ULP',
    'bound can hold), and "max abs" is the largest absolute error over all results. A kernel that reads a kept',
    'output y is swept over its domain. "exact" is the share of counted results equal to the correctly',
    'rounded f32. "same bits as" names an earlier backend whose outputs were bit-identical on every input.',
    'Parameters are at their defaults, except in rows named kernel:param=value.',
    '',
    '| kernel | backend | max ULP | bound | at input | ULP, all | max abs | exact | counted | same bits as | within bound |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...table,
    '',
    ...(missing.length ? [`Not swept yet: ${missing.join(', ')}.`, ''] : []),
    '## Runs',
    '',
    ...runs.map((r) => r.line),
    '',
  ].join('\n');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, md);
  console.log(md);
  console.log(`written to ${out}`);
  if (failed) { console.error('accuracy: a kernel exceeds its bound'); process.exit(1); }
}

/** The inputs of chunk c: bit patterns c·2^20 … (c+1)·2^20 − 1, or for --quick a spread sample. */
function inputs(c, quick, S) {
  if (!quick) {
    const bits = new Uint32Array(CHUNK);
    for (let i = 0, b = c * CHUNK; i < CHUNK; i++) bits[i] = b + i;
    return new Float32Array(bits.buffer).filter(Number.isFinite);
  }
  return S.boundarySample(CHUNK);
}

/**
 * Statistics of one backend's outputs `got` against `ref` over inputs x. The exact ULP error
 * (ulpError, a log2 per call) is computed only where it could raise a maximum: d·2^24/|ref|
 * bounds it from above (the f32 spacing at ref exceeds |ref|·2^-24), so for almost every
 * element two multiplications and a comparison decide.
 */
function statsOf(S, x, got, ref, absDy) {
  const s = { maxUlp: 0, at: NaN, allUlp: 0, exact: 0, counted: 0, maxAbs: 0 };
  const MIN = 2 ** -126;
  for (let i = 0; i < x.length; i++) {
    const r = ref[i];
    const ar = Math.abs(r);
    if (!(ar >= MIN) || ar === Infinity) continue;
    s.counted++;
    const g = got[i];
    if (g === Math.fround(r)) s.exact++;
    const d = Math.abs(g - r);
    const over = d === d ? (d * 2 ** 24) / ar : Infinity; // >= the ULP error; NaN results: ∞
    if (over > s.allUlp) s.allUlp = Math.max(s.allUlp, S.ulpError(g, r));
    if (absDy !== undefined) {
      if (d / 2 ** -23 > s.maxAbs) s.maxAbs = d / 2 ** -23;
      if (d <= absDy) continue;
    }
    if (over > s.maxUlp) {
      const e = S.ulpError(g, r);
      if (e > s.maxUlp) { s.maxUlp = e; s.at = x[i]; }
    }
  }
  return s;
}

/** Whether two Float32Arrays hold the same bits (NaN payloads included). */
function sameBits(p, q) {
  const a = new Int32Array(p.buffer, p.byteOffset, p.length);
  const b = new Int32Array(q.buffer, q.byteOffset, q.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A loop filling ref[i] = reference(x[i]) of its own per kernel: one shared loop would call 30
 * different references from one site, which V8 cannot inline (2.3× slower, measured).
 */
const referenceLoops = new Map();
function referenceLoop(k, kr) {
  if (!referenceLoops.has(k)) {
    const call = kr.shape === 'map' ? 'f(x[i], p)' : 'f(x[i], 1, p)';
    referenceLoops.set(k, new Function('ref', 'x', 'f', 'p', `for (let i = 0; i < x.length; i++) ref[i] = ${call};`));
  }
  return referenceLoops.get(k);
}

async function work() {
  const S = await import('../dist/node.mjs');
  await S.init();
  const { specs, backends, quick } = workerData;
  let outs;
  parentPort.postMessage({ ready: true });
  parentPort.on('message', (c) => {
    if (c < 0) return process.exit(0);
    const all = inputs(c, quick, S);
    const ones = new Float32Array(all.length).fill(1);
    // One output array per backend, kept across kernels and chunks: a fresh 4 MB array per call
    // cost 12 ms of page faults here, more than the kernels themselves.
    if (!outs || outs[0].length < all.length) outs = backends.map(() => new Float32Array(all.length));
    const ref = new Float64Array(all.length);
    const stats = {};
    for (const { key: k, kernel, p } of specs) {
      const kr = S.kernels[kernel];
      const x = kr.domain ? all.filter((v) => v >= kr.domain[0] && v <= kr.domain[1]) : all;
      referenceLoop(kernel, kr)(ref, x, kr.reference, p);
      const outputs = [];
      for (const [j, b] of backends.entries()) {
        S.setBackend(b);
        const out = outs[j].subarray(0, x.length);
        const got = kr.shape === 'map' ? S[kernel](x, out, ...p) : S[kernel](x, ones.subarray(0, x.length), out, ...p);
        // A backend whose outputs are bit-identical to an earlier one's has its statistics too
        // (simd and wasm run the same algorithm without FMA): counted, not recomputed.
        // Every earlier backend with the same bits is recorded, not just the first: with three
        // WebAssembly builds, relaxed and wasm can agree on a chunk (e.g. where every result is 0
        // or 1) while wasm and simd agree on all of them.
        const twins = outputs.filter((o) => sameBits(o.got, got));
        const s = twins.length ? { ...stats[`${k}/${twins[0].b}`] } : statsOf(S, x, got, ref, kr.bound.absDy);
        s.identical = Object.fromEntries(twins.map((t) => [t.b, 1]));
        stats[`${k}/${b}`] = s;
        outputs.push({ b, got });
      }
    }
    parentPort.postMessage({ stats });
  });
}
