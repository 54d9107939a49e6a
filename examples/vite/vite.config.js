// Nothing to configure for the embedded WebAssembly. The alias only points 'swish-wasm' at this
// repo (its package.json "exports" pick the "browser" build), so that the example builds from the
// repo without `npm install`; an app that installs swish-wasm from npm needs no vite.config at all.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [{ find: /^swish-wasm$/, replacement: fileURLToPath(new URL('../..', import.meta.url)) }],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  logLevel: 'warn',
});
