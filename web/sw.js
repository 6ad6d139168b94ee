// Service worker: keeps the page's own static files so that it works offline after one visit. It
// only ever handles same-origin GET requests (the Content-Security-Policy forbids any others anyway).
// Network first, cache as fallback: a redeployed page is picked up on the next online visit, and an
// offline visit gets the last copy. ONNX Runtime Web (large, optional) is cached when first used.
const CACHE = 'ecglite-v1';
const PRECACHE = [
  './',
  'index.html',
  'style.css',
  'app.js',
  'ui.js',
  'intake.js',
  'batch.js',
  'results.js',
  'explain.js',
  'long-record.js',
  'holter.js',
  'engine.js',
  'report.js',
  'viewer.js',
  'worker.js',
  'icon.svg',
  'ecglite.mjs',
  'files.mjs',
  'ecglite-core.mjs',
  'ecglite-core.wasm',
  'build-info.json',
  'models/student-int8.ecgm',
  'models/beats-int8.ecgm',
  'models/rhythm-int8.ecgm',
  'samples/00001_lr.hea',
  'samples/00001_lr.dat',
  'samples/HR06001.hea',
  'samples/HR06001.mat',
  'samples/ptbxl-06003.csv',
  'samples/README.md',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // One missing optional file must not leave the page without offline support.
    await Promise.all(PRECACHE.map((path) => cache.add(path).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') cache.put(request, response.clone()).catch(() => {});
      return response;
    } catch (error) {
      const cached = await cache.match(request, { ignoreSearch: true });
      if (cached) return cached;
      throw error;
    }
  })());
});
