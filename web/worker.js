// The page's Web Worker: owns the EcgLite wasm module (and ONNX Runtime Web when chosen), so that
// reading and classifying a long recording never blocks the page. It speaks plain messages:
//
//   page -> worker  { type: 'open', id, files: [{ name, buffer } | { name, file }], csvOptions } (large
//                     files as File objects, never read whole: long records are read in slices)
//                   { type: 'onnx', id, key, precision }
//                   { type: 'rhythm', id, key, rhythmLead } (the rhythm again, read from another lead)
//                   { type: 'show', id, key } (batch: read one record again for the single-record view)
//                   { type: 'cancel', id } (batch: stop after the record being screened)
//                   { type: 'explain', id, key } (the occlusion map of an opened record: explain.js)
//                   { type: 'window', id, key, from, to } (a long record: frames [from, to) for the paper)
//   worker -> page  { type: 'ready', version, limits, model, buildInfo } | { type: 'fatal', message }
//                   { type: 'grouped', id, records: [{ key, name, kind, files, long }], problems, ignored,
//                     unusedAnnotations, batch } (as groupFiles() returns them; batch: more than one
//                     record, screened one by one into 'batch-row's instead of being opened)
//                   { type: 'batch-row', id, key, row: { name, leads, durationS, samplingRate, warnings,
//                     result | classifyError, rhythm (the rhythm model's verdict or null), rhythmError }
//                     | { name, readError } }
//                   { type: 'progress', id, text }
//                   { type: 'record', id, key, summary, leads: [Float32Array] (transferred), window }
//                     (a long record: window = { from }, the leads hold only the stretch from there)
//                   { type: 'window', id, key, from, leads: [Float32Array] (transferred), memoryBytes }
//                     | { type: 'window', id, key, error } (the stretch could not be read)
//                   { type: 'analysis-progress', id, key, fraction, elapsedS, remainingS } (a long record's
//                     analysis; the page's Cancel terminates this worker: the analysis cannot be interrupted)
//                   { type: 'record-error', id, key, message, kind, reason } (the module's error: its
//                     kind, and its message without the module's JS advice)
//                   { type: 'rhythm', id, key, rhythm } (beats as typed arrays, transferred; a long
//                     record's with analysisMs and memoryBytes, the wasm memory's size, i.e. its peak)
//                   { type: 'result', id, key, engine, result } | { type: 'result-error', id, key, engine, message, kind }
//                   { type: 'done', id, cancelled }
//                   { type: 'explanation', id, key, explanation } | { type: 'explanation', id, key, error }
import { createEcgLite, rangeFileFromBlob, rangeFileFromBytes } from './ecglite.mjs';

let ecg = null;
let model = null;
let modelError = '';
// Optional, loaded at the first rhythm(), after the first 12-lead result: without the beat model beats
// are detected but not classified, without the rhythm model there is no rhythm verdict.
let optionalModels = null; // Promise<{ beatModel, rhythmModel }>
function loadOptionalModels() {
  const load = (path, loader) => (path ? loader().catch(() => null) : Promise.resolve(null));
  optionalModels ??= Promise.all([
    load(buildInfo.beatModel, () => ecg.loadDefaultBeatModel()),
    load(buildInfo.rhythmModel, () => ecg.loadDefaultRhythmModel()),
  ]).then(([beatModel, rhythmModel]) => ({ beatModel, rhythmModel }));
  return optionalModels;
}
let buildInfo = {};
const records = new Map(); // key -> EcgRecord of the current drop (a long record's: its first minute)
const sources = new Map(); // key -> EcgSource of a long record of the current drop (read in slices)
const groups = new Map(); // key -> its files (groupFiles), for the annotations when the rhythm is read again
let nextKey = 1;

const post = (message, transfer = []) => self.postMessage(message, transfer);

const ready = (async () => {
  try {
    const response = await fetch('build-info.json');
    if (response.ok) buildInfo = await response.json();
  } catch { /* a page served without build-info.json still works with the default model */ }
  ecg = await createEcgLite();
  // Without a model the page still reads and draws recordings, and says why it cannot classify.
  try {
    model = await ecg.loadDefaultModel();
  } catch (error) {
    modelError = `the screening model could not be loaded: ${error.message}`;
  }
  post({ type: 'ready', version: ecg.version, limits: ecg.limits, model: model?.info ?? null, modelError, buildInfo });
})().catch((error) => {
  post({ type: 'fatal', message: error.message });
  throw error;
});

// --- long recordings: files kept as File objects, read in slices ---

// A record longer than this (by its header) is read in slices even when its files came as bytes.
const LONG_RECORD_S = 3600;
// The files the page sent as File objects stand in groupFiles() for an empty Uint8Array of their own,
// found here again: groupFiles() only reads headers, and passes the other files' bytes through.
const blobs = new Map(); // placeholder Uint8Array -> File

function dropped(f) {
  if (!f.file) return { name: f.name, bytes: new Uint8Array(f.buffer) };
  const placeholder = new Uint8Array(0);
  blobs.set(placeholder, f.file);
  return { name: f.name, bytes: placeholder };
}

// [name, bytes] of the files a group reads (not its annotations, which are small and read whole).
const groupFileEntries = (group) => (group.kind === 'wfdb' ? Object.entries(group.files) : [[group.fileName, group.bytes]]);

// Read in slices: a WFDB or EDF record that came as File objects, or whose header says it is long.
function isLong(group) {
  if (group.kind === 'csv') return false;
  if (groupFileEntries(group).some(([, bytes]) => blobs.has(bytes))) return true;
  if (group.kind !== 'wfdb') return false;
  try {
    const h = ecg.parseHeader(group.header, group.headerName);
    return h.length !== null && h.length / h.samplingFrequency > LONG_RECORD_S;
  } catch {
    return false;  // reading it says what is wrong
  }
}

// The group with every File read whole (FileReaderSync: allowed in workers), for the readers that
// take bytes: a CSV file (the core's limits apply; long WFDB and EDF records are read as sources).
function withBytes(group) {
  const read = (bytes) => (blobs.has(bytes) ? new Uint8Array(new FileReaderSync().readAsArrayBuffer(blobs.get(bytes))) : bytes);
  if (group.kind !== 'wfdb') return { ...group, bytes: read(group.bytes) };
  return { ...group, files: Object.fromEntries(Object.entries(group.files).map(([name, bytes]) => [name, read(bytes)])) };
}

const readWhole = (group) => ecg.readGroup(withBytes(group), lastCsvOptions);

function openSource(group) {
  const files = groupFileEntries(group).map(([name, bytes]) =>
    (blobs.has(bytes) ? rangeFileFromBlob(blobs.get(bytes), name) : rangeFileFromBytes(name, bytes)));
  return group.kind === 'wfdb' ? ecg.openWfdbSource(group.header, files, group.headerName) : ecg.openEdfSource(files[0]);
}

// What the paper shows first, and what the 12-lead model reads (its input is short): the first minute.
const FIRST_WINDOW_S = 60;

const readFirstWindow = (source) => source.read(0, Math.min(source.length, Math.round(FIRST_WINDOW_S * source.samplingRate)));

// What a long record's classification says about the part it read.
const firstWindowNote = (first) => `classified from the first ${formatSeconds(first.durationS)} of the recording (the screening model reads short resting ECGs)`;

// A long record's facts for the page: the source's (its file names are the entry's already), with
// an EDF+ file's annotations as a short file's record has them (read in slices; one that cannot be
// read is a warning, not a failure: the signal is still there).
function sourceSummary(source) {
  const { files, ...summary } = source;
  try {
    summary.annotations = source.readAnnotations();
  } catch (error) {
    summary.warnings = [...summary.warnings, `EDF+ annotations not read: ${error.message}`];
  }
  return summary;
}

// A long record: opened as a source, its first minute drawn and classified, then the whole analysed
// in blocks with progress; the paper asks for the stretches it shows ('window').
async function openLongRecord({ id, key }, say) {
  const group = groups.get(key);
  let source = sources.get(key);
  if (!source) {
    say(`Opening ${group.name}…`);
    try {
      source = openSource(group);
    } catch (error) {
      post({ type: 'record-error', id, key, message: error.message, kind: error.kind, reason: error.reason });
      return;
    }
    sources.set(key, source);
  }
  let first = records.get(key);
  if (!first) {
    try {
      first = readFirstWindow(source);
    } catch (error) {
      post({ type: 'record-error', id, key, message: error.message, kind: error.kind, reason: error.reason });
      return;
    }
    records.set(key, first);
  }
  const leads = first.allSamples();
  post({ type: 'record', id, key, summary: sourceSummary(source), leads, window: { from: 0 } }, leads.map((l) => l.buffer));
  classifyRecord(id, key, first, firstWindowNote(first));
  say(`Analysing ${group.name}…`);
  await analyseRhythm({ id, key });
}

const formatSeconds = (s) => (s >= 60 && s % 60 === 0 ? `${s / 60} min` : `${Number(s.toFixed(1))} s`);

// Frames [from, to) of a long record for the paper, as transferred Float32Arrays.
function readWindow({ id, key, from, to }) {
  const source = sources.get(key);
  if (!source) return;
  const a = Math.max(0, Math.min(source.length, Math.floor(from)));
  const b = Math.max(a, Math.min(source.length, Math.ceil(to)));
  let stretch;
  try {
    stretch = source.read(a, b);
  } catch (error) {
    post({ type: 'window', id, key, error: error.message });
    return;
  }
  const leads = stretch.allSamples();
  stretch.dispose();
  post({ type: 'window', id, key, from: a, leads, memoryBytes: ecg.memoryBytes }, leads.map((l) => l.buffer));
}

// Window requests are answered outside the queue (a scroll must not wait for an explanation), the
// latest only: those that piled up while the worker was busy are out of date.
let windowWanted = null;
function wantWindow(data) {
  const scheduled = windowWanted !== null;
  windowWanted = data;
  if (scheduled) return;
  setTimeout(() => {
    const latest = windowWanted;
    windowWanted = null;
    ready.then(() => readWindow(latest));
  }, 0);
}

// Progress of a long analysis for the page, a few times a second at most: the fraction done, the
// time so far and the time left at that pace.
function progressReporter(id, key) {
  const started = performance.now();
  let postedAt = -Infinity;
  let postedFraction = -1;
  const report = (fraction) => {
    const now = performance.now();
    if (fraction < 1 && now - postedAt < 100 && fraction - postedFraction < 0.02) return true;
    postedAt = now;
    postedFraction = fraction;
    const elapsedS = (now - started) / 1000;
    post({ type: 'analysis-progress', id, key, fraction, elapsedS, remainingS: fraction > 0 ? (elapsedS * (1 - fraction)) / fraction : null });
    return true;
  };
  report(0);
  return report;
}

async function open({ id, files, csvOptions }) {
  await stopBatch();
  for (const record of records.values()) record.dispose();
  records.clear();
  for (const source of sources.values()) source.dispose();
  sources.clear();
  groups.clear();
  blobs.clear();
  lastCsvOptions = csvOptions;
  const grouped = ecg.groupFiles(files.map(dropped));
  const entries = grouped.records.map((group) => ({ key: nextKey++, group }));
  for (const { key, group } of entries) groups.set(key, group);
  post({
    type: 'grouped',
    id,
    records: entries.map(({ key, group }) => ({
      key,
      name: group.name,
      kind: group.kind,
      files: group.fileName ? [group.fileName]
        : [group.headerName, ...Object.keys(group.files), ...(group.annotations ? [group.annotations.name] : [])],
      long: isLong(group),
    })),
    problems: grouped.problems,
    ignored: grouped.ignored,
    unusedAnnotations: grouped.unusedAnnotations,
    batch: entries.length > 1,
  });
  if (entries.length > 1) {
    // Several records: screened one by one while the queue goes on (a row opened meanwhile is shown).
    batch = { id, cancelled: false };
    batch.finished = screen(batch, entries).catch((error) => console.error('batch:', error));
    return;
  }
  for (const { key } of entries) await openRecord({ id, key });
  post({ type: 'done', id });
}

// Reads, draws, classifies and analyses one record for the single-record view: after a drop of one
// record, and when a row of the batch table is opened (then the record read before is let go, and
// the status line keeps saying how the batch goes: no progress lines).
async function openRecord({ id, key }, { progress = true } = {}) {
  const group = groups.get(key);
  if (!group) return;
  const say = (text) => { if (progress) post({ type: 'progress', id, text }); };
  for (const [k, r] of records) if (k !== key) { r.dispose(); records.delete(k); }
  for (const [k, s] of sources) if (k !== key) { s.dispose(); sources.delete(k); }
  if (isLong(group)) {
    await openLongRecord({ id, key }, say);
    return;
  }
  let record = records.get(key);
  if (!record) {
    say(`Reading ${group.name}…`);
    try {
      record = readWhole(group);
    } catch (error) {
      post({ type: 'record-error', id, key, message: error.message, kind: error.kind, reason: error.reason });
      return;
    }
    records.set(key, record);
  }
  const leads = record.allSamples();
  const summary = { ...record };
  post({ type: 'record', id, key, summary, leads }, leads.map((l) => l.buffer));

  say(`Classifying ${group.name}…`);
  classifyRecord(id, key, record);

  say(`Detecting beats in ${group.name}…`);
  await analyseRhythm({ id, key });
}

// The 12-lead model's result for `record`; `note` (a long record's: which part was read) is added to
// its warnings. Throws the module's error.
function classification(record, note) {
  if (!model) throw new Error(modelError);
  const result = ecg.classify(model, record);
  if (note) result.warnings.push(note);
  return result;
}

function classifyRecord(id, key, record, note) {
  try {
    post({ type: 'result', id, key, engine: 'ecglite', result: classification(record, note) });
  } catch (error) {
    post({ type: 'result-error', id, key, engine: 'ecglite', message: error.message, kind: error.kind });
  }
}

// --- batch: many records, one table row each ---

let batch = null; // { id, cancelled, finished: Promise } of the drop being screened
let lastCsvOptions = {};

async function stopBatch() {
  if (!batch) return;
  batch.cancelled = true;
  await batch.finished;
}

// Lets the messages of the page in (a cancel, a row to open) between two records, without the
// clamping of nested setTimeout(0).
const yieldChannel = new MessageChannel();
const yieldToMessages = () => new Promise((resolve) => {
  yieldChannel.port1.onmessage = resolve;
  yieldChannel.port2.postMessage(null);
});

async function screen(current, entries) {
  const { id } = current;
  try {
    // The rhythm verdict is part of each row (beats are only detected for a record that is opened).
    const { rhythmModel } = await loadOptionalModels();
    for (const { key, group } of entries) {
      if (current.cancelled) break;
      post({ type: 'batch-row', id, key, row: screenRecord(group, rhythmModel) });
      await yieldToMessages();
    }
  } finally {
    // Always said, so that the page is never left busy (an unexpected error reaches the console).
    post({ type: 'done', id, cancelled: current.cancelled });
    if (batch === current) batch = null;
  }
}

// One row of the batch table: what the record is, classify()'s result (as `ecglite classify --json`
// prints it) and the rhythm model's verdict. The record is let go at once. A long record goes the way
// it goes when opened: read as a source, its first minute classified, the rhythm verdict over all of
// it in blocks (bounded memory: a 24-hour file never sits whole in the worker; the row takes as long
// as the analysis, and a Cancel waits for it).
function screenRecord(group, rhythmModel) {
  let source = null;
  let record;
  try {
    if (isLong(group)) {
      source = openSource(group);
      record = readFirstWindow(source);
    } else {
      record = readWhole(group);
    }
  } catch (error) {
    source?.dispose();
    return { name: group.name, readError: error.message };
  }
  try {
    const facts = source ?? record;  // a long record's header, not its first minute
    const row = { name: facts.name, leads: facts.leads.length, durationS: facts.durationS, samplingRate: facts.samplingRate, warnings: facts.warnings };
    try {
      row.result = classification(record, source ? firstWindowNote(record) : undefined);
    } catch (error) {
      row.classifyError = error.message;
    }
    row.rhythm = null;
    if (rhythmModel) {
      try {
        const { verdict, warnings } = ecg.rhythm(source ?? record, { rhythmModel });
        row.rhythm = verdict && { class: verdict.class, probability: verdict.probability, lead_name: verdict.lead_name, af_burden: verdict.af_burden };
        if (!verdict && warnings.length) row.rhythmError = warnings.join('; ');
      } catch (error) {
        row.rhythmError = error.message;
      }
    }
    return row;
  } finally {
    record.dispose();
    source?.dispose();
  }
}

// Beats, heart rate and the rhythm verdict of an opened record, from `rhythmLead` (the default lead
// when undefined): run after reading, and again when the user picks another lead for the verdict.
// A long record is analysed from its source, in blocks, with progress messages.
async function analyseRhythm({ id, key, rhythmLead }) {
  const source = sources.get(key);
  const record = source ?? records.get(key);
  const group = groups.get(key);
  if (!record) return;
  try {
    const { beatModel, rhythmModel } = await loadOptionalModels();
    const started = performance.now();
    const analyse = (annotations) => ecg.rhythm(record, {
      beatModel,
      rhythmModel,
      rhythmLead,
      annotations: annotations?.bytes,
      annotationsName: annotations?.name,
      ...(source ? { onProgress: progressReporter(id, key) } : {}),
    });
    // The reference annotations only add rhythm episodes: if they cannot be read, the beats are
    // still detected and classified, and the page says why the annotations were left out.
    let rhythm, annotationsError = null;
    try {
      rhythm = analyse(group.annotations);
    } catch (error) {
      if (!group.annotations) throw error;
      annotationsError = error.message;
      rhythm = analyse(null);
    }
    rhythm.annotationsFile = annotationsError ? null : group.annotations?.name ?? null;
    rhythm.annotationsError = annotationsError;
    if (source) Object.assign(rhythm, { analysisMs: performance.now() - started, memoryBytes: ecg.memoryBytes });
    post({ type: 'rhythm', id, key, rhythm }, [rhythm.beats.samples.buffer, rhythm.heart_rate.trend_bpm.buffer]);
  } catch (error) {
    post({ type: 'rhythm', id, key, rhythm: { error: error.message } });
  }
}

// --- ONNX Runtime Web, loaded only when the user asks for the comparison ---

let ortPromise = null;
const sessions = new Map(); // precision -> Promise<{ session, createMs }>

function loadOrt() {
  ortPromise ??= (async () => {
    const ort = await import('./vendor/ort.wasm.min.mjs');
    ort.env.wasm.wasmPaths = new URL('./vendor/', self.location.href).href;
    // One thread: the same footing as EcgLite's single-threaded module.
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    return ort;
  })();
  return ortPromise;
}

function session(precision) {
  if (!sessions.has(precision)) {
    sessions.set(precision, (async () => {
      const ort = await loadOrt();
      const file = `student-${precision}.onnx`;
      if (buildInfo.onnxModels && !buildInfo.onnxModels.includes(file))
        throw new Error(`models/${file} is not part of this build (scripts/build-wasm copies it from models/)`);
      const response = await fetch(`models/${file}`);
      if (!response.ok) throw new Error(`models/${file}: HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const t0 = performance.now();
      const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      return { ort, session: s, createMs: performance.now() - t0 };
    })());
    sessions.get(precision).catch(() => sessions.delete(precision));
  }
  return sessions.get(precision);
}

async function runOnnx({ id, key, precision }) {
  const engine = `onnx-${precision}`;
  const record = records.get(key);
  if (!model) {
    post({ type: 'result-error', id, key, engine, message: modelError });
    return;
  }
  if (!record) {
    post({ type: 'result-error', id, key, engine, message: 'the record is no longer loaded (drop it again)' });
    return;
  }
  try {
    post({ type: 'progress', id, text: `Loading ONNX Runtime Web and the ${precision} model…` });
    const { ort, session: s, createMs } = await session(precision);
    post({ type: 'progress', id, text: `Running ONNX Runtime Web on ${record.name}…` });
    // EcgLite prepares the input (same preprocessing as its own engine), ONNX Runtime runs the network.
    const t0 = performance.now();
    const input = ecg.networkInput(model, record);
    const prepareMs = performance.now() - t0;
    // All runs in one batch ([runs, channels, length]; the exported graph has a dynamic batch axis).
    const t1 = performance.now();
    const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', input.data, input.dims) });
    const logits = out[s.outputNames[0]].data;
    const inferenceMs = performance.now() - t1;
    const result = ecg.combine(model, input, logits);
    result.timing = { sessionMs: createMs, prepareMs, inferenceMs };
    post({ type: 'result', id, key, engine, result });
  } catch (error) {
    post({ type: 'result-error', id, key, engine, message: error.message });
  }
}

// Where each class comes from (classify's { explain: true }: about 0.1-0.3 s for a 10 s record), on
// request, for the record shown.
function explain({ id, key }) {
  try {
    const record = records.get(key);
    if (!model) throw new Error(modelError);
    if (!record) throw new Error('the record is no longer loaded (open it again)');
    post({ type: 'explanation', id, key, explanation: ecg.classify(model, record, { explain: true }).explanation });
  } catch (error) {
    post({ type: 'explanation', id, key, error: error.message });
  }
}

let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  if (data.type === 'cancel') {  // not queued: the batch it stops is what the queue would wait for
    if (batch?.id === data.id) batch.cancelled = true;
    return;
  }
  if (data.type === 'window') {
    wantWindow(data);
    return;
  }
  queue = queue.then(async () => {
    await ready;
    if (data.type === 'open') await open(data);
    else if (data.type === 'show') await openRecord(data, { progress: false });
    else if (data.type === 'rhythm') await analyseRhythm(data);
    else if (data.type === 'onnx') await runOnnx(data);
    else if (data.type === 'explain') explain(data);
  }).catch((error) => post({ type: 'result-error', id: data.id, key: data.key, engine: data.type, message: error.message }));
};
