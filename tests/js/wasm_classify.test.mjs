// The wasm module classifies exactly as the native CLI: same model file, same records, and one
// schema: the module's model info and classify() objects equal what `ecglite classify --json` prints
// (the same JSON text from the core, parsed), and the same errors. Also pins the ONNX path's
// combine(networkInput) to classify() through EcgLite's own logits.
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

test('model info equals the "model" of `ecglite classify --json`', { skip }, async () => {
  const { model: m } = await setup();
  const { path: modelPath, ...native } = cliJson('classify', path.join(SAMPLES, '00001_lr.hea'), '--model', MODEL_PATH, '--json').model;
  assert.equal(modelPath, MODEL_PATH);  // the CLI's one addition: the file it loaded
  assert.deepEqual(m.info, native);
  assert.deepEqual(Object.keys(m.info), Object.keys(native));
  assert.deepEqual(m.info.classes.map((c) => c.name), ['NORM', 'MI', 'STTC', 'CD', 'HYP']);
  assert.equal(m.info.input_channels, 12);
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
      // One schema: the whole object equals the CLI's, field for field, but for the module's one
      // addition (time_ms), the record's name and the file a warning names (the CLI names both by the
      // path it was given: "dir/rec.hea: line 1: ..." where the module says "rec.hea: line 1: ...").
      const { time_ms: timeMs, record: name, warnings, ...rest } = r;
      const { record: nativeName, warnings: nativeWarnings, ...nativeRest } = expected;
      assert.deepEqual(rest, nativeRest, c.file);
      assert.equal(warnings.length, nativeWarnings.length, `${c.file}: ${warnings} vs ${nativeWarnings}`);
      warnings.forEach((w, k) => assert.ok(nativeWarnings[k] === w || nativeWarnings[k].endsWith(`/${w}`), `${c.file}: ${w} vs ${nativeWarnings[k]}`));
      assert.deepEqual(Object.keys(r).filter((k) => k !== 'time_ms'), Object.keys(expected), c.file);
      assert.equal(name, record.name);
      assert.equal(nativeName, c.file);
      assert.ok(timeMs >= 0);
      assert.equal(r.classes.length, 5);
      for (const cls of r.classes) assert.equal(r.probabilities[cls.name], cls.probability);
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
    assert.equal(channels, m.info.input_channels);
    assert.equal(length, m.info.input_length);
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
