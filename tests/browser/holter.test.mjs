// The Holter summary on the page: a long recording shows the hourly table (a real <table>, its row
// buttons reachable by keyboard) and the HRV values of `ecglite rhythm --json`, and "Export CSV" saves
// exactly the file `ecglite rhythm --holter-csv` writes. On a synthetic 12-minute recording (generated,
// so never skipped) and MIT-BIH 208 (30 min) when ../shared/data has it; and a generated 1.1-hour EDF+
// file large enough to be read in slices, whose start date and time give the table its clock times
// and whose annotations are listed under the record's facts as a short file's are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, NO_CLI, writeSyntheticEdf, writeSyntheticLongRecord } from '../js/support.mjs';
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
  // A Clock column after Start when the file gives the recording's start time (as the CLI's JSON does).
  const clock = native.holter.start_time !== undefined;
  assert.equal(headers[2] === 'Clock', clock, `headers: ${headers}`);
  assert.deepEqual(headers.filter((h) => h !== 'Clock').slice(0, 9), ['Hour', 'Start', 'Beats', 'Min bpm', 'Mean bpm', 'Max bpm', 'S beats', 'V beats', 'Pauses']);
  const rows = (await page.$$eval('#holter-hours tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent))))
    .map((cells) => (clock ? [...cells.slice(0, 2), ...cells.slice(3)] : cells));
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

// The frames the paper holds: [from, to) of the record (viewer.js sets data-window on a windowed record).
const heldWindow = (page) => page.$eval('#scroller canvas', (c) => c.dataset.window?.split(' ').map(Number) ?? null);

test('a long EDF+ file read in slices: clock times from its start, its annotations under the facts', { skip: SKIP || NO_CLI }, async () => {
  // 1.1 hours of one 100 Hz lead with 4.4 KB of annotation signal per second: 18 MB, so the page hands
  // it to the worker as a File (16 MB or more), which reads it in slices.
  const file = writeSyntheticEdf(path.join(tmp, 'clock.edf'), {
    hours: 1.1, annotationBytes: 4400, date: '31.12.23', time: '23.30.00', recording: 'Startdate 31-DEC-2023 X X X',
    annotations: [{ onset: 12.5, text: 'Lights off' }, { onset: 3700.25, duration: 2, text: 'Patient event' }],
  });
  const page = await assertHolterAsCli([file], file);
  const held = await heldWindow(page);
  assert.ok(held && held[1] - held[0] < 1.1 * 3600 * 100 / 10, `the paper holds ${held}: the file was not read in slices`);
  const clocks = await page.$$eval('#holter-hours tbody tr td.clock', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(clocks, ['23:30:00', '00:30:00 (+1 d)']);
  assert.match(await page.textContent('#holter-hours caption'), /2023-12-31 23:30:00 by the recorder's clock/);
  const facts = await page.$$eval('#facts-list dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
  assert.equal(facts['Start time'], '2023-12-31 23:30:00 (as the file states it)');
  assert.equal(facts['Annotations (2)'], '12.5 s Lights off\n1 h 1 min 40 s Patient event (2.00 s)');
  await page.locator('#holter').screenshot({ path: screenshotPath('holter-edf-clock.png') });
  await page.close();
});
