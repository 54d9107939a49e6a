// `npm run accuracy`: every finite f32 input (all 2^32 bit patterns but NaN and ±∞) through
// every map and grad kernel (dy = 1) on every backend, against the float64 reference. Writes
// docs/accuracy.md: per kernel and backend the max ULP error, the input where it occurs, and the
// share of results that are exactly rounded. Results whose exact value is below 2^-126 are
// not counted (they may flush, as the README says); for gradients with an absolute clause the
// ULP figure leaves out results within 2^-23·|dy|, and the largest absolute error is given too.
//
//   node scripts/accuracy.mjs [--quick] [--kernels a,b] [--workers N]
//   --quick: 2^20 inputs spread over the range plus every boundary, for CI.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

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
  const S = await import('../dist/esm/index.js');
  await S.init();
  const quick = process.argv.includes('--quick');
  const only = arg('--kernels', null)?.split(',');
  const kernels = Object.entries(S.kernels).filter(([k, kr]) => kr.shape !== 'sum' && (!only || only.includes(k))).map(([k]) => k);
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
    }
  };
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(nWorkers, chunks) }, () => new Promise((resolve, reject) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { kernels, backends, quick } });
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
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const rows = [];
  let failed = false;
  for (const k of kernels) {
    for (const b of backends) {
      const s = stats[`${k}/${b}`];
      const bound = S.kernels[k].bound;
      const ok = s.maxUlp <= bound.ulp[b];
      if (!ok) failed = true;
      const grad = bound.absDy !== undefined;
      rows.push(`| ${k} | ${b} | ${s.maxUlp.toFixed(3)} | ${bound.ulp[b]} | ${Number.isNaN(s.at) ? '-' : s.at} | ` +
        `${grad ? s.allUlp.toFixed(3) : '-'} | ${grad ? `${s.maxAbs.toFixed(3)}·2^-23` : '-'} | ` +
        `${((100 * s.exact) / s.counted).toFixed(2)}% | ${s.counted.toLocaleString('en')} | ${ok ? 'yes' : '**NO**'} |`);
    }
  }
  const { machine } = await import('../bench/lib.mjs');
  const md = [
    '# Accuracy of every kernel, measured',
    '',
    quick
      ? `A quick sample (${CHUNK.toLocaleString('en')} inputs spread over every finite f32, plus the boundaries).`
      : 'Every finite f32 input (all 2^32 bit patterns except NaN and ±∞).',
    `Made by \`npm run accuracy${quick ? ' -- --quick' : ''}\` in ${seconds} s on ${machine(S)}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    'Gradients are taken with dy = 1 (and β = 1 for swish). "max ULP" is in units in the last place of the exact',
    'result; results whose exact value is below 2^-126 are not counted (they may flush to zero). For gradients',
    'the contract is ULP **or** an absolute error of at most 2^-23·|dy|, whichever is larger: "max ULP" leaves out',
    'results within the absolute clause, "ULP, all" counts every result (near a root of the gradient no ULP',
    'bound can hold), and "max abs" is the largest absolute error over all results. A kernel that reads a kept',
    'output y is swept over its domain [0, 1]. "exact" is the share of counted results equal to the correctly',
    'rounded f32.',
    '',
    '| kernel | backend | max ULP | bound | at input | ULP, all | max abs | exact | counted | within bound |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  const out = arg('--out', join(root, quick ? 'docs/accuracy-quick.md' : 'docs/accuracy.md'));
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

async function work() {
  const S = await import('../dist/esm/index.js');
  await S.init();
  const { kernels, backends, quick } = workerData;
  parentPort.postMessage({ ready: true });
  parentPort.on('message', (c) => {
    if (c < 0) return process.exit(0);
    const all = inputs(c, quick, S);
    const ones = new Float32Array(all.length).fill(1);
    const ref = new Float64Array(all.length);
    const stats = {};
    for (const k of kernels) {
      const kr = S.kernels[k];
      const x = kr.domain ? all.filter((v) => v >= kr.domain[0] && v <= kr.domain[1]) : all;
      const p = kr.params.map((q) => q.default);
      for (let i = 0; i < x.length; i++) ref[i] = kr.shape === 'map' ? kr.reference(x[i], p) : kr.reference(x[i], 1, p);
      for (const b of backends) {
        S.setBackend(b);
        const got = kr.shape === 'map' ? S[k](x) : S[k](x, ones.subarray(0, x.length));
        const s = { maxUlp: 0, at: NaN, allUlp: 0, exact: 0, counted: 0, maxAbs: 0 };
        const absDy = kr.bound.absDy;
        for (let i = 0; i < x.length; i++) {
          const r = ref[i];
          if (!(Math.abs(r) >= 2 ** -126) || !Number.isFinite(r)) continue;
          s.counted++;
          const g = got[i];
          if (g === Math.fround(r)) s.exact++;
          const abs = Math.abs(g - r);
          const e = S.ulpError(g, r);
          if (e > s.allUlp) s.allUlp = e;
          if (absDy !== undefined) {
            if (abs / 2 ** -23 > s.maxAbs) s.maxAbs = abs / 2 ** -23;
            if (abs <= absDy) continue;
          }
          if (e > s.maxUlp) { s.maxUlp = e; s.at = x[i]; }
        }
        stats[`${k}/${b}`] = s;
      }
    }
    parentPort.postMessage({ stats });
  });
}
