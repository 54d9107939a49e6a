// Bundles the ESM build (dist/esm, from build-ts.mjs) into one ES module for browsers without a
// bundler (one request instead of one per source file), with each embedded build left in a chunk
// of its own beside it that init() imports only when it selects that build.
//
//   dist/browser/swish-wasm.js      the bundle (package.json "exports": "browser" and "./browser")
//   dist/browser/wasm-*.js          the builds (base64), one chunk each
//   dist/browser/swish-wasm.d.ts    its types: a re-export of dist/esm's declarations
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/esm/index.js');
const outDir = join(root, 'dist/browser');
const outfile = join(outDir, 'swish-wasm.js');

if (!existsSync(entry)) {
  console.error(`build-browser: ${relative(root, entry)} is missing: run scripts/build-ts.mjs first (npm run build)`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const result = await build({
  entryPoints: [entry],
  outdir: outDir,
  entryNames: 'swish-wasm',
  chunkNames: '[name]-[hash]',
  splitting: true,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // As dist/esm (tsc's target): every browser with WebAssembly SIMD runs ES2022 (Chrome 91, Safari
  // 16.4; Firefox from 90, one release after its SIMD), and lowering the private fields would put
  // helpers in a chunk that every build's chunk imports.
  target: ['es2022'],
  // The package has no side effects on import: keep the bundle tree-shakable by later bundlers.
  treeShaking: true,
  minify: false,
  legalComments: 'inline',
  charset: 'utf8',
  logLevel: 'warning',
  metafile: true,
  banner: { js: `// ${pkg.name} ${pkg.version}: ES module for browsers and workers, with a chunk per WebAssembly build (npm run build).` },
});

// Nothing may stay external: a bare import left in the bundle would fail in a browser.
const bare = Object.values(result.metafile.outputs).flatMap((o) => o.imports).filter((i) => i.external);
if (bare.length) {
  console.error(`build-browser: the bundle still imports ${bare.map((i) => i.path).join(', ')}`);
  process.exit(1);
}

writeFileSync(join(outDir, 'swish-wasm.d.ts'),
  `// Types of the browser bundle (swish-wasm.js): the same API as the ESM build.\nexport * from '../esm/index.js';\n`);
const chunks = Object.keys(result.metafile.outputs).filter((f) => f !== relative(root, outfile).split('\\').join('/'));
console.log(`browser: ${relative(root, outfile)} ${(statSync(outfile).size / 1024).toFixed(1)} KiB, and ${chunks.map((f) => f.split('/').pop()).join(', ')}`);
