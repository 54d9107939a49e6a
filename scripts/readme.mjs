// Rewrites the generated regions of README.md from the registry (dist/, after `npm run build`)
// and from docs/accuracy.md (the exhaustive sweep), so the docs cannot drift from the code:
//   <!-- generated:activations -->  one row per activation: kernels, formula, parameters, bounds
//   <!-- generated:fused -->        one row per fused form: kernels, formula, parameters, bounds
//   <!-- generated:accuracy -->     the measured maxima per kernel and backend
//   node scripts/readme.mjs          rewrite README.md
//   node scripts/readme.mjs --check  exit 1 if README.md is not what it would write
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKey, reportRows } from './accuracy-report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const S = await import(join(root, 'dist/esm/index.js'));

const bound = (b) => {
  const ulp = b.ulp.simd === b.ulp.wasm ? `${b.ulp.simd}` : `${b.ulp.simd}/${b.ulp.wasm}`;
  const abs = b.absDy ? ` or 2^${Math.log2(b.absDy)}·\\|dy\\|` : '';
  return `${ulp}${abs} · ${b.ulp.js}`;
};

function activationsTable() {
  const rows = ['| activation | kernels | forward | parameters | max error, ULP (simd, wasm · js) |', '|---|---|---|---|---|'];
  for (const a of S.activations) {
    const fwd = S.kernels[a.forward];
    const ks = [a.forward, a.backward, a.backwardFromOutput, a.paramGrad].filter(Boolean).map((k) => `\`${k}\``).join(', ');
    const params = fwd.params.map((p) => `${p.name} = ${p.default}${p.positive ? ' (> 0)' : ''}`).join(', ') || '—';
    const bounds = [a.forward, a.backward, a.backwardFromOutput].filter(Boolean)
      .map((k) => `${k === a.forward ? 'fwd' : k === a.backward ? 'bwd' : 'from y'} ${bound(S.kernels[k].bound)}`).join('; ');
    rows.push(`| ${a.name} | ${ks} | ${fwd.formula} | ${params} | ${bounds} |`);
  }
  return rows.join('\n');
}

function fusedTable() {
  const rows = ['| fused form | kernels | forward | parameters | max error, ULP (simd, wasm · js) |', '|---|---|---|---|---|'];
  for (const f of S.fusedSpecs) {
    const fwd = S.fusedKernels[f.forward];
    const params = fwd.params.map((p) => `${p.name} = ${p.default}`).join(', ') || '—';
    const bounds = `fwd ${bound(fwd.bound)}; bwd ${bound(S.fusedKernels[f.backward].bound)}`;
    rows.push(`| ${f.name} | \`${f.forward}\`, \`${f.backward}\` | ${fwd.formula} | ${params} | ${bounds} |`);
  }
  return rows.join('\n');
}

function accuracyTable() {
  const file = join(root, 'docs/accuracy.md');
  if (!existsSync(file)) return '*(run `npm run accuracy` to measure)*';
  const md = readFileSync(file, 'utf8');
  const made = md.split('\n').find((l) => l.startsWith('Made by')) ?? '';
  const by = new Map();
  for (const { key: k, backend: b, cells } of reportRows(md)) {
    const [maxUlp, bnd, at, allUlp, maxAbs, exact] = cells;
    if (!by.has(k)) by.set(k, {});
    by.get(k)[b] = { maxUlp, bnd, at, allUlp, maxAbs, exact };
  }
  const out = ['| kernel | simd | wasm | js | bound (simd, wasm · js) | exactly rounded (simd) |', '|---|---|---|---|---|---|'];
  // For gradients the first figure leaves out results within 2^-23·|dy| (the bound's absolute
  // clause); "all" counts every result, which near a root of the gradient no ULP bound can cover.
  for (const [k, v] of by) {
    // Gradients: ULP beyond the absolute clause, then over all results, then the largest |error|/|dy|.
    const cell = (b) => {
      const c = v[b];
      if (!c) return '—';
      const grad = c.maxAbs !== '-';
      const all = Number(c.allUlp);
      // The sweep measures only results that are not exactly rounded: none means all are, ≤ 0.5 ULP.
      if (grad && all === 0) return '≤ 0.5 (all correctly rounded)';
      const allText = all > 1e3 ? all.toExponential(1) : all.toFixed(2);
      return `${Number(c.maxUlp).toFixed(2)}${grad ? ` (all ${allText}; abs ${Number(c.maxAbs.replace('·2^-23', '')).toFixed(2)}·2^−23)` : ''}`;
    };
    // A row named kernel:param=value was swept at those parameters; the bound is the kernel's.
    const { kernel } = parseKey(k, S.kernels);
    const params = k.split(':').slice(1);
    const label = `\`${kernel}\`${params.length ? ` (${params.join(', ').replaceAll('=', ' = ')})` : ''}`;
    out.push(`| ${label} | ${cell('simd')} | ${cell('wasm')} | ${cell('js')} | ${bound(S.kernels[kernel].bound)} | ${v.simd?.exact ?? '—'} |`);
  }
  const missing = md.split('\n').find((l) => l.startsWith('Not swept yet:'));
  const runs = md.split('\n').filter((l) => /^- \d+ s on /.test(l));
  return [out.join('\n'), '', made.replace('Made by', 'Measured by').replace('; the machine and date of each under Runs).', '):'), '',
    ...runs, '', ...(missing ? [`${missing.replace('Not swept yet:', 'Not swept exhaustively yet (held to their bounds on the quick sample by the tests):')}`] : [])].join('\n');
}

const regions = { activations: activationsTable(), fused: fusedTable(), accuracy: accuracyTable() };
const readmePath = join(root, 'README.md');
const before = readFileSync(readmePath, 'utf8');
let after = before;
for (const [name, body] of Object.entries(regions)) {
  const re = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`);
  if (!re.test(after)) throw new Error(`README.md has no <!-- generated:${name} --> region`);
  after = after.replace(re, (_m, open, close) => `${open}\n${body}\n${close}`);
}
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('README.md is out of date: run `node scripts/readme.mjs` (after `npm run build`)');
    process.exit(1);
  }
} else {
  writeFileSync(readmePath, after);
  console.log('README.md: generated regions rewritten');
}
