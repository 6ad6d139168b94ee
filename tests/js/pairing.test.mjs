// groupFiles(): how the page (and any embedder) turns a pile of dropped files into records, and the
// precise message when something is missing; why annotation files no record took were left out; the
// file-name lists the page takes from the package (files.mjs, re-exported by ecglite.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, NO_MODULE, ROOT, SAMPLES, ecglite, moduleExports, read } from './support.mjs';

const file = (dir, name, as = name) => ({ name: as, bytes: read(path.join(dir, name)) });
const sample = (name, as) => file(SAMPLES, name, as);
const wfdb = (name) => file(path.join(FIXTURES, 'wfdb'), name);
const messages = (g) => g.problems.map((p) => p.message);

test('a header with its signal file is one record; a header alone says what to drop', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const ok = ecg.groupFiles([sample('00001_lr.dat'), sample('00001_lr.hea')]);
  assert.deepEqual(messages(ok), []);
  assert.equal(ok.records.length, 1);
  assert.equal(ok.records[0].kind, 'wfdb');
  assert.equal(ok.records[0].name, '00001_lr');
  assert.deepEqual(Object.keys(ok.records[0].files), ['00001_lr.dat']);
  const alone = ecg.groupFiles([sample('00001_lr.hea')]);
  assert.deepEqual(alone.records, []);
  assert.deepEqual(messages(alone), ['00001_lr.hea needs 00001_lr.dat — drop it together with the header']);
});

test('a signal file alone names the header it needs', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  assert.deepEqual(messages(ecg.groupFiles([sample('HR06001.mat')])),
    ['HR06001.mat is a WFDB signal file: drop its header HR06001.hea together with it']);
});

test('multi-file and multi-segment records list every missing file', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const formats = readdirSync(path.join(FIXTURES, 'wfdb')).filter((n) => /^formats\.d\d$/.test(n));
  assert.ok(formats.length >= 2);
  const all = ecg.groupFiles([wfdb('formats.hea'), ...formats.map(wfdb)]);
  assert.deepEqual(messages(all), []);
  assert.equal(Object.keys(all.records[0].files).length, formats.length);
  const some = ecg.groupFiles([wfdb('formats.hea'), wfdb(formats[0])]);
  assert.match(messages(some)[0], new RegExp(`^formats\\.hea needs ${formats.slice(1, -1).join(', ').replace(/\./g, '\\.')} and ${formats.at(-1).replace('.', '\\.')} — drop them together with the header$`));

  const segments = ecg.groupFiles([wfdb('msfixed.hea'), wfdb('msfixed_1.hea'), wfdb('msfixed_1.dat')]);
  assert.deepEqual(messages(segments), ['msfixed.hea needs msfixed_2.hea — drop it together with the header']);
  const complete = ecg.groupFiles(['msfixed.hea', 'msfixed_1.hea', 'msfixed_1.dat', 'msfixed_2.hea', 'msfixed_2.dat'].map(wfdb));
  assert.deepEqual(messages(complete), []);
  assert.equal(complete.records.length, 1, 'segment headers are not records of their own');
  const record = ecg.readGroup(complete.records[0]);
  assert.equal(record.length, 12);
  record.dispose();

  // A multi-segment header is never a segment, not even of itself: it stays a record, and reading
  // it says why it cannot be read (it used to vanish from the drop without a word).
  const header = new TextEncoder().encode('rec/1 1 100 10\nrec 10\n');
  const recursive = ecg.groupFiles([{ name: 'rec.hea', bytes: header }]);
  assert.deepEqual(messages(recursive), []);
  assert.equal(recursive.records.length, 1);
  assert.throws(() => ecg.readGroup(recursive.records[0]), /rec\.hea: a segment cannot itself be a multi-segment record/);
});

test('names match case-insensitively, paths are ignored, CSV files are records, other files are set aside', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const g = ecg.groupFiles([
    sample('00001_lr.hea', 'some/dir/00001_lr.hea'),
    sample('00001_lr.dat', '00001_LR.DAT'),
    sample('ptbxl-06003.csv'),
    { name: '100.atr', bytes: new Uint8Array(4) },
  ]);
  assert.deepEqual(messages(g), []);
  assert.deepEqual(g.records.map((r) => `${r.kind}:${r.name}`).sort(), ['csv:ptbxl-06003', 'wfdb:00001_lr']);
  assert.deepEqual(g.ignored, ['100.atr']);
  const record = ecg.readGroup(g.records.find((r) => r.kind === 'wfdb'));
  assert.equal(record.length, 1000);
  record.dispose();
});

test('an unreadable header is a problem naming it, and does not hide the other records', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const g = ecg.groupFiles([{ name: 'bad.hea', bytes: new TextEncoder().encode('bad 12 fast\n') }, sample('HR06001.hea'), sample('HR06001.mat')]);
  assert.equal(g.records.length, 1);
  assert.equal(g.problems.length, 1);
  assert.deepEqual(g.problems[0].files, ['bad.hea']);
  assert.match(g.problems[0].message, /bad\.hea/);
});

test('Map input and ArrayBuffer bytes are accepted', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const hea = read(path.join(SAMPLES, '00001_lr.hea'));
  const dat = read(path.join(SAMPLES, '00001_lr.dat'));
  const g = ecg.groupFiles(new Map([['00001_lr.hea', hea], ['00001_lr.dat', dat.buffer.slice(dat.byteOffset, dat.byteOffset + dat.byteLength)]]));
  assert.equal(g.records.length, 1);
  assert.throws(() => ecg.groupFiles([{ name: 'x.csv', bytes: 'text' }]), TypeError);
});

test('arguments of the wrong shape say which file and what is expected', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const expected = /groupFiles: expected an array of \{ name, bytes \} \(or a Map from names to bytes\)/;
  for (const files of [undefined, null, 'a.hea', 5, { name: 'a.hea' }]) assert.throws(() => ecg.groupFiles(files), expected);
  assert.throws(() => ecg.groupFiles([sample('00001_lr.hea'), { name: 5, bytes: new Uint8Array(1) }]),
    /groupFiles: files\[1\]\.name: expected a file name \(a non-empty string\)/);
  assert.throws(() => ecg.groupFiles([null]), /files\[0\]\.name/);
  assert.throws(() => ecg.groupFiles([{ name: '', bytes: new Uint8Array(1) }]), /files\[0\]\.name/);
  assert.throws(() => ecg.groupFiles([{ name: 'a.hea' }]), /a\.hea: expected a Uint8Array or an ArrayBuffer/);
  assert.equal(ecg.groupFiles(new Map([['00001_lr.hea', sample('00001_lr.hea').bytes]])).problems.length, 1);
});

test('EDF and BDF files are records of their own', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const bytes = new Uint8Array(8);
  const g = ecg.groupFiles([{ name: 'a.edf', bytes }, { name: 'b.BDF', bytes }, sample('00001_lr.hea')]);
  assert.deepEqual(g.ignored, []);
  assert.ok(!g.problems.some((p) => p.files.includes('a.edf') || p.files.includes('b.BDF')));
  assert.deepEqual(g.records.map((r) => [r.kind, r.name, r.fileName]), [['edf', 'a', 'a.edf'], ['edf', 'b', 'b.BDF']]);
});

const mitdb = (ext, as = `205_20s.${ext}`) => file(path.join(FIXTURES, 'mitdb'), `205_20s.${ext}`, as);
const unused = (g) => g.unusedAnnotations.map((a) => a.message);

test('a record takes the first reference annotator present; another annotator of it says which file is read', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const g = ecg.groupFiles([mitdb('hea'), mitdb('dat'), mitdb('atr', '205_20s.QRS'), mitdb('atr')]);
  assert.deepEqual(messages(g), []);
  assert.equal(g.records.length, 1);
  assert.equal(g.records[0].annotations.name, '205_20s.atr');
  assert.deepEqual(g.ignored, ['205_20s.QRS']);
  assert.deepEqual(g.unusedAnnotations, [{ files: ['205_20s.QRS'], message: '205_20s.QRS: not used; the reference annotations of 205_20s are read from 205_20s.atr' }]);
  // Without the .atr the next annotator in ANNOTATORS order is taken.
  const qrs = ecg.groupFiles([mitdb('hea'), mitdb('dat'), mitdb('atr', '205_20s.ecg'), mitdb('atr', '205_20s.qrs')]);
  assert.equal(qrs.records[0].annotations.name, '205_20s.qrs');
  assert.deepEqual(unused(qrs), ['205_20s.ecg: not used; the reference annotations of 205_20s are read from 205_20s.qrs']);
});

test('annotations whose record could not be opened, or whose header is absent, say so', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  // The header is there but the record cannot be opened (its signal file is missing, or the header is bad).
  const noDat = ecg.groupFiles([mitdb('hea'), mitdb('atr')]);
  assert.deepEqual(messages(noDat), ['205_20s.hea needs 205_20s.dat — drop it together with the header']);
  assert.deepEqual(unused(noDat), ['205_20s.atr: annotations for 205_20s, which could not be opened']);
  const garbage = path.join(ROOT, 'tests', 'bad-inputs', 'ann', 'garbage');
  const bad = ecg.groupFiles([file(garbage, 'rec.hea'), file(garbage, 'rec.atr', 'REC.ATR')]);
  assert.equal(bad.problems.length, 1);
  assert.deepEqual(unused(bad), ['REC.ATR: annotations for REC, which could not be opened']);
  // No header at all: which one to drop.
  const alone = ecg.groupFiles([mitdb('atr', '100.atr'), sample('00001_lr.hea'), sample('00001_lr.dat')]);
  assert.deepEqual(messages(alone), []);
  assert.deepEqual(alone.ignored, ['100.atr']);
  assert.deepEqual(alone.unusedAnnotations, [{ files: ['100.atr'], message: '100.atr: annotations for record 100: drop them together with 100.hea and its signal files' }]);
});

test('files that are not annotations are ignored without an annotation message', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const g = ecg.groupFiles([{ name: 'notes.pdf', bytes: new Uint8Array(1) }, { name: 'README', bytes: new Uint8Array(1) }, sample('ptbxl-06003.csv')]);
  assert.deepEqual(g.ignored, ['notes.pdf', 'README']);
  assert.deepEqual(g.unusedAnnotations, []);
  assert.deepEqual(ecg.groupFiles([]), { records: [], problems: [], ignored: [], unusedAnnotations: [] });
});

test('the file-name lists are defined once, in the package: fileKind, CSV_EXTENSIONS, ANNOTATORS, ACCEPTED_FILES', { skip: NO_MODULE }, async () => {
  const { fileKind, CSV_EXTENSIONS, ANNOTATORS, ACCEPTED_FILES } = await moduleExports();
  assert.deepEqual([...CSV_EXTENSIONS], ['csv', 'tsv', 'txt']);
  assert.deepEqual([...ANNOTATORS], ['atr', 'ann', 'qrs', 'ecg']);
  assert.ok(Object.isFrozen(CSV_EXTENSIONS) && Object.isFrozen(ANNOTATORS));
  assert.equal(ACCEPTED_FILES, '.hea,.dat,.mat,.csv,.tsv,.txt,.edf,.bdf,.atr,.ann,.qrs,.ecg,text/csv');
  const kinds = Object.fromEntries(['a.hea', 'A.DAT', 'a.mat', 'x/y.csv', 'a.TSV', 'a.txt', '100.atr', '100.Ann', '100.qrs', '100.ecg', 'h.edf', 'h.BDF', 'a.pdf', 'README', '.hea.bak']
    .map((n) => [n, fileKind(n)]));
  assert.deepEqual(kinds, {
    'a.hea': 'header', 'A.DAT': 'signal', 'a.mat': 'signal', 'x/y.csv': 'csv', 'a.TSV': 'csv', 'a.txt': 'csv',
    '100.atr': 'annotations', '100.Ann': 'annotations', '100.qrs': 'annotations', '100.ecg': 'annotations',
    'h.edf': 'edf', 'h.BDF': 'edf', 'a.pdf': null, README: null, '.hea.bak': null,
  });
});
