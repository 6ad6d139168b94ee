// The printed report in a real browser: "Print report" (by keyboard) prints, and Chromium's printToPDF
// of the page (print media, the page's own @page size) gives one landscape page per record whose ECG
// paper is true to scale, with the record's facts, the CLI's results and thresholds, the model, the
// date and the disclaimer, and the explanation's shading when it is on.
//
// The scale is measured on the PDF as a reader would with a ruler: poppler's pdftoppm renders the
// page at 254 dpi (10 pixels per mm of the PDF's own units, 72 pt per inch), and the centres of the
// paper's bold grid lines, 5 mm apart when 1 mm of paper is 1 mm, are found in the pixels and fitted;
// the calibration pulse (1 mV at 10 mm/mV, 0.2 s at 25 mm/s) is measured the same way. Whether
// Chromium writes the paper as vector paths or as an image does not matter to the measurement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliJson, NO_CLI } from '../js/support.mjs';
import {
  MODEL, RHYTHM_MODEL, ROOT, SAMPLES, SKIP, WEB, browserForTestFile, expectedFor, pageWithRhythmModel, percent, pick, screenshotPath, settled,
} from './support.mjs';

const env = browserForTestFile();
const NO_POPPLER = spawnSync('pdftoppm', ['-v']).error ? 'poppler-utils is not installed (pdftoppm, pdftotext, pdfinfo: apt-get install poppler-utils)' : false;

const DPI = 254;                 // 10 px per mm
const PX_PER_MM = DPI / 25.4;
const PT_PER_MM = 72 / 25.4;
const PAGES = { a4: [297, 210], letter: [279.4, 215.9] };  // landscape, mm

/** Prints the page to PDF as Chromium's print does (print media, the CSS page size); returns its path. */
async function printToPdf(page, dir, name) {
  await page.emulateMedia({ media: 'print' });
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, await page.pdf({ preferCSSPageSize: true }));
  await page.emulateMedia({ media: 'screen' });
  return file;
}

/** pdfinfo: { pages, sizes: [[w, h] in pt, per page] }. */
function pdfInfo(file) {
  const text = execFileSync('pdfinfo', ['-f', '1', '-l', '999', file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(text)[1]);
  const sizes = [...text.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  return { pages, sizes };
}

/** The text of the PDF, table rows on one line each (pdftotext -layout), runs of spaces as one. */
const pdfText = (file) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');

/** Page 1 rendered at DPI: { width, height, rgb(x, y) -> [r, g, b] }. */
function render(file) {
  const base = file.replace(/\.pdf$/, '');
  execFileSync('pdftoppm', ['-r', String(DPI), '-f', '1', '-l', '1', '-singlefile', file, base]);
  const data = readFileSync(`${base}.ppm`);
  // P6 <width> <height> <maxval> and one whitespace byte, then the RGB bytes.
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(data.subarray(0, 64).toString('latin1'));
  const [width, height] = [Number(header[1]), Number(header[2])];
  const offset = header[0].length;
  return { width, height, rgb: (x, y) => { const i = offset + 3 * (y * width + x); return [data[i], data[i + 1], data[i + 2]]; } };
}

// The bold grid lines (5 mm) are the reddest pixels of the paper: the thin 1 mm lines are paler, the
// traces and labels black, the shading blue.
const boldRed = ([r, g, b]) => r > 170 && r - g > 70 && r - b > 70;
const dark = ([r, g, b]) => Math.max(r, g, b) < 110;

/**
 * Centres of the lines along one axis: `count(i)` is how many line pixels column (or row) i holds;
 * the lines are the runs above half the largest count, each centred on its weighted mean.
 */
function lineCentres(length, count) {
  const counts = Array.from({ length }, (_, i) => count(i));
  const limit = Math.max(...counts) / 2;
  const centres = [];
  for (let i = 0; i < length; i++) {
    if (counts[i] <= limit) continue;
    let sum = 0;
    let weight = 0;
    for (; i < length && counts[i] > limit; i++) { sum += i * counts[i]; weight += counts[i]; }
    centres.push(sum / weight);
  }
  return centres;
}

/** The bold grid of the ECG paper on page image `img`: its line centres across and down, in px. */
function boldGrid(img) {
  const columns = lineCentres(img.width, (x) => { let n = 0; for (let y = 0; y < img.height; y++) n += boldRed(img.rgb(x, y)); return n; });
  // Rows only within the paper (between its first and last vertical line): nothing else on the page is red.
  const [left, right] = [Math.ceil(columns[0]), Math.floor(columns.at(-1))];
  const rows = lineCentres(img.height, (y) => { let n = 0; for (let x = left; x <= right; x++) n += boldRed(img.rgb(x, y)); return n; });
  return { columns, rows };
}

/** The mean spacing of evenly spaced lines, in mm of the PDF; fails when one is missing or extra. */
function pitchMm(centres, what) {
  const gaps = centres.slice(1).map((c, i) => c - centres[i]);
  const mean = (centres.at(-1) - centres[0]) / (centres.length - 1);
  for (const g of gaps) assert.ok(Math.abs(g - mean) < 0.1 * mean, `${what}: uneven grid, gaps ${gaps.map((x) => x.toFixed(1)).join(' ')}`);
  return mean / PX_PER_MM;
}

/** Centres of the runs of dark pixels along column x (or row y when `across`), in px. */
function darkRuns(img, fixed, from, to, across = false) {
  return lineCentres(to - from, (i) => (across ? dark(img.rgb(from + i, fixed)) : dark(img.rgb(fixed, from + i))) ? 2 : 0).map((c) => from + c);
}

// The paper's own colour (#fff7f5), which the white page around it is not.
const paperPink = ([r, g, b]) => r > 248 && g > 240 && g < 252 && b > 238 && b < 250;

/**
 * The calibration pulses left of the traces (the paper's first 11 mm, where nothing else is black):
 * their width (between the centres of the two vertical strokes) and heights (from the baseline stroke
 * to the top stroke), in mm of the PDF.
 */
function calibrationPulses(img, grid) {
  const [top, bottom] = [Math.round(grid.rows[0]), Math.round(grid.rows.at(-1))];
  let edge = 0;  // the paper's left edge: the first column that is mostly paper
  while (edge < img.width) { let n = 0; for (let y = top; y <= bottom; y++) n += paperPink(img.rgb(edge, y)); if (n > (bottom - top) / 2) break; edge++; }
  const left = Math.round(edge + 0.5 * PX_PER_MM);
  const right = Math.round(edge + 11 * PX_PER_MM);
  // The vertical strokes: the columns with the most dark pixels.
  const edges = lineCentres(right - left, (i) => { let n = 0; for (let y = top; y <= bottom; y++) n += dark(img.rgb(left + i, y)); return n; }).map((c) => left + c);
  assert.equal(edges.length, 2, `two vertical strokes of the calibration pulses: ${edges}`);
  const tops = darkRuns(img, Math.round((edges[0] + edges[1]) / 2), top, bottom);
  const bases = darkRuns(img, Math.round(edges[0] - 0.7 * PX_PER_MM), top, bottom);
  assert.equal(tops.length, bases.length, `pulse tops ${tops}, baselines ${bases}`);
  return {
    widthMm: (edges[1] - edges[0]) / PX_PER_MM,
    heightsMm: tops.map((t, i) => (bases[i] - t) / PX_PER_MM),
  };
}

/** Checks page 1 of `file`: the page's size, and the paper's grid at 1 mm = 1 mm within 1 %. */
function assertTrueScale(file, paper, t) {
  const info = pdfInfo(file);
  assert.equal(info.pages, 1, 'one page per record');
  const [w, h] = PAGES[paper];
  assert.ok(Math.abs(info.sizes[0][0] - w * PT_PER_MM) < 1 && Math.abs(info.sizes[0][1] - h * PT_PER_MM) < 1,
    `${paper} landscape: ${info.sizes[0].join(' x ')} pt`);
  const img = render(file);
  const grid = boldGrid(img);
  const across = pitchMm(grid.columns, 'vertical lines');
  const down = pitchMm(grid.rows, 'horizontal lines');
  t.diagnostic(`${path.basename(file)}: ${grid.columns.length} x ${grid.rows.length} bold grid lines, ${across.toFixed(4)} mm and ${down.toFixed(4)} mm apart`);
  assert.ok(grid.columns.length >= 50, `the paper spans 10 s: ${grid.columns.length} vertical lines`);
  for (const pitch of [across, down]) assert.ok(Math.abs(pitch / 5 - 1) < 0.01, `a large square is ${pitch.toFixed(3)} mm, not 5 mm`);
  return { img, grid };
}

const frames = (page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

test('"Print report" prints one landscape page per record: the ECG at true scale, facts, results with thresholds, model, date, disclaimer', { skip: SKIP || NO_CLI || NO_POPPLER }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecglite-report-'));
  const page = await env.newPage();
  try {
    const file = path.join(SAMPLES, '00001_lr.hea');
    await settled(page, () => page.click('button[data-sample="ptbxl-00001"]'));
    await page.waitForSelector('#heart-rate');

    // The paper follows the browser's locale (Letter in the United States), and the button is the next
    // tab stop after the result's controls; Enter prints (window.print(), replaced here: in headless
    // Chromium it would start a print job of its own).
    const language = await page.evaluate(() => navigator.language);
    if (language === 'en-US') assert.equal(await page.inputValue('#report-paper'), 'letter');
    await page.evaluate(() => { window.printCalls = 0; window.print = () => { window.printCalls++; }; });
    await page.focus('#result-body [data-explain-class="HYP"] button');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'print-report');
    assert.ok(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle !== 'none'), 'visible focus');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => window.printCalls), 1);

    await page.selectOption('#report-paper', 'a4');
    const pdf = await printToPdf(page, dir, 'report-a4');
    const { img, grid } = assertTrueScale(pdf, 'a4', t);
    // The calibration pulse of each row and of the rhythm strip: 1 mV at 10 mm/mV, 0.2 s at 25 mm/s.
    const pulses = calibrationPulses(img, grid);
    t.diagnostic(`calibration pulses: ${pulses.widthMm.toFixed(3)} mm wide, ${pulses.heightsMm.map((h) => h.toFixed(3)).join(', ')} mm tall`);
    assert.equal(pulses.heightsMm.length, 4, 'a pulse per row of the 3 × 4 page and one for the rhythm strip');
    assert.ok(Math.abs(pulses.widthMm / 5 - 1) < 0.02, `0.2 s at 25 mm/s is 5 mm: ${pulses.widthMm} mm`);
    for (const h of pulses.heightsMm) assert.ok(Math.abs(h / 10 - 1) < 0.01, `1 mV at 10 mm/mV is 10 mm: ${h} mm`);
    // Nothing but the report is printed, and the report is let go of after printing.
    assert.deepEqual(await page.evaluate(() => [document.body.classList.contains('print-report'), document.getElementById('report').childElementCount]), [false, 0]);

    const text = pdfText(pdf);
    const expected = expectedFor(file);
    assert.match(text, /ECG screening report: 00001_lr/);
    for (const fact of ['Files 00001_lr.hea, 00001_lr.dat', 'Leads 12: I, II, III', 'Sampling rate 100 Hz', 'Length 10.0 s'])
      assert.ok(text.includes(fact), `fact "${fact}" in:\n${text}`);
    assert.match(text, new RegExp(`Heart rate ${(await page.textContent('#heart-rate')).match(/\d+/)[0]} beats per minute`));
    assert.match(text, /25 mm\/s, 10 mm\/mV, calibration pulse 1 mV/);
    // Each class: its names, the CLI's probability, its threshold and whether it is positive, on one row.
    for (const c of expected.classes) {
      const row = `${c.description} (${c.name}) ${percent(c.probability)} ${percent(c.threshold)} ${c.positive ? 'positive' : 'negative'}`;
      assert.ok(text.includes(row), `row "${row}" in:\n${text}`);
    }
    assert.ok(text.includes(`Result: ${await page.evaluate(() => document.getElementById('verdict').textContent.replace(/^[^:]*: /, ''))}`));
    const [, version, model] = /^EcgLite (\S+) · model (\S+) /.exec(await page.textContent('#about'));
    const build = JSON.parse(readFileSync(path.join(WEB, 'build-info.json'), 'utf8')).build;
    const info = cliJson('classify', file, '--model', MODEL, '--json').model;
    const line = `Model ${model} (${info.precision}, ${(info.parameters / 1e3).toFixed(1)} k parameters, .ecgm format ${info.format_version}) · EcgLite ${version}, build ${build}`;
    assert.ok(text.includes(line), `"${line}" in:\n${text}`);
    const printed = /printed (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)/.exec(text);
    assert.ok(printed, 'the date');
    const when = new Date(+printed[1], printed[2] - 1, +printed[3], +printed[4], +printed[5]);
    assert.ok(Math.abs(Date.now() - when) < 5 * 60e3, `printed ${printed[0]}`);
    assert.ok(text.includes(await page.textContent('#result .disclaimer')), 'the disclaimer');
    // Screen-only parts are not printed.
    for (const screenOnly of ['Drop ECG files here', 'Print report', 'Inference engine', 'Show where', 'Your recording never leaves'])
      assert.ok(!text.includes(screenOnly), `"${screenOnly}" printed`);
    assert.equal((text.match(/A screening aid for research/g) ?? []).length, 1);
    execFileSync('pdftoppm', ['-r', '80', '-png', '-singlefile', pdf, screenshotPath('report-a4')]);

    // Letter paper; then the explanation's shading, when it is on, is printed with its legend.
    await page.selectOption('#report-paper', 'letter');
    const { grid: letterGrid } = assertTrueScale(await printToPdf(page, dir, 'report-letter'), 'letter', t);
    await page.waitForFunction(() => !!document.querySelector('#explain-note .explain-cost')?.textContent);
    await page.click(`#result-body [data-explain-class="${expected.labels[0]}"] button`);
    await frames(page);
    const letter = await printToPdf(page, dir, 'report-letter-shading');
    assert.equal(pdfInfo(letter).pages, 1);
    const letterImg = render(letter);
    assert.ok(pdfText(letter).replace(/\s+/g, ' ').includes((await page.textContent('#explain-legend')).replace(/\s+/g, ' ')), 'the shading legend');
    const blue = (image, g) => {
      let n = 0;
      for (let y = Math.round(g.rows[0]); y < g.rows.at(-1); y += 2)
        for (let x = Math.round(g.columns[0]); x < g.columns.at(-1); x += 2) { const [r, gg, b] = image.rgb(x, y); n += b > r + 25 && b > gg + 10; }
      return n;
    };
    const [before, after] = [blue(img, grid), blue(letterImg, letterGrid)];
    t.diagnostic(`blue pixels on the paper: ${before} without shading, ${after} with`);
    assert.ok(before < 50 && after > 5000, `shading: ${before} blue pixels before, ${after} after`);
    execFileSync('pdftoppm', ['-r', '80', '-png', '-singlefile', letter, screenshotPath('report-letter-shading')]);
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a record without the 12 standard leads prints its leads one per row, at true scale, on one page', { skip: SKIP || NO_POPPLER }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecglite-report-'));
  const page = await env.newPage();
  try {
    const base = path.join(ROOT, 'tests', 'fixtures', 'mitdb', '205_20s');
    await pick(page, [`${base}.hea`, `${base}.dat`]);
    await page.waitForSelector('#heart-rate');
    await page.selectOption('#report-paper', 'a4');
    const pdf = await printToPdf(page, dir, 'report-rows');
    assertTrueScale(pdf, 'a4', t);
    execFileSync('pdftoppm', ['-r', '80', '-png', '-singlefile', pdf, screenshotPath('report-rows')]);
    const text = pdfText(pdf);
    assert.match(text, /ECG screening report: 205_20s/);
    assert.match(text, /MLII, V1, one per row, 0 s to 10 s/);
    assert.match(text, /Not classified: /);
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// The rhythm verdict needs a rhythm model (the shipped one, else the test fixture's, on a copy of the page).
test('the report holds the rhythm verdict, as `ecglite rhythm --json` gives it', { skip: SKIP || NO_CLI || NO_POPPLER }, async () => {
  const base = path.join(SAMPLES, '00001_lr');
  const { verdict } = cliJson('rhythm', base, '--no-model', '--rhythm-model', RHYTHM_MODEL, '--json');
  const dir = mkdtempSync(path.join(tmpdir(), 'ecglite-report-'));
  try {
    await env.withSite('ecglite-report-rhythm-', pageWithRhythmModel, async (page, url) => {
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
      await pick(page, [`${base}.hea`, `${base}.dat`]);
      await page.waitForSelector('#rhythm-verdict');
      const words = (await page.textContent('#rhythm-verdict')).replace(/ \(.*/s, '');
      const text = pdfText(await printToPdf(page, dir, 'report-rhythm'));
      const line = `Rhythm: ${words} (probability ${Math.round(100 * verdict.probability)} %, read from lead ${verdict.lead_name}).`;
      assert.ok(text.includes(line), `"${line}" in:\n${text}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
