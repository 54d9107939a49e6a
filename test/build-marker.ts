// Whether a script holds an embedded WebAssembly build (whole or core): the first 40 characters of one of
// src/generated/wasm-*.ts's literals (base64 of a build's zlib-deflated bytes), which no other
// text has. (A build's own bytes would start "\0asm", AGFzbQ in base64; the embedded ones are
// deflated first, so that is not there to look for.)
import { readFileSync } from 'node:fs';

const MARKERS = ['simd', 'relaxed', 'scalar', 'simd-core', 'relaxed-core'].map((b) => {
  const src = readFileSync(new URL(`../src/generated/wasm-${b}.ts`, import.meta.url), 'utf8');
  return /'([A-Za-z0-9+/=]{1000,})'/.exec(src)![1].slice(0, 40);
});

export function holdsBuild(text: string): boolean {
  return MARKERS.some((m) => text.includes(m));
}
