// EcgLite for JavaScript: read ECG recordings (WFDB, CSV) and classify them with the EcgLite model,
// entirely in the browser, a Web Worker or Node 20. A thin hand-written layer over the Embind module
// (ecglite-core.mjs + ecglite-core.wasm, built from the same C++ core as the `ecglite` CLI):
// it turns returned errors into thrown Errors (adding what to do in JS), owns the wasm objects'
// lifetimes, and pairs dropped files into records (the rules: files.mjs). The web page imports this
// very file. Types: index.d.ts.

import { baseName, fileKind, groupFiles } from './files.mjs';

// The file-name rules, for a page: what its file picker offers, which file is a CSV export.
export { ACCEPTED_FILES, ANNOTATORS, CSV_EXTENSIONS, fileKind } from './files.mjs';

const isNode = typeof process === 'object' && !!(process.versions && process.versions.node) &&
  typeof window === 'undefined' && typeof importScripts === 'undefined';

async function readPackageFile(relative) {
  const url = new URL(relative, import.meta.url);
  if (isNode && url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    try {
      return new Uint8Array(await readFile(url));
    } catch (error) {
      throw failure('missing_file', `${decodeURIComponent(url.pathname)}: cannot read (${error.code ?? error.message}; is the file installed next to ecglite.mjs, or where locateFile says?)`);
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw failure('missing_file', `${url.pathname}: HTTP ${response.status} (is the file deployed next to ecglite.mjs?)`);
  return new Uint8Array(await response.arrayBuffer());
}

// Every error this module throws carries `kind` (what went wrong, for programs: index.d.ts
// ErrorKind) and `reason` (the message without the JS advice below, for a page that says what to
// do in its own words). TypeError for arguments of the wrong type, Error otherwise.
function failure(kind, message, Type = Error) {
  const error = new Type(message);
  error.kind = kind;
  error.reason = message;
  return error;
}

// What to do in JS, for the kinds whose remedy is an option or a call; the core's message says the
// rest in words that fit every front-end (the CLI adds its flags for the same kinds: cli/output.cpp).
const ADVICE = {
  needs_rate: "give the sampling rate with readCsv()'s samplingRate option",
  wrong_model: 'classify() takes the 12-lead model (loadDefaultModel()), rhythm() a beat model as its beatModel ' +
    'option (loadDefaultBeatModel()) and a rhythm model as its rhythmModel option (loadDefaultRhythmModel())',
};

// The core returns (never throws) a JS Error with the core's kind and message for every failure;
// this is where it becomes a throw, with the advice for its kind.
function check(value) {
  if (!(value instanceof Error)) return value;
  const advice = ADVICE[value.kind];
  const error = failure(value.kind ?? 'other', advice ? `${value.message} (${advice})` : value.message);
  error.reason = value.message;
  throw error;
}

function toBytes(data, what) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw failure('bad_argument', `${what}: expected a Uint8Array or an ArrayBuffer`, TypeError);
}

// Text inputs go to the core as the file's bytes, exactly as the CLI reads them (the core detects
// encodings, BOMs and binary data itself); a JS string is passed as UTF-8.
function textArg(data, what) {
  return typeof data === 'string' ? data : toBytes(data, what);
}

// Arguments are checked and rebuilt here, before any call into the core: a JS exception thrown while
// the core reads an argument would unwind through wasm frames and leave its stack pointer behind (some
// 160,000 bad calls and the instance traps for good), and the core's messages cannot name JS types.
const isArrayLike = (v) => v !== null && typeof v === 'object' && Number.isSafeInteger(v.length) && v.length >= 0;

function floatsArg(v, what) {
  if (v instanceof Float32Array) return v;
  if (!isArrayLike(v)) throw failure('bad_argument', `${what}: expected a Float32Array or an array of numbers`, TypeError);
  return Float32Array.from(v, Number);
}

function indexArg(v, what) {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw failure('bad_argument', `${what}: expected a whole number >= 0, got ${String(v)}`, TypeError);
  return n;
}

function stringsArg(v, what) {
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (!isArrayLike(v)) throw failure('bad_argument', `${what}: expected an array of strings`, TypeError);
  return Array.from(v, String);
}

function modelArg(model, what) {
  if (!(model instanceof EcgModel)) throw failure('bad_argument', `${what}: expected an EcgModel (from loadModel())`, TypeError);
  return model._raw;
}

function recordArg(record, what) {
  if (!(record instanceof EcgRecord)) throw failure('bad_argument', `${what}: expected an EcgRecord (from readWfdb(), readCsv(), readEdf() or recordFromLeads())`, TypeError);
  return record._raw;
}

// The per-record fields of a networkInput() that combine() and networkLogits() read.
function networkInputArg(input, what) {
  if (input === null || typeof input !== 'object' || !isArrayLike(input.windowOf))
    throw failure('bad_argument', `${what}: expected the object networkInput() returned`, TypeError);
  return {
    data: input.data === undefined ? new Float32Array(0) : floatsArg(input.data, `${what} data`),
    windowOf: Array.from(input.windowOf, (w) => indexArg(w, `${what} windowOf`)),
    windows: indexArg(input.windows, `${what} windows`),
    adaptations: stringsArg(input.adaptations, `${what} adaptations`),
    recordName: String(input.recordName ?? ''),
    durationS: Number(input.durationS) || 0,
    sourceRateHz: Number(input.sourceRateHz) || 0,
  };
}

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((raw) => { if (!raw.isDeleted()) raw.delete(); })
  : null;

/** A decoded recording. Its samples live in wasm memory until dispose() (or garbage collection). */
export class EcgRecord {
  #raw;
  constructor(raw) {
    this.#raw = raw;
    Object.assign(this, raw.summary());
    registry?.register(this, raw, this);
  }
  /** Physical samples of one lead (index or name) as a new Float32Array; NaN marks invalid samples. */
  samples(lead) {
    const index = typeof lead === 'number' ? lead : this.leads.findIndex((l) => l.name === lead || l.standardName === lead);
    if (typeof lead === 'number' && !(Number.isInteger(lead) && lead >= 0 && lead < this.leads.length))
      throw failure('bad_argument', `${this.name}: no lead ${lead} (lead indices 0 to ${this.leads.length - 1}; or give a lead name)`);
    if (index < 0) throw failure('bad_argument', `${this.name}: no lead named ${lead} (leads: ${this.leads.map((l) => l.name).join(', ')})`);
    return check(this.#handle().samples(index));
  }
  /** All leads, in record order. */
  allSamples() {
    return this.leads.map((_, i) => this.samples(i));
  }
  dispose() {
    if (this.#raw && !this.#raw.isDeleted()) {
      registry?.unregister(this);
      this.#raw.delete();
    }
  }
  #handle() {
    if (!this.#raw || this.#raw.isDeleted()) throw failure('bad_argument', `${this.name}: the record was disposed`);
    return this.#raw;
  }
  /** @internal */
  get _raw() { return this.#handle(); }
}

/** A loaded .ecgm model. */
export class EcgModel {
  #raw;
  constructor(raw) {
    this.#raw = raw;
    this.info = raw.info();
    registry?.register(this, raw, this);
  }
  dispose() {
    if (this.#raw && !this.#raw.isDeleted()) {
      registry?.unregister(this);
      this.#raw.delete();
    }
  }
  /** @internal */
  get _raw() {
    if (!this.#raw || this.#raw.isDeleted()) throw failure('bad_argument', `${this.info.name}: the model was disposed`);
    return this.#raw;
  }
}

// --- recordings read in slices ---------------------------------------------------------------------
//
// A long recording (a 24-hour Holter record is 94 MB) is not copied into wasm memory: the core reads
// the byte ranges it decodes through "range files", { name, size, readRange(offset, length) ->
// Uint8Array }, called synchronously. rangeFileFromBlob() makes one of a File in a Web Worker,
// rangeFileFromBytes() of bytes already in memory; anything with those three members will do (Node:
// fs.readSync on a file descriptor).

/** A range file over bytes in memory. */
export function rangeFileFromBytes(name, bytes) {
  const data = toBytes(bytes, String(name));
  return {
    name: String(name),
    size: data.byteLength,
    readRange: (offset, length) => data.subarray(offset, Math.min(data.byteLength, offset + length)),
  };
}

/**
 * A range file over a Blob or File, read slice by slice with FileReaderSync: in a Web Worker only
 * (browsers allow synchronous reads there, never on the page's main thread).
 */
export function rangeFileFromBlob(blob, name = blob?.name) {
  if (typeof FileReaderSync !== 'function')
    throw failure('bad_argument', `${name}: reading a File in slices needs FileReaderSync, which only Web Workers have (open the source in a worker)`, TypeError);
  const reader = new FileReaderSync();
  return {
    name: String(name),
    size: blob.size,
    readRange: (offset, length) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, Math.min(blob.size, offset + length)))),
  };
}

// The files handed to the core: checked here, their readRange wrapped so that it never throws (a JS
// exception must not unwind through wasm frames): a failure comes back as its message, a string,
// which the core reports as an error naming the file; a short or oversized answer is cut or refused.
function rangeFilesArg(files, what) {
  const list = files instanceof Map ? [...files.values()] : Array.isArray(files) ? files : Object.values(files ?? {});
  return list.map((f, i) => {
    if (f === null || typeof f !== 'object' || typeof f.name !== 'string' || typeof f.readRange !== 'function' || !(Number(f.size) >= 0))
      throw failure('bad_argument', `${what}: files[${i}]: expected { name, size, readRange(offset, length) } (rangeFileFromBlob(), rangeFileFromBytes())`, TypeError);
    const name = baseName(f.name);
    const size = Number(f.size);
    return {
      name,
      size,
      readRange(offset, length) {
        try {
          const bytes = toBytes(f.readRange(offset, Math.min(length, Math.max(0, size - offset))), name);
          if (bytes.byteLength > length) return bytes.subarray(0, length);
          return bytes;
        } catch (error) {
          return String(error?.message ?? error);
        }
      },
    };
  });
}

/**
 * A recording opened for reading in slices (openSource(), openWfdbSource(), openEdfSource()): what
 * its header says (`name`, `samplingRate`, `length` in frames, `durationS`, `leads`, `comments`,
 * `warnings`, `startTime`, as an EcgRecord has them), read(from, to) for any stretch, rhythm() over all
 * of it with bounded memory, and readAnnotations() for an EDF+ file's annotations. Only the files' ranges being decoded are ever in wasm memory.
 */
export class EcgSource {
  #raw;
  constructor(raw, files) {
    this.#raw = raw;
    this.files = files.map((f) => f.name);
    Object.assign(this, check(raw.info()));
    registry?.register(this, raw, this);
  }
  /**
   * The EDF+ annotations of an EDF/BDF source, as readEdf()'s `record.annotations` ([] for a WFDB
   * record or a plain EDF file): the file's data records are read a few MB at a time, never whole.
   */
  readAnnotations() {
    return check(this.#handle().annotations());
  }
  /** Frames [from, to) of every lead as an EcgRecord (dispose() it when drawn). */
  read(from, to) {
    const a = indexArg(from, `${this.name}: read from`);
    const b = indexArg(to, `${this.name}: read to`);
    if (b < a || b > this.length)
      throw failure('bad_argument', `${this.name}: frames ${a} to ${b} are not within the record's 0 to ${this.length}`);
    return new EcgRecord(check(this.#handle().read(a, b)));
  }
  dispose() {
    if (this.#raw && !this.#raw.isDeleted()) {
      registry?.unregister(this);
      this.#raw.delete();
    }
  }
  #handle() {
    if (!this.#raw || this.#raw.isDeleted()) throw failure('bad_argument', `${this.name}: the source was disposed`);
    return this.#raw;
  }
  /** @internal */
  get _raw() { return this.#handle(); }
}

const now = () => (typeof performance === 'object' ? performance.now() : Date.now());

export class EcgLite {
  #core;
  constructor(core) {
    this.#core = core;
    /** Version of the C++ core (the same as `ecglite --version`). */
    this.version = core.version();
    /** The core's resource limits (docs/LIMITS.md): check file sizes against maxFileBytes before reading. */
    this.limits = Object.freeze(core.limits());
  }

  // The per-file limit, checked before the bytes are copied into wasm memory (which never shrinks).
  #fileArg(data, what, text = false) {
    const value = text ? textArg(data, what) : toBytes(data, what);
    const size = typeof value === 'string' ? value.length : value.byteLength;
    if (size > this.limits.maxFileBytes)
      throw failure('limit', `${what}: ${size} bytes exceeds the limit of ${this.limits.maxFileBytes} bytes per file`);
    return value;
  }

  /** What a WFDB header says, including the signal files and segment headers it needs. */
  parseHeader(headerText, sourceName = 'header') {
    return check(this.#core.parseHeader(this.#fileArg(headerText, String(sourceName), true), String(sourceName)));
  }

  /**
   * Reads a WFDB record from its header and the bytes of the files the header names:
   * `files` maps file name ("00001_lr.dat", or "seg_001.hea" for multi-segment records) to bytes.
   * `headerName` (e.g. "00001_lr.hea") names the header in messages.
   */
  readWfdb(headerText, files = {}, headerName = 'header') {
    if (files === null || typeof files !== 'object') throw failure('bad_argument', 'readWfdb: files must map file names to bytes', TypeError);
    const object = {};
    const entries = files instanceof Map ? files.entries() : Object.entries(files);
    for (const [name, bytes] of entries) object[name] = this.#fileArg(bytes, String(name));
    headerName = String(headerName);
    return new EcgRecord(check(this.#core.readWfdb(this.#fileArg(headerText, headerName, true), object, headerName)));
  }

  /** Reads a CSV export. options: { samplingRate (Hz; 0 = from a time column or preamble), units ('mV' | 'uV'), name }. */
  readCsv(text, options = {}) {
    const { name = 'CSV', samplingRate = 0, units = '' } = options ?? {};
    const rate = Number(samplingRate);
    if (samplingRate !== 0 && samplingRate !== undefined && !(Number.isFinite(rate) && rate > 0))
      throw failure('bad_argument', `${name}: samplingRate ${String(samplingRate)} is not a sampling rate (give Hz > 0, or 0 to read it from the file)`);
    if (typeof units !== 'string') throw failure('bad_argument', `${name}: units must be a string such as 'mV' or 'uV'`, TypeError);
    return new EcgRecord(check(this.#core.readCsv(this.#fileArg(text, String(name), true), { samplingRate: rate || 0, units }, String(name))));
  }

  /**
   * Reads an EDF, EDF+ (continuous or discontinuous) or BDF file. options: { name (for messages) }.
   * The record has the ECG leads at the fastest lead's rate (slower leads interpolated, signals that are
   * not ECG left out, EDF+D gaps as NaN samples: warnings say which); `record.annotations` holds the
   * EDF+ annotations: [{ onset_s, duration_s (null when none), text, sample }].
   */
  readEdf(bytes, options = {}) {
    const name = String(options?.name ?? 'EDF');
    const { record, annotations } = check(this.#core.readEdf(this.#fileArg(bytes, name), name));
    const r = new EcgRecord(record);
    r.annotations = annotations;
    return r;
  }

  /**
   * Opens a WFDB record for reading in slices: `header` is the .hea file's text or bytes, `files`
   * the range files ({ name, size, readRange }) of the signal files (and segment headers) it names.
   */
  openWfdbSource(header, files, headerName = 'header') {
    headerName = String(headerName);
    const list = rangeFilesArg(files, 'openWfdbSource');
    return new EcgSource(check(this.#core.openWfdbSource(this.#fileArg(header, headerName, true), headerName, list)), list);
  }

  /** Opens an EDF/EDF+/BDF file for reading in slices: `file` is its range file. */
  openEdfSource(file) {
    const list = rangeFilesArg([file], 'openEdfSource');
    return new EcgSource(check(this.#core.openEdfSource(list[0].name, list)), list);
  }

  /**
   * Opens the record among range files: the WFDB header (.hea) with the files it names, or an EDF/BDF
   * file. Headers are read whole (they are small); nothing else is read until the core asks.
   */
  openSource(files) {
    const list = rangeFilesArg(files, 'openSource');
    const header = list.find((f) => fileKind(f.name) === 'header');
    if (header) {
      const text = header.readRange(0, header.size);
      if (typeof text === 'string') throw failure('missing_file', `${header.name}: could not be read (${text})`);
      return this.openWfdbSource(text, list.filter((f) => f !== header), header.name);
    }
    const edf = list.find((f) => fileKind(f.name) === 'edf');
    if (edf) return this.openEdfSource(edf);
    throw failure('bad_argument', `openSource: no WFDB header (.hea) or EDF/BDF file among ${list.map((f) => f.name).join(', ') || 'no files'} (CSV files are read whole with readCsv())`);
  }

  /** The module's linear memory now, in bytes: it only grows, so this is also its peak. */
  get memoryBytes() {
    return this.#core.HEAPU8?.buffer.byteLength ?? 0;
  }

  /** Builds a record from samples already in memory: { name, samplingRate, leads: [{ name, units, samples }] }. */
  recordFromLeads(spec) {
    if (spec === null || typeof spec !== 'object' || !isArrayLike(spec.leads))
      throw failure('bad_argument', 'recordFromLeads: expected { name, samplingRate, leads: [{ name, units, samples }], comments }', TypeError);
    const name = typeof spec.name === 'string' ? spec.name : 'record';
    const rate = Number(spec.samplingRate);
    if (!(Number.isFinite(rate) && rate > 0))
      throw failure('bad_argument', `${name}: samplingRate must be a positive number of samples per second`);
    const leads = Array.from(spec.leads, (lead, i) => {
      if (lead === null || typeof lead !== 'object') throw failure('bad_argument', `${name}: lead ${i} is not an object { name, units, samples }`, TypeError);
      return {
        name: String(lead.name ?? ''),
        units: lead.units === undefined ? 'mV' : String(lead.units),
        samples: floatsArg(lead.samples, `${name}: lead ${i} (${lead.name ?? 'unnamed'}) samples`),
      };
    });
    const clean = { name, samplingRate: rate, leads, comments: stringsArg(spec.comments, `${name}: comments`) };
    return new EcgRecord(check(this.#core.recordFromLeads(clean)));
  }

  /** Loads an .ecgm model from its bytes. */
  loadModel(bytes) {
    return new EcgModel(check(this.#core.loadModel(this.#fileArg(bytes, 'model'))));
  }

  /** Loads the model shipped with the package (models/student-int8.ecgm next to this file). */
  async loadDefaultModel() {
    return this.loadModel(await readPackageFile('./models/student-int8.ecgm'));
  }

  /** Loads the beat classifier shipped with the package (models/beats-int8.ecgm), for rhythm(). */
  async loadDefaultBeatModel() {
    return this.loadModel(await readPackageFile('./models/beats-int8.ecgm'));
  }

  /** Loads the rhythm model shipped with the package (models/rhythm-int8.ecgm), for rhythm(). */
  async loadDefaultRhythmModel() {
    return this.loadModel(await readPackageFile('./models/rhythm-int8.ecgm'));
  }

  /**
   * Classifies a record: per-class probabilities, thresholded labels, what was adapted (resampling,
   * derived leads, windows) and warnings, as `ecglite classify --json` prints each record (one schema,
   * snake_case: wasm/index.d.ts); `time_ms`, the wall time of the classification, is the one field added
   * here. options: { explain: true } adds `explanation`, the occlusion map of every class (as
   * `ecglite classify --explain --json`; about 2 network runs per lead and 0.5 s), with its own `time_ms`.
   */
  classify(model, record, options = {}) {
    const { explain = false } = options ?? {};
    if (typeof explain !== 'boolean') throw failure('bad_argument', `classify: options.explain must be true or false, got ${String(explain)}`, TypeError);
    const m = modelArg(model, 'classify');
    const r = recordArg(record, 'classify');
    const t0 = now();
    const result = check(this.#core.classify(m, r));
    result.time_ms = now() - t0;
    if (explain) {
      const t1 = now();
      result.explanation = check(this.#core.explain(m, r));
      result.explanation.time_ms = now() - t1;
    }
    return result;
  }

  /**
   * The network input of a record exactly as classify() prepares it (same preprocessing, same sliding
   * windows): data is [runs][channels][length] channel-major, windowOf gives each run's 10 s window.
   * For running the same network with another engine (ONNX Runtime Web) and combine()-ing its logits.
   */
  networkInput(model, record) {
    return check(this.#core.networkInput(modelArg(model, 'networkInput'), recordArg(record, 'networkInput')));
  }

  /** EcgLite's own logits (runs x classes) for a networkInput(). */
  networkLogits(model, input) {
    return check(this.#core.networkLogits(modelArg(model, 'networkLogits'), networkInputArg(input, 'networkLogits')));
  }

  /** A result from per-run logits (runs x classes, from any engine), by classify()'s rule. */
  combine(model, input, logits) {
    const t0 = now();
    const result = check(this.#core.combine(modelArg(model, 'combine'), networkInputArg(input, 'combine'), floatsArg(logits, 'combine: logits')));
    result.time_ms = now() - t0;  // as classify()'s: the wall time of this call
    return result;
  }

  /**
   * Beats, heart rate (mean, range, trend), ectopic beats and pauses of a recording of any length
   * and 1-12 leads, and its rhythm verdict. options: { beatModel (an EcgModel of beat classes N S V F Q;
   * without it beats are unclassified, '?'), rhythmModel (an EcgModel of rhythm classes N A O ~:
   * `verdict` with AF episodes and burden; without it `verdict` is null), rhythmLead (the lead it
   * reads, from 0; default lead I, else the first), annotations (bytes of a reference annotation file such as 100.atr: adds
   * its rhythm episodes), annotationsName, trendIntervalS (default 10) }. The result is what
   * `ecglite rhythm --json --beats` prints (one schema, snake_case: wasm/index.d.ts), with the
   * heart-rate trend as a Float64Array (NaN where the JSON has null) and the beat columns as typed arrays.
   *
   * Given an EcgSource instead of a record, the recording is analysed in blocks with bounded memory
   * (the same result), and three more options apply: onProgress(fraction) is called after each step
   * (return false to cancel: rhythm() then throws an Error of kind 'cancelled'), blockS and marginS
   * (the blocks' length and overlap, s; the core's defaults when left out).
   */
  rhythm(recording, options = {}) {
    const { beatModel, rhythmModel, rhythmLead, annotations, annotationsName, trendIntervalS } = options ?? {};
    const name = String(annotationsName ?? 'annotations');
    const streamed = recording instanceof EcgSource;
    const raw = {
      beatModel: beatModel == null ? null : modelArg(beatModel, 'rhythm: beatModel'),
      rhythmModel: rhythmModel == null ? null : modelArg(rhythmModel, 'rhythm: rhythmModel'),
      annotations: annotations ? this.#fileArg(annotations, name) : null,
      annotationsName: name,
    };
    if (trendIntervalS !== undefined) {
      raw.trendIntervalS = Number(trendIntervalS);
      if (!(raw.trendIntervalS >= 1 && raw.trendIntervalS <= 3600))
        throw failure('bad_argument', `rhythm: trendIntervalS ${String(trendIntervalS)} is outside 1 to 3600 seconds`);
    }
    if (rhythmLead !== undefined && rhythmLead !== null) {
      raw.rhythmLead = Number(rhythmLead);
      const leads = (streamed ? recording._raw : recordArg(recording, 'rhythm')) && recording.leads.length;
      if (!(Number.isInteger(raw.rhythmLead) && raw.rhythmLead >= 0 && raw.rhythmLead < leads))
        throw failure('bad_argument', `rhythm: rhythmLead ${String(rhythmLead)} is not a lead of this record (0 to ${leads - 1})`);
    }
    const result = streamed ? this.#rhythmOfSource(recording, raw, options ?? {}) : check(this.#core.rhythm(recordArg(recording, 'rhythm'), raw));
    result.heart_rate.trend_bpm = Float64Array.from(result.heart_rate.trend_bpm, (bpm) => bpm ?? NaN);
    return result;
  }

  // The streamed analysis. onProgress must not throw into the core: an exception it throws stops
  // the analysis (as a cancel would) and is rethrown here once the core has returned.
  #rhythmOfSource(source, raw, { onProgress, blockS, marginS }) {
    const stream = {};
    for (const [key, value] of [['blockS', blockS], ['marginS', marginS]]) {
      if (value === undefined) continue;
      stream[key] = Number(value);
      if (!(stream[key] >= 0 && Number.isFinite(stream[key]))) throw failure('bad_argument', `rhythm: ${key} ${String(value)} is not a number of seconds`);
    }
    if (onProgress !== undefined && typeof onProgress !== 'function') throw failure('bad_argument', 'rhythm: onProgress must be a function', TypeError);
    let thrown = null;
    const progress = onProgress && ((fraction) => {
      try {
        return onProgress(fraction) !== false;
      } catch (error) {
        thrown = error;
        return false;
      }
    });
    const result = this.#core.rhythmSource(source._raw, raw, stream, progress ?? null);
    if (thrown) throw thrown;
    return check(result);
  }

  /**
   * Sorts dropped files into records: pairs each WFDB header with the signal files (and segment
   * headers) it names and with its reference annotations (100.atr), takes CSV files as records of
   * their own, and says precisely what is missing (and that EDF/BDF files are not read). The rules
   * are in files.mjs.
   * `files`: an array of { name, bytes } (or a Map name -> bytes). Returns
   * { records: [{ kind: 'wfdb', name, header, headerName, files: { name: bytes }, annotations?: { name, bytes } }
   *             | { kind: 'csv', name, fileName, bytes }],
   *   problems: [{ files: [names], message, kind }], ignored: [names],
   *   unusedAnnotations: [{ files: [name], message }] (the annotation files among `ignored`, each
   *     with why no record took it) }.
   */
  groupFiles(files) {
    if (files instanceof Map) files = [...files].map(([name, bytes]) => ({ name, bytes }));
    else if (files == null || typeof files === 'string' || typeof files[Symbol.iterator] !== 'function') {
      throw failure('bad_argument', 'groupFiles: expected an array of { name, bytes } (or a Map from names to bytes)', TypeError);
    }
    const list = Array.from(files, (f, i) => {
      if (f == null || typeof f.name !== 'string' || f.name === '') {
        throw failure('bad_argument', `groupFiles: files[${i}].name: expected a file name (a non-empty string)`, TypeError);
      }
      return { name: f.name, bytes: f.bytes };
    });
    for (const f of list) f.bytes = toBytes(f.bytes, baseName(f.name));
    return groupFiles(list, (bytes, name) => this.parseHeader(bytes, name));
  }

  /** Reads one entry of groupFiles().records. csvOptions as for readCsv. */
  readGroup(group, csvOptions = {}) {
    if (group.kind === 'csv') return this.readCsv(group.bytes, { ...csvOptions, name: group.fileName ?? group.name });
    if (group.kind === 'edf') return this.readEdf(group.bytes, { name: group.fileName ?? group.name });
    return this.readWfdb(group.header, group.files, group.headerName);
  }
}

// Browsers: the wasm is fetched and compiled while the Emscripten glue is still being imported, not
// after it: one network round trip less on a cold page (bench/startup-phases.mjs).
async function compileCoreWasm(url) {
  try {
    return await WebAssembly.compileStreaming(fetch(url, { credentials: 'same-origin' }));
  } catch {
    // Not served as application/wasm (compileStreaming requires it), or not found: fetch it plainly,
    // which also says which of the two it was.
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw failure('missing_file', `${new URL(url, import.meta.url).pathname}: HTTP ${response.status} (is ecglite-core.wasm deployed next to ecglite.mjs, or passed with locateFile/wasmBinary?)`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

/**
 * Instantiates the module. In Node the .wasm next to this file is read from disk; in browsers and
 * workers it is fetched from the same directory (override with options.wasmBinary, or with
 * options.locateFile: a URL or path, resolved against the directory of this file).
 */
export async function createEcgLite(options = {}) {
  const moduleOptions = {};
  let compiled = null;
  const here = new URL('./', import.meta.url).href;
  if (options.wasmBinary) {
    moduleOptions.wasmBinary = toBytes(options.wasmBinary, 'wasmBinary');
  } else if (isNode) {
    moduleOptions.wasmBinary = await readPackageFile(options.locateFile ? options.locateFile('ecglite-core.wasm', here) : './ecglite-core.wasm');
  } else {
    const url = options.locateFile ? options.locateFile('ecglite-core.wasm', here) : new URL('ecglite-core.wasm', here).href;
    compiled = compileCoreWasm(url);
    compiled.catch(() => {});  // awaited below; this only keeps an early failure from being "unhandled"
  }
  if (options.locateFile) moduleOptions.locateFile = options.locateFile;
  moduleOptions.print = options.print ?? (() => {});
  moduleOptions.printErr = options.printErr ?? ((text) => console.warn(`ecglite: ${text}`));
  const { default: createEcgLiteCore } = await import('./ecglite-core.mjs');
  if (compiled) {
    const module = await compiled;
    let failed;
    const instantiationFailed = new Promise((_, reject) => { failed = reject; });
    moduleOptions.instantiateWasm = (imports, receiveInstance) => {
      WebAssembly.instantiate(module, imports).then((instance) => receiveInstance(instance, module), failed);
      return {};  // asynchronous: Emscripten waits for receiveInstance
    };
    return new EcgLite(await Promise.race([createEcgLiteCore(moduleOptions), instantiationFailed]));
  }
  return new EcgLite(await createEcgLiteCore(moduleOptions));
}

export default createEcgLite;
