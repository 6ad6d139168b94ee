// The wasm module classifies exactly as the native CLI: same model file, same records, same
// probabilities (to the CLI's printed precision), labels, adaptations and errors. Also pins the
// ONNX path's combine(networkInput) to classify() through EcgLite's own logits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  DATA_DIR, FIXTURES, MODEL_PATH, NO_CLI, NO_MODEL, NO_MODULE, SAMPLES, asCliMessage, cliJson, ecglite, hasData, read,
  readWfdbRecord,
} from './support.mjs';

const skip = NO_MODULE || NO_MODEL || NO_CLI;

let model = null;
async function setup() {
  const ecg = await ecglite();
  model ??= ecg.loadModel(read(MODEL_PATH));
  return { ecg, model };
}

// The CLI prints probabilities with %g (6 significant digits).
const close = (a, b) => Math.abs(a - b) <= 5e-6 * Math.max(Math.abs(a), Math.abs(b)) + 1e-9;

// Records the page offers and the fixtures that exercise the pipeline's adaptations.
function inputs() {
  const list = [
    { file: path.join(SAMPLES, '00001_lr.hea'), open: (ecg) => readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr')) },
    { file: path.join(SAMPLES, 'HR06001.hea'), open: (ecg) => readWfdbRecord(ecg, path.join(SAMPLES, 'HR06001')) },
  ];
  const csvFiles = [path.join(SAMPLES, 'ptbxl-06003.csv'), ...readdirSync(path.join(FIXTURES, 'csv')).map((n) => path.join(FIXTURES, 'csv', n))];
  for (const file of csvFiles) list.push({ file, open: (ecg) => ecg.readCsv(read(file), { name: file }) });
  const wfdbDir = path.join(FIXTURES, 'wfdb');
  for (const n of readdirSync(wfdbDir).filter((n) => n.endsWith('.hea') && !/_\d+\.hea$|_layout\.hea$/.test(n)))
    list.push({ file: path.join(wfdbDir, n), open: (ecg) => readWfdbRecord(ecg, path.join(wfdbDir, n.slice(0, -4))) });
  // the committed mini PTB-XL fixture: real 12-lead records, so the comparison never depends on shared data
  const mini = path.join(FIXTURES, 'ptbxl-mini', 'records100', '00000');
  for (const n of readdirSync(mini).filter((n) => n.endsWith('.hea')).slice(0, 4))
    list.push({ file: path.join(mini, n), open: (ecg) => readWfdbRecord(ecg, path.join(mini, n.slice(0, -4))) });
  for (const rec of ['ptbxl-raw/cinc2021/HR06005', 'ptbxl/records100/00000/00010_lr', 'mitdb/100']) {
    if (hasData(`${rec}.hea`)) list.push({ file: path.join(DATA_DIR, `${rec}.hea`), open: (ecg) => readWfdbRecord(ecg, path.join(DATA_DIR, rec)) });
  }
  return list;
}

test('model info is what the CLI reports', { skip }, async () => {
  const { model: m } = await setup();
  const native = cliJson('classify', path.join(SAMPLES, '00001_lr.hea'), '--model', MODEL_PATH, '--json').model;
  assert.equal(m.info.name, native.name);
  assert.equal(m.info.precision, native.precision);
  assert.deepEqual(m.info.classNames, native.classes.map((c) => c.name));
  assert.deepEqual(m.info.classDescriptions, native.classes.map((c) => c.description));
  assert.ok(m.info.thresholds.every((t, i) => close(t, native.classes[i].threshold)));
  assert.deepEqual(m.info.leadNames, native.lead_names);
  assert.equal(m.info.inputLength, native.input_length);
  assert.equal(m.info.amplitude, native.amplitude);
  assert.equal(m.info.parameters, native.parameters);
});

test('classify() equals `ecglite classify --json` on samples, fixtures and real records', { skip }, async () => {
  const { ecg, model: m } = await setup();
  const cases = inputs();
  const native = cliJson('classify', ...cases.map((c) => c.file), '--model', MODEL_PATH, '--json').records;
  assert.equal(native.length, cases.length);
  let classified = 0, refused = 0;
  // The same failure: the same kind, and the CLI's message (its flag for the kind's remedy where the
  // module names its option) ending with the module's (the CLI may name the file by a longer path).
  const sameFailure = (error, expected, file) => {
    assert.equal(error.kind, expected.kind, `${file}: ${error.message} vs ${expected.error}`);
    assert.ok(expected.error.endsWith(asCliMessage(error)), `${file}: ${error.message} vs ${expected.error}`);
    refused++;
    return true;
  };
  for (const [i, c] of cases.entries()) {
    const expected = native[i];
    let record;
    try {
      record = c.open(ecg);
    } catch (error) {
      assert.ok(expected.error, `${c.file}: wasm could not read it (${error.message}) but the CLI could`);
      sameFailure(error, expected, c.file);
      continue;
    }
    try {
      if (expected.error) {
        assert.throws(() => ecg.classify(m, record), (e) => sameFailure(e, expected, c.file));
        continue;
      }
      const r = ecg.classify(m, record);
      classified++;
      for (const cls of r.classes)
        assert.ok(close(cls.probability, expected.probabilities[cls.name]), `${c.file} ${cls.name}: ${cls.probability} vs ${expected.probabilities[cls.name]}`);
      assert.deepEqual(r.labels, expected.labels, c.file);
      assert.deepEqual(r.adaptations, expected.adaptations, c.file);
      assert.deepEqual(r.warnings, expected.warnings, c.file);
      assert.equal(r.windows, expected.windows);
      assert.equal(r.inferences, expected.inferences);
      assert.ok(Math.abs(r.durationS - expected.duration_s) < 1e-9);
      assert.equal(r.sourceRateHz, expected.source_rate_hz);
      assert.ok(r.timeMs >= 0);
    } finally {
      record.dispose();
    }
  }
  assert.ok(classified >= 4, `only ${classified} records were classified`);
  assert.ok(refused >= 1, 'no record was refused: the comparison of failures compared nothing');
});

test('combine(networkInput) reproduces classify() with EcgLite\'s own logits', { skip: NO_MODULE || NO_MODEL }, async () => {
  const { ecg, model: m } = await setup();
  for (const name of ['00001_lr', 'HR06001']) {
    const record = readWfdbRecord(ecg, path.join(SAMPLES, name));
    const input = ecg.networkInput(m, record);
    const [runs, channels, length] = input.dims;
    assert.equal(channels, m.info.inputChannels);
    assert.equal(length, m.info.inputLength);
    assert.equal(input.data.length, runs * channels * length);
    assert.equal(input.windowOf.length, runs);
    const expected = ecg.classify(m, record);
    assert.equal(runs, expected.inferences);
    const combined = ecg.combine(m, input, ecg.networkLogits(m, input));
    assert.deepEqual(combined.classes, expected.classes);
    assert.deepEqual(combined.labels, expected.labels);
    assert.equal(combined.windows, expected.windows);
    // Another engine's logits, perturbed: the result moves (the test can fail).
    const logits = ecg.networkLogits(m, input).map((v) => v + 1);
    assert.notDeepEqual(ecg.combine(m, input, logits).classes, expected.classes);
    assert.throws(() => ecg.combine(m, input, new Float32Array(3)), /expected \d+ logits/);
    record.dispose();
  }
});

test('a long two-lead recording is not classified, and the reason names the missing leads', { skip: NO_MODULE || NO_MODEL || (!hasData('mitdb/100.hea') && 'MIT-BIH absent') }, async () => {
  const { ecg, model: m } = await setup();
  const record = readWfdbRecord(ecg, path.join(DATA_DIR, 'mitdb/100'));
  assert.equal(record.length, 650000);
  assert.throws(() => ecg.classify(m, record), /V2|lead/);
  record.dispose();
});

test('a model file that is not one is refused with a clear message', { skip: NO_MODULE }, async () => {
  const { ecg } = await setup();
  assert.throws(() => ecg.loadModel(new Uint8Array([1, 2, 3, 4])),
    { kind: 'bad_model', message: /^not an EcgLite model file \(an \.ecgm file starts with 'ECGM'/ });
  assert.throws(() => ecg.loadModel(read(MODEL_PATH).subarray(0, 100)), { kind: 'bad_model', message: /^invalid model file: truncated/ });
});
