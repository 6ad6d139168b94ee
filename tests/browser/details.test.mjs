// The page's handling of unusual inputs and long strips in a real browser (Chromium via
// playwright-core): what it says when a drop cannot be shown, how it draws records without signals or
// without a mV scale, how the long strip is navigated, and that nothing widens a phone-sized page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, SAMPLES, SKIP, WEB, browserForTestFile, drop, pick, screenshotPath } from './support.mjs';

const BAD = path.join(ROOT, 'tests', 'bad-inputs');
const MITDB_EXCERPT = path.join(ROOT, 'tests', 'fixtures', 'mitdb', '205_20s');
const NOTHING_TO_SHOW = 'Nothing to show: see the problems above.';
const env = browserForTestFile();

const problemTexts = (page) => page.$$eval('#problems .problem', (els) => els.map((e) => e.textContent));
const status = (page) => page.textContent('#status');
// Two animation frames: the paper is redrawn on the next frame after a scroll or a resize.
const nextFrames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

function withTempDir(fill, run) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecglite-details-'));
  return Promise.resolve(fill(dir)).then(() => run(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('a record without signals: no page error on draws and resizes, no paper, facts that say so', { skip: SKIP }, async () => {
  const page = await env.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await pick(page, [path.join(BAD, 'wfdb', 'zero-signals', 'rec.hea')]);
  await page.setViewportSize({ width: 900, height: 900 });
  await nextFrames(page);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await nextFrames(page);
  assert.deepEqual(errors, []);
  assert.equal(await page.isVisible('#ecg'), false);
  assert.equal(await page.isVisible('#facts'), true);
  const facts = await page.$$eval('#facts-list dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
  assert.match(facts.Leads, /^none: the record has no signals/);
  assert.equal(facts.Units, undefined, 'no empty Units fact');
  assert.match(await page.textContent('#result-body'), /no signals, so there is no ECG to draw/);
  assert.doesNotMatch(await page.textContent('#result-body'), /The recording is still shown/);
  // The next drop in the same page draws normally.
  await pick(page, [path.join(SAMPLES, '00001_lr.hea'), path.join(SAMPLES, '00001_lr.dat')]);
  await nextFrames(page);
  assert.deepEqual(errors, []);
  assert.equal(await page.isVisible('#ecg'), true);
  await page.close();
});

test('a multi-segment header that lists itself as a segment is reported, not silently dropped', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await pick(page, [path.join(BAD, 'wfdb', 'segment-recursive', 'rec.hea')]);
  const problems = await problemTexts(page);
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0], /rec\.hea: a segment cannot itself be a multi-segment record/);
  assert.equal(await status(page), NOTHING_TO_SHOW);
  await page.close();
});

test('a failed drop keeps "Nothing to show" as its status, whether grouping or reading failed', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await pick(page, [path.join(SAMPLES, '00001_lr.hea')]);
  // The worker's "done" follows the grouping at once; give it the time to arrive (it used to
  // overwrite the status with "Ready.").
  await page.waitForTimeout(300);
  assert.equal(await status(page), NOTHING_TO_SHOW);
  await pick(page, ['rec.hea', 'rec.dat'].map((f) => path.join(BAD, 'wfdb', 'truncated-signal', f)));
  assert.equal((await problemTexts(page)).length, 1);
  assert.equal(await status(page), NOTHING_TO_SHOW);
  await page.close();
});

test('a CSV without a sampling rate points to the CSV options and opens them', { skip: SKIP }, async () => {
  const page = await env.newPage();
  assert.equal(await page.$eval('#csv-options', (d) => d.open), false);
  await pick(page, [path.join(BAD, 'csv', 'no-rate.csv')]);
  const [problem] = await problemTexts(page);
  // The core's words are kept; how to give the rate is the page's own (the module's error has kind
  // needs_rate), not the CLI's flag nor the JS option.
  assert.match(problem, /^no-rate\.csv: cannot tell the sampling rate: no time column and no 'Sample Rate' line On this page: /);
  assert.doesNotMatch(problem, /--rate|samplingRate|readCsv/);
  assert.match(await page.textContent('#problems .problem-hint'), /enter the sampling rate under “CSV options”/);
  assert.equal(await page.$eval('#csv-options', (d) => d.open), true);
  assert.equal(await page.isVisible('#csv-rate'), true);
  // A WFDB problem gets no such hint.
  await pick(page, [path.join(SAMPLES, '00001_lr.hea')]);
  assert.equal(await page.$$eval('#problems .problem-hint', (els) => els.length), 0);
  await page.close();
});

// Why a record is not classified: the 12-lead hint for a record that lacks leads (committed MIT-BIH
// excerpt), none for a 12-lead record that is too short. Told by kind and by the record, not by words.
test('a record without the 12 leads gets the lead hint; a short 12-lead record does not', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await pick(page, [`${MITDB_EXCERPT}.hea`, `${MITDB_EXCERPT}.dat`]);
  const twoLead = await page.textContent('#result-body');
  assert.match(twoLead, /^Not classified: /);
  assert.match(twoLead, /The screening model reads the 12 standard leads of a resting ECG/);
  await pick(page, [path.join(BAD, 'csv', 'one-row-with-rate.csv')]);
  const short = await page.textContent('#result-body');
  assert.match(short, /^Not classified: .*2\.5 s/);
  assert.doesNotMatch(short, /12 standard leads/);
  await page.close();
});

test('a dropped EDF+ file opens as a record: its ECG leads drawn, its annotations listed; a broken one says why', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await drop(page, [path.join(ROOT, 'tests', 'fixtures', 'edf', 'two-rates.edf')]);
  assert.deepEqual(await problemTexts(page), []);
  assert.equal(await page.isVisible('#ecg'), true);
  const facts = await page.$$eval('#facts-list dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
  assert.equal(facts.Files, 'two-rates.edf');
  assert.equal(facts.Leads, '2: ECG II, ECG V1');
  assert.equal(facts['Sampling rate'], '250 Hz');
  assert.match(facts['Annotations (4)'], /^0\.50 s Recording starts\n?2\.50 s Arousal \(1\.25 s\)/);
  assert.match(facts['Reader warnings'], /signals that are not ECG left out: Resp chest/);
  assert.match(await page.textContent('#rhythm-body'), /Heart rate 75 beats per minute/);
  await withTempDir((dir) => writeFileSync(path.join(dir, 'holter.edf'), '0       patient'), async (dir) => {
    await pick(page, [path.join(dir, 'holter.edf')]);
    assert.match(await page.textContent('body'), /holter\.edf: the file ends inside its header/);
  });
  await page.close();
});

test('records in the PhysioNet/CinC Challenge 2020/2021 header layouts open, with the reader\'s warning shown', { skip: SKIP }, async () => {
  const page = await env.newPage();
  for (const [base, warning] of [['cinc_date', /cinc_date\.hea: line 1: base time and date written as '12-May-2020 12:33:59' \(date first, month name/],
    ['cinc_ext', /cinc_ext\.hea: line 1: record name 'cinc_ext\.mat' ends in a file extension: read as 'cinc_ext'/]]) {
    await drop(page, ['hea', 'mat'].map((ext) => path.join(ROOT, 'tests', 'fixtures', 'wfdb', `${base}.${ext}`)));
    assert.deepEqual(await problemTexts(page), []);
    assert.equal(await page.isVisible('#ecg'), true);
    const facts = await page.$$eval('#facts-list dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
    assert.match(facts.Leads, /^12: I, II, III/, base);
    assert.match(facts['Reader warnings'], warning, base);
  }
  await page.close();
});

test('annotation files of a record that could not be opened are named as such; the picker accepts every annotator', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await pick(page, ['rec.hea', 'rec.atr'].map((f) => path.join(BAD, 'ann', 'garbage', f)));
  const problems = await problemTexts(page);
  assert.ok(problems.includes('rec.atr: annotations for rec, which could not be opened'), problems.join('\n'));
  assert.ok(!problems.some((p) => /not a header, signal or CSV file/.test(p)), problems.join('\n'));
  const accept = (await page.getAttribute('#file-input', 'accept')).split(',');
  for (const ext of ['.atr', '.ann', '.qrs', '.ecg']) assert.ok(accept.includes(ext), ext);
  await page.close();
});

test('a second annotator of a record, annotations without a header and other files are named as the package says', { skip: SKIP }, async () => {
  await withTempDir((dir) => {
    for (const ext of ['hea', 'dat', 'atr']) copyFileSync(`${MITDB_EXCERPT}.${ext}`, path.join(dir, `205_20s.${ext}`));
    copyFileSync(`${MITDB_EXCERPT}.atr`, path.join(dir, '205_20s.qrs'));
    copyFileSync(`${MITDB_EXCERPT}.atr`, path.join(dir, '100.atr'));
    writeFileSync(path.join(dir, 'notes.pdf'), '%PDF');
  }, async (dir) => {
    const page = await env.newPage();
    await pick(page, ['205_20s.hea', '205_20s.dat', '205_20s.atr', '205_20s.qrs', '100.atr', 'notes.pdf'].map((f) => path.join(dir, f)));
    await page.waitForSelector('#reference-rhythms');
    assert.match(await page.textContent('#reference-rhythms'), /^Reference rhythm annotations \(205_20s\.atr\)/);
    assert.deepEqual((await problemTexts(page)).sort(), [
      '100.atr: annotations for record 100: drop them together with 100.hea and its signal files',
      '205_20s.qrs: not used; the reference annotations of 205_20s are read from 205_20s.atr',
      'Not used: notes.pdf (not a header, signal or CSV file).',
    ]);
    await page.close();
  });
});

test('the long strip has time labels; Home, End, Page Up, Page Down and a click on the trend move it', { skip: SKIP }, async () => {
  const page = await env.newPage({ viewport: { width: 800, height: 900 } });
  await pick(page, ['hea', 'dat', 'atr'].map((ext) => `${MITDB_EXCERPT}.${ext}`));
  await nextFrames(page);
  const view = () => page.evaluate(() => {
    const s = document.getElementById('scroller');
    const canvas = document.querySelector('.ecg-canvas');
    return { left: s.scrollLeft, max: s.scrollWidth - s.clientWidth, client: s.clientWidth, labels: (canvas.dataset.timeLabels || '').split(' '), label: canvas.getAttribute('aria-label') };
  });
  const start = await view();
  assert.ok(start.max > 0, 'the 20 s strip is wider than the view');
  // 25 mm/s at true size: a label every second.
  assert.deepEqual(start.labels.slice(0, 3), ['0:00', '0:01', '0:02']);
  assert.match(start.label, /Showing 0:00 to 0:0\d\./);
  await page.focus('#scroller');
  const scrollY = await page.evaluate(() => window.scrollY);
  const press = async (key) => { await page.keyboard.press(key); await nextFrames(page); return view(); };
  const end = await press('End');
  assert.equal(end.left, end.max);
  assert.ok(end.labels.includes('0:19') && !end.labels.includes('0:00'), end.labels.join(' '));
  assert.equal((await press('Home')).left, 0);
  // A page is the visible paper less the 12 mm band of the pinned lead names.
  const page1 = await press('PageDown');
  assert.ok(Math.abs(page1.left - (start.client - 12 * 96 / 25.4)) <= 1, `PageDown moved to ${page1.left}`);
  assert.notEqual(page1.labels[0], '0:00');
  assert.equal((await press('PageUp')).left, 0);
  // The window did not scroll as well (Page Down and End scroll it by default).
  assert.equal(await page.evaluate(() => window.scrollY), scrollY);
  // A click on the heart-rate trend at 8 s brings 8 s to a second right of the lead names.
  const width = await page.evaluate(() => document.getElementById('hr-trend').clientWidth);
  await page.click('#hr-trend', { position: { x: 36 + (8 / 20) * (width - 44), y: 60 } });
  await nextFrames(page);
  const clicked = await view();
  assert.ok(Math.abs(clicked.left - 7 * 25 * 96 / 25.4) <= 2, `the trend click scrolled to ${clicked.left}`);
  assert.ok(clicked.labels.includes('0:08'), clicked.labels.join(' '));
  await page.locator('#ecg').screenshot({ path: screenshotPath('strip-time-labels.png') });
  await page.close();
});

test('reference rhythm codes are labelled as rhythms and named', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await pick(page, ['hea', 'dat', 'atr'].map((ext) => `${MITDB_EXCERPT}.${ext}`));
  await page.waitForSelector('#reference-rhythms');
  const text = await page.textContent('#reference-rhythms');
  assert.match(text, /^Reference rhythm annotations \(205_20s\.atr\): rhythm N \(normal sinus rhythm\) .*; rhythm VT \(ventricular tachycardia\) /);
  assert.deepEqual(await page.$$eval('#reference-rhythms abbr', (els) => els.map((e) => e.title)), ['normal sinus rhythm', 'ventricular tachycardia']);
  await page.close();
});

test('unreadable reference annotations are left out with a warning; beats are still shown', { skip: SKIP }, async () => {
  await withTempDir((dir) => {
    for (const ext of ['hea', 'dat']) copyFileSync(`${MITDB_EXCERPT}.${ext}`, path.join(dir, `205_20s.${ext}`));
    copyFileSync(path.join(BAD, 'ann', 'garbage', 'rec.atr'), path.join(dir, '205_20s.atr'));
  }, async (dir) => {
    const page = await env.newPage();
    await pick(page, ['hea', 'dat', 'atr'].map((ext) => path.join(dir, `205_20s.${ext}`)));
    await page.waitForSelector('#heart-rate');
    assert.match(await page.textContent('#annotations-error'), /^Reference annotations not used: 205_20s\.atr: /);
    // Classified beats (the built page has the beat model) come with the classifier's caveat.
    if (existsSync(path.join(WEB, 'models', 'beats-int8.ecgm')))
      assert.match(await page.textContent('#beat-class-caveat'), /fewer than half of the S beats/);
    assert.equal(await page.$('#reference-rhythms'), null);
    await page.close();
  });
});

test('a stretch without signal is named in the heart-rate panel and is not a pause', { skip: SKIP }, async () => {
  await withTempDir((dir) => {
    // 30 s of QRS-like spikes every 0.8 s at 250 Hz, with the cells of 10-15 s left empty.
    const rows = ['time,II'];
    for (let i = 0; i < 30 * 250; ++i) {
      const t = i / 250;
      const phase = (t % 0.8) - 0.4;
      const mv = Math.exp(-((phase / 0.012) ** 2)) + 0.01 * Math.sin(7 * i);
      rows.push(`${t.toFixed(3)},${t >= 10 && t < 15 ? '' : mv.toFixed(4)}`);
    }
    writeFileSync(path.join(dir, 'gap.csv'), `${rows.join('\n')}\n`);
  }, async (dir) => {
    const page = await env.newPage();
    await pick(page, [path.join(dir, 'gap.csv')]);
    await page.waitForSelector('#heart-rate');
    assert.match(await page.textContent('#signal-gaps'), /^No signal for .+ in 1 stretch \(electrodes off\?\)/);
    assert.match(await page.textContent('#rhythm-body'), /\b0 pauses of 2 s or more/);
    await page.close();
  });
});

test('unitless (NU) leads are scaled to their beats and say so; mV records keep their scale and calibration', { skip: SKIP }, async () => {
  const page = await env.newPage();
  // The derived (NU) copy of PTB-XL 00024 kept for this (ptbxl-mini now holds the genuine mV records).
  const base = path.join(ROOT, 'tests', 'fixtures', 'ptbxl-derived', '00024_lr');
  await pick(page, [`${base}.hea`, `${base}.dat`]);
  await nextFrames(page);
  assert.equal(await page.isVisible('#units-note'), true);
  assert.match(await page.textContent('#units-note'), /^Amplitudes are unitless \(NU\), not mV: .*no calibration pulse/);
  assert.match(await page.getAttribute('.ecg-canvas', 'aria-label'), /10 mm\/mV \(unitless leads: a typical beat as tall as 1 mV\)/);
  // the model reads mV: the result says that amplitude-dependent classes are unreliable here
  await page.waitForFunction(() => document.querySelector('#verdict')?.textContent.startsWith('00024_lr'));
  assert.match(await page.textContent('#result-body'), /Warning: all 12 leads carry no physical unit \(NU is not mV, uV or V\).*HYP above all/);
  await page.screenshot({ path: screenshotPath('unitless-nu.png'), fullPage: true });
  await pick(page, [path.join(SAMPLES, '00001_lr.hea'), path.join(SAMPLES, '00001_lr.dat')]);
  await nextFrames(page);
  assert.equal(await page.isVisible('#units-note'), false);
  await page.waitForFunction(() => document.querySelector('#verdict')?.textContent.startsWith('00001_lr'));
  assert.doesNotMatch(await page.textContent('#result-body'), /no physical unit/);
  assert.match(await page.getAttribute('.ecg-canvas', 'aria-label'), /10 mm\/mV, zoom/);
  await page.close();
});

test('header comments are shown one per line; a positive Normal ECG is not in the alarm colour', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await pick(page, [path.join(SAMPLES, 'HR06001.hea'), path.join(SAMPLES, 'HR06001.mat')]);
  const comments = await page.$$eval('#facts-list dt', (dts) => dts.find((dt) => dt.textContent === 'Comments').nextElementSibling.innerText);
  assert.ok(comments.split('\n').length >= 3, comments);
  assert.doesNotMatch(comments, / · /);
  await pick(page, [path.join(SAMPLES, '00001_lr.hea'), path.join(SAMPLES, '00001_lr.dat')]);
  const colors = await page.evaluate(() => {
    const fill = (name) => getComputedStyle(document.querySelector(`#result-body li[data-class="${name}"] .fill`)).backgroundColor;
    const alarm = getComputedStyle(document.documentElement).getPropertyValue('--positive').trim();
    return { norm: fill('NORM'), positive: document.querySelector('#result-body li[data-class="NORM"] .class-state').classList.contains('positive'), alarm };
  });
  assert.equal(colors.positive, true, 'the sample is a positive Normal ECG');
  assert.notEqual(colors.norm, 'rgb(163, 33, 26)', `alarm colour ${colors.alarm}`);
  await page.close();
});

test('the heart-rate trend is redrawn when the window is resized and ends at the record\'s length', { skip: SKIP }, async () => {
  const page = await env.newPage();
  await pick(page, ['hea', 'dat', 'atr'].map((ext) => `${MITDB_EXCERPT}.${ext}`));
  await page.waitForSelector('#hr-trend', { state: 'visible' });
  const size = () => page.$eval('#hr-trend', (c) => ({ backing: c.width, css: c.clientWidth, dpr: devicePixelRatio, label: c.getAttribute('aria-label') }));
  const wide = await size();
  assert.match(wide.label, /over 20\.0 s$/);
  await page.setViewportSize({ width: 700, height: 1000 });
  await nextFrames(page);
  const narrow = await size();
  assert.ok(narrow.css < wide.css);
  assert.equal(narrow.backing, Math.round(narrow.css * narrow.dpr));
  await page.close();
});

const buildInfo = SKIP ? {} : JSON.parse(readFileSync(path.join(WEB, 'build-info.json'), 'utf8'));
const NO_ONNX = !buildInfo.onnxRuntime && 'this build has no ONNX Runtime Web or no ONNX model';

test('at 390 px the ONNX comparison table scrolls inside its own box, not the page', { skip: SKIP || NO_ONNX }, async () => {
  const page = await env.newPage({ viewport: { width: 390, height: 844 } });
  await pick(page, [path.join(SAMPLES, 'HR06001.hea'), path.join(SAMPLES, 'HR06001.mat')]);
  await page.check('input[name="engine"][value="onnx"]');
  await page.waitForSelector('#comparison tbody tr[data-class]', { timeout: 60000 });
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    screen: window.innerWidth,
    overflowX: getComputedStyle(document.querySelector('#comparison table').parentElement).overflowX,
  }));
  assert.ok(widths.page <= widths.screen, `page is ${widths.page - widths.screen}px wider than the screen`);
  assert.equal(widths.overflowX, 'auto');
  const differences = await page.$$eval('#comparison tbody tr[data-class] td:last-child', (tds) => tds.map((td) => td.textContent));
  assert.ok(differences.every((d) => /^-?\d+\.\d\d$/.test(d) && d !== '-0.00'), differences.join(' '));
  await page.screenshot({ path: screenshotPath('phone-onnx.png'), fullPage: true });
  await page.close();
});
