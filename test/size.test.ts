// What a page that imports only `init` and `swish` downloads, built for production by esbuild,
// webpack and Vite with no configuration for swish-wasm (the package imported by name from a project beside
// this repo): its own code, then the one build init() fetches: the simd core build (sigmoid's and
// swish's kernels, all this page makes) in an engine without relaxed SIMD, relaxed core where
// there is. The other builds are chunks it never downloads. Sizes are gzip -9.
//
// The issue's target, 20 KB for code and SIMD build together, is held, and so are budgets for the
// code and the whole builds' chunks (the sizes measured when set), so that neither grows unnoticed.
// The page's code holds the registry entry of the one function it imports (esbuild's metafile).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { holdsBuild } from './build-marker.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_KB = 20;
/**
 * The budgets, KB gzipped: the sizes measured when they were set, plus about 4%. Set at 16.0 and
 * 23.0; raised to 17.1 and 34.2 measured when the binary, gate-grad and bias loops went to four
 * chains a step (25-33% faster gradients, 19 KB more per SIMD build) and swish gained its wide
 * path: the speed was worth more here than the kilobytes. Then the builds were embedded deflated
 * (base64 of zlib level 9, inflated by DecompressionStream): the simd chunk 34.1 -> 24.5 KB, the
 * code 0.3 KB more for the inflater (webpack 17.8 KB); budgets 18.5 and 25.5. Then each public
 * function was made from its own registry entry, marked pure (generated/api.ts): the page's code
 * holds swish's entry alone, 17.1-17.8 -> 7.1-8.6 KB; budget 9.0.
 */
const BUDGET_KB = { code: 9.0, simd: 25.5 } as const;

const PAGE = `import { init, swish } from 'swish-wasm';
await init();
document.body.textContent = Array.from(swish(new Float32Array([-1, 0, 1]))).join(' ');
`;

let project: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'swish-size-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(root, join(project, 'node_modules', 'swish-wasm'), 'dir');
  writeFileSync(join(project, 'main.js'), PAGE);
  writeFileSync(join(project, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>\n');
  writeFileSync(join(project, 'package.json'), '{ "name": "size-check", "private": true, "type": "module" }\n');
});
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const kb = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length / 1024;

interface Output {
  /** The page's own code: every script but the build chunks. */
  code: number;
  /** Each build's chunk, by its name in src/generated (simd, relaxed, scalar). */
  builds: Record<string, number>;
  /** Whether any script outside the build chunks embeds a build ("\0asm" in base64). */
  embedsBuild: boolean;
}

/** Each build's base64, to tell which build a chunk holds. */
function buildTexts(): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const b of ['simd', 'relaxed', 'scalar', 'simd-core', 'relaxed-core']) {
    const text = readFileSync(join(root, `dist/esm/generated/wasm-${b}.js`), 'utf8');
    texts[b] = /'([A-Za-z0-9+/=]{1000,})'/.exec(text)![1];
  }
  return texts;
}

function measure(dir: string): Output {
  const builds = buildTexts();
  const scripts = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  const out: Output = { code: 0, builds: {}, embedsBuild: false };
  for (const f of scripts) {
    const text = readFileSync(join(dir, f), 'utf8');
    // A build chunk: one base64 literal, a whole build, and little else.
    const literals = [...text.matchAll(/["'`]([A-Za-z0-9+/=]{1000,})["'`]/g)].map((m) => m[1]);
    const held = Object.keys(builds).filter((b) => literals.includes(builds[b]));
    if (held.length === 1 && text.length < builds[held[0]].length + 2000) out.builds[held[0]] = kb(join(dir, f));
    else {
      out.code += kb(join(dir, f));
      out.embedsBuild ||= holdsBuild(text);
    }
  }
  return out;
}

function check(name: string, o: Output): void {
  // The page makes swish's functions alone, so init() fetches a core build (sigmoid's and swish's
  // kernels): simd-core, or relaxed-core where relaxed SIMD runs.
  const simd = o.code + o.builds['simd-core'];
  const relaxed = o.code + o.builds['relaxed-core'];
  console.log(`${name}: code ${o.code.toFixed(1)} KB + simd core build ${o.builds['simd-core'].toFixed(1)} KB = ${simd.toFixed(1)} KB gzipped ` +
    `(relaxed: ${relaxed.toFixed(1)} KB; the whole builds' chunks, simd ${o.builds.simd.toFixed(1)} KB, scalar ${o.builds.scalar.toFixed(1)} KB, ` +
    `never fetched by this page); target ${TARGET_KB} KB: ${simd <= TARGET_KB ? 'met' : `MISSED by ${(simd - TARGET_KB).toFixed(1)} KB`}`);
  expect(Object.keys(o.builds).sort(), 'each build a chunk of its own').toEqual(['relaxed', 'relaxed-core', 'scalar', 'simd', 'simd-core']);
  expect(o.embedsBuild, 'no build in the page code').toBe(false);
  expect(o.code).toBeLessThanOrEqual(BUDGET_KB.code);
  expect(o.builds.simd).toBeLessThanOrEqual(BUDGET_KB.simd);
  expect(o.builds.relaxed).toBeLessThanOrEqual(BUDGET_KB.simd);
  expect(simd).toBeLessThanOrEqual(TARGET_KB);
  expect(relaxed).toBeLessThanOrEqual(TARGET_KB);
}

describe(`a page importing init and swish, production builds by esbuild, webpack and Vite (gzipped; budget ${BUDGET_KB.code} KB code, ${BUDGET_KB.simd} KB per build)`, () => {
  test('esbuild --bundle --minify --splitting --format=esm', async () => {
    const { build } = await import('esbuild');
    const outdir = join(project, 'out-esbuild');
    const { metafile } = await build({
      entryPoints: [join(project, 'main.js')], absWorkingDir: project, outdir, bundle: true, minify: true,
      splitting: true, format: 'esm', platform: 'browser', logLevel: 'silent', metafile: true,
    });
    check('esbuild', measure(outdir));
    // The registry entries bundled: swish's, which the page imports, and no other.
    const entries = Object.values(metafile.outputs).flatMap((o) => Object.keys(o.inputs))
      .map((f) => /dist\/esm\/(activations|fused)\/(\w+)\.js$/.exec(f)?.[2]).filter((n) => n !== undefined);
    expect([...new Set(entries)]).toEqual(['swish']);
  });

  test('webpack --mode production (no config but the entry)', async () => {
    const { default: webpack } = await import('webpack');
    const outDir = join(project, 'out-webpack');
    const stats = await new Promise<any>((resolve, reject) => webpack({
      mode: 'production', context: project, entry: './main.js', output: { path: outDir }, infrastructureLogging: { level: 'error' },
    }, (err, st) => (err ? reject(err) : resolve(st))));
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    check('webpack', measure(outDir));
  });

  test('vite build (no config)', async () => {
    const { build } = await import('vite');
    const outDir = join(project, 'out-vite');
    await build({ root: project, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    check('vite', measure(outDir));
  });
});
