// Typed errors in JS: every Error the module throws carries the core's `kind` and, as `reason`, the
// core's neutral words; for the kinds whose remedy is an option or a call (needs_rate, wrong_model)
// the message adds what to do in JS where the CLI names its flag for the very same failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CLI_ADVICE, JS_ADVICE, MODEL_PATH, NO_CLI, NO_MODEL, NO_MODULE, PACKAGE_DIR, SAMPLES, asCliMessage, cliError, ecglite, read,
  readWfdbRecord,
} from './support.mjs';

const BEATS_MODEL = path.join(PACKAGE_DIR, 'models', 'beats-int8.ecgm');
const NO_RATE_CSV = `I,II\n${Array.from({ length: 400 }, (_, i) => `${Math.sin(i / 9).toFixed(4)},${Math.cos(i / 9).toFixed(4)}`).join('\n')}\n`;

// The thrown error, after checking what every error of the module must carry.
function thrown(f) {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof Error);
    assert.equal(typeof error.kind, 'string', `no kind: ${error.message}`);
    assert.equal(typeof error.reason, 'string', `no reason: ${error.message}`);
    return error;
  }
  assert.fail('nothing was thrown');
}

test('a CSV without a sampling rate: kind needs_rate, the JS option in the message, the CLI its flag', { skip: NO_MODULE || NO_CLI }, async () => {
  const ecg = await ecglite();
  const e = thrown(() => ecg.readCsv(NO_RATE_CSV, { name: 'x.csv' }));
  assert.equal(e.kind, 'needs_rate');
  assert.equal(e.reason, "x.csv: cannot tell the sampling rate: no time column and no 'Sample Rate' line");
  assert.equal(e.message, `${e.reason} (give the sampling rate with readCsv()'s samplingRate option)`);
  assert.doesNotMatch(e.message, /--rate|command line/);
  // The CLI says the same about the same file, with its flag instead.
  const dir = mkdtempSync(path.join(tmpdir(), 'ecglite-kind-'));
  try {
    writeFileSync(path.join(dir, 'x.csv'), NO_RATE_CSV);
    assert.equal(cliError({ cwd: dir }, 'info', 'x.csv'), `${e.reason} (give the sampling rate with --rate HZ)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // And the option the advice names is the remedy.
  const record = ecg.readCsv(NO_RATE_CSV, { name: 'x.csv', samplingRate: 100 });
  assert.equal(record.durationS, 4);
  record.dispose();
});

test('a model of the other task: kind wrong_model, with where it belongs in JS', { skip: NO_MODULE || NO_MODEL || NO_CLI }, async (t) => {
  const ecg = await ecglite();
  const twelveLead = ecg.loadModel(read(MODEL_PATH));
  const record = readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr'));
  try {
    const asBeats = thrown(() => ecg.rhythm(record, { beatModel: twelveLead }));
    assert.equal(asBeats.kind, 'wrong_model');
    assert.match(asBeats.reason, /: not a beat classification model \(/);
    assert.equal(asBeats.message, `${asBeats.reason} (${JS_ADVICE.wrong_model})`);
    assert.match(asBeats.message, /rhythm\(\) a beat model as its beatModel option/);
    assert.doesNotMatch(asBeats.message, /--model|ecglite beats/);
    if (!existsSync(BEATS_MODEL)) {
      t.skip('wasm/models/beats-int8.ecgm absent: a beat model given to classify() not checked');
      return;
    }
    const beats = ecg.loadModel(read(BEATS_MODEL));
    const asTwelveLead = thrown(() => ecg.classify(beats, record));
    assert.equal(asTwelveLead.kind, 'wrong_model');
    assert.match(asTwelveLead.reason, /^beats-int8: a beat classification model \(classes N S V F Q\), not a model of whole recordings/);
    assert.equal(asTwelveLead.message, `${asTwelveLead.reason} (${JS_ADVICE.wrong_model})`);
    // The CLI, given the same model, names --model instead.
    const cli = cliError('classify', path.join(SAMPLES, '00001_lr'), '--model', BEATS_MODEL);
    assert.equal(cli, `${path.join(SAMPLES, '00001_lr')}: ${asTwelveLead.reason} (${CLI_ADVICE.wrong_model})`);
    beats.dispose();
  } finally {
    record.dispose();
    twelveLead.dispose();
  }
});

test('other kinds reach JS from every part of the core, with the core\'s message as it is', { skip: NO_MODULE || NO_MODEL }, async () => {
  const ecg = await ecglite();
  const header = read(path.join(SAMPLES, '00001_lr.hea'));
  const dat = read(path.join(SAMPLES, '00001_lr.dat'));
  const cases = [
    ['bad_header', () => ecg.parseHeader('not a header\n', 'h.hea')],
    ['unsupported_format', () => ecg.parseHeader('r 1 100 3\nr.dat 999 200 16 0 0 0 0 II\n', 'f.hea')],
    ['unsupported_format', () => ecg.readCsv(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]), { name: 'p.csv' })],
    ['missing_file', () => ecg.readWfdb(header, {}, '00001_lr.hea')],
    ['bad_data', () => ecg.readWfdb(header, { '00001_lr.dat': dat.subarray(0, 1001) }, '00001_lr.hea')],
    ['bad_data', () => ecg.readCsv('time,I,II\n0,1,2\n0.01,1\n0.02,1,2\n', { name: 'r.csv' })],
    ['limit', () => ecg.parseHeader(`r 65 100 3\n${'r.dat 16 200 16 0 0 0 0 s\n'.repeat(65)}`, 'm.hea')],
    ['limit', () => ecg.recordFromLeads({ name: 'many', samplingRate: 100, leads: Array.from({ length: 65 }, () => ({ name: 'I', samples: [1] })) })],
    ['limit', () => ecg.rhythm(ecg.recordFromLeads({ name: 'half', samplingRate: 360, leads: [{ name: 'II', samples: new Float32Array(180) }] }))],
    ['bad_model', () => ecg.loadModel(new Uint8Array([1, 2, 3, 4]))],
    ['no_signal', () => ecg.classify(ecg.loadModel(read(MODEL_PATH)), ecg.recordFromLeads({ samplingRate: 100, leads: ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map((name) => ({ name, samples: new Float32Array(1000).fill(NaN) })) }))],
    ['bad_argument', () => ecg.recordFromLeads({ name: 'x', samplingRate: 100, leads: [{ name: 'I', samples: [1, 2] }, { name: 'II', samples: [1] }] })],
  ];
  for (const [kind, f] of cases) {
    const e = thrown(f);
    assert.equal(e.kind, kind, `${e.message}`);
    assert.equal(e.message, e.reason, `${kind}: no JS advice for this kind: ${e.message}`);
    assert.equal(asCliMessage(e), e.message);
    assert.doesNotMatch(e.message, /--[a-z]|command line|samplingRate option/, e.message);
  }
});

test('errors the JS layer raises itself carry a kind too; wrong types stay TypeErrors', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const type = thrown(() => ecg.classify('a model', 'a record'));
  assert.ok(type instanceof TypeError);
  assert.equal(type.kind, 'bad_argument');
  assert.equal(thrown(() => ecg.readCsv('time,I\n0,1\n', { samplingRate: -5 })).kind, 'bad_argument');
  const huge = new Uint8Array(new ArrayBuffer(ecg.limits.maxFileBytes + 1));
  assert.equal(thrown(() => ecg.loadModel(huge)).kind, 'limit');
  const record = readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr'));
  record.dispose();
  assert.equal(thrown(() => record.samples(0)).kind, 'bad_argument');
});

test('groupFiles() problems carry the kind of what is wrong', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const bytes = new Uint8Array([1]);
  const { problems } = ecg.groupFiles([
    { name: '00001_lr.hea', bytes: read(path.join(SAMPLES, '00001_lr.hea')) },
    { name: 'HR06001.mat', bytes },
    { name: 'broken.hea', bytes: new TextEncoder().encode('not a header\n') },
  ]);
  assert.deepEqual(problems.map((p) => [p.files[0], p.kind]), [
    ['00001_lr.hea', 'missing_file'],
    ['broken.hea', 'bad_header'],
    ['HR06001.mat', 'missing_file'],
  ]);
});
