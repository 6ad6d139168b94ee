// The malformed-input corpus (tests/bad-inputs/, manifest expected.tsv, run on the CLI by
// tests/cpp/robustness_corpus_test.cpp) through the wasm module, the way the page feeds it: every
// file of the record's directory offered by name. No input may crash or wedge the module; what the
// native CLI accepts the module accepts, what it refuses the module refuses with the CLI's very
// message (the CLI runs in the record's directory so that both name the files alike; for the kinds
// whose remedy is a flag or an option each names its own); and after the whole corpus a good record
// still classifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MODEL_PATH, NO_CLI, NO_MODEL, NO_MODULE, ROOT, SAMPLES, asCliMessage, cli, ecglite, read, readWfdbRecord } from './support.mjs';

const CORPUS = path.join(ROOT, 'tests', 'bad-inputs');
const cases = existsSync(path.join(CORPUS, 'expected.tsv'))
  ? readFileSync(path.join(CORPUS, 'expected.tsv'), 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .map(([file, command, status, ...expected]) => ({ file, command, status: Number(status), expected }))
    .filter((c) => ['info', 'dump', 'classify'].includes(c.command) && /^(wfdb|csv)\//.test(c.file))
  : [];

function run(ecg, model, c) {
  const full = path.join(CORPUS, c.file);
  if (c.file.startsWith('csv/')) {
    const record = ecg.readCsv(read(full), { name: path.basename(full) });
    try {
      return c.command === 'classify' ? ecg.classify(model, record) : record;
    } finally {
      if (c.command === 'classify') record.dispose();
    }
  }
  // A WFDB record path without extension: the page gets the header and whatever else was dropped.
  const dir = path.dirname(full);
  const headerName = `${path.basename(full)}.hea`;
  if (!existsSync(path.join(dir, headerName))) return null;  // not a drop the page can receive
  const header = read(path.join(dir, headerName));
  if (c.command === 'info') return ecg.parseHeader(header, headerName);
  const files = {};
  for (const name of readdirSync(dir)) if (statSync(path.join(dir, name)).isFile()) files[name] = read(path.join(dir, name));
  const record = ecg.readWfdb(header, files, headerName);
  if (c.command === 'dump') return record;
  try {
    return ecg.classify(model, record);
  } finally {
    record.dispose();
  }
}

function native(c) {
  const full = path.join(CORPUS, c.file);
  const args = [c.command, path.basename(full)];
  if (c.command === 'classify') args.push('--model', MODEL_PATH);
  const r = cli({ cwd: path.dirname(full) }, ...args);
  const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith(`ecglite ${c.command}: `));
  return { status: r.status, message: lines.length ? lines[lines.length - 1].slice(`ecglite ${c.command}: `.length) : '' };
}

test('the bad-input corpus: the module accepts what the CLI accepts and refuses the rest with its message', { skip: NO_MODULE || NO_MODEL || NO_CLI || (!cases.length && 'tests/bad-inputs/expected.tsv absent') }, async () => {
  const ecg = await ecglite();
  const model = ecg.loadModel(read(MODEL_PATH));
  let refused = 0;
  const mismatches = [];
  for (const c of cases) {
    const what = `${c.command} ${c.file}`;
    if (c.file.startsWith('wfdb/') && !existsSync(path.join(CORPUS, `${c.file}.hea`))) continue;
    const expected = native(c);
    let result;
    let error = null;
    try {
      result = run(ecg, model, c);
    } catch (e) {
      error = e;
    }
    if (expected.status === 0) {
      assert.equal(error, null, `${what}: the CLI accepts it, the module said: ${error?.message}`);
      if (typeof result?.dispose === 'function') result.dispose();
      continue;
    }
    assert.ok(error instanceof Error, `${what}: the CLI refuses it (${expected.message}), the module did not`);
    assert.doesNotMatch(error.message, /internal error|RuntimeError|BindingError|Aborted/, `${what}: ${error.message}`);
    // `classify` prefixes the record path when the message does not start with it. A file missing
    // from the drop and a file missing from a directory are told differently (what to do differs);
    // both name the file. Any other difference is a failure (it used to be only a diagnostic, as
    // long as the module's message named some file of the record).
    const missing = expected.message.match(/(?:^|: )(?:\.\/)?(\S+): cannot open \(No such file/) ??
      expected.message.match(/^'([^']+)': not a plain file name/);
    const mine = asCliMessage(error);
    const same = missing
      ? error.kind === 'missing_file' && error.message.startsWith(`${missing[1]}: file not provided`)
      : expected.message === mine || expected.message.endsWith(`: ${mine}`);
    if (!same) mismatches.push(`${what}:\n  module: ${error.message}\n  CLI:    ${expected.message}`);
    refused++;
  }
  assert.deepEqual(mismatches, []);
  assert.ok(refused >= 20, `only ${refused} refusals exercised`);
  // Still usable, still right.
  const record = readWfdbRecord(ecg, path.join(SAMPLES, '00001_lr'));
  const again = ecg.classify(model, record);
  assert.equal(again.classes.length, model.info.classes.length);
  record.dispose();
});
