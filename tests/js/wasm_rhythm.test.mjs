// rhythm(): beats, heart rate, ectopy and reference rhythm episodes from the wasm module equal what
// `ecglite beats` and `ecglite rhythm` print for the same records (with the same beat model, or
// none): one schema, the rhythm() object is `ecglite rhythm --json --beats`, typed arrays aside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR, FIXTURES, NO_CLI, NO_MODULE, PACKAGE_DIR, SAMPLES, cliJson, ecglite, hasData, read, readWfdbRecord } from './support.mjs';

const skip = NO_MODULE || NO_CLI;
const BEATS_MODEL = path.join(PACKAGE_DIR, 'models', 'beats-int8.ecgm');
const withModel = existsSync(BEATS_MODEL);
const modelArgs = withModel ? ['--model', BEATS_MODEL] : ['--no-model'];
// The verdict has its own test (wasm_rhythm_verdict.test.mjs): here neither side runs the rhythm model.
const rhythmArgs = [...modelArgs, '--no-rhythm-model'];

async function beatModel(ecg) {
  return withModel ? ecg.loadModel(read(BEATS_MODEL)) : null;
}

test('detected beats (and classes) equal `ecglite beats`', { skip }, async () => {
  const ecg = await ecglite();
  const model = await beatModel(ecg);
  const records = [path.join(FIXTURES, 'wfdb', 'mitdb100_1s'), path.join(SAMPLES, '00001_lr'), path.join(SAMPLES, 'HR06001')];
  if (hasData('mitdb/100.hea')) records.push(path.join(DATA_DIR, 'mitdb', '100'));
  for (const base of records) {
    const native = cliJson('beats', `${base}.hea`, ...modelArgs, '--json');
    const record = readWfdbRecord(ecg, base);
    const r = ecg.rhythm(record, { beatModel: model });
    assert.deepEqual(Array.from(r.beats.samples), native.beats.map((b) => b.sample), base);
    assert.equal(r.beats.classes, native.beats.map((b) => b.class).join(''), base);
    assert.equal(r.classified, withModel);
    record.dispose();
  }
});

// The rhythm() object against `ecglite rhythm --json --beats`: equal field for field, once the typed
// arrays the module returns (trend: NaN where JSON has null; beat columns) are read as the JSON's arrays.
function assertSameRhythm(r, native, what) {
  const { heart_rate: hr, beats, holter_csv: holterCsv, ...rest } = r;  // holter_csv: holter.test.mjs
  assert.equal(typeof holterCsv, 'string');
  const { heart_rate: nativeHr, beats: nativeBeats, ...nativeRest } = native;
  assert.deepEqual(Object.keys(r).filter((k) => k !== 'holter_csv'), Object.keys(native), what);
  assert.deepEqual(rest, nativeRest, what);
  assert.ok(hr.trend_bpm instanceof Float64Array);
  assert.deepEqual({ ...hr, trend_bpm: Array.from(hr.trend_bpm, (v) => (Number.isNaN(v) ? null : v)) }, nativeHr, what);
  assert.ok(beats.samples instanceof Float64Array && beats.probabilities instanceof Float32Array);
  assert.deepEqual(Array.from(beats.samples), nativeBeats.samples, what);
  assert.equal(beats.classes, nativeBeats.classes, what);
  assert.equal(beats.probabilities.length, nativeBeats.probabilities.length, what);
  // The CLI prints each probability with %g (6 significant digits); the module keeps the float.
  beats.probabilities.forEach((p, i) => assert.ok(Math.abs(p - nativeBeats.probabilities[i]) <= 5e-6 * p + 1e-9, `${what}: beat ${i}`));
}

// rhythm() of a WFDB record with its reference annotations (BASE.atr), and the CLI's JSON of the same.
async function rhythmWithAnnotations(base) {
  const ecg = await ecglite();
  const model = await beatModel(ecg);
  const native = cliJson('rhythm', base, ...rhythmArgs, '--json', '--beats');
  const record = readWfdbRecord(ecg, base);
  const r = ecg.rhythm(record, { beatModel: model, annotations: read(`${base}.atr`), annotationsName: `${path.basename(base)}.atr` });
  record.dispose();
  return { r, native };
}

test('rhythm() equals `ecglite rhythm --json --beats` (committed MIT-BIH excerpt with its annotations)', { skip }, async () => {
  const base = path.join(FIXTURES, 'mitdb', '205_20s');
  const { r, native } = await rhythmWithAnnotations(base);
  assert.ok(r.beats_detected > 10 && r.reference_rhythms.length >= 1, JSON.stringify(native));
  assert.equal(r.classified, withModel);
  assertSameRhythm(r, native, base);
});

test('rhythm() equals `ecglite rhythm --json --beats` without annotations, on a 12-lead record and a CSV', { skip }, async () => {
  const ecg = await ecglite();
  const model = await beatModel(ecg);
  const csv = path.join(SAMPLES, 'ptbxl-06003.csv');
  for (const [file, open] of [[path.join(SAMPLES, '00001_lr.hea'), () => readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr'))],
    [csv, () => ecg.readCsv(read(csv), { name: csv })]]) {
    const native = cliJson('rhythm', file, ...rhythmArgs, '--json', '--beats', '--no-annotations');
    const record = open();
    const r = ecg.rhythm(record, { beatModel: model });
    record.dispose();
    assert.ok(r.beats_detected >= 2, file);
    assertSameRhythm(r, native, file);
  }
});

test('the rhythm summary of a 30-minute MIT-BIH record with its annotations equals `ecglite rhythm`', { skip: skip || (!hasData('mitdb/208.atr') && 'MIT-BIH absent') }, async () => {
  const base = path.join(DATA_DIR, 'mitdb', '208');
  const { r, native } = await rhythmWithAnnotations(base);
  assertSameRhythm(r, native, base);
});

test('a stretch without signal is reported and is not a pause', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const record = readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr'));
  const leads = record.leads.map((l, i) => {
    const samples = record.samples(i);
    samples.fill(NaN, 300, 600);  // 3 s at 100 Hz, every lead
    return { name: l.name, units: l.units, samples };
  });
  const gapped = ecg.recordFromLeads({ name: 'gapped', samplingRate: record.samplingRate, leads });
  const whole = ecg.rhythm(record);
  const r = ecg.rhythm(gapped);
  assert.equal(whole.signal_gaps.count, 0);
  assert.equal(r.signal_gaps.count, 1);
  assert.ok(Math.abs(r.signal_gaps.total_s - 3) < 0.02, String(r.signal_gaps.total_s));
  assert.equal(r.pauses.count, 0);
  assert.ok(r.pauses.longest_rr_s < 2, String(r.pauses.longest_rr_s));
  record.dispose();
  gapped.dispose();
});

test('rhythm() errors are JS Errors with the core message', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const record = readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr'));
  // A truncated annotation file: read as far as it goes, with a warning naming it.
  const r = ecg.rhythm(record, { annotations: new Uint8Array([1, 2, 3]), annotationsName: 'x.atr' });
  assert.ok(r.warnings.some((w) => w.includes('x.atr')), r.warnings.join('; '));
  assert.equal(r.beats_detected, r.beats.samples.length);
  const slow = ecg.recordFromLeads({ name: 'slow', samplingRate: 20, leads: [{ name: 'II', samples: new Float32Array(400) }] });
  assert.throws(() => ecg.rhythm(slow), /^Error: slow: QRS detection needs a sampling rate of at least \d+ Hz, the record has 20 Hz$/);
  record.dispose();
  slow.dispose();
});
