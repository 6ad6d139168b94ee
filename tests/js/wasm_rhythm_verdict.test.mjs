// rhythm()'s verdict (a rhythm model given): the same object `ecglite rhythm --json` prints, the
// options that choose the model and the lead, and what happens without a verdict. The hand-set
// fixture model (scripts/train/make_rhythm_fixture.py) calls AF where successive RR intervals differ,
// so the expected answers are known; the shipped model, when built, must load and answer too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, NO_CLI, NO_MODULE, PACKAGE_DIR, cliJson, ecglite, read } from './support.mjs';

const skip = NO_MODULE || NO_CLI;
const RULE_MODEL = path.join(FIXTURES, 'rhythm', 'rr-rule-fp32.ecgm');
const IRREGULAR = path.join(FIXTURES, 'rhythm', 'irregular-30s.csv');
const SHIPPED = path.join(PACKAGE_DIR, 'models', 'rhythm-int8.ecgm');

test('the verdict equals `ecglite rhythm --json` and says AF for irregular RR intervals', { skip }, async () => {
  const ecg = await ecglite();
  const model = ecg.loadModel(read(RULE_MODEL));
  const record = ecg.readCsv(read(IRREGULAR), { name: IRREGULAR });
  const r = ecg.rhythm(record, { rhythmModel: model });
  record.dispose();
  const native = cliJson('rhythm', IRREGULAR, '--no-model', '--rhythm-model', RULE_MODEL, '--json');
  assert.equal(r.verdict.class, 'A');
  assert.deepEqual(r.verdict, native.verdict);
  assert.equal(r.verdict.af_episodes.length, 1);
  assert.equal(r.verdict.blocks.classes, 'AAAAAA');
  assert.deepEqual(Object.keys(r.verdict.probabilities), ['N', 'A', 'O', '~']);
});

test('without a rhythm model the verdict is null; a short recording gets a warning instead', { skip }, async () => {
  const ecg = await ecglite();
  const model = ecg.loadModel(read(RULE_MODEL));
  const long = ecg.readCsv(read(IRREGULAR), { name: IRREGULAR });
  assert.equal(ecg.rhythm(long).verdict, null);
  long.dispose();
  const samples = new Float32Array(5 * 250);
  const short = ecg.recordFromLeads({ name: 'five-seconds', samplingRate: 250, leads: [{ name: 'I', samples }] });
  const r = ecg.rhythm(short, { rhythmModel: model });
  assert.equal(r.verdict, null);
  assert.match(r.warnings.join('\n'), /no rhythm verdict: the recording is 5\.0 s long/);
  short.dispose();
});

test('rhythmLead picks the lead, and a lead the record does not have is a bad_argument', { skip }, async () => {
  const ecg = await ecglite();
  const model = ecg.loadModel(read(RULE_MODEL));
  const record = ecg.readCsv(read(IRREGULAR), { name: IRREGULAR });
  assert.equal(ecg.rhythm(record, { rhythmModel: model, rhythmLead: 0 }).verdict.lead_name, 'I');
  assert.throws(() => ecg.rhythm(record, { rhythmModel: model, rhythmLead: 1 }),
    (e) => e.kind === 'bad_argument' && /rhythmLead 1 is not a lead of this record/.test(e.message));
  const twelveLead = ecg.loadModel(read(path.join(FIXTURES, 'model', 'tiny-int8.ecgm')));
  assert.throws(() => ecg.rhythm(record, { rhythmModel: twelveLead }), (e) => e.kind === 'wrong_model');
  record.dispose();
});

test('the shipped rhythm model loads and gives a verdict', { skip: skip || (!existsSync(SHIPPED) && 'no rhythm model in wasm/models (run scripts/build-wasm)') }, async () => {
  const ecg = await ecglite();
  const model = await ecg.loadDefaultRhythmModel();
  assert.deepEqual(model.info.classes.map((c) => c.name), ['N', 'A', 'O', '~']);
  const record = ecg.readCsv(read(IRREGULAR), { name: IRREGULAR });
  const r = ecg.rhythm(record, { rhythmModel: model });
  record.dispose();
  assert.ok(['N', 'A', 'O', '~'].includes(r.verdict.class));
  assert.deepEqual(r.verdict, cliJson('rhythm', IRREGULAR, '--no-model', '--rhythm-model', SHIPPED, '--json').verdict);
});
