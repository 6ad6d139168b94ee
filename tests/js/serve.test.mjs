// scripts/serve.mjs: the local static server sends the security headers a host should send, the
// right types for modules and wasm, and nothing outside its root.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, CONTENT_SECURITY_POLICY } from '../../scripts/serve.mjs';

let server;
let root;
before(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'ecglite-serve-'));
  mkdirSync(path.join(root, 'web'));
  writeFileSync(path.join(root, 'web', 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(root, 'web', 'm.mjs'), 'export default 1;');
  writeFileSync(path.join(root, 'web', 'x.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  writeFileSync(path.join(root, 'secret.txt'), 'outside the root');
  server = await startServer({ root: path.join(root, 'web'), port: 0 });
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

// Raw requests: fetch() would normalise "/../" away before it reached the server.
function get(rawPath, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: rawPath, method }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('listens on 127.0.0.1 only', () => {
  assert.equal(server.server.address().address, '127.0.0.1');
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('index, modules and wasm with their types and the security headers', async () => {
  const index = await get('/');
  assert.equal(index.status, 200);
  assert.match(index.headers['content-type'], /text\/html/);
  assert.equal(index.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
  assert.match(CONTENT_SECURITY_POLICY, /connect-src 'self'/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /'unsafe-eval'|'unsafe-inline'/);
  assert.equal(index.headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(index.headers['cross-origin-embedder-policy'], 'require-corp');
  assert.equal(index.headers['x-content-type-options'], 'nosniff');
  assert.match((await get('/m.mjs')).headers['content-type'], /text\/javascript/);
  assert.equal((await get('/x.wasm')).headers['content-type'], 'application/wasm');
});

test('nothing outside the root, no methods but GET and HEAD', async () => {
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/missing.js', '/%zz'])
    assert.equal((await get(p)).status, 404, p);
  assert.equal((await get('/', 'POST')).status, 405);
  const head = await get('/m.mjs', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
});
