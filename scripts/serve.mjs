// A small static file server for the browser tests and the demo page (node:http, no
// dependencies). It serves a directory (the repo root by default) on 127.0.0.1, with the MIME
// types browsers insist on (text/javascript for module scripts, application/wasm for
// WebAssembly.compileStreaming) and no caching. From code it listens on an ephemeral port.
//
//   node scripts/serve.mjs [--root DIR] [--port N] [--path /web/] [--verbose]   prints the URL, serves until Ctrl-C
//     (port: --port, else $PORT, else 8000 when free, else any free port)
//   import { serve } from './serve.mjs'; const s = await serve({ root }); s.url; await s.close();
//
// The pages are also served cross-origin isolated (COOP/COEP): every resource is same-origin, and
// isolation gives performance.now() its finer resolution for the demo's benchmark.
import { createReadStream, promises as fs } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.d.ts': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PORT = 8000;

/**
 * Starts serving `root`. Resolves once listening, to { url (with a trailing slash), port, close() }.
 * `log` receives one line per request when given.
 */
export function serve({ root = repoRoot, host = '127.0.0.1', port = 0, isolate = true, mounts = {}, log } = {}) {
  // `mounts` serves other directories at URL prefixes: { '/dist/': '/tmp/snapshot' }.
  const bases = [
    ...Object.entries(mounts).map(([prefix, dir]) => ({ prefix: '/' + prefix.replace(/^\/+|\/+$/g, '') + '/', dir: resolve(dir) })),
    { prefix: '/', dir: resolve(root) },
  ];
  const server = createServer(async (req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
      log?.(`${status} ${req.method} ${req.url}`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (pathname.includes('\0')) return send(400, 'bad request\n');
    const { prefix, dir: base } = bases.find((b) => pathname.startsWith(b.prefix) || pathname + '/' === b.prefix);
    let file = resolve(base, '.' + pathname.slice(prefix.length - 1));
    if (file !== base && !file.startsWith(base + sep)) return send(403, 'forbidden\n');
    let stat;
    try {
      stat = await fs.stat(file);
      if (stat.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { location: pathname + '/' + (req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '') });
          res.end();
          log?.(`301 ${req.method} ${req.url}`);
          return;
        }
        file = join(file, 'index.html');
        stat = await fs.stat(file);
      }
    } catch {
      return send(404, `not found: ${pathname}\n`);
    }
    const type = MIME_TYPES[file.endsWith('.d.ts') ? '.d.ts' : extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers = {
      'content-type': type,
      'content-length': stat.size,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    };
    if (isolate) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
      headers['cross-origin-resource-policy'] = 'same-origin';
    }
    res.writeHead(200, headers);
    log?.(`200 ${req.method} ${req.url}`);
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  // Keep-alive sockets would hold close() open until they time out.
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const { port: actual } = server.address();
      ok({
        url: `http://${host}:${actual}/`,
        port: actual,
        server,
        close: () => new Promise((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

function parseArgs(argv) {
  const opts = { root: repoRoot, port: process.env.PORT ? Number(process.env.PORT) : undefined, path: '/', verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--root') opts.root = resolve(value());
    else if (a === '--port') opts.port = Number(value());
    else if (a === '--path') opts.path = value();
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/serve.mjs [--root DIR] [--port N] [--path /web/] [--verbose]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)) throw new Error(`bad port ${opts.port}`);
  opts.path = '/' + opts.path.replace(/^\/+/, '');
  return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`serve: ${e.message}`);
    process.exit(2);
  }
  const log = opts.verbose ? (l) => console.log(l) : undefined;
  // Without --port (or PORT), 8000 if it is free, else any free port.
  const s = await serve({ root: opts.root, port: opts.port ?? DEFAULT_PORT, log }).catch((e) => {
    if (opts.port !== undefined || e.code !== 'EADDRINUSE') throw e;
    return serve({ root: opts.root, port: 0, log });
  });
  console.log(`Serving ${opts.root} at ${s.url}`);
  console.log(`Open ${new URL(opts.path, s.url).href}   (Ctrl-C to stop)`);
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
