// The `swish-wasm` command (src/cli.ts, run as the built dist/esm/cli.js, the package's bin):
// `plot` writes the curves as JSON equal to curve()'s, an SVG chart that is well-formed with a
// path per function and derivative and a legend entry per name (and rasterises with headless
// Chromium when it is installed), a summary table otherwise; bad usage is one stderr line, exit
// code 2 and no file written. Needs `npm run build` first, as test/package.test.ts does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as S from '../src/index.js';
import { curve } from '../src/curve.js';
import { activations, kernels } from '../src/registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/esm/cli.js');
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const names = activations.map((a) => a.name);
const work = mkdtempSync(join(tmpdir(), 'swish-cli-'));

function run(args: string[]) {
  // The CLI runs on the backend this process has: with the vitest workers' relaxed-SIMD flag, relaxed
  // (whose sigmoid and swish may differ from simd's in the last bit), so the values compare alike.
  const flags = process.execArgv.filter((a) => a.includes('relaxed-simd'));
  const r = spawnSync(process.execPath, [...flags, cli, ...args], { cwd: work, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh empty directory for one run's output files. */
let dirs = 0;
const freshDir = () => mkdtempSync(join(work, `run${dirs++}-`));

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  await S.init(); // the same backend the CLI selects
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('the package bin is dist/esm/cli.js, which starts with a node shebang', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  expect(pkg.bin).toEqual({ 'swish-wasm': './dist/esm/cli.js' });
  expect(readFileSync(cli, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
});

test('--help prints the usage, every activation and its parameters, and exits 0', () => {
  for (const args of [['--help'], ['plot', '--help'], ['-h']]) {
    const r = run(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: swish-wasm plot <name\.\.\.>/);
    for (const a of activations) {
      expect(r.stdout).toContain(a.name);
      for (const p of kernels[a.forward].params) expect(r.stdout).toContain(`--${p.name}`);
    }
  }
});

test('with neither --json nor --svg, a summary table: a header, then a row per activation', () => {
  const r = run(['plot', ...names, '--points', '101']);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines[0]).toContain('101 points on [-5, 5]');
  expect(lines[1]).toMatch(/^activation\s+params\s+min f\s+max f/);
  expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual(names);
  expect(readdirSync(work).filter((f) => !f.startsWith('run'))).toEqual([]);
});

describe('plot of every activation to --json and --svg', () => {
  let dir: string;
  let svg: string;
  beforeAll(() => {
    dir = freshDir();
    const r = run(['plot', ...names, '--points', '301', '--from', '-6', '--to', '4', '--json', join(dir, 'c.json'), '--svg', join(dir, 'c.svg')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    svg = readFileSync(join(dir, 'c.svg'), 'utf8');
  });

  test('only the two files are written', () => {
    expect(readdirSync(dir).sort()).toEqual(['c.json', 'c.svg']);
  });

  test('the JSON holds x, y and dydx of each, the same float32 values as curve()', () => {
    const data = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
    expect(Object.keys(data)).toEqual(names);
    for (const n of names) {
      const c = curve(n, { from: -6, to: 4, points: 301 });
      for (const key of ['x', 'y', 'dydx'] as const) {
        const got = Float32Array.from(data[n][key], (v: number | null) => (v === null ? NaN : v));
        expect(Array.from(got), `${n}.${key}`).toEqual(Array.from(c[key]));
      }
    }
  });

  test('the SVG is well-formed XML: one svg root, every tag closed in order', () => {
    const body = svg.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?xml[^>]*\?>/, '').trim();
    expect(body).toMatch(/^<svg\b[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const stack: string[] = [];
    let roots = 0;
    for (const [tag] of body.matchAll(/<[^>]*>/g)) {
      expect(tag, 'attribute values are quoted').toMatch(/^<\/?[A-Za-z][\w:-]*(\s+[\w:-]+="[^"<]*")*\s*\/?>$/);
      const name = tag.match(/^<\/?([\w:-]+)/)![1];
      if (tag.startsWith('</')) expect(stack.pop(), `closing ${name}`).toBe(name);
      else if (!tag.endsWith('/>')) {
        if (stack.length === 0) roots++;
        stack.push(name);
      } else if (stack.length === 0) roots++;
    }
    expect(stack).toEqual([]);
    expect(roots).toBe(1);
    // Text outside tags has no raw '<' or '&' that is not an entity.
    for (const [text] of body.matchAll(/>[^<]*</g)) expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
  });

  test('one function path, one dashed derivative path of the same colour, and one legend entry per name', () => {
    const attr = (tag: string, a: string) => tag.match(new RegExp(`\\s${a}="([^"]*)"`))?.[1];
    const paths = [...svg.matchAll(/<path\b[^>]*>/g)].map((m) => m[0]);
    for (const n of names) {
      const fnPaths = paths.filter((p) => attr(p, 'class') === 'fn' && attr(p, 'data-name') === n);
      const dPaths = paths.filter((p) => attr(p, 'class') === 'deriv' && attr(p, 'data-name') === n);
      expect([fnPaths.length, dPaths.length], n).toEqual([1, 1]);
      expect(attr(dPaths[0], 'stroke-dasharray')).toBeTruthy();
      expect(attr(fnPaths[0], 'stroke-dasharray')).toBeUndefined();
      expect(attr(dPaths[0], 'stroke')).toBe(attr(fnPaths[0], 'stroke'));
      expect(attr(fnPaths[0], 'd')).toMatch(/^M[\d.-]+ [\d.-]+(L[\d.-]+ [\d.-]+){100,}$/);
      const legend = [...svg.matchAll(new RegExp(`<g class="legend-entry" data-name="${n}">([\\s\\S]*?)</g>`, 'g'))];
      expect(legend.length, `legend entry for ${n}`).toBe(1);
      expect(legend[0][1]).toContain(`>${n}</text>`);
    }
    expect(paths.length).toBe(2 * names.length);
    const colours = new Set(paths.map((p) => attr(p, 'stroke')));
    expect(colours.size).toBe(Math.min(names.length, 10));
  });

  test('axes with numeric tick labels, axis labels and a title', () => {
    const tickGroup = svg.match(/<g class="tick-labels"[^>]*>([\s\S]*?)<\/g>/)![1];
    const labels = [...tickGroup.matchAll(/>([^<]*)<\/text>/g)].map((m) => Number(m[1].replace('−', '-')));
    expect(labels.length).toBeGreaterThanOrEqual(8);
    expect(labels.every(Number.isFinite)).toBe(true);
    expect(labels).toContain(-6);
    expect(labels).toContain(4);
    expect(svg.match(/class="axis-label"/g)?.length).toBe(2);
    expect(svg).toMatch(/<text class="title"[^>]*>[^<]+<\/text>/);
    expect(svg).toMatch(/<title[^>]*>[^<]+<\/title>/);
  });

  const rasterTitle = hasChromium
    ? 'rasterises with headless Chromium to a non-trivial 900×600 PNG showing every curve colour'
    : `rasterising with headless Chromium: SKIPPED, ${CHROMIUM} is not installed (apt-get install -y chromium)`;
  test.skipIf(!hasChromium)(rasterTitle, () => {
    const profile = mkdtempSync(join(work, 'profile-'));
    const png = join(dir, 'c.png');
    spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`,
      `--screenshot=${png}`, '--window-size=900,600', join(dir, 'c.svg')], { timeout: 60_000 });
    expect(existsSync(png), 'chromium wrote no screenshot').toBe(true);
    expect(statSync(png).size).toBeGreaterThan(10_000);
    const { width, height, pixel } = decodePng(readFileSync(png));
    expect([width, height]).toEqual([900, 600]);
    const strokes = [...new Set([...svg.matchAll(/<path class="fn"[^>]*stroke="#([0-9A-Fa-f]{6})"/g)].map((m) => m[1]))];
    const rgb = strokes.map((h) => [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)));
    const seen = strokes.map(() => 0);
    let nonWhite = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = pixel(x, y);
        if (p[0] + p[1] + p[2] < 3 * 250) nonWhite++;
        rgb.forEach((c, j) => { if (c.every((v, k) => Math.abs(v - p[k]) <= 8)) seen[j]++; });
      }
    }
    expect(nonWhite).toBeGreaterThan(0.02 * width * height);
    strokes.forEach((c, j) => expect(seen[j], `pixels of #${c}`).toBeGreaterThan(100));
  });
});

test('--beta and other parameters reach the activations that have them', () => {
  const a = activations.find((x) => kernels[x.forward].params.length > 0)!;
  const p = kernels[a.forward].params[0]!;
  const dir = freshDir();
  const r = run(['plot', a.name, `--${p.name}`, String(p.default + 0.5), '--points', '11', '--json', join(dir, 'p.json'), '--svg', join(dir, 'p.svg')]);
  expect(r.code).toBe(0);
  const data = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8'));
  expect(Float32Array.from(data[a.name].y)).toEqual(curve(a.name, { points: 11, [p.name]: p.default + 0.5 }).y);
  expect(readFileSync(join(dir, 'p.svg'), 'utf8')).toContain(`${a.name} (${p.name} = ${p.default + 0.5})`);
});

describe('bad usage: one stderr line "swish-wasm: ...", exit code 2, no file written', () => {
  test.each([
    [['plot', 'nope']],
    [['plot', 'swish', 'nope']],
    [['plot', 'swish', '--from', '1', '--to', '1']],
    [['plot', 'swish', '--from', '2', '--to', '-2']],
    [['plot', 'swish', '--from', 'abc']],
    [['plot', 'swish', '--to', '']],
    [['plot', 'swish', '--to', 'Infinity']],
    [['plot', 'swish', '--points', '1']],
    [['plot', 'swish', '--points', '1000001']],
    [['plot', 'swish', '--points', '2.5']],
    [['plot', 'swish', '--points', 'lots']],
    [['plot', 'swish', '--bogus', '1']],
    [['plot', 'swish', '-x']],
    [['plot', 'swish', '--beta', 'abc']],
    [['plot', 'swish', '--beta', '1e39']],
    [['plot', 'sigmoid', '--beta', '2']],
    [['plot', 'swish', 'swish']],
    [['plot']],
    [[]],
    [['draw', 'swish']],
    [['plot', 'swish', '--from']],
  ])('%j', (args) => {
    const dir = freshDir();
    const outputs = ['--json', join(dir, 'out.json'), '--svg', join(dir, 'out.svg')];
    // Right after the command, so a trailing flag stays the one missing its value.
    const r = run(args[0] === 'plot' ? ['plot', ...outputs, ...args.slice(1)] : [...args, ...outputs]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^swish-wasm: \S[^\n]*\n$/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

test('a file that cannot be written: exit code 1, one stderr line, and the other file is not written either', () => {
  const dir = freshDir();
  const r = run(['plot', 'swish', '--json', join(dir, 'ok.json'), '--svg', join(dir, 'missing-dir', 'c.svg')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^swish-wasm: \S[^\n]*\n$/);
  expect(readdirSync(dir)).toEqual([]);
});

/** Decodes an 8-bit RGB(A) non-interlaced PNG (what Chromium writes): its size and a pixel reader. */
function decodePng(buf: Buffer) {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[12]], 'bit depth 8, not interlaced').toEqual([8, 0]);
      channels = ({ 2: 3, 6: 4 } as Record<number, number>)[data[9]];
      expect(channels, 'RGB or RGBA').toBeDefined();
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const v = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? px[y * stride + i - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? px[(y - 1) * stride + i - channels] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      px[y * stride + i] = (v + [0, a, b, (a + b) >> 1, paeth][f]) & 255;
    }
  }
  return { width, height, pixel: (x: number, y: number) => Array.from(px.subarray(y * stride + x * channels, y * stride + x * channels + 3)) };
}
