// Bundles the ESM build (dist/esm, from build-ts.mjs) into one self-contained ES module for
// browsers without a bundler: dist/esm imports the bare specifier '@assemblyscript/loader', which
// a <script type="module"> or a module Worker cannot resolve. The .wasm builds are already
// embedded as base64, so the bundle needs no asset next to it.
//
//   dist/browser/swish-wasm.js     the bundle (package.json "exports": "browser" and "./browser")
//   dist/browser/swish-wasm.d.ts   its types: a re-export of dist/esm's declarations
//   dist/browser/swish-wasm-pool.js, .d.ts   the same for swish-wasm/pool (the API, the worker
//                                  pool and its shared-memory builds: the first bundle stays as it was)
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist/browser');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

for (const [esm, name] of [['index.js', 'swish-wasm'], ['pool/index.js', 'swish-wasm-pool']]) await bundle(esm, name);

async function bundle(esm, name) {
const entry = join(root, 'dist/esm', esm);
const outfile = join(outDir, `${name}.js`);
if (!existsSync(entry)) {
  console.error(`build-browser: ${relative(root, entry)} is missing: run scripts/build-ts.mjs first (npm run build)`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });

const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // Every browser with WebAssembly SIMD (Chrome 91, Firefox 89, Safari 16.4) runs ES2020.
  target: ['es2020'],
  // The package has no side effects on import: keep the bundle tree-shakable by later bundlers.
  treeShaking: true,
  minify: false,
  legalComments: 'inline',
  charset: 'utf8',
  logLevel: 'warning',
  metafile: true,
  banner: { js: `// ${pkg.name} ${pkg.version}: self-contained ES module for browsers and workers (npm run build).` },
});

// Nothing may stay external: a bare import left in the bundle would fail in a browser.
const out = result.metafile.outputs[relative(root, outfile).split('\\').join('/')] ??
  Object.values(result.metafile.outputs)[0];
const bare = (out?.imports ?? []).filter((i) => i.external);
if (bare.length) {
  console.error(`build-browser: the bundle still imports ${bare.map((i) => i.path).join(', ')}`);
  process.exit(1);
}

writeFileSync(join(outDir, `${name}.d.ts`),
  `// Types of the browser bundle (${name}.js): the same API as the ESM build.\nexport * from '../esm/${esm}';\n`);
console.log(`browser: ${relative(root, outfile)} ${(statSync(outfile).size / 1024).toFixed(1)} KiB`);
}
