// Recordings read in slices (EcgSource): the range-file adaptors, a source's header facts and
// stretches against the whole-record reader, the streamed rhythm() against the whole record's, its
// progress and cancel, and failures of the JS side (a readRange that throws) as typed errors that
// leave the module usable; the clock start of records and sources (startTime, the Holter summary's
// start_time and CSV column) and an EDF+ source's annotations (readAnnotations) against readEdf's. On synthetic records generated here (formats 212 and 16) and the committed
// EDF/BDF fixtures, never skipped for want of data.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ecglite, FIXTURES, maxAbsDiff, moduleExports, NO_MODULE, writeSyntheticEdf, writeSyntheticHolter } from './support.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'ecglite-source-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
// 20 minutes: long enough for several analysis blocks of 300 s, short enough to read whole as well.
const record212 = writeSyntheticHolter(tmp, { name: 'syn212', hours: 1 / 3, rate: 360, format: 212 });
const record16 = writeSyntheticHolter(tmp, { name: 'syn16', hours: 1 / 3, rate: 250, format: 16 });

function filesOf(header) {
  const dir = path.dirname(header);
  const name = path.basename(header, '.hea');
  return { header: readFileSync(header), dat: readFileSync(path.join(dir, `${name}.dat`)), name };
}

// A range file that counts what the core asks of it.
function countingFile(name, bytes) {
  const asked = [];
  return {
    asked,
    file: {
      name,
      size: bytes.length,
      readRange(offset, length) {
        asked.push([offset, length]);
        return bytes.subarray(offset, offset + length);
      },
    },
  };
}

test('rangeFileFromBytes: its size, and ranges cut at the end of the bytes', { skip: NO_MODULE }, async () => {
  const { rangeFileFromBytes } = await moduleExports();
  const f = rangeFileFromBytes('a.dat', new Uint8Array([1, 2, 3, 4, 5]));
  assert.equal(f.name, 'a.dat');
  assert.equal(f.size, 5);
  assert.deepEqual([...f.readRange(1, 2)], [2, 3]);
  assert.deepEqual([...f.readRange(3, 10)], [4, 5]);
  assert.deepEqual([...f.readRange(5, 1)], []);
  assert.throws(() => rangeFileFromBytes('b.dat', 'text'), { name: 'TypeError', kind: 'bad_argument' });
});

test('rangeFileFromBlob: slices read with FileReaderSync (workers only), refused without it', { skip: NO_MODULE }, async () => {
  const { rangeFileFromBlob } = await moduleExports();
  const blob = new Blob([new Uint8Array([10, 20, 30, 40])]);
  assert.throws(() => rangeFileFromBlob(blob, 'x.dat'), { name: 'TypeError', kind: 'bad_argument', message: /FileReaderSync.*Web Workers/ });
  // Stand-ins for a worker's FileReaderSync and a File: synchronous reads of what slice() selects.
  const data = new Uint8Array([10, 20, 30, 40]);
  const slices = [];
  const file = { size: data.length, slice: (start, end) => ({ part: data.slice(start, end) }) };
  globalThis.FileReaderSync = class {
    readAsArrayBuffer({ part }) {
      slices.push(part.length);
      return part.buffer;
    }
  };
  try {
    const f = rangeFileFromBlob(file, 'x.dat');
    assert.equal(f.size, 4);
    assert.deepEqual([...f.readRange(1, 2)], [20, 30]);
    assert.deepEqual([...f.readRange(2, 100)], [30, 40]);
    assert.deepEqual(slices, [2, 2]);
  } finally {
    delete globalThis.FileReaderSync;
  }
});

for (const header of [record212, record16]) {
  test(`${path.basename(header)}: a source's facts and stretches are the whole record's, reading only their bytes`, { skip: NO_MODULE }, async () => {
    const ecg = await ecglite();
    const { header: text, dat, name } = filesOf(header);
    const whole = ecg.readWfdb(text, { [`${name}.dat`]: dat }, `${name}.hea`);
    const counted = countingFile(`${name}.dat`, dat);
    const source = ecg.openSource([{ name: `${name}.hea`, size: text.length, readRange: (o, n) => text.subarray(o, o + n) }, counted.file]);
    try {
      for (const key of ['name', 'samplingRate', 'length', 'durationS', 'comments']) assert.deepEqual(source[key], whole[key], key);
      assert.deepEqual(source.leads, whole.leads);
      assert.deepEqual(source.files, [`${name}.dat`]);
      const from = 123457, to = from + 5 * source.samplingRate;
      counted.asked.length = 0;
      const part = source.read(from, to);
      assert.equal(part.length, to - from);
      for (let i = 0; i < whole.leads.length; i++)
        assert.equal(maxAbsDiff(part.samples(i), whole.samples(i).subarray(from, to)), 0, `lead ${i}`);
      part.dispose();
      const read = counted.asked.reduce((n, [, length]) => n + length, 0);
      assert.ok(read < dat.length / 20, `reading 5 s read ${read} of ${dat.length} bytes`);
      assert.throws(() => source.read(10, source.length + 1), { kind: 'bad_argument' });
    } finally {
      source.dispose();
      whole.dispose();
    }
  });
}

test('rhythm() of a source: the whole record\'s result, progress to the end, and a cancel', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const { header: text, dat, name } = filesOf(record212);
  const { rangeFileFromBytes } = await moduleExports();
  const whole = ecg.readWfdb(text, { [`${name}.dat`]: dat }, `${name}.hea`);
  const source = ecg.openWfdbSource(text, [rangeFileFromBytes(`${name}.dat`, dat)], `${name}.hea`);
  try {
    const expected = ecg.rhythm(whole);
    const fractions = [];
    const streamed = ecg.rhythm(source, { blockS: 300, marginS: 60, onProgress: (f) => { fractions.push(f); } });
    assert.deepEqual([...streamed.beats.samples], [...expected.beats.samples]);
    assert.equal(streamed.beats.classes, expected.beats.classes);
    assert.deepEqual(streamed.holter.hours, expected.holter.hours);
    assert.equal(streamed.holter_csv, expected.holter_csv);
    assert.ok(fractions.length >= 3, `progress reported ${fractions.length} times`);
    assert.ok(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1])), `fractions ${fractions}`);
    assert.equal(fractions.at(-1), 1);

    let calls = 0;
    assert.throws(() => ecg.rhythm(source, { blockS: 300, marginS: 60, onProgress: () => ++calls < 2 }), { kind: 'cancelled' });
    // An exception of the callback stops the analysis and is the one thrown.
    assert.throws(() => ecg.rhythm(source, { blockS: 300, onProgress: () => { throw new RangeError('stop here'); } }), { name: 'RangeError', message: 'stop here' });
    // The module is still sound: the same analysis again.
    assert.deepEqual([...ecg.rhythm(source, { blockS: 300, marginS: 60 }).beats.samples], [...expected.beats.samples]);
  } finally {
    source.dispose();
    whole.dispose();
  }
});

test('a source whose file cannot be read, or is missing, fails with a typed error naming it', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const { header: text, dat, name } = filesOf(record16);
  assert.throws(() => ecg.openWfdbSource(text, [], `${name}.hea`), (e) => e.kind === 'missing_file' && e.message.includes(`${name}.dat`));
  const failing = { name: `${name}.dat`, size: dat.length, readRange: () => { throw new Error('the disk went away'); } };
  let source;
  try {
    source = ecg.openWfdbSource(text, [failing], `${name}.hea`);
  } catch (error) {
    // A reader that checks the file while opening: the same failure, sooner.
    assert.equal(error.kind, 'missing_file');
    assert.match(error.message, /the disk went away/);
  }
  if (source) {
    assert.throws(() => source.read(0, 1000), (e) => e.kind === 'missing_file' && /the disk went away/.test(e.message) && e.message.includes(`${name}.dat`));
    source.dispose();
  }
  assert.throws(() => ecg.openSource([{ name: 'notes.txt', size: 1, readRange: () => new Uint8Array(1) }]), { kind: 'bad_argument' });
  assert.throws(() => ecg.openSource([{ name: 'a.hea' }]), { name: 'TypeError', kind: 'bad_argument' });
  // Still usable.
  const whole = ecg.readWfdb(text, { [`${name}.dat`]: dat }, `${name}.hea`);
  assert.equal(whole.length, 1200 * 250);
  whole.dispose();
});

test('EDF and BDF files open as sources: the facts and samples of readEdf()', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const { rangeFileFromBytes } = await moduleExports();
  for (const name of ['two-rates.edf', 'bdf24.bdf', 'gaps.edf']) {
    const bytes = readFileSync(path.join(FIXTURES, 'edf', name));
    const whole = ecg.readEdf(bytes, { name });
    const source = ecg.openSource([rangeFileFromBytes(name, bytes)]);
    try {
      assert.equal(source.length, whole.length, name);
      assert.equal(source.samplingRate, whole.samplingRate, name);
      assert.deepEqual(source.leads, whole.leads, name);
      const from = Math.floor(whole.length / 3), to = Math.min(whole.length, from + 2 * Math.round(whole.samplingRate));
      const part = source.read(from, to);
      for (let i = 0; i < whole.leads.length; i++)
        assert.ok(maxAbsDiff(part.samples(i), whole.samples(i).subarray(from, to)) < 1e-4, `${name} lead ${i}`);
      part.dispose();
    } finally {
      source.dispose();
      whole.dispose();
    }
  }
});

test('records and sources say when they start; rhythm() puts the clock into the Holter summary and its CSV', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const { rangeFileFromBytes } = await moduleExports();
  const header = writeSyntheticHolter(tmp, { name: 'clock16', hours: 0.2, rate: 250, format: 16, baseTime: '23:55:00 31/12/2023' });
  const { header: text, dat, name } = filesOf(header);
  const whole = ecg.readWfdb(text, { [`${name}.dat`]: dat }, `${name}.hea`);
  const source = ecg.openSource([rangeFileFromBytes(`${name}.hea`, text), rangeFileFromBytes(`${name}.dat`, dat)]);
  try {
    assert.equal(whole.startTime, '2023-12-31T23:55:00');
    assert.equal(source.startTime, '2023-12-31T23:55:00');
    const part = source.read(250 * 60, 250 * 61);
    assert.equal(part.startTime, '2023-12-31T23:56:00');  // a stretch starts where it starts
    part.dispose();
    const r = ecg.rhythm(source, { blockS: 300, marginS: 60 });
    assert.equal(r.holter.start_time, '2023-12-31T23:55:00');
    assert.match(r.holter_csv, /^hour,start_s,start_time,duration_s,/);
    assert.match(r.holter_csv, /\r\n1,0\.000,2023-12-31T23:55:00,720\.000,true,/);
    assert.deepEqual(ecg.rhythm(whole).holter.start_time, r.holter.start_time);
  } finally {
    source.dispose();
    whole.dispose();
  }
  // Without a base time: null, no field, no column.
  const plain = ecg.readWfdb(...(() => { const f = filesOf(record16); return [f.header, { [`${f.name}.dat`]: f.dat }, `${f.name}.hea`]; })());
  assert.equal(plain.startTime, null);
  const r = ecg.rhythm(plain);
  assert.equal('start_time' in r.holter, false);
  assert.match(r.holter_csv, /^hour,start_s,duration_s,/);
  plain.dispose();
});

test('an EDF+ source reads its annotations in slices: those of readEdf(), on the same samples', { skip: NO_MODULE }, async () => {
  const ecg = await ecglite();
  const { rangeFileFromBytes } = await moduleExports();
  // Two chunks of data records (4 MB each), annotations in both, a start within the header's second.
  const big = writeSyntheticEdf(path.join(tmp, 'notes.edf'), {
    hours: 1, annotationBytes: 2000, date: '12.05.20', time: '13.14.15', recording: 'Startdate 12-MAY-2020 X X X',
    annotations: [{ onset: 10.5, text: 'Lights off' }, { onset: 3000.25, duration: 2, text: 'Event B' }],
  });
  for (const file of [big, ...['two-rates.edf', 'bdf24.bdf', 'gaps.edf'].map((n) => path.join(FIXTURES, 'edf', n))]) {
    const name = path.basename(file);
    const bytes = readFileSync(file);
    const whole = ecg.readEdf(bytes, { name });
    const counted = countingFile(name, bytes);
    const source = ecg.openSource([counted.file]);
    try {
      assert.equal(source.startTime, whole.startTime, name);
      counted.asked.length = 0;
      assert.deepEqual(source.readAnnotations(), whole.annotations, name);
      const largest = Math.max(0, ...counted.asked.map(([, length]) => length));
      assert.ok(largest <= Math.max(5 << 20, name === 'gaps.edf' ? bytes.length : 0), `${name}: a read of ${largest} bytes`);
    } finally {
      source.dispose();
      whole.dispose();
    }
  }
  const notes = ecg.openSource([rangeFileFromBytes('notes.edf', readFileSync(big))]);
  assert.equal(notes.startTime, '2020-05-12T13:14:15');
  assert.deepEqual(notes.readAnnotations().map((a) => [a.text, a.onset_s, a.duration_s, a.sample]),
    [['Lights off', 10.5, null, 1050], ['Event B', 3000.25, 2, 300025]]);
  notes.dispose();
  // A WFDB source has none.
  const { header: text, dat, name } = filesOf(record16);
  const wfdb = ecg.openSource([rangeFileFromBytes(`${name}.hea`, text), rangeFileFromBytes(`${name}.dat`, dat)]);
  assert.deepEqual(wfdb.readAnnotations(), []);
  wfdb.dispose();
});
