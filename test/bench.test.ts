// The benchmark (bench/bench.mjs) in a tiny filtered run: every case it times was checked against
// the float64 reference first, and it writes results JSON, a markdown report and SVG charts that
// parse (well-formed XML, one polyline per implementation, one bar per implementation and
// kernel). Also the pieces it is built from: the hand-written ONNX models run in onnxruntime-node
// and match the float64 reference, and the hand-written memory.copy module validates and copies.
// And bench/overhead.mjs (per-call overhead) runs and prints a row per kernel (no timing is
// asserted: speed is the benchmark's to show, not a test's).
// Needs `npm run build` first (the bench loads dist/), as test/package.test.ts does.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error: plain JavaScript modules of the benchmark, without type declarations
import { GRAPHS, onnxModel } from '../bench/peers/onnx.mjs';
// @ts-expect-error: as above
import { COPY_WASM, wasmCopier } from '../bench/peers/floor.mjs';
import { fusedKernels, kernels, sigmoid64 } from '../src/registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'swish-bench-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A small well-formedness check of XML (the SVG writer's subset: elements, attributes in double
 * quotes, text, no comments or CDATA): every tag closes in order, attributes are unique and
 * quoted, and `&` only starts an entity. Returns the elements as [name, attributes].
 */
function parseXml(xml: string): [string, Record<string, string>][] {
  const elements: [string, Record<string, string>][] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  const attr = /\s+([\w:.-]+)="([^"<]*)"/g;
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textPart = xml.slice(i, lt < 0 ? xml.length : lt);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(textPart)) throw new Error(`bad entity in text near ${i}`);
    if (textPart.trim() !== '' && stack.length === 0) throw new Error(`text outside the root element near ${i}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new Error(`malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [, close, name, attrs, selfClose] = m;
    if (close) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element at ${lt}`);
    } else {
      const a: Record<string, string> = {};
      for (const [, k, v] of attrs.matchAll(attr)) {
        if (k in a) throw new Error(`duplicate attribute ${k} on <${name}>`);
        if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(v)) throw new Error(`bad entity in ${k} on <${name}>`);
        a[k] = v;
      }
      elements.push([name, a]);
      if (stack.length === 0) roots++;
      if (!selfClose) stack.push(name);
    }
    i = tag.lastIndex;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return elements;
}

describe('npm run bench, filtered to swish at 256 elements', () => {
  const filter = 'swish 256';
  let r: SpawnSyncReturns<string>;
  let jsonFile: string | undefined;
  beforeAll(() => {
    r = spawnSync(process.execPath, ['bench/bench.mjs', '--filter', filter, '--out', work], { cwd: root, encoding: 'utf8' });
    jsonFile = existsSync(work) ? readdirSync(work).find((f) => f.endsWith('-filtered.json')) : undefined;
  }, 60_000);

  test('exits 0 and says every output was checked', () => {
    expect(r.stderr.includes('CHECK FAILED') ? r.stderr : '').toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Checks: all \d+ outputs checked against the float64 references before timing/);
    expect(r.stdout).toMatch(/benchmark on .*cores, Node v\d+.*WebAssembly SIMD (yes|no)/); // the machine line
  });

  test('the JSON holds every case with its check and timing', () => {
    expect(jsonFile).toBeDefined();
    const json = JSON.parse(readFileSync(join(work, jsonFile!), 'utf8'));
    expect(json.options.filters).toEqual([filter]);
    expect(json.machine).toMatch(/cores, Node v\d+/);
    const impls = json.cases.map((c: { impl: string }) => c.impl);
    for (const want of ['simd zero-copy', 'simd copy', 'js copy', 'naive loop', 'tfjs-wasm kernel', 'tfjs-wasm as-called',
      'tfjs-cpu as-called', 'ort-node as-called', 'ort-web as-called']) expect(impls).toContain(want);
    for (const c of json.cases) {
      expect(c.name).toContain(filter);
      expect(c.nsPerElement).toBeGreaterThan(0);
      expect(c.samples).toBeGreaterThanOrEqual(5);
      expect(c.check.kind).toBe('ulp');
      expect(Number.isFinite(c.check.ulp)).toBe(true);
      if (c.group === 'package') expect(c.check.maxUlp).toBeLessThanOrEqual(c.check.bound);
    }
    const md = readFileSync(join(work, jsonFile!.replace(/\.json$/, '.md')), 'utf8');
    expect(md).toMatch(/^# swish-wasm benchmark/);
    expect(md).toMatch(/\|\s+implementation \|/);
    expect(md).toContain('## Targets');
  });

  test('the charts are well-formed SVG: a polyline per implementation, a bar per implementation', () => {
    const json = JSON.parse(readFileSync(join(work, jsonFile!), 'utf8'));
    const impls = new Set<string>(json.cases.map((c: { impl: string }) => c.impl));
    const line = parseXml(readFileSync(join(work, jsonFile!.replace(/\.json$/, '-swish.svg')), 'utf8'));
    expect(line[0][0]).toBe('svg');
    const polylines = line.filter(([n]) => n === 'polyline').map(([, a]) => a['data-impl']);
    expect(polylines.sort()).toEqual([...impls].sort());
    const bars = parseXml(readFileSync(join(work, jsonFile!.replace(/\.json$/, '-speedup.svg')), 'utf8'))
      .filter(([n, a]) => n === 'rect' && a['data-impl']).map(([, a]) => a['data-impl']);
    // every implementation but the baseline (the naive loop) and the bare export
    expect(bars.sort()).toEqual([...impls].filter((i) => i !== 'naive loop' && i !== 'simd export').sort());
  });
});

describe('node bench/overhead.mjs, in a short run', () => {
  test('prints the machine and a row per kernel of the registry, with its JSON', () => {
    const r = spawnSync(process.execPath, ['bench/overhead.mjs', '--rounds', '3', '--block-us', '20', '--warm-ms', '1', '--json'],
      { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Per-call overhead at 256 elements, (simd|wasm) backend, on .*cores, Node v\d+.*WebAssembly SIMD (yes|no)/);
    const names = [...Object.keys(kernels), ...Object.keys(fusedKernels)];
    for (const k of names) expect(r.stdout).toMatch(new RegExp(`^\\| +${k} \\|`, 'm'));
    expect(r.stdout).toMatch(/^Target ≤ 100 ns: (met for every kernel|MISSED, met for \d+ of \d+ kernels); worst /m);
    const json = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(json.rows.map((row: { kernel: string }) => row.kernel)).toEqual(names);
    for (const row of json.rows) {
      for (const key of ['apiNs', 'exportNs', 'overheadNs', 'rotatingOverheadNs', 'copyNs', 'copyOverheadNs']) {
        expect(Number.isFinite(row[key]), `${row.kernel} ${key}`).toBe(true);
      }
    }
  }, 60_000);
});

describe('the XML check itself', () => {
  test('rejects what is not well-formed', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow();
    expect(() => parseXml('<svg a="1" a="2"/>')).toThrow();
    expect(() => parseXml('<svg>a & b</svg>')).toThrow();
    expect(parseXml('<svg><g x="1">a &amp; b</g><line/></svg>').map(([n]) => n)).toEqual(['svg', 'g', 'line']);
  });
});

describe('the benchmark\'s hand-written binaries', () => {
  test('the ONNX models of σ(x) and x·σ(x) run in onnxruntime-node and match float64', async () => {
    const { default: ort } = await import('onnxruntime-node');
    const x = new Float32Array(1001).map((_, i) => -10 + i / 50);
    for (const [name, f] of [['sigmoid', sigmoid64], ['swish', (v: number) => v * sigmoid64(v)]] as const) {
      const session = await ort.InferenceSession.create(GRAPHS[name](), { intraOpNumThreads: 1 });
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['y']);
      const y = (await session.run({ x: new ort.Tensor('float32', x, [x.length]) })).y.data as Float32Array;
      expect(y.length).toBe(x.length);
      // onnxruntime's Sigmoid is an approximation: compare with an absolute tolerance
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(y[i] - f(x[i])) / Math.max(1, Math.abs(x[i])));
      expect(worst).toBeLessThan(1e-6);
    }
  });

  test('the ONNX writer encodes varints and nested messages as protobuf does', () => {
    const bytes: Uint8Array = onnxModel([['Relu', ['x'], ['y']]], 'g');
    expect([...bytes.slice(0, 2)]).toEqual([0x08, 8]); // ModelProto.ir_version = 8
    const text = new TextDecoder('latin1').decode(bytes);
    for (const s of ['Relu', 'swish-wasm-bench']) expect(text).toContain(s);
    // opset_import {domain "", version 13} closes the model
    expect([...bytes.slice(-6)]).toEqual([0x42, 4, 0x0a, 0, 0x10, 13]);
  });

  test('the memory.copy module validates and copies', () => {
    expect(WebAssembly.validate(COPY_WASM)).toBe(true);
    const c = wasmCopier(100_000);
    c.src.set(new Float32Array(100_000).map((_, i) => i * 0.5));
    c.copy();
    expect(c.dst[99_999]).toBe(49_999.5);
    expect(c.dst.buffer).toBe(c.src.buffer);
  });
});
