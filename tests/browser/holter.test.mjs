// The Holter summary on the page: a long recording shows the hourly table (a real <table>, its row
// buttons reachable by keyboard) and the HRV values of `ecglite rhythm --json`, and "Export CSV" saves
// exactly the file `ecglite rhythm --holter-csv` writes. On a synthetic 12-minute recording (generated,
// so never skipped) and MIT-BIH 208 (30 min) when ../shared/data has it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, NO_CLI, writeSyntheticLongRecord } from '../js/support.mjs';
import { DATA_DIR, SKIP, WEB, browserForTestFile, pick, screenshotPath } from './support.mjs';

const env = browserForTestFile();
const tmp = mkdtempSync(path.join(tmpdir(), 'ecglite-holter-page-'));
// The models the page loads, given to the CLI too (or left out on both sides).
const model = (name, flag, none) => (existsSync(path.join(WEB, 'models', name)) ? [flag, path.join(WEB, 'models', name)] : [none]);
const CLI_MODELS = [...model('beats-int8.ecgm', '--model', '--no-model'), ...model('rhythm-int8.ecgm', '--rhythm-model', '--no-rhythm-model'), '--no-annotations'];

async function assertHolterAsCli(files, record) {
  const csvFile = path.join(tmp, `${path.basename(record)}-cli.csv`);
  const run = cli('rhythm', record, ...CLI_MODELS, '--json', '--holter-csv', csvFile);
  assert.equal(run.status, 0, run.stderr);
  const native = JSON.parse(run.stdout);
  const page = await env.newPage();
  await pick(page, files);
  await page.waitForSelector('#holter-hours', { timeout: 60000 });
  const headers = await page.$$eval('#holter-hours thead th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(headers.slice(0, 9), ['Hour', 'Start', 'Beats', 'Min bpm', 'Mean bpm', 'Max bpm', 'S beats', 'V beats', 'Pauses']);
  const rows = await page.$$eval('#holter-hours tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.equal(rows.length, native.holter.hours.length);
  native.holter.hours.forEach((h, i) => {
    assert.equal(rows[i][0], `${i + 1}${h.partial ? ' (partial)' : ''}`);
    assert.equal(rows[i][2], h.beats.toLocaleString('en'));
    assert.equal(rows[i][4], h.mean_hr_bpm == null ? '–' : String(Math.round(h.mean_hr_bpm)));
    assert.deepEqual(rows[i].slice(6, 9), [String(h.s_beats), String(h.v_beats), String(h.pauses)]);
  });
  const hrv = native.holter.hrv;
  const ms = (v) => (v == null ? 'not enough data' : `${v.toFixed(1)} ms`);
  assert.equal(await page.textContent('#hrv-sdnn'), ms(hrv.sdnn_ms));
  assert.equal(await page.textContent('#hrv-rmssd'), ms(hrv.rmssd_ms));
  assert.match(await page.textContent('#hrv-sdann'), new RegExp(`^${ms(hrv.sdann_ms).replace('.', '\\.')}`));
  assert.equal(await page.textContent('#hrv-pnn50'), hrv.pnn50_percent == null ? 'not enough data' : `${hrv.pnn50_percent.toFixed(2)} %`);
  // Keyboard: the first row's button takes focus and shows that hour on the paper.
  await page.focus('#holter-hours tbody th button');
  assert.equal(await page.evaluate(() => document.activeElement.closest('table')?.id), 'holter-hours');
  await page.keyboard.press('Enter');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#holter-export')]);
  assert.match(download.suggestedFilename(), /-hourly\.csv$/);
  assert.ok(readFileSync(await download.path()).equals(readFileSync(csvFile)), 'the page\'s CSV differs from `ecglite rhythm --holter-csv`');
  return page;
}

test('a synthetic 12-minute recording: hourly table, HRV and the CSV as `ecglite rhythm`', { skip: SKIP || NO_CLI }, async () => {
  const file = writeSyntheticLongRecord(path.join(tmp, 'synthetic-12min.csv'));
  const page = await assertHolterAsCli([file], file);
  assert.match(await page.textContent('#holter-hours tbody'), /1 \(partial\)/);
  await page.close();
});

test('MIT-BIH 208 (30 min): hourly table, HRV and the CSV as `ecglite rhythm`', { skip: SKIP || NO_CLI || (!existsSync(path.join(DATA_DIR, 'mitdb', '208.hea')) && 'MIT-BIH 208 absent (../shared/data/mitdb)') }, async () => {
  const base = path.join(DATA_DIR, 'mitdb', '208');
  const page = await assertHolterAsCli([`${base}.hea`, `${base}.dat`], `${base}.hea`);
  await page.locator('#holter').screenshot({ path: screenshotPath('holter-208.png') });
  await page.close();
});
