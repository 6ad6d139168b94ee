// The module's explanation (classify(model, record, { explain: true })) is the CLI's: the same
// occlusion maps and words as `ecglite classify --explain --json` (one schema, from the core's JSON),
// the classification beside it unchanged, and its errors typed like every other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FIXTURES, MODEL_PATH, NO_CLI, NO_MODEL, NO_MODULE, SAMPLES, cliJson, ecglite, read, readWfdbRecord } from './support.mjs';

const skip = NO_MODULE || NO_MODEL || NO_CLI;

const cases = [
  { file: path.join(SAMPLES, '00001_lr.hea'), open: (ecg) => readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr')) },
  { file: path.join(SAMPLES, 'HR06001.hea'), open: (ecg) => readWfdbRecord(ecg, path.join(SAMPLES, 'HR06001')) },
  { file: path.join(SAMPLES, 'ptbxl-06003.csv'), open: (ecg) => ecg.readCsv(read(path.join(SAMPLES, 'ptbxl-06003.csv'))) },
  { file: path.join(FIXTURES, 'ptbxl-mini', 'records100', '00000', '00024_lr.hea'),
    open: (ecg) => readWfdbRecord(ecg, path.join(FIXTURES, 'ptbxl-mini', 'records100', '00000', '00024_lr')) },
];

test('classify(..., { explain: true }) gives the maps and words of `ecglite classify --explain --json`', { skip }, async () => {
  const ecg = await ecglite();
  const model = ecg.loadModel(read(MODEL_PATH));
  const native = cliJson('classify', ...cases.map((c) => c.file), '--model', MODEL_PATH, '--explain', '--json').records;
  for (const [i, c] of cases.entries()) {
    const record = c.open(ecg);
    try {
      const plain = ecg.classify(model, record);
      assert.equal(plain.explanation, undefined, 'no explanation unless asked for');
      const r = ecg.classify(model, record, { explain: true });
      const { time_ms: ms, ...explanation } = r.explanation;
      assert.ok(ms > 0, c.file);
      assert.deepEqual(explanation, native[i].explanation, c.file);
      // The classification beside it is classify()'s.
      assert.deepEqual(r.classes, plain.classes);
      const e = r.explanation;
      assert.equal(e.method, 'occlusion');
      assert.equal(e.segment_s, 0.5);
      assert.equal(e.segments, 20);
      assert.deepEqual(e.leads, model.info.lead_names);
      assert.deepEqual(e.classes.map((x) => x.name), ['NORM', 'MI', 'STTC', 'CD', 'HYP']);
      for (const [k, cls] of e.classes.entries()) {
        assert.equal(cls.probability, r.classes[k].probability);
        assert.equal(cls.drop.length, 12);
        for (const row of cls.drop) assert.equal(row.length, 20);
        assert.equal(typeof cls.summary, 'string');
      }
      // The positive classes have words; some cell of theirs raises the probability.
      for (const cls of e.classes.filter((x) => r.labels.includes(x.name))) {
        assert.match(cls.summary, /^(mostly .+|spread over many leads), \d+\.\d-\d+\.\d s$/, `${c.file} ${cls.name}`);
        assert.ok(Math.max(...cls.drop.flat()) > 0);
      }
      assert.ok(e.inferences > 7 && e.inferences < 12 * 20 * 3, `${e.inferences} network runs`);
    } finally {
      record.dispose();
    }
  }
});

test('explain errors are typed: a record over 5 minutes is a limit, a wrong option a TypeError', { skip: NO_MODULE || NO_MODEL }, async () => {
  const ecg = await ecglite();
  const model = ecg.loadModel(read(MODEL_PATH));
  const n = 100 * 301;
  const leads = model.info.lead_names.map((name, i) => ({ name, units: 'mV', samples: Float32Array.from({ length: n }, (_, t) => Math.sin(0.07 * (i + 1) * t)) }));
  const long = ecg.recordFromLeads({ name: 'long', samplingRate: 100, leads });
  try {
    assert.equal(ecg.classify(model, long).classes.length, 5);  // classifying is fine
    assert.throws(() => ecg.classify(model, long, { explain: true }), (e) => e.kind === 'limit' && /up to 5 min|300 s/.test(e.message));
    assert.throws(() => ecg.classify(model, long, { explain: 'yes' }), (e) => e instanceof TypeError && e.kind === 'bad_argument');
    assert.equal(ecg.classify(model, long, { explain: false }).explanation, undefined);
  } finally {
    long.dispose();
  }
});
