// Developer tool: where our cold start-up goes in Chromium, phase by phase (the bench itself only
// times the whole of it). Each run is a fresh browser context on the bench page:
//   import  - import() of ecglite.mjs (and, before it fetched the wasm itself, of the glue)
//   create  - createEcgLite(): glue import, wasm fetch + compile + instantiate, Embind set-up
//   load    - the first loadModel() (the model's bytes were fetched in parallel from the start)
//   reload  - a second loadModel() of the same bytes: the first one minus lazy compilation and
//             baseline-tier (Liftoff) execution
// Usage: node bench/startup-phases.mjs [RUNS (default 20)] [PACKAGE_DIR (default web)]...
// Several package directories (each with ecglite.mjs + ecglite-core.{mjs,wasm}) are run alternately,
// so two builds can be compared under the same machine load.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 20);
const packages = process.argv.length > 3 ? process.argv.slice(3) : ['web'];
if (!(runs > 0)) {
  console.error('usage: node bench/startup-phases.mjs [RUNS] [PACKAGE_DIR...]');
  process.exit(2);
}

const { chromium } = await import('playwright-core');
const { startServer } = await import('../scripts/serve.mjs');
const server = await startServer({ root: ROOT, port: 0 });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const samples = new Map(packages.map((p) => [p, []]));
try {
  for (let i = 0; i < runs * packages.length; ++i) {
    const pkg = packages[i % packages.length];
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}bench/page.html`);
    await page.waitForFunction(() => window.ecgBenchReady === true);
    samples.get(pkg).push(await page.evaluate(async (dir) => {
      const t0 = performance.now();
      const model = fetch('/models/student-int8.ecgm').then((r) => r.arrayBuffer());
      const mod = await import(`/${dir}/ecglite.mjs`);
      const t1 = performance.now();
      const ecg = await mod.createEcgLite();
      const t2 = performance.now();
      const bytes = new Uint8Array(await model);
      const t3 = performance.now();
      ecg.loadModel(bytes);
      const t4 = performance.now();
      ecg.loadModel(bytes);
      const t5 = performance.now();
      return { import: t1 - t0, create: t2 - t1, load: t4 - t3, reload: t5 - t4, total: t4 - t0 };
    }, pkg));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
console.log(`Chromium ${browser.version()}, ${runs} cold starts per package, medians in ms`);
console.log(['package', 'import', 'create', 'load', 'reload', 'total'].join('\t'));
for (const [pkg, rows] of samples) {
  console.log([pkg, ...['import', 'create', 'load', 'reload', 'total'].map((k) => median(rows.map((r) => r[k])).toFixed(1))].join('\t'));
}
