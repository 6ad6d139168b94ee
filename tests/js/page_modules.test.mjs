// The page's own files: every module the page and its worker load is in the service worker's
// offline list, and the page keeps no file-name rules of its own (the package's files.mjs has them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './support.mjs';

const WEB = path.join(ROOT, 'web');
const NOT_BUILT = existsSync(path.join(WEB, 'ecglite.mjs')) ? false : 'the page is not built (run scripts/build-wasm)';
const text = (file) => readFileSync(path.join(WEB, file), 'utf8');

// Relative specifiers a module loads: static imports and re-exports, import('...') and
// new URL('...', import.meta.url) (the worker). ONNX Runtime (vendor/) is loaded on demand only.
function loads(file) {
  const source = text(file);
  const found = [
    ...source.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.\/[^']+)'/gm),
    ...source.matchAll(/import\(\s*'(\.\/[^']+)'\s*\)/g),
    ...source.matchAll(/new URL\(\s*'(\.\/[^']+)',\s*import\.meta\.url\s*\)/g),
  ].map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])));
  return found.filter((f) => !f.startsWith('vendor/'));
}

function pageModules() {
  const entries = [...text('index.html').matchAll(/<script type="module" src="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(entries.length >= 1, 'index.html loads no module');
  const seen = new Set();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    assert.ok(existsSync(path.join(WEB, file)), `web/${file} is loaded but absent`);
    if (/\.m?js$/.test(file)) queue.push(...loads(file));
  }
  return [...seen];
}

test('the service worker caches every module the page and its worker load', { skip: NOT_BUILT }, () => {
  const list = text('sw.js').match(/const PRECACHE = \[([\s\S]*?)\];/)[1];
  const precache = new Set([...list.matchAll(/'([^']+)'/g)].map((m) => m[1]));
  const modules = pageModules();
  for (const m of ['app.js', 'worker.js', 'ecglite.mjs', 'files.mjs', 'ecglite-core.mjs']) assert.ok(modules.includes(m), `${m} not found from index.html`);
  assert.deepEqual(modules.filter((m) => !precache.has(m)), [], 'modules missing from PRECACHE in web/sw.js');
  // And every script of the page is one it loads (none left behind by a split).
  const scripts = readdirSync(WEB).filter((f) => /\.m?js$/.test(f) && f !== 'sw.js');
  assert.deepEqual(scripts.filter((f) => !modules.includes(f)), [], 'scripts in web/ that the page does not load');
});

test('the page keeps no file-name lists of its own: the CSV and annotator extensions come from the package', () => {
  const pageFiles = readdirSync(WEB).filter((f) => f.endsWith('.js') || f === 'index.html');
  for (const file of pageFiles) {
    const code = text(file).replace(/<!--[\s\S]*?-->/g, '').replace(/^\s*\/\/.*$/gm, '').replace(/\s\/\/ .*$/gm, '');
    assert.doesNotMatch(code, /\btsv\b|\batr\b|\bqrs\b/i, `web/${file} names CSV or annotation extensions (use fileKind/ACCEPTED_FILES from ecglite.mjs)`);
  }
});
