// Accessibility in a real browser: an axe-core audit (the npm package, injected into the page) of the
// page in each of its states finds no serious or critical violation; the page works by keyboard alone
// in document order with a visible focus, and says the result in a live region; a 390 px wide phone
// never scrolls the page sideways (the ECG paper and the batch table scroll inside their boxes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DATA_DIR, ROOT, SAMPLES, SKIP, WEB, browserForTestFile, pick, screenshotPath, settled } from './support.mjs';

const env = browserForTestFile();
const require = createRequire(import.meta.url);
const AXE = (() => { try { return require.resolve('axe-core/axe.min.js'); } catch { return null; } })();
const NO_AXE = !AXE && 'axe-core is not installed (npm ci)';

const LONG = existsSync(path.join(DATA_DIR, 'mitdb', '208.hea')) ? path.join(DATA_DIR, 'mitdb', '208')
  : path.join(ROOT, 'tests', 'fixtures', 'mitdb', '205_20s');  // 20 s: the same panels, a shorter strip
const wfdb = (base) => [`${base}.hea`, ['dat', 'mat'].map((ext) => `${base}.${ext}`).find(existsSync)];
const THREE = [...wfdb(path.join(SAMPLES, '00001_lr')), ...wfdb(path.join(SAMPLES, 'HR06001')), path.join(SAMPLES, 'ptbxl-06003.csv')];

/** axe-core's violations of `impact` serious or critical on the page as it is now: [{ id, impact, nodes }]. */
async function seriousViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

const openRow = async (page, name) => {
  await page.locator('#batch-rows').getByRole('button', { name, exact: true }).click();
  await page.waitForFunction((n) => document.getElementById('announce').textContent.startsWith(`Results for ${n}:`), name);
};

test('axe-core finds no serious or critical violation: empty page, a 12-lead result, a long record, the batch table', { skip: SKIP || NO_AXE }, async () => {
  const page = await env.newPage();
  const states = {};
  states.empty = await seriousViolations(page);
  await pick(page, wfdb(path.join(SAMPLES, '00001_lr')));
  await page.waitForSelector('#heart-rate');
  states['12-lead record with results'] = await seriousViolations(page);
  await pick(page, wfdb(LONG));
  await page.waitForSelector('#rhythm-body p');
  states[`long record ${path.basename(LONG)}`] = await seriousViolations(page);
  await pick(page, THREE);
  states['batch table'] = await seriousViolations(page);
  await page.click('#batch-table thead button[data-column="NORM"]');
  await openRow(page, 'HR06001');
  states['batch table, sorted, a record opened'] = await seriousViolations(page);
  for (const [state, violations] of Object.entries(states)) assert.deepEqual(violations, [], `${state}: ${JSON.stringify(violations, null, 1)}`);
  // The audit sees what it should: a nameless button and an image without a text alternative.
  await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.id = 'axe-probe';
    probe.innerHTML = '<button type="button"></button><img src="icon.svg">';
    document.querySelector('main').append(probe);
  });
  const found = (await seriousViolations(page)).map((v) => v.id).sort();
  assert.deepEqual(found, ['button-name', 'image-alt']);
  await page.close();
});

// What has the focus, in words a test can compare.
const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const outline = getComputedStyle(e);
  return {
    id: e.id || e.dataset.sample || e.dataset.column || e.getAttribute('aria-label') || e.textContent.trim().slice(0, 30) || e.tagName,
    visible: outline.outlineStyle !== 'none' && parseFloat(outline.outlineWidth) >= 2,
  };
});

test('keyboard alone: Tab to a sample, Enter, and the result is announced; every control in document order with a visible focus', { skip: SKIP }, async () => {
  const page = await env.newPage();
  const stops = [];
  for (let i = 0; i < 10; ++i) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    stops.push(f);
    if (f?.id === 'ptbxl-00001') break;
  }
  assert.deepEqual(stops.map((s) => s?.id), ['Skip to content', 'choose', 'choose-folder', 'ptbxl-00001']);
  assert.ok(stops.every((s) => s.visible), JSON.stringify(stops));
  await settled(page, () => page.keyboard.press('Enter'));
  await page.waitForFunction(() => /^Results for 00001_lr: Normal ECG \d+ %$/.test(document.getElementById('announce').textContent));
  assert.equal(await page.getAttribute('#announce', 'aria-live'), 'polite');
  // Every tab stop of the page with a record shown, in document order, each with a visible focus ring.
  await page.focus('.skip');
  const seen = [];
  const names = [];
  for (let i = 0; i < 80; ++i) {
    if (i) await page.keyboard.press('Tab');
    const index = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      return [...document.querySelectorAll('*')].indexOf(e);
    });
    if (index === null || seen.includes(index)) break;
    seen.push(index);
    const f = await focused(page);
    names.push(f.id);
    assert.ok(f.visible, `no visible focus on ${f.id}`);
  }
  // skip link, files, folder, 3 samples, CSV options, the ECG's 3 selects, 3 zoom buttons and its
  // paper, the engine choice and its precision, the samples' details link; rhythm controls when present.
  for (const id of ['choose', 'choose-folder', 'csv-06003', 'layout', 'gain', 'zoom-reset', 'scroller', 'onnx-precision'])
    assert.ok(names.includes(id), `${id} is not a tab stop: ${names.join(', ')}`);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'the tab order is not the document order');
  await page.close();
});

test('keyboard alone in the batch table: sort headers are buttons, every record is reachable and opens with Enter', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await pick(page, THREE);
  await page.focus('#batch-export');
  const stops = [];
  for (let i = 0; i < 20; ++i) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    stops.push(f.id);
    assert.ok(f.visible, `no visible focus on ${f.id}`);
    if (f.id === 'ptbxl-06003') break;
  }
  // The Rhythm column exists when the build ships a rhythm model.
  const rhythm = existsSync(path.join(WEB, 'models', 'rhythm-int8.ecgm')) ? ['rhythm'] : [];
  assert.deepEqual(stops, ['record', 'leads', 'duration', 'NORM', 'MI', 'STTC', 'CD', 'HYP', 'result', ...rhythm, 'warnings', '00001_lr', 'HR06001', 'ptbxl-06003']);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('announce').textContent.startsWith('Results for ptbxl-06003: Normal ECG'));
  assert.equal(await page.$eval('#batch-rows tr.opened th', (th) => th.textContent), 'ptbxl-06003');
  await page.close();
});

test('a 390 px wide phone: no horizontal page scroll; the ECG paper and the batch table scroll inside their boxes', { skip: SKIP }, async () => {
  const page = await env.newPage({ viewport: { width: 390, height: 844 } });
  const pageWidth = () => page.evaluate(() => document.scrollingElement.scrollWidth);
  const box = (id) => page.evaluate((i) => { const e = document.getElementById(i); return { client: e.clientWidth, scroll: e.scrollWidth }; }, id);
  assert.ok(await pageWidth() <= 390, `empty page: ${await pageWidth()} px wide`);
  await pick(page, wfdb(path.join(SAMPLES, 'HR06001')));
  await page.waitForSelector('#heart-rate');
  assert.ok(await pageWidth() <= 390, `a 12-lead record: ${await pageWidth()} px wide`);
  const paper = await box('scroller');
  assert.ok(paper.scroll > paper.client, `the ECG paper does not scroll: ${JSON.stringify(paper)}`);
  await page.screenshot({ path: screenshotPath('phone-390.png'), fullPage: true });
  await pick(page, THREE);
  await openRow(page, '00001_lr');
  assert.ok(await pageWidth() <= 390, `the batch table: ${await pageWidth()} px wide`);
  const table = await page.evaluate(() => { const e = document.querySelector('.batch-scroll'); return { client: e.clientWidth, scroll: e.scrollWidth }; });
  assert.ok(table.scroll > table.client, `the batch table does not scroll in its box: ${JSON.stringify(table)}`);
  // The controls wrap instead of widening the page: the ECG toolbar takes several lines.
  const toolbar = await page.$eval('#ecg .toolbar', (t) => ({ height: t.getBoundingClientRect().height, width: t.scrollWidth, client: t.clientWidth }));
  assert.ok(toolbar.width <= toolbar.client && toolbar.height > 60, JSON.stringify(toolbar));
  await page.screenshot({ path: screenshotPath('phone-390-batch.png'), fullPage: true });
  await page.close();
});
