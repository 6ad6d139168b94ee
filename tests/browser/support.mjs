// Shared setup of the browser tests: Debian's Chromium driven by playwright-core, the page served
// by scripts/serve.mjs on 127.0.0.1 (a free port), and a log of every request the page makes.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliJson } from '../js/support.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB = path.join(ROOT, 'web');
export const SAMPLES = path.join(WEB, 'samples');
export const SCREENSHOTS = path.join(ROOT, 'tests', 'browser', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const DATA_DIR = process.env.ECGLITE_DATA_DIR || path.resolve(ROOT, '..', 'shared', 'data');

export const SKIP = !existsSync(CHROMIUM)
  ? `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`
  : !existsSync(path.join(WEB, 'ecglite-core.wasm'))
    ? 'the page is not built (run scripts/build-wasm)'
    : false;

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Starts the server and Chromium; returns helpers and a close(). */
export async function launch() {
  const { chromium } = await import('playwright-core');
  const { startServer } = await import(path.join(ROOT, 'scripts', 'serve.mjs'));
  const server = await startServer({ root: WEB, port: 0 });
  const profile = mkdtempSync(path.join(tmpdir(), 'ecglite-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 1000 },
  });
  const requests = [];
  const problems = [];
  // Every request of the context: pages, workers and the service worker.
  context.on('request', (r) => requests.push(r.url()));
  const origin = new URL(server.url).origin;
  return {
    server,
    context,
    origin,
    requests,
    problems,
    async newPage(options = {}) {
      const page = await context.newPage();
      if (options.viewport) await page.setViewportSize(options.viewport);
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
      });
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
      return page;
    },
    /**
     * A throw-away site: fill(root) writes its files into a temp directory, which is served on a
     * local origin of its own; run(page, url) gets a fresh page of the shared browser. Its requests
     * are not counted as foreign (they never left the machine) and the directory is removed.
     */
    async withSite(prefix, fill, run) {
      const site = mkdtempSync(path.join(tmpdir(), prefix));
      let siteServer;
      let page;
      try {
        await fill(site);
        siteServer = await startServer({ root: site, port: 0 });
        page = await context.newPage();
        return await run(page, siteServer.url);
      } finally {
        await page?.close();
        await siteServer?.close();
        rmSync(site, { recursive: true, force: true });
        if (siteServer) requests.splice(0, requests.length, ...requests.filter((u) => !u.startsWith(siteServer.url)));
      }
    },
    foreignRequests() {
      return requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The browser of one test file, launched before its first test (an empty object when SKIP). After
 * its last test it is closed and checked, over every page of every test, that the recording never
 * left the page's origin and that no page logged an error or a CSP violation.
 */
export function browserForTestFile() {
  const env = {};
  before(async () => { if (!SKIP) Object.assign(env, await launch()); });
  after(async () => {
    if (!env.close) return;
    await env.close();
    assert.deepEqual(env.foreignRequests(), [], 'requests outside the page origin');
    assert.deepEqual(env.problems, [], 'console errors or CSP violations');
  });
  return env;
}

const completed = (page) => page.evaluate(() => Number(document.body.dataset.completed || 0));

/** Runs `action` and waits until the page has finished the drop it starts. */
export async function settled(page, action) {
  const before = await completed(page);
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.completed || 0) > n, before, { timeout: 60000 });
}

/** Opens files through the (hidden) file input, as the picker does. */
export async function pick(page, files) {
  await settled(page, () => page.setInputFiles('#file-input', files));
}

/** Drops files on the drop zone with a synthetic DataTransfer, as a drag from the desktop does. */
export async function drop(page, files) {
  const { readFileSync } = await import('node:fs');
  const payload = files.map((f) => ({ name: path.basename(f), data: Array.from(readFileSync(f)) }));
  await settled(page, () => page.evaluate((items) => {
    const dt = new DataTransfer();
    for (const { name, data } of items) dt.items.add(new File([new Uint8Array(data)], name));
    const zone = document.getElementById('dropzone');
    for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, payload));
}

/** The predictions as displayed: { NORM: '73.2 %', ... }. */
export async function shownProbabilities(page) {
  return page.$$eval('#result-body li[data-class]', (items) =>
    Object.fromEntries(items.map((li) => [li.dataset.class, li.querySelector('.prob').textContent])));
}

/** The model the page ships (scripts/build-wasm copies it), the reference for `ecglite classify`. */
export const MODEL = path.join(WEB, 'models', 'student-int8.ecgm');
/** A probability as the page shows it. */
export const percent = (p) => `${(p * 100).toFixed(1)} %`;

/** What `ecglite classify --json` says about one record file (it must classify). */
export function expectedFor(file) {
  const [r] = cliJson('classify', file, '--model', MODEL, '--json').records;
  assert.ok(!r.error, r.error);
  return r;
}

/** The screening result shown is the CLI's for `file`: every probability and the positive labels. */
export async function assertShowsCli(page, file) {
  const expected = expectedFor(file);
  const shown = await shownProbabilities(page);
  assert.deepEqual(Object.keys(shown), Object.keys(expected.probabilities));
  for (const [name, p] of Object.entries(expected.probabilities)) assert.equal(shown[name], percent(p), `${path.basename(file)} ${name}`);
  const positive = await page.$$eval('#result-body .class-state.positive', (els) => els.map((e) => e.closest('li').dataset.class));
  assert.deepEqual(positive, expected.labels);
}

/** A rhythm model for the tests: the shipped one when the build has it, else the test fixture's hand-set model. */
export const RHYTHM_MODEL = [path.join(WEB, 'models', 'rhythm-int8.ecgm'), path.join(ROOT, 'tests', 'fixtures', 'rhythm', 'rr-rule-fp32.ecgm')].find(existsSync);

/** Fills env.withSite()'s directory with a copy of the page (without vendor/) that ships RHYTHM_MODEL: a build with a rhythm model. */
export function pageWithRhythmModel(site) {
  cpSync(WEB, site, { recursive: true, filter: (src) => !src.startsWith(path.join(WEB, 'vendor')) });
  cpSync(RHYTHM_MODEL, path.join(site, 'models', 'rhythm-int8.ecgm'));
  const info = JSON.parse(readFileSync(path.join(WEB, 'build-info.json'), 'utf8'));
  writeFileSync(path.join(site, 'build-info.json'), JSON.stringify({ ...info, rhythmModel: 'models/rhythm-int8.ecgm' }));
}

export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}
