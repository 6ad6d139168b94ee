// Long recordings on the page: read in slices in the worker, never copied whole. A synthetic 2.5-hour
// 2-lead record (500 Hz, format 16: 18 MB, so the page hands its signal file over as a File) is
// generated here: the progress bar moves, the Holter summary arrives and has the CLI's hours, the
// paper holds only a window of the record, and a click on an hour, on the heart-rate trend or on a
// longest run shows that moment (the worker decodes just that stretch). Cancel mid-way terminates the
// worker (an 8-hour record); a fresh one opens a short sample afterwards. A 1.2-hour record of 4.7 MB (sent as bytes) is
// read in slices as well, its header saying it is long. No timed assertions.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, NO_CLI, writeSyntheticHolter } from '../js/support.mjs';
import { SKIP, SAMPLES, assertShowsCli, browserForTestFile, pick, screenshotPath, settled } from './support.mjs';

const env = browserForTestFile();
const tmp = mkdtempSync(path.join(tmpdir(), 'ecglite-long-page-'));
after(() => rmSync(tmp, { recursive: true, force: true }));  // some 55 MB of generated records
const RATE = 500;
const long = SKIP ? null : writeSyntheticHolter(tmp, { name: 'holter25', hours: 2.5, rate: RATE, format: 16 });
const files = (header) => [header, header.replace(/\.hea$/, '.dat')];
const AXE = (() => { try { return createRequire(import.meta.url).resolve('axe-core/axe.min.js'); } catch { return null; } })();

// Every value the progress bar takes, from before the drop on (a MutationObserver on its attribute).
async function watchProgress(page) {
  await page.evaluate(() => {
    window.progressSeen = [];
    const bar = document.getElementById('progress');
    new MutationObserver(() => {
      if (bar.hasAttribute('value') && !document.getElementById('cancel-analysis').hidden) window.progressSeen.push(bar.value);
    }).observe(bar, { attributes: true, attributeFilter: ['value'] });
    new MutationObserver(() => {
      const text = document.getElementById('status').textContent;
      if (text.startsWith('Analysing')) (window.statusSeen ??= []).push(text);
    }).observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true });
  });
}

// The frames the paper holds: [from, to) of the record (viewer.js sets data-window on a windowed record).
const heldWindow = (page) => page.$eval('#scroller canvas', (c) => c.dataset.window?.split(' ').map(Number) ?? null);

async function waitForWindowAround(page, seconds) {
  await page.waitForFunction(([t, rate]) => {
    const w = document.querySelector('#scroller canvas').dataset.window?.split(' ').map(Number);
    return w && w[0] <= t * rate && t * rate < w[1];
  }, [seconds, RATE]);
}

test('a 2.5-hour recording: progress, the Holter summary as `ecglite rhythm`, a windowed paper, jumps by click', { skip: SKIP || NO_CLI }, async () => {
  const page = await env.newPage();
  await watchProgress(page);
  await pick(page, files(long));
  await page.waitForSelector('#holter-hours');

  // The bar moved forward and said how long is left.
  const seen = await page.evaluate(() => window.progressSeen);
  assert.ok(seen.filter((v) => v > 0 && v < 1).length >= 2, `progress values seen: ${seen}`);
  assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]), `progress went back: ${seen}`);
  const said = await page.evaluate(() => window.statusSeen ?? []);
  assert.ok(said.some((t) => /^Analysing: \d+ % — (about \d+ (s|min) left|almost done|working out the time left)$/.test(t)), `status lines: ${said}`);
  assert.equal(await page.isVisible('#cancel-analysis'), false, 'Cancel stays after the analysis');

  // The hours are the CLI's (whole-record reading there, slices here).
  const run = cli('rhythm', long, '--json', '--no-model', '--no-rhythm-model', '--no-annotations');
  assert.equal(run.status, 0, run.stderr);
  const native = JSON.parse(run.stdout);
  const rows = await page.$$eval('#holter-hours tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.equal(rows.length, 3);
  assert.equal(rows.length, native.holter.hours.length);
  native.holter.hours.forEach((h, i) => assert.equal(rows[i][2], h.beats.toLocaleString('en'), `hour ${i + 1}`));

  // The paper holds a window, not the record.
  const total = 2.5 * 3600 * RATE;
  const first = await heldWindow(page);
  assert.ok(first && first[0] === 0 && first[1] < total / 10, `window held: ${first}`);

  // Hour 2's button: the paper shows 1:00:00 on, decoded for the purpose.
  await page.click('#holter-hours tbody tr:nth-child(2) th button');
  await waitForWindowAround(page, 3600);
  await page.waitForFunction(() => document.querySelector('#scroller canvas').dataset.timeLabels?.split(' ').includes('1:00:02'));
  const atHour = await heldWindow(page);
  assert.ok(atHour[1] - atHour[0] < total / 10, `window held: ${atHour}`);
  await page.locator('#ecg').screenshot({ path: screenshotPath('long-record-hour-2.png') });

  // A click on the heart-rate trend at 2 h.
  const width = await page.evaluate(() => document.getElementById('hr-trend').clientWidth);
  await page.click('#hr-trend', { position: { x: 36 + (7200 / 9000) * (width - 44), y: 60 } });
  await waitForWindowAround(page, 7200);
  const labels = await page.$eval('#scroller canvas', (c) => c.dataset.timeLabels.split(' '));
  assert.ok(labels.some((l) => /^1:59:|^2:00:/.test(l)), `labels after the trend click: ${labels.join(' ')}`);

  // Keyboard: scroll on with Page Down from there, and the paper keeps up.
  await page.focus('#scroller');
  for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
  await page.waitForFunction(() => {
    const c = document.querySelector('#scroller canvas');
    const [from, to] = c.dataset.window.split(' ').map(Number);
    const [h, m, s] = c.dataset.timeLabels.split(' ').at(-1).split(':').map(Number);
    const t = (h * 3600 + m * 60 + s) * 500;
    return from <= t && t < to;
  });
  await page.close();
});

test('a small file whose header says more than an hour is read in slices too', { skip: SKIP }, async () => {
  const header = writeSyntheticHolter(tmp, { name: 'holter12', hours: 1.2, rate: 360, format: 212 });  // 4.7 MB
  const page = await env.newPage();
  await pick(page, files(header));
  await page.waitForSelector('#holter-hours');
  const held = await heldWindow(page);
  assert.ok(held && held[1] - held[0] < 1.2 * 3600 * 360 / 10, `window held: ${held}`);
  assert.equal(await page.$$eval('#holter-hours tbody tr', (rows) => rows.length), 2);
  assert.match(await page.textContent('#result-body'), /record holter12 has leads MLII, V5/);
  await page.close();
});

test('Cancel stops a long analysis, and the page opens the next recording', { skip: SKIP || NO_CLI }, async () => {
  // 8 hours (31 MB): an analysis of several seconds, which the click comes well within.
  const eight = writeSyntheticHolter(tmp, { name: 'holter8', hours: 8, rate: 360, format: 212 });
  const page = await env.newPage();
  const before = await page.evaluate(() => Number(document.body.dataset.completed || 0));
  if (AXE) await page.evaluate(readFileSync(AXE, 'utf8'));
  await page.setInputFiles('#file-input', files(eight));
  await page.waitForSelector('#cancel-analysis', { state: 'visible' });
  assert.match(await page.textContent('#status'), /^Analysing: /);
  // The progress bar and its Cancel button, as axe-core sees them (serious or critical findings only).
  if (AXE) {
    const { violations } = await page.evaluate(() => window.axe.run(document.getElementById('open'), { resultTypes: ['violations'] }));
    assert.deepEqual(violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), []);
  }
  await page.click('#cancel-analysis');
  await page.waitForFunction((n) => Number(document.body.dataset.completed || 0) > n, before);
  assert.match(await page.textContent('#status'), /^Cancelled: holter8 was not analysed/);
  assert.equal(await page.isVisible('#progress-line'), false);
  assert.equal(await page.isVisible('#ecg'), false);
  assert.equal(await page.isVisible('#rhythm'), false);
  // A fresh worker: a short record goes the usual way and gets the CLI's result.
  await page.waitForSelector('body[data-ready="true"]');
  await settled(page, () => page.click('[data-sample="ptbxl-00001"]'));
  await page.waitForSelector('#result-body .class-row');
  await assertShowsCli(page, path.join(SAMPLES, '00001_lr.hea'));
  assert.match(await page.textContent('#status'), /1 of 1 record read, 1 classified/);
  await page.close();
});
