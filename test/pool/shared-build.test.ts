// The pool's shared-memory builds come from the same source as the simd and relaxed builds, by
// build configuration only (asconfig.json): their code must be the same instructions, so that the
// kernels give the same bits. Checked on the text form of each pair: every line outside the
// memory declaration and the data segments is identical, and the data segments lay out the
// same bytes in memory (the shared builds cannot assume an imported memory is zeroed, so they
// write the leading zeros the others skip).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { root } from '../browser/browser.js';

const wat = (name: string) => readFileSync(join(root, 'build', `swish-${name}.wat`), 'utf8').split('\n');

/** The bytes the data segments put in memory, from their (i32.const offset) "escaped string" form. */
function dataImage(lines: string[]): Map<number, number> {
  const image = new Map<number, number>();
  for (const line of lines) {
    const m = /^\s*\(data \$\S+ \(i32\.const (\d+)\) "(.*)"\)\s*$/.exec(line);
    if (!m) continue;
    let at = Number(m[1]);
    const s = m[2];
    for (let i = 0; i < s.length; at++) {
      if (s[i] === '\\') {
        const hex = s.slice(i + 1, i + 3);
        if (/^[0-9a-f]{2}$/.test(hex)) { image.set(at, parseInt(hex, 16)); i += 3; } else { image.set(at, s.charCodeAt(i + 1)); i += 2; }
      } else {
        image.set(at, s.charCodeAt(i));
        i++;
      }
    }
  }
  // Zero bytes are what an unwritten memory holds: only the nonzero ones are the layout.
  for (const [k, v] of image) if (v === 0) image.delete(k);
  return image;
}

const isLayout = (line: string) => /^\s*\((data |memory |import "env" "memory")/.test(line);

describe.each([['simd', 'shared-simd'], ['relaxed', 'shared-relaxed']])('%s vs %s', (plain, shared) => {
  test('the same code, line for line, outside the memory declaration and data', () => {
    const a = wat(plain);
    const b = wat(shared);
    const codeA = a.filter((l) => !isLayout(l));
    const codeB = b.filter((l) => !isLayout(l));
    expect(codeA.length).toBeGreaterThan(1000);
    expect(codeB).toEqual(codeA);
    expect(b.some((l) => /\(import "env" "memory" \(memory \$0 \d+ 32768 shared\)\)/.test(l))).toBe(true);
  });

  test('the same bytes laid out by the data segments', () => {
    const a = dataImage(wat(plain));
    const b = dataImage(wat(shared));
    expect(a.size).toBeGreaterThan(100);
    expect([...b.entries()].sort((p, q) => p[0] - q[0])).toEqual([...a.entries()].sort((p, q) => p[0] - q[0]));
  });
});
