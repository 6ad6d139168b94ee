// The wasm module reads records exactly as the native CLI does: every WFDB and CSV fixture, the page's
// samples and (when present) real records from ../shared/data are decoded by both and compared
// sample by sample against `ecglite dump`; failures must carry the CLI's message (the same core
// words and kind; the advice each front-end adds for a kind names its own flag or option).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, mkdtempSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DATA_DIR, FIXTURES, NO_CLI, NO_MODULE, PACKAGE_DIR, ROOT, SAMPLES, asCliMessage, cli, cliDump, cliError, ecglite, hasData,
  maxAbsDiff, moduleExports, read, readWfdbRecord,
} from './support.mjs';

const skip = NO_MODULE || NO_CLI;

// float32 samples (the record model) against the CLI's double printed with 10 significant digits.
function assertSameSamples(record, rows, what) {
  assert.equal(record.length, rows.length, `${what}: number of samples`);
  assert.equal(record.leads.length, rows[0]?.length ?? 0, `${what}: number of leads`);
  record.leads.forEach((lead, s) => {
    const mine = record.samples(s);
    const theirs = rows.map((row) => row[s]);
    let scale = 0;
    for (const v of theirs) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const diff = maxAbsDiff(Array.from(mine), theirs);
    assert.ok(diff <= 1e-6 * Math.max(1, scale), `${what}, lead ${lead.name}: max difference ${diff} (scale ${scale})`);
  });
}

function filesOf(dir) {
  return readdirSync(dir).map((name) => ({ name, bytes: read(path.join(dir, name)) }));
}

test('version is the native CLI version', { skip }, async () => {
  const ecg = await ecglite();
  assert.equal(cli('--version').stdout.trim(), `ecglite ${ecg.version}`);
});

test('every WFDB fixture decodes as `ecglite dump` (pairing the directory with groupFiles)', { skip }, async () => {
  const ecg = await ecglite();
  const dir = path.join(FIXTURES, 'wfdb');
  const { records, problems } = ecg.groupFiles(filesOf(dir));
  assert.ok(records.length >= 5, `expected several fixture records, got ${records.length}`);
  // FLAC formats 508/516/524: libFLAC's decoder is compiled into the module, so this one must read.
  assert.ok(records.some((g) => g.headerName === 'flac.hea'), 'the FLAC fixture (flac.hea + .d0/.d1/.d2) is paired');
  for (const group of records) {
    const headerPath = path.join(dir, group.headerName);
    const native = cli('dump', headerPath);
    if (native.status !== 0) {
      // A fixture the reader must reject: same message from both front-ends.
      assert.throws(() => ecg.readGroup(group), (e) => {
        assert.equal(asCliMessage(e), native.stderr.trim().replace(/^ecglite dump: /, ''), group.headerName);
        return true;
      });
      continue;
    }
    const record = ecg.readGroup(group);
    try {
      assertSameSamples(record, cliDump(headerPath), group.headerName);
    } finally {
      record.dispose();
    }
  }
  // Problems reported by the pairing are headers the CLI cannot read either.
  for (const p of problems) {
    if (!p.files[0].endsWith('.hea')) continue;
    assert.notEqual(cli('dump', path.join(dir, p.files[0])).status, 0, `${p.files[0]}: ${p.message}`);
  }
});

test('the page samples decode as `ecglite dump`', { skip }, async () => {
  const ecg = await ecglite();
  for (const name of ['00001_lr', 'HR06001']) {
    const record = readWfdbRecord(ecg, path.join(SAMPLES, name));
    assert.equal(record.leads.length, 12);
    assertSameSamples(record, cliDump(path.join(SAMPLES, `${name}.hea`)), name);
    record.dispose();
  }
  const csvPath = path.join(SAMPLES, 'ptbxl-06003.csv');
  const csv = ecg.readCsv(read(csvPath), { name: csvPath });
  assert.equal(csv.samplingRate, 500);
  assert.deepEqual([...new Set(csv.leads.map((l) => l.units))], ['uV']);
  assertSameSamples(csv, cliDump(csvPath), 'ptbxl-06003.csv');
  // The CSV was made from HR06003: the same samples, in microvolts.
  if (hasData('ptbxl-raw/cinc2021/HR06003.hea')) {
    const mat = readWfdbRecord(ecg, path.join(DATA_DIR, 'ptbxl-raw/cinc2021/HR06003'));
    for (let s = 0; s < 12; s++) {
      const a = mat.samples(s).map((v) => v * 1000);
      assert.ok(maxAbsDiff(Array.from(a), Array.from(csv.samples(s))) < 1e-3, `lead ${s}`);
    }
    mat.dispose();
  }
  csv.dispose();
});

test('every CSV fixture reads as `ecglite dump` reads it, or fails with the same message', { skip }, async () => {
  const ecg = await ecglite();
  const dir = path.join(FIXTURES, 'csv');
  const names = readdirSync(dir).filter((n) => /\.(csv|tsv|txt)$/.test(n));
  assert.ok(names.length >= 3);
  for (const name of names) {
    const file = path.join(dir, name);
    const native = cli('dump', file);
    if (native.status !== 0) {
      assert.throws(() => ecg.readCsv(read(file), { name: file }), (e) => {
        assert.equal(asCliMessage(e), native.stderr.trim().replace(/^ecglite dump: /, ''), name);
        return true;
      });
      continue;
    }
    const record = ecg.readCsv(read(file), { name: file });
    assertSameSamples(record, cliDump(file), name);
    record.dispose();
  }
});

test('CinC Challenge 2020/2021 headers and Polar Sensor Logger files read with the CLI\'s warnings', { skip }, async () => {
  const ecg = await ecglite();
  const dir = path.join(FIXTURES, 'wfdb');
  const header = read(path.join(dir, 'cinc_ext.hea'));
  const info = ecg.parseHeader(header, 'cinc_ext.hea');
  assert.equal(info.recordName, 'cinc_ext');
  assert.deepEqual(info.signalFiles, ['cinc_ext.mat']);
  const expected = [
    "cinc_ext.hea: line 1: record name 'cinc_ext.mat' ends in a file extension: read as 'cinc_ext'",
    "cinc_ext.hea: line 1: base time and date written as '05-May-2020 09:49:17' (date first, month name, as in the " +
      'PhysioNet/CinC Challenge 2020/2021 headers): read as 09:49:17 05/05/2020',
  ];
  assert.deepEqual(info.warnings, expected);
  const record = ecg.readWfdb(header, { 'cinc_ext.mat': read(path.join(dir, 'cinc_ext.mat')) }, 'cinc_ext.hea');
  assert.equal(record.name, 'cinc_ext');
  assert.deepEqual(record.warnings, expected);
  // The CLI says the same, naming the header by its path.
  const cliWarnings = cli('info', path.join(dir, 'cinc_ext.hea')).stdout.split('\n').filter((l) => l.includes(': line 1: '));
  assert.deepEqual(cliWarnings.map((l) => l.trim().replace(`${dir}/`, '')), expected);
  record.dispose();

  const polar = ecg.readCsv(read(path.join(FIXTURES, 'csv', 'polar_h10_ecg.txt')), { name: 'polar_h10_ecg.txt' });
  assert.equal(polar.samplingRate, 130);
  assert.deepEqual(polar.leads.map((l) => [l.name, l.units]), [['ecg', 'uV']]);
  assert.deepEqual(polar.warnings, []);
  polar.dispose();
});

test('every EDF/BDF fixture reads as `ecglite dump` reads it, with its annotations as `ecglite ann` lists them', { skip }, async () => {
  const ecg = await ecglite();
  const dir = path.join(FIXTURES, 'edf');
  const names = readdirSync(dir).filter((n) => /\.(edf|bdf)$/.test(n));
  assert.ok(names.length >= 3);
  for (const name of names) {
    const file = path.join(dir, name);
    const record = ecg.readEdf(read(file), { name: file });
    assertSameSamples(record, cliDump(file), name);
    const listed = cli('ann', file).stdout.split('\n').filter(Boolean)
      .map((line) => line.split('\t')).map(([onset, duration, text]) => [Number(onset), duration === '-' ? null : Number(duration), text]);
    assert.deepEqual(record.annotations.map((a) => [a.onset_s, a.duration_s, a.text]), listed, name);
    record.dispose();
  }
  const twoRates = ecg.readGroup(ecg.groupFiles([{ name: 'two-rates.edf', bytes: read(path.join(dir, 'two-rates.edf')) }]).records[0]);
  assert.equal(twoRates.samplingRate, 250);
  assert.deepEqual(twoRates.leads.map((l) => l.name), ['ECG II', 'ECG V1']);
  assert.equal(twoRates.annotations[1].sample, 625);
  // A malformed file: the CLI's message and kind.
  const bad = path.join(ROOT, 'tests', 'bad-inputs', 'edf', 'digital-min-equals-max.edf');
  assert.throws(() => ecg.readEdf(read(bad), { name: bad }), (e) => {
    assert.equal(e.kind, 'bad_header');
    assert.equal(asCliMessage(e), cli('dump', bad).stderr.trim().replace(/^ecglite dump: /, ''));
    return true;
  });
});

const SHARED_RECORDS = ['mitdb/100', 'ptbxl-raw/cinc2021/HR06003', 'ptbxl/records100/00000/00010_lr',
  'wfdb-samples/sample-data/flacformats'];
const sharedRecords = SHARED_RECORDS.filter((rec) => hasData(`${rec}.hea`));

// Skipped, saying so, when none of the records is there; it compares every one that is (it used to
// pass having compared nothing when the shared data lacked them).
test('real records from the shared data decode as `ecglite dump`', { skip: skip || (!sharedRecords.length && `none of ${SHARED_RECORDS.join(', ')} under ${DATA_DIR}`) }, async (t) => {
  const ecg = await ecglite();
  const absent = SHARED_RECORDS.filter((rec) => !sharedRecords.includes(rec));
  if (absent.length) t.diagnostic(`not in the shared data, not compared: ${absent.join(', ')}`);
  let compared = 0;
  for (const rec of sharedRecords) {
    const base = path.join(DATA_DIR, rec);
    const record = readWfdbRecord(ecg, base);
    // Spot-check long records on a range to keep the test fast.
    const to = Math.min(record.length, 20000);
    const rows = cliDump(`${base}.hea`, '--to', String(to));
    const head = { ...record, length: to, leads: record.leads, samples: (s) => record.samples(s).subarray(0, to) };
    assertSameSamples(head, rows, rec);
    record.dispose();
    compared++;
  }
  assert.equal(compared, sharedRecords.length);
});

test('reader errors carry the CLI message', { skip }, async () => {
  const ecg = await ecglite();
  const dir = mkdtempSync(path.join(tmpdir(), 'ecglite-js-'));
  try {
    // A header that is not one, under the name the CLI sees (it used to be held only to "a message").
    const bad = path.join(dir, 'bad.hea');
    writeFileSync(bad, 'this is not a header\n');
    const header = read(bad);
    assert.throws(() => ecg.readWfdb(header, {}, 'bad.hea'), (e) => {
      assert.ok(e instanceof Error);
      assert.equal(e.kind, 'bad_header');
      assert.equal(asCliMessage(e), cliError({ cwd: dir }, 'dump', 'bad.hea'));
      return true;
    });
    // A truncated signal file: both readers say the same (the CLI run where the files are, so that
    // it names them as the page does).
    copyFileSync(path.join(SAMPLES, '00001_lr.hea'), path.join(dir, '00001_lr.hea'));
    writeFileSync(path.join(dir, '00001_lr.dat'), read(path.join(SAMPLES, '00001_lr.dat')).subarray(0, 1001));
    const message = cliError({ cwd: dir }, 'dump', '00001_lr.hea');
    assert.throws(() => ecg.readWfdb(read(path.join(dir, '00001_lr.hea')), { '00001_lr.dat': read(path.join(dir, '00001_lr.dat')) }),
      { message, kind: 'bad_data' });
    // A CSV without data.
    writeFileSync(path.join(dir, 'empty.csv'), 'I,II\n');
    assert.throws(() => ecg.readCsv(read(path.join(dir, 'empty.csv')), { name: 'empty.csv' }),
      { message: cliError({ cwd: dir }, 'dump', 'empty.csv'), kind: 'bad_data' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing signal file is named, with what to do', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  assert.throws(() => ecg.readWfdb(read(path.join(SAMPLES, '00001_lr.hea')), {}), {
    kind: 'missing_file',
    message: '00001_lr.dat: file not provided (select it together with the .hea header: a WFDB record needs the header and every file it names)',
  });
});

test('thousands of failures leave the module usable (errors are returned, not thrown through wasm)', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const header = read(path.join(SAMPLES, '00001_lr.hea'));
  for (let i = 0; i < 3000; i++) {
    assert.throws(() => ecg.readWfdb(header, { '00001_lr.dat': new Uint8Array(10) }));
  }
  const record = readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr'));
  assert.equal(record.length, 1000);
  record.dispose();
});

// Arguments of the wrong shape are refused in JS, before the core reads them: a JS exception raised
// while the core reads an argument unwound through wasm frames and leaked stack on every call (after
// some 160,000 such calls the instance trapped for good).
test('arguments of the wrong shape are refused before the core sees them, and many leave it usable', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const model = ecg.loadModel(read(path.join(ROOT, 'models', 'student-int8.ecgm')));
  for (let i = 0; i < 20000; i++) {
    assert.throws(() => ecg.recordFromLeads({ samplingRate: 100, leads: [{ name: 'I', samples: [1, 2] }, { name: 'II' }] }),
      /lead 1 \(II\) samples: expected a Float32Array or an array of numbers/);
    assert.throws(() => ecg.combine(model, { windowOf: [0], windows: 1 }, undefined), /combine: logits: expected a Float32Array/);
  }
  assert.throws(() => ecg.combine(model, { windowOf: [-1], windows: 1 }, [0, 0, 0, 0, 0]), /windowOf: expected a whole number >= 0/);
  assert.throws(() => ecg.classify(model, 'a record'), /classify: expected an EcgRecord/);
  assert.throws(() => ecg.classify(undefined, null), /classify: expected an EcgModel/);
  const record = readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr'));
  assert.throws(() => ecg.rhythm(record, { beatModel: read(path.join(ROOT, 'models', 'beats-int8.ecgm')) }), /rhythm: beatModel: expected an EcgModel/);
  assert.throws(() => ecg.rhythm(record, { trendIntervalS: 0.001 }), /outside 1 to 3600 seconds/);
  assert.throws(() => record.samples(1.5), /no lead 1\.5 \(lead indices 0 to 11/);
  assert.throws(() => ecg.readCsv('time,I\n0,1\n', { samplingRate: -500 }), /samplingRate -500 is not a sampling rate/);
  assert.throws(() => ecg.readCsv('time,I\n0,1\n', { samplingRate: Infinity }), /is not a sampling rate/);
  assert.throws(() => ecg.recordFromLeads({ samplingRate: Infinity, leads: [{ name: 'I', samples: [1] }] }), /samplingRate must be a positive number/);
  assert.equal(ecg.recordFromLeads({ samplingRate: 100, comments: 'one comment', leads: [{ name: 'I', samples: [1] }] }).comments.length, 1);
  const infinite = ecg.recordFromLeads({ samplingRate: 100, leads: [{ name: 'I', samples: [1, Infinity, -Infinity, 2] }] });
  assert.deepEqual(Array.from(infinite.samples(0)), [1, NaN, NaN, 2]);
  assert.deepEqual(infinite.warnings, ['2 infinite samples read as invalid samples']);
  assert.equal(ecg.classify(model, record).classes.length, 5);
  // A finite but absurd value (the core treats it as invalid, with a note) leaves the result as it was.
  const clean = ecg.classify(model, record);
  const leads = record.leads.map(({ name, units }, i) => ({ name, units, samples: Float32Array.from(record.samples(i)) }));
  leads[1].samples[300] = 1e30;
  const spiked = ecg.recordFromLeads({ samplingRate: 100, leads });
  const result = ecg.classify(model, spiked);
  assert.deepEqual(result.labels, clean.labels);
  result.classes.forEach((c, i) => assert.ok(Math.abs(c.probability - clean.classes[i].probability) < 0.02, c.name));
  assert.ok(result.adaptations.some((a) => /1 sample lies impossibly far from the rest of its lead/.test(a)), result.adaptations.join('; '));
  spiked.dispose();
  record.dispose();
});

// The per-file limit is checked before the bytes are copied into wasm memory, which never shrinks.
test('a file over the size limit is refused before it is copied in', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const memory = () => process.memoryUsage().rss;  // a copy into wasm memory would touch every page
  const huge = new Uint8Array(new ArrayBuffer(ecg.limits.maxFileBytes + 1));  // zero pages, never touched
  const before = memory();
  assert.throws(() => ecg.readWfdb('x 1 100 10\nx.dat 16 200 16 0 0 0 0 I\n', { 'x.dat': huge }, 'x.hea'),
    new RegExp(`^Error: x\\.dat: ${huge.byteLength} bytes exceeds the limit of ${ecg.limits.maxFileBytes} bytes per file$`));
  assert.throws(() => ecg.loadModel(huge), /model: \d+ bytes exceeds the limit/);
  assert.throws(() => ecg.parseHeader(huge, 'big.hea'), /big\.hea: \d+ bytes exceeds the limit/);
  assert.ok(memory() - before < 64 * 2 ** 20, 'no copy of the file was made');
});

test('recordFromLeads builds a record and enforces its contract', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const samples = Float32Array.from({ length: 500 }, (_, i) => Math.sin(i / 10));
  const r = ecg.recordFromLeads({ name: 'sine', samplingRate: 250, leads: [{ name: 'Lead I', units: 'mV', samples }, { name: 'II', samples: Array.from(samples) }] });
  assert.equal(r.name, 'sine');
  assert.equal(r.durationS, 2);
  assert.deepEqual(r.leads.map((l) => l.standardName), ['I', 'II']);
  assert.deepEqual(Array.from(r.samples('II')), Array.from(samples));
  r.dispose();
  assert.throws(() => ecg.recordFromLeads({ samplingRate: 0, leads: [] }), /samplingRate/);
  assert.throws(() => ecg.recordFromLeads({ name: 'x', samplingRate: 100, leads: [{ name: 'I', samples: [1, 2] }, { name: 'II', samples: [1] }] }), /same length/);
  assert.throws(() => ecg.recordFromLeads({ name: 'x', samplingRate: 100, leads: Array.from({ length: 65 }, () => ({ name: 'I', samples: [1] })) }), /65 leads/);
});

test('disposed records refuse use with a clear message', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const r = readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr'));
  r.dispose();
  r.dispose();
  assert.throws(() => r.samples(0), /disposed/);
});

test('in Node, locateFile says where the wasm is; a wrong place is named', { skip: NO_MODULE }, async () => {
  const { createEcgLite } = await moduleExports();
  const dir = mkdtempSync(path.join(tmpdir(), 'ecglite-locate-'));
  try {
    copyFileSync(path.join(PACKAGE_DIR, 'ecglite-core.wasm'), path.join(dir, 'moved.wasm'));
    const seen = [];
    const ecg = await createEcgLite({ locateFile: (name, directory) => { seen.push([name, directory]); return path.join(dir, 'moved.wasm'); } });
    assert.equal(seen[0][0], 'ecglite-core.wasm');  // (Emscripten's glue asks once more; its answer is unused)
    assert.equal(seen[0][1], pathToFileURL(PACKAGE_DIR + path.sep).href);
    assert.equal(typeof ecg.version, 'string');
    await assert.rejects(createEcgLite({ locateFile: () => path.join(dir, 'absent.wasm') }),
      (e) => e.message.startsWith(`${path.join(dir, 'absent.wasm')}: cannot read (ENOENT; is the file installed next to ecglite.mjs, or where locateFile says?)`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the module reports the core limits the page checks file sizes against', { skip }, async () => {
  const ecg = await ecglite();
  assert.deepEqual({ ...ecg.limits }, { maxSignals: 64, maxTotalSamples: 40_000_000, maxFileBytes: 512 * 1024 * 1024 });
  assert.ok(Object.isFrozen(ecg.limits));
});
