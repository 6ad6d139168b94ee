// rhythm(): beats, heart rate, ectopy and reference rhythm episodes from the wasm module equal what
// `ecglite beats` and `ecglite rhythm` print for the same records (with the same beat model, or
// none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR, FIXTURES, NO_CLI, NO_MODULE, PACKAGE_DIR, SAMPLES, cliJson, ecglite, hasData, read, readWfdbRecord } from './support.mjs';

const skip = NO_MODULE || NO_CLI;
const BEATS_MODEL = path.join(PACKAGE_DIR, 'models', 'beats-int8.ecgm');
const withModel = existsSync(BEATS_MODEL);
const modelArgs = withModel ? ['--model', BEATS_MODEL] : ['--no-model'];

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

test('the rhythm summary of a 30-minute MIT-BIH record with its annotations equals `ecglite rhythm`', { skip: skip || (!hasData('mitdb/208.atr') && 'MIT-BIH absent') }, async () => {
  const ecg = await ecglite();
  const model = await beatModel(ecg);
  const base = path.join(DATA_DIR, 'mitdb', '208');
  const native = cliJson('rhythm', base, ...modelArgs, '--json');
  const record = readWfdbRecord(ecg, base);
  const r = ecg.rhythm(record, { beatModel: model, annotations: read(`${base}.atr`), annotationsName: '208.atr' });
  record.dispose();
  assert.equal(r.beatCount, native.beats_detected);
  assert.ok(Math.abs(r.durationS - native.duration_s) < 1e-3);
  // The CLI prints rates to 0.1 bpm.
  assert.ok(Math.abs(r.meanHrBpm - native.heart_rate.mean_bpm) <= 0.05 + 1e-9);
  assert.ok(Math.abs(r.minHrBpm - native.heart_rate.min_bpm) <= 0.05 + 1e-9);
  assert.ok(Math.abs(r.maxHrBpm - native.heart_rate.max_bpm) <= 0.05 + 1e-9);
  assert.equal(r.hrTrendBpm.length, native.heart_rate.trend_bpm.length);
  r.hrTrendBpm.forEach((v, i) => {
    const n = native.heart_rate.trend_bpm[i];
    if (n === null) assert.ok(Number.isNaN(v)); else assert.ok(Math.abs(v - n) <= 0.05 + 1e-9, `trend ${i}`);
  });
  assert.deepEqual(r.classCounts, native.classes);
  for (const [mine, theirs] of [[r.supraventricular, native.supraventricular], [r.ventricular, native.ventricular]]) {
    assert.deepEqual([mine.beats, mine.isolated, mine.couplets, mine.runs, mine.longestRun],
      [theirs.beats, theirs.isolated, theirs.couplets, theirs.runs, theirs.longest_run]);
  }
  assert.equal(r.pauses, native.pauses.count);
  assert.ok(Math.abs(r.longestRrS - native.pauses.longest_rr_s) < 1e-3);
  assert.equal(r.referenceRhythms.length, native.reference_rhythms.length);
  r.referenceRhythms.forEach((e, i) => {
    assert.equal(e.rhythm, native.reference_rhythms[i].rhythm);
    assert.ok(Math.abs(e.startS - native.reference_rhythms[i].start_s) < 1e-3);
  });
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
  assert.equal(whole.signalGaps, 0);
  assert.equal(r.signalGaps, 1);
  assert.ok(Math.abs(r.signalGapS - 3) < 0.02, String(r.signalGapS));
  assert.equal(r.pauses, 0);
  assert.ok(r.longestRrS < 2, String(r.longestRrS));
  record.dispose();
  gapped.dispose();
});

test('rhythm() errors are JS Errors with the core message', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const record = readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr'));
  // A truncated annotation file: read as far as it goes, with a warning naming it.
  const r = ecg.rhythm(record, { annotations: new Uint8Array([1, 2, 3]), annotationsName: 'x.atr' });
  assert.ok(r.warnings.some((w) => w.includes('x.atr')), r.warnings.join('; '));
  assert.equal(r.beatCount, r.beats.samples.length);
  const slow = ecg.recordFromLeads({ name: 'slow', samplingRate: 20, leads: [{ name: 'II', samples: new Float32Array(400) }] });
  assert.throws(() => ecg.rhythm(slow), /^Error: slow: QRS detection needs a sampling rate of at least \d+ Hz, the record has 20 Hz$/);
  record.dispose();
  slow.dispose();
});
