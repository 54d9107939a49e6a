// The accuracy sweep (scripts/accuracy.mjs) itself, on its --quick sample: a run in parts merges
// into the report, a kernel:param=value row reaches both the kernels and the reference at those
// parameters, and bad --kernels entries are refused by name. swish at β = 0 is x/2, which every
// backend must return exactly: at the default β = 1 (a parameter lost on the way to the kernel or
// to the reference) the same row would show about 2 ULP. The merge of a partial run into the
// report is also tested by itself, on a small made-up report (a partial swish:beta=… sweep once
// dropped sigmoid's and swish's relaxed rows: the row reader knew only simd, wasm and js).
// Needs `npm run build` first (the script loads dist/), as test/bench.test.ts does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { kernelNames, type KernelName } from '../src/registry.js';
// @ts-expect-error: a plain JavaScript module of the sweep, without type declarations
import { mergeRows, parseReport, reportRows } from '../scripts/accuracy-report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'swish-accuracy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const report = join(work, 'accuracy.md');

function sweep(kernels: string) {
  return spawnSync(process.execPath, ['scripts/accuracy.mjs', '--quick', '--workers', '1', '--kernels', kernels, '--out', report], {
    cwd: root, encoding: 'utf8', timeout: 120_000,
  });
}

/** The report's table rows as { key, backend, maxUlp, exact }. */
function rows(md: string) {
  return reportRows(md).map(({ key, backend, cells }: { key: string; backend: string; cells: string[] }) =>
    ({ key, backend, maxUlp: Number(cells[0]), exact: cells[5] }));
}

test('a sweep in two parts, one at other parameters, merges into one report', () => {
  const first = sweep('swish:beta=0,leakyRelu:alpha=0.5');
  expect(first.status, first.stderr).toBe(0);
  let md = readFileSync(report, 'utf8');
  const half = rows(md).filter((r) => r.key === 'swish:beta=0');
  expect(half.map((r) => r.backend).sort()).toEqual(['js', 'simd', 'wasm']);
  for (const r of half) expect([r.maxUlp, r.exact], r.backend).toEqual([0, '100.00%']);
  // leakyRelu at α = 0.5 is x or x/2: exact too.
  for (const r of rows(md).filter((r) => r.key === 'leakyRelu:alpha=0.5')) expect(r.exact).toBe('100.00%');
  // A row at other parameters does not count as the kernel swept at its defaults.
  expect(md).toMatch(/^Not swept yet: .*\bswish\b/m);

  const second = sweep('relu');
  expect(second.status, second.stderr).toBe(0);
  md = readFileSync(report, 'utf8');
  // The earlier run's rows kept, in registry order; both runs listed.
  const byRegistry = (a: string, b: string) => kernelNames.indexOf(a.split(':')[0] as KernelName) - kernelNames.indexOf(b.split(':')[0] as KernelName);
  expect([...new Set(rows(md).map((r) => r.key))]).toEqual(['relu', 'leakyRelu:alpha=0.5', 'swish:beta=0'].sort(byRegistry));
  const runs = md.split('\n').filter((l) => /^- \d+ s on /.test(l));
  expect(runs).toHaveLength(2);
  expect(runs[0]).toMatch(/: swish:beta=0, leakyRelu:alpha=0\.5$/);
  expect(runs[1]).toMatch(/: relu$/);
  expect(md).not.toMatch(/^Not swept yet: .*\brelu\b,/m);

  // A run is listed while some row it measured was not measured again by a later run.
  const listed = () => readFileSync(report, 'utf8').split('\n').filter((l) => /^- \d+ s on /.test(l)).map((l) => l.slice(l.lastIndexOf(': ') + 2));
  expect(sweep('swish:beta=0').status).toBe(0);
  expect(listed()).toEqual(['swish:beta=0, leakyRelu:alpha=0.5', 'relu', 'swish:beta=0']);
  expect(sweep('leakyRelu:alpha=0.5').status).toBe(0);
  expect(listed()).toEqual(['relu', 'swish:beta=0', 'leakyRelu:alpha=0.5']);
});

test('a partial run replaces the rows it swept and keeps every other row, relaxed rows included', () => {
  // A report of two kernels on all four backends, with a row at other parameters (cells made up).
  const row = (key: string, backend: string, ulp: string) => `| ${key} | ${backend} | ${ulp} | 2 | -1 | - | - | 94.00% | 100 | - | yes |`;
  const backends = ['relaxed', 'simd', 'wasm', 'js'];
  const earlier = [
    '| kernel | backend | max ULP | bound | at input | ULP, all | max abs | exact | counted | same bits as | within bound |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...backends.map((b) => row('sigmoid', b, '1.000')),
    ...backends.map((b) => row('swish', b, '2.000')),
    ...backends.map((b) => row('swish:beta=2', b, '3.000')),
    '',
    '## Runs',
    '',
    '- 10 s on a machine, 2026-12-01: sigmoid, swish, swish:beta=2',
  ].join('\n');
  const kept = parseReport(earlier);
  expect(kept.rows.get('sigmoid')).toEqual(backends.map((b) => row('sigmoid', b, '1.000')));
  expect(kept.runs.map((r: { kernels: string[] }) => r.kernels)).toEqual([['sigmoid', 'swish', 'swish:beta=2']]);
  // Sweeping swish:beta=0.5 and swish:beta=2 again (on relaxed and simd only) leaves sigmoid's and swish's rows alone.
  const fresh = new Map([
    ['swish:beta=0.5', ['relaxed', 'simd'].map((b) => row('swish:beta=0.5', b, '4.000'))],
    ['swish:beta=2', ['relaxed', 'simd'].map((b) => row('swish:beta=2', b, '5.000'))],
  ]);
  const { lines, missing } = mergeRows(kept.rows, fresh, ['sigmoid', 'relu', 'swish']);
  expect(lines).toEqual([
    ...backends.map((b) => row('sigmoid', b, '1.000')),
    ...backends.map((b) => row('swish', b, '2.000')),
    ...['relaxed', 'simd'].map((b) => row('swish:beta=0.5', b, '4.000')),
    ...['relaxed', 'simd'].map((b) => row('swish:beta=2', b, '5.000')),
  ]);
  expect(missing).toEqual(['relu']);
  // The earlier rows themselves are not changed by the merge.
  expect(kept.rows.get('swish:beta=2')).toHaveLength(4);
});

test.each([
  ['swishy', /unknown kernel swishy/],
  ['swish:gamma=2', /swish takes beta=<number>/],
  ['swish:beta=two', /swish takes beta=<number>/],
  ['relu:alpha=1', /relu takes no parameters/],
  ['swish:beta=', /swish takes beta=<number>/],
  ['swishBetaGrad', /swishBetaGrad sums over its inputs/],
])('--kernels %s is refused by name, with exit status 2', (kernels, message) => {
  const r = sweep(kernels);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
});
