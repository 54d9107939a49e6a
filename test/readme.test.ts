// The README's examples run as written and print what their comments say. A `console.log(...)`
// line's expected output is its trailing `// comment`, or the `// ` line right below it.
// Blocks for other runtimes (they mention Cloudflare) are not run here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => !/Cloudflare/.test(b));

function expectedOutput(code: string): string[] {
  const lines = code.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!line.includes('console.log(')) return;
    const inline = line.match(/console\.log\(.*\);\s*\/\/ (.*)$/);
    if (inline) out.push(inline[1]);
    else if (lines[i + 1]?.startsWith('// ')) out.push(lines[i + 1].slice(3));
  });
  return out;
}

test('the README has runnable examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(2);
});

test.each(blocks.map((b, i) => [i, b]))('README example %i prints what it says', (_i, code) => {
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', code as string], { cwd: root, encoding: 'utf8' });
  expect(stdout.trim().split('\n')).toEqual(expectedOutput(code as string));
});

test('the README\'s generated tables match the registry and docs/accuracy.md (node scripts/readme.mjs)', () => {
  execFileSync(process.execPath, [join(root, 'scripts/readme.mjs'), '--check'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
});
