// Compiles src/ twice, as ES modules (dist/esm) and as CommonJS (dist/cjs), and copies the .wasm
// builds into dist/ for runtimes that load them as modules (Cloudflare Workers, Deno).
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const project of ['tsconfig.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}
writeFileSync(join(root, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
for (const f of ['swish-simd.wasm', 'swish-relaxed.wasm', 'swish-scalar.wasm']) copyFileSync(join(root, 'build', f), join(root, 'dist', f));
