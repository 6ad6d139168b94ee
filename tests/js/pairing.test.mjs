// groupFiles(): how the page (and any embedder) turns a pile of dropped files into records, and the
// precise message when something is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, NO_MODULE, SAMPLES, ecglite, read } from './support.mjs';

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

test('EDF files are a problem that says the format is not read, not silently set aside', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const g = ecg.groupFiles([{ name: 'a.edf', bytes: new Uint8Array(8) }, { name: 'b.BDF', bytes: new Uint8Array(8) }, sample('00001_lr.hea')]);
  assert.deepEqual(g.ignored, []);
  const edf = g.problems.find((p) => p.files.includes('a.edf'));
  assert.deepEqual(edf.files, ['a.edf', 'b.BDF']);
  assert.match(edf.message, /^a\.edf, b\.BDF: European Data Format \(EDF\/BDF\) is not read here — convert it to WFDB/);
});
