#!/usr/bin/env node
// Static file server for the EcgLite page: 127.0.0.1 only, no dependencies. Sends the headers a real
// host should send: a Content-Security-Policy that forbids any connection beyond this origin, and
// COOP/COEP so the page is cross-origin isolated (ONNX Runtime Web may then use threads).
//
//   node scripts/serve.mjs [--port N] [--root DIR]      (port 0 = any free port; default 8080)
//
// Also imported by the browser tests: startServer({ root, port }) -> { url, close() }.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_ROOT = path.resolve(here, '..', 'web');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.hea': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

function securityHeaders() {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // Revalidate every time: the service worker does the offline caching.
    'Cache-Control': 'no-cache',
  };
}

async function resolveFile(root, urlPath) {
  let relative;
  try {
    relative = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  const file = path.resolve(root, '.' + path.posix.normalize('/' + relative));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  try {
    const st = await stat(file);
    if (st.isDirectory()) {
      const index = path.join(file, 'index.html');
      return (await stat(index)).isFile() ? { file: index, size: (await stat(index)).size } : null;
    }
    return st.isFile() ? { file, size: st.size } : null;
  } catch {
    return null;
  }
}

export function startServer({ root = DEFAULT_ROOT, port = 8080, host = '127.0.0.1', log = false } = {}) {
  const absoluteRoot = path.resolve(root);
  const server = createServer(async (req, res) => {
    const headers = securityHeaders();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const found = await resolveFile(absoluteRoot, req.url || '/');
    if (log) console.log(`${req.method} ${req.url} ${found ? 200 : 404}`);
    if (!found) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const type = TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': found.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}/`,
        port: actual,
        server,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  };
  if (args.includes('--help') || args.includes('-h')) {
    console.log('usage: scripts/serve [--port N] [--root DIR] [--log]   (serves web/ on 127.0.0.1; port 0 = any free port)');
    process.exit(0);
  }
  const port = Number(option('--port', process.env.PORT ?? 8080));
  const root = path.resolve(option('--root', DEFAULT_ROOT));
  try {
    await stat(path.join(root, 'ecglite-core.wasm'));
  } catch {
    console.error(`serve: ${root} has no ecglite-core.wasm yet (run scripts/build-wasm first)`);
    process.exit(1);
  }
  const { url } = await startServer({ root, port, log: args.includes('--log') });
  console.log(`EcgLite page: ${url}  (serving ${path.relative(process.cwd(), root) || '.'}; Ctrl-C stops)`);
}
