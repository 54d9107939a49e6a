// Bundles the ESM build (dist/esm, from build-ts.mjs) into one ES module for browsers without a
// bundler (one request instead of one per source file). The embedded builds stay where dist/esm
// has them (dist/esm/generated/wasm-*.js, imported only by init() when it selects that build), so
// that the package holds one copy of each.
//
//   dist/browser/swish-wasm.js      the bundle (package.json "exports": "./browser")
//   dist/browser/swish-wasm.d.ts    its types: a re-export of dist/esm's declarations
//   dist/browser/swish-wasm-pool.js, .d.ts   the same for swish-wasm/pool (the API and the worker
//                                   pool, which makes its shared-memory module from those builds)
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
  // As dist/esm (tsc's target): every browser with WebAssembly SIMD runs ES2022 (Chrome 91, Safari
  // 16.4; Firefox from 90, one release after its SIMD).
  target: ['es2022'],
  // The package has no side effects on import: keep the bundle tree-shakable by later bundlers.
  treeShaking: true,
  minify: false,
  legalComments: 'inline',
  charset: 'utf8',
  logLevel: 'warning',
  metafile: true,
  plugins: [{
    name: 'builds-stay-in-dist-esm',
    setup(b) {
      b.onResolve({ filter: /\/generated\/wasm-[a-z]+(-core)?\.js$/ }, (args) => ({
        path: `../esm/generated/${args.path.split('/').pop()}`, external: true,
      }));
    },
  }],
  banner: { js: `// ${pkg.name} ${pkg.version}: ES module for browsers and workers; it imports each WebAssembly build from ../esm/generated when selected (npm run build).` },
});

// Nothing but the builds may stay external: a bare import left in the bundle would fail in a browser.
const bare = Object.values(result.metafile.outputs).flatMap((o) => o.imports)
  .filter((i) => i.external && !/^\.\.\/esm\/generated\/wasm-[a-z]+(-core)?\.js$/.test(i.path));
if (bare.length) {
  console.error(`build-browser: the bundle still imports ${bare.map((i) => i.path).join(', ')}`);
  process.exit(1);
}

writeFileSync(join(outDir, `${name}.d.ts`),
  `// Types of the browser bundle (${name}.js): the same API as the ESM build.\nexport * from '../esm/${esm}';\n`);
console.log(`browser: ${relative(root, outfile)} ${(statSync(outfile).size / 1024).toFixed(1)} KiB`);
}
