// bench/pool.mjs --quick runs end to end (every implementation checked against the synchronous
// call before it is timed, or the script fails): a row per kernel, size and series, the crossover
// and target lines, and a chart per kernel. Its figures are not checked: speed is the benchmark's.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { root } from '../browser/browser.js';

test('bench/pool.mjs --quick: every row, the targets and the charts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swish-pool-bench-'));
  try {
    const { stdout: out } = await promisify(execFile)(process.execPath, [join(root, 'bench/pool.mjs'), '--quick', '--out', join(dir, 'q')],
      { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(out).toMatch(/^machine: .* cores, Node v/m);
    const json = JSON.parse(readFileSync(join(dir, 'q.json'), 'utf8'));
    const kernels = ['sigmoid', 'swish', 'sigmoidBackward', 'swishBackward'];
    const series = ['sync, 1 thread', 'pool, 2 threads', 'pool, 2 threads, forced', 'pool, 2 threads, plain arrays'];
    for (const k of kernels) {
      for (const n of [256, 65536, 1 << 20]) {
        for (const s of series) {
          const r = json.results.find((x: any) => x.kernel === k && x.n === n && x.series === s);
          expect(r?.ns, `${k} ${n} ${s}`).toBeGreaterThan(0);
        }
      }
      expect(out).toMatch(new RegExp(`^crossover ${k}: `, 'm'));
      expect(out).toMatch(new RegExp(`^target ${k} 1M: [\\d.]+x the single thread`, 'm'));
      expect(out).toMatch(new RegExp(`^target ${k} 256-64K: `, 'm'));
      const svg = readFileSync(join(dir, `q-pool-${k}.svg`), 'utf8');
      for (const s of series) expect(svg).toContain(s);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
