// Many records at once (web/batch.js) in a real browser: a drop of several records fills a table
// with the numbers `ecglite classify A B C --json` prints for the same files, its CSV export holds
// them digit for digit, headers sort it (aria-sort), a row opens its record in the single-record
// view (by click or by keyboard), the batch can be cancelled, and the rhythm column is `ecglite
// rhythm`'s verdict; a long record's row comes from the streamed path the long-record view uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliJson, NO_CLI, writeSyntheticHolter } from '../js/support.mjs';
import { findRecords, replicateRecords } from '../../bench/batch.mjs';
import {
  MODEL, RHYTHM_MODEL, ROOT, SAMPLES, SKIP, assertShowsCli, browserForTestFile, pageWithRhythmModel, percent, pick, settled,
} from './support.mjs';

const env = browserForTestFile();
const FIXTURES = path.join(ROOT, 'tests', 'fixtures');
const MINI = path.join(FIXTURES, 'ptbxl-mini', 'records100', '00000');
const TRUNCATED = path.join(ROOT, 'tests', 'bad-inputs', 'wfdb', 'truncated-signal', 'rec');

// Eight records: the samples (WFDB 100 and 500 Hz, CSV), three PTB-XL fixtures, a two-lead record the
// 12-lead model cannot take, and a record whose signal file is cut short (it cannot be read).
// `cli`: what `ecglite classify` is given for each; `files`: what the page is given.
function drop8() {
  const mini = findRecords(MINI, 3);
  const wfdb = [path.join(SAMPLES, '00001_lr'), path.join(SAMPLES, 'HR06001'), ...mini.map((r) => r.header.slice(0, -4)),
    path.join(FIXTURES, 'mitdb', '205_20s'), TRUNCATED];
  const signal = (base) => ['dat', 'mat'].map((ext) => `${base}.${ext}`).find(existsSync);
  const csv = path.join(SAMPLES, 'ptbxl-06003.csv');
  return { cli: [...wfdb.map((b) => `${b}.hea`), csv], files: [...wfdb.flatMap((b) => [`${b}.hea`, signal(b)]), csv] };
}
const recordName = (file) => path.basename(file).replace(/\.(hea|csv)$/, '');

// RFC 4180, as the page writes it.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; ++i; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; ++i; }
    else field += c;
  }
  const [header, ...lines] = rows;
  return lines.map((l) => Object.fromEntries(header.map((h, i) => [h, l[i]])));
}

async function exportedCsv(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-export')]);
  assert.match(download.suggestedFilename(), /^ecglite-\d+-records\.csv$/);
  return parseCsv(readFileSync(await download.path(), 'utf8'));
}

const tableRows = (page) => page.$$eval('#batch-rows tr', (trs) => trs.map((tr) => ({
  name: tr.querySelector('th').textContent,
  button: !!tr.querySelector('th button'),
  cells: Object.fromEntries([...tr.querySelectorAll('td[data-class]')].map((td) => [td.dataset.class, td.textContent])),
  text: tr.innerText,
})));

const announced = (page, name) => page.waitForFunction((n) => document.getElementById('announce').textContent.startsWith(`Results for ${n}:`), name);

test('several records: a table with the numbers of `ecglite classify A B C --json`, exported as CSV digit for digit', { skip: SKIP || NO_CLI }, async () => {
  const { cli: args, files } = drop8();
  const cli = new Map(cliJson('classify', ...args, '--model', MODEL, '--json').records.map((r, i) => [recordName(args[i]), r]));
  const page = await env.newPage();
  await pick(page, files);
  assert.equal(await page.textContent('#status'), '8 records screened: 6 classified, 1 could not be read. Open a record from the table.');
  assert.equal(await page.textContent('#batch-count'), '8 of 8 records');
  assert.equal(await page.isVisible('#batch-cancel'), false);
  // No record is opened by itself: the table is the view.
  assert.equal(await page.isVisible('#result'), false);

  const rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => r.name).sort(), [...cli.keys()].sort());
  for (const row of rows) {
    const expected = cli.get(row.name);
    if (expected.error) {
      assert.deepEqual(row.cells, {}, row.name);
      assert.equal(row.button, row.name !== 'rec', `${row.name}: a record that was read can be opened, one that was not cannot`);
      continue;
    }
    for (const c of expected.classes)
      assert.equal(row.cells[c.name], `${percent(c.probability)}${c.positive ? ' positive' : ''}`, `${row.name} ${c.name}`);
  }
  assert.match(rows.find((r) => r.name === '205_20s').text, /not classified[\s\S]*missing I, II/);
  assert.match(rows.find((r) => r.name === 'rec').text, /could not be read: /);

  const csv = await exportedCsv(page);
  assert.equal(csv.length, 8);
  for (const line of csv) {
    const expected = cli.get(line.record);
    assert.ok(expected, line.record);
    if (expected.error) {
      // The same words; the CLI names the files by the paths it was given, the page by their names.
      const dir = `${path.dirname(args.find((a) => recordName(a) === line.record))}/`;
      assert.equal(line.error, expected.error.split(dir).join(''), line.record);
      assert.equal(line.labels, '');
      continue;
    }
    assert.equal(line.error, '');
    for (const [name, p] of Object.entries(expected.probabilities)) assert.equal(line[`${name}_probability`], String(p), `${line.record} ${name}`);
    for (const c of expected.classes) assert.equal(line[`${c.name}_positive`], String(c.positive), `${line.record} ${c.name}`);
    assert.equal(line.labels, expected.labels.join(' '));
    assert.equal(line.duration_s, String(expected.duration_s));
    assert.equal(line.sampling_rate_hz, String(expected.sampling_rate_hz));
    assert.equal(line.leads, '12');
  }
  assert.equal(csv.find((l) => l.record === '00001_lr').files, '00001_lr.hea 00001_lr.dat');

  // A click anywhere on a row opens its record in the single-record view, with the CLI's numbers.
  await page.locator('#batch-rows tr').filter({ has: page.getByRole('button', { name: 'HR06001', exact: true }) }).locator('td[data-class="MI"]').click();
  await announced(page, 'HR06001');
  await assertShowsCli(page, path.join(SAMPLES, 'HR06001.hea'));
  assert.equal(await page.$eval('#batch-rows tr.opened th', (th) => th.textContent), 'HR06001');
  assert.equal(await page.isVisible('#ecg'), true);
  // Enter on a record's name opens it; Up and Down move between the names.
  await page.focus('#batch-rows tr:first-child th button');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), rows[0].name);
  await page.keyboard.press('Enter');
  await announced(page, rows[0].name);
  await assertShowsCli(page, args.find((a) => recordName(a) === rows[0].name));
  assert.equal(await page.$eval('#batch-rows tr.opened th', (th) => th.textContent), rows[0].name);
  await page.close();
});

test('the table sorts by any column with header buttons that say how (aria-sort); records without a value go last', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await pick(page, drop8().files);
  const order = () => page.$$eval('#batch-rows tr', (trs) => trs.map((tr) => tr.querySelector('th').textContent));
  const norm = () => page.$$eval('#batch-rows tr', (trs) => trs.map((tr) => tr.querySelector('td[data-class="NORM"]')?.textContent ?? null));
  const sortState = () => page.$$eval('#batch-table thead th', (ths) => Object.fromEntries(ths.map((th) => [th.textContent.trim(), th.getAttribute('aria-sort')])));
  assert.ok(Object.values(await sortState()).every((s) => s === 'none'));
  // Keyboard: the header is a button.
  await page.focus('#batch-table thead button[data-column="NORM"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#batch-rows tr').length === 8);
  assert.equal((await sortState()).NORM, 'descending');
  const values = await norm();
  const numbers = values.filter((v) => v !== null).map((v) => parseFloat(v));
  assert.equal(numbers.length, 6);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a));
  assert.deepEqual(values.slice(6), [null, null], 'records without a probability go last');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#batch-rows tr').length === 8);
  assert.equal((await sortState()).NORM, 'ascending');
  const ascending = (await norm()).filter((v) => v !== null).map((v) => parseFloat(v));
  assert.deepEqual(ascending, [...numbers].reverse());
  await page.click('#batch-table thead button[data-column="record"]');
  await page.waitForFunction(() => document.querySelectorAll('#batch-rows tr').length === 8);
  const names = await order();
  assert.deepEqual(names, [...names].sort(new Intl.Collator('en', { numeric: true }).compare));
  assert.deepEqual(await sortState(), { ...Object.fromEntries(Object.keys(await sortState()).map((k) => [k, 'none'])), Record: 'ascending' });
  // The CSV follows the table's order.
  assert.deepEqual((await exportedCsv(page)).map((l) => l.record), names);
  await page.close();
});

test('a long batch shows its progress and stops when cancelled; the CSV holds the rows screened', { skip: SKIP }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecglite-batch-test-'));
  try {
    const files = replicateRecords(findRecords(SAMPLES).filter((r) => r.name === '00001_lr'), 1000, dir);
    const page = await env.newPage();
    await settled(page, async () => {
      await page.setInputFiles('#file-input', files);
      await page.waitForFunction(() => document.querySelectorAll('#batch-rows tr').length >= 3);
      assert.match(await page.textContent('#batch-count'), /^\d[\d,]* of 1,000 records( · about .* left)?$/);
      assert.match(await page.textContent('#status'), /^Screening 1,000 records…$/);
      await page.click('#batch-cancel');
    });
    const screened = await page.$$eval('#batch-rows tr', (trs) => trs.length);
    assert.ok(screened >= 3 && screened < 1000, `${screened} rows`);
    assert.equal(await page.textContent('#status'), `Cancelled: ${screened.toLocaleString('en')} of 1,000 records screened (${screened.toLocaleString('en')} classified).`);
    assert.equal((await exportedCsv(page)).length, screened);
    // The page is free for the next drop.
    await pick(page, [path.join(SAMPLES, 'HR06001.hea'), path.join(SAMPLES, 'HR06001.mat')]);
    assert.equal(await page.isVisible('#batch'), false);
    await announced(page, 'HR06001');
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('"Choose a folder…" reads a folder and its subfolders into the table', { skip: SKIP }, async () => {
  const dir = path.join(FIXTURES, 'ptbxl-mini', 'records100');  // records100/00000/*.hea, *.dat
  const expected = findRecords(dir).map((r) => r.name).sort();
  assert.ok(expected.length >= 10);
  const page = await env.newPage();
  await settled(page, () => page.setInputFiles('#folder-input', dir));
  assert.deepEqual((await tableRows(page)).map((r) => r.name).sort(), expected);
  assert.equal(await page.textContent('#status'), `${expected.length} records screened: ${expected.length} classified. Open a record from the table.`);
  await page.close();
});

// The rhythm column needs a rhythm model: the shipped one when the build has it, else the test
// fixture's hand-set model on a copy of the page that ships it (the same code path).
test('with a rhythm model, each row has the rhythm verdict of `ecglite rhythm --json`', { skip: SKIP || NO_CLI }, async () => {
  const records = [path.join(FIXTURES, 'rhythm', 'A00004'), path.join(SAMPLES, '00001_lr'), path.join(FIXTURES, 'mitdb', '205_20s')];
  const files = records.flatMap((b) => [`${b}.hea`, ['dat', 'mat'].map((ext) => `${b}.${ext}`).find(existsSync)]);
  await env.withSite('ecglite-batch-rhythm-', pageWithRhythmModel, async (page, url) => {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    await pick(page, files);
    const csv = await exportedCsv(page);
    for (const base of records) {
      const { verdict } = cliJson('rhythm', base, '--no-model', '--rhythm-model', RHYTHM_MODEL, '--json');
      assert.ok(verdict, `${base}: no verdict from the CLI`);
      const line = csv.find((l) => l.record === path.basename(base));
      assert.deepEqual([line.rhythm, line.rhythm_probability, line.rhythm_lead], [verdict.class, String(verdict.probability), verdict.lead_name], base);
      const row = (await tableRows(page)).find((r) => r.name === path.basename(base));
      assert.match(row.text, new RegExp(`\\(${Math.round(100 * verdict.probability)} %\\)`));
    }
    assert.equal(await page.$eval('#batch-table thead', (h) => h.textContent.includes('Rhythm')), true);
  });
});

// A record of more than an hour gets its row as it is opened: read as a source (in slices), its first
// minute classified (the note says so), the rhythm verdict of all of it analysed in blocks.
test('a long record in a batch: its row from the streamed path, the rhythm verdict of `ecglite rhythm`', { skip: SKIP || NO_CLI }, async () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'ecglite-batch-long-'));
  try {
    const STANDARD = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const header = writeSyntheticHolter(tmp, { name: 'long12', hours: 1.05, rate: 100, format: 16, leads: STANDARD, baseTime: '08:00:00 01/02/2024' });
    const sample = path.join(SAMPLES, '00001_lr');
    await env.withSite('ecglite-batch-long-', pageWithRhythmModel, async (page, url) => {
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
      await pick(page, [header, header.replace(/\.hea$/, '.dat'), `${sample}.hea`, `${sample}.dat`]);
      const csv = await exportedCsv(page);
      const line = csv.find((l) => l.record === 'long12');
      assert.ok(line, `rows: ${csv.map((l) => l.record)}`);
      assert.deepEqual([line.leads, line.duration_s, line.sampling_rate_hz, line.error], ['12', '3780', '100', '']);
      assert.match(line.warnings, /classified from the first 1 min of the recording/);
      const { verdict } = cliJson('rhythm', header, '--no-model', '--rhythm-model', RHYTHM_MODEL, '--json');
      assert.deepEqual([line.rhythm, line.rhythm_probability, line.rhythm_lead], [verdict.class, String(verdict.probability), verdict.lead_name]);
      // The short record beside it is read whole, as before (no note).
      assert.doesNotMatch(csv.find((l) => l.record === '00001_lr').warnings, /classified from the first/);
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
