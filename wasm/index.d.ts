// Type declarations of the `ecglite` package (ecglite.mjs; the file-name rules it re-exports from files.mjs).

/** Bytes as the module accepts them. */
export type BytesLike = Uint8Array | ArrayBuffer | ArrayBufferView;

export interface CreateOptions {
  /** The bytes of ecglite-core.wasm; by default read from disk (Node) or fetched next to ecglite.mjs. */
  wasmBinary?: BytesLike;
  /** Where ecglite-core.wasm is: called as locateFile('ecglite-core.wasm', URL of the directory of ecglite.mjs); returns a URL or path resolved against that directory (fetched in browsers, read from disk in Node for file: URLs and paths). */
  locateFile?: (path: string, scriptDirectory: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

/**
 * What went wrong, for programs to act on (the message is for people). The core's kinds
 * (core/include/ecglite/error.h), the same whichever front-end reports them:
 * - `needs_rate`: a CSV file whose sampling rate cannot be told: give it with readCsv()'s `samplingRate`.
 * - `missing_file`: a file not provided (a WFDB signal file, a segment header) or not found.
 * - `unsupported_format`: a format EcgLite does not read (a file that is not EDF/BDF under that name, UTF-16 or binary "CSV"; FLAC-compressed WFDB in a build without libFLAC).
 * - `bad_header`: a malformed or inconsistent WFDB header.
 * - `bad_data`: a truncated, corrupt or malformed signal, CSV or annotation file.
 * - `limit`: a resource limit (file size, signals, samples, memory) or a floor (duration, sampling rate).
 * - `bad_model`: a model file that is damaged or of an unsupported format version.
 * - `wrong_model`: a model of the other task (a beat model given to classify(), a 12-lead model as beatModel).
 * - `missing_leads`: the record lacks leads the analysis needs.
 * - `no_signal`: the record has no usable signal (every lead flat, invalid or missing).
 * - `bad_argument`: an argument the call cannot take (wrong type, out of range, a disposed record).
 * - `cancelled`: rhythm() of an EcgSource whose onProgress returned false.
 * - `other`: none of these (an internal error).
 */
export type ErrorKind =
  | 'needs_rate' | 'missing_file' | 'unsupported_format' | 'bad_header' | 'bad_data' | 'limit'
  | 'bad_model' | 'wrong_model' | 'missing_leads' | 'no_signal' | 'bad_argument' | 'cancelled' | 'other';

/**
 * Every Error the module throws (a TypeError for an argument of the wrong type) carries these.
 * `message` is `reason`, followed by what to do in JS for the kinds that call for an option or a
 * call (`needs_rate`, `wrong_model`): "x.csv: cannot tell the sampling rate: ... (give the sampling
 * rate with readCsv()'s samplingRate option)".
 */
export interface EcgLiteError extends Error {
  kind: ErrorKind;
  /** The message without the JS advice: for a user interface that says what to do in its own words. */
  reason: string;
}

/** Instantiates the WebAssembly module. */
export function createEcgLite(options?: CreateOptions): Promise<EcgLite>;
export default createEcgLite;

export interface LeadInfo {
  /** As written in the source ("II", "AVR", "MLII", "V1"). */
  name: string;
  /** "mV", "uV", "NU" (unitless), "" when unknown. */
  units: string;
  /** The standard 12-lead name ("aVR" for "AVR"), "" when not a standard lead. */
  standardName: string;
}

/** A decoded recording; its samples stay in wasm memory until dispose(). */
/** An EDF+ annotation: onset in seconds from the start of the file, duration (null when the file gives
 * none), text, and the sample of the record it falls on. */
export interface EdfAnnotation {
  onset_s: number;
  duration_s: number | null;
  text: string;
  sample: number;
}

export class EcgRecord {
  readonly name: string;
  readonly samplingRate: number;
  /** Samples per lead. */
  readonly length: number;
  readonly durationS: number;
  readonly leads: LeadInfo[];
  /** Header comments (WFDB "#" lines, CSV preamble), without the "#". */
  readonly comments: string[];
  /** Non-fatal findings of the reader, e.g. a checksum mismatch. */
  readonly warnings: string[];
  /**
   * Clock time of the first sample when the file states one (WFDB base time and date, EDF start date
   * and time), ISO 8601 without a zone: "2020-05-12T12:33:59", "12:33:59.250" without a date; null
   * otherwise (also when it is no real time: a warning says so). A read(from, to) starts at `from`.
   */
  readonly startTime: string | null;
  /** readEdf() only: the EDF+ annotations, in file order. */
  readonly annotations?: EdfAnnotation[];
  /** Physical samples of one lead (by index, source name or standard name); NaN marks invalid samples. */
  samples(lead: number | string): Float32Array;
  allSamples(): Float32Array[];
  /** Frees the wasm memory now (otherwise it is freed when the object is garbage-collected). */
  dispose(): void;
}

/*
 * Results: one schema. Model info, classify() (and combine()) and rhythm() hand out the core's own JSON
 * rendering, parsed — the same text `ecglite classify --json` (its "model" and each of its "records")
 * and `ecglite rhythm --json --beats` print — so the field names are snake_case, as in the CLI's JSON,
 * and are documented here once. The JS module adds only `time_ms` (classify(), combine()) and
 * `holter_csv` (rhythm(): the text of `ecglite rhythm --holter-csv`), and returns
 * three bulk arrays as typed arrays instead of JSON arrays (RhythmSummary: `heart_rate.trend_bpm`,
 * `beats.samples`, `beats.probabilities`). Numbers are exactly the CLI's: probabilities and thresholds to
 * 6 significant digits, heart rates to 0.1 bpm, durations to 1 ms in the rhythm summary.
 *
 * Renamed from earlier versions of the package (camelCase then): ModelInfo formatVersion -> format_version,
 * inputChannels -> input_channels, inputLength -> input_length, windowStride -> window_stride,
 * samplingRate -> sampling_rate_hz, bandLowHz/bandHighHz -> band_hz[0]/band_hz[1], leadNames -> lead_names,
 * classNames/classDescriptions/thresholds -> classes[].name/.description/.threshold, macsPerWindow ->
 * macs_per_window (new: filter_order). ClassifyResult recordName -> record, durationS -> duration_s,
 * sourceRateHz -> sampling_rate_hz, timeMs -> time_ms (new: probabilities). RhythmSummary: see there.
 * Options (CsvOptions, RhythmOptions, LeadsSpec), records (EcgRecord), headers (HeaderInfo: the CLI
 * prints no JSON of it) and NetworkInput are the JS API's own objects and keep camelCase.
 */

/** A model's metadata: the "model" object of `ecglite classify --json` (which adds the file's "path"). */
export interface ModelInfo {
  name: string;
  precision: 'int8' | 'fp32' | string;
  format_version: number;
  input_channels: number;
  /** In the model's order: "NORM", "MI", "STTC", "CD", "HYP" ("Normal ECG", "Myocardial infarction", ...). */
  classes: { name: string; description: string; threshold: number }[];
  lead_names: string[];
  /** Samples per network input window. */
  input_length: number;
  window_stride: number;
  /** How the network's runs over one 10 s window combine: their maximum or mean logit. */
  window_pooling: 'max' | 'mean';
  sampling_rate_hz: number;
  /** The band-pass filter's [low, high] edges, Hz. */
  band_hz: [number, number];
  filter_order: number;
  /** What the network reads: "mV" (band-passed leads in millivolts; leads without a physical unit are
   * scaled to a typical size, with a warning), or "z-score" (per-lead z-score: models made before
   * amplitudes were kept). */
  amplitude: 'mV' | 'z-score';
  parameters: number;
  macs_per_window: number;
  /** The RR summaries a rhythm model's head reads after the network (rhythm_class.h); empty without a head. */
  head_inputs: string[];
  description: string;
}

export class EcgModel {
  readonly info: ModelInfo;
  dispose(): void;
}

export interface ClassResult {
  name: string;
  description: string;
  probability: number;
  threshold: number;
  /** probability >= threshold */
  positive: boolean;
}

/** A classification: one entry of "records" in `ecglite classify --json`, plus `time_ms`. */
export interface ClassifyResult {
  /** The record's name (the CLI: the path it was given). */
  record: string;
  classes: ClassResult[];
  /** The same probabilities by class name ({ NORM: 0.93, ... }). */
  probabilities: Record<string, number>;
  /** Names of the positive classes. */
  labels: string[];
  /** How the input was adapted (resampling, derived leads, windows), in words. */
  adaptations: string[];
  warnings: string[];
  /** 10 s windows classified. */
  windows: number;
  /** Network runs (sliding positions). */
  inferences: number;
  duration_s: number;
  /** The record's sampling rate (before resampling to the model's). */
  sampling_rate_hz: number;
  /** Wall time of the classification, ms (JS only; the explanation has its own). */
  time_ms: number;
  /** Only with classify()'s `{ explain: true }`: where each class comes from. */
  explanation?: Explanation;
}

export interface ClassifyOptions {
  /** Add `explanation`, the occlusion map of every class (about 0.1 s more for a 10 s record; records up to 5 min). */
  explain?: boolean;
}

/** One class's occlusion map and its words. */
export interface ClassExplanation {
  name: string;
  /** classify()'s probability. */
  probability: number;
  /** "mostly V1-V3, 2.0-4.5 s": the fewest leads holding half of the positive map (runs of neighbouring
   * standard leads joined), and the shortest span holding half of theirs; "spread over many leads, ..."
   * when that takes more than four leads; "no stretch of any lead raises it noticeably" when the positive
   * cells sum to less than 0.001. */
  summary: string;
  /** The leads of the summary, largest share first (empty when nothing raises the probability). */
  top_leads: string[];
  /** The span of the summary, seconds from the record's start (0 and 0 when nothing raises the probability). */
  start_s: number;
  end_s: number;
  /**
   * [lead][segment] (the rows in `Explanation.leads` order, the segments every `segment_s` from the start):
   * how much the class's probability falls when that stretch of that lead is set to 0 mV (the band-passed
   * baseline, a flat line), averaged over the 2.5 s network runs that hold it. Positive: the stretch raises
   * the probability; negative: it lowers it. The model's sensitivity, not a clinical criterion.
   */
  drop: number[][];
}

/**
 * Where each class comes from: the "explanation" of `ecglite classify --explain --json` (core:
 * explain.h), plus `time_ms`. One time axis over the whole record.
 */
export interface Explanation {
  method: 'occlusion';
  /** Length of a segment, seconds (0.5). */
  segment_s: number;
  /** Segments along the record. */
  segments: number;
  /** The model's leads: the rows of every `drop`. */
  leads: string[];
  /** Network runs made for the map, beyond the classification's. */
  inferences: number;
  /** Every class, in the model's order (the front-end chooses which to show). */
  classes: ClassExplanation[];
  /** Wall time of the explanation, ms (JS only). */
  time_ms: number;
}

/** The network's input for a record, as EcgLite prepares it: for running the same model elsewhere (ONNX). */
export interface NetworkInput {
  /** count x channels x length, channel-major per window. */
  data: Float32Array;
  dims: [number, number, number];
  /** For each network run, the index of the 10 s window it belongs to. */
  windowOf: Int32Array;
  windows: number;
  /** Network runs per 10 s window (the sliding positions). */
  positionsPerWindow: number;
  adaptations: string[];
  warnings: string[];
  recordName: string;
  durationS: number;
  sourceRateHz: number;
}

export interface HeaderInfo {
  recordName: string;
  numSignals: number;
  samplingFrequency: number;
  length: number | null;
  /** Signal files the header names, in order of first use (without "~"). */
  signalFiles: string[];
  /** Segment record names of a multi-segment record (without "~"). */
  segments: string[];
  signalDescriptions: string[];
  comments: string[];
  /** Forms read although WFDB does not write them (the CinC Challenge 2020/2021 "12-May-2020 12:33:59"). */
  warnings: string[];
}

export type FileGroup =
  | { kind: 'wfdb'; name: string; headerName: string; header: Uint8Array; files: Record<string, Uint8Array>;
      /** A reference annotation file dropped with the record (name.atr), for rhythm(). */
      annotations?: { name: string; bytes: Uint8Array } }
  | { kind: 'csv'; name: string; fileName: string; bytes: Uint8Array }
  | { kind: 'edf'; name: string; fileName: string; bytes: Uint8Array };

export interface GroupedFiles {
  records: FileGroup[];
  /** e.g. "00001_lr.hea needs 00001_lr.dat — drop it together with the header" (kind 'missing_file'). */
  problems: { files: string[]; message: string; kind: ErrorKind }[];
  /** Files that are neither headers, signal files nor CSV (annotations no record took, notes). */
  ignored: string[];
  /**
   * The annotation files among `ignored`, each with why no record took it, e.g. "100.atr: annotations
   * for record 100: drop them together with 100.hea and its signal files", "100.atr: annotations for
   * 100, which could not be opened" (its header is a problem), "100.qrs: not used; the reference
   * annotations of 100 are read from 100.atr".
   */
  unusedAnnotations: { files: string[]; message: string }[];
}

/** What a file is by its name (fileKind()); null: not a file EcgLite reads. */
export type FileKind = 'header' | 'signal' | 'csv' | 'annotations' | 'edf';
/** What a file is by the extension of its name, as groupFiles() sorts it ('edf': EDF, EDF+ or BDF). */
export function fileKind(name: string): FileKind | null;
/** Extensions (lower case, no dot) read as CSV exports: csv, tsv, txt. */
export const CSV_EXTENSIONS: readonly string[];
/** Extensions of reference annotation files paired with a record, in order of preference: atr, ann, qrs, ecg. */
export const ANNOTATORS: readonly string[];
/** Every file groupFiles() takes, as an `<input type="file">` accept attribute (".hea,.dat,...,text/csv"). */
export const ACCEPTED_FILES: string;

export interface CsvOptions {
  /** Hz; 0 or absent: from a time column or a preamble line. */
  samplingRate?: number;
  /** "mV" or "uV"; absent: from the column headers, else mV. */
  units?: '' | 'mV' | 'uV';
  /** Name used in messages and results (the file name). */
  name?: string;
}

export interface LeadsSpec {
  name?: string;
  samplingRate: number;
  leads: { name: string; units?: string; samples: ArrayLike<number> }[];
  comments?: string[];
}

export interface EctopicCounts {
  beats: number;
  isolated: number;
  couplets: number;
  /** Runs of 3 or more beats. */
  runs: number;
  /** Beats in the longest sequence (0 when none). */
  longest_run: number;
}

export interface RhythmEpisode {
  /** The annotation's rhythm without "(": "N", "AFIB", "VT", ... */
  rhythm: string;
  /** Sample indices, end exclusive. */
  start: number;
  end: number;
  start_s: number;
  duration_s: number;
}

/**
 * A file the core reads in slices (EcgSource): its name, its size in bytes, and a synchronous
 * readRange(offset, length) giving those bytes (fewer only at the end of the file). A failure may be
 * thrown: it becomes an Error of kind `missing_file` naming the file.
 */
export interface RangeFile {
  name: string;
  size: number;
  readRange(offset: number, length: number): Uint8Array;
}

/** A range file over bytes in memory. */
export function rangeFileFromBytes(name: string, bytes: BytesLike): RangeFile;
/** A range file over a Blob or File, read slice by slice with FileReaderSync: Web Workers only. */
export function rangeFileFromBlob(blob: Blob, name?: string): RangeFile;

/**
 * A recording opened for reading in slices (openSource(), openWfdbSource(), openEdfSource()): what its
 * header says, any stretch on request, and rhythm() over all of it with bounded memory. Only the byte
 * ranges being decoded are ever in wasm memory, so a 24-hour Holter record (94 MB) opens.
 */
export class EcgSource {
  readonly name: string;
  readonly samplingRate: number;
  /** Frames (samples per lead). */
  readonly length: number;
  readonly durationS: number;
  readonly leads: LeadInfo[];
  readonly comments: string[];
  readonly warnings: string[];
  /** As EcgRecord.startTime: the clock time of frame 0, or null. */
  readonly startTime: string | null;
  /** The names of the files it reads. */
  readonly files: string[];
  /** Frames [from, to) of every lead, decoding only those (dispose() the record when done). */
  read(from: number, to: number): EcgRecord;
  /**
   * An EDF+/BDF+ file's annotations, as readEdf()'s `annotations` (samples at this source's rate); []
   * for a WFDB record or a plain EDF file. The data records are read a few MB at a time, never whole;
   * throws (kind `bad_data`) for a malformed annotation list.
   */
  readAnnotations(): EdfAnnotation[];
  /** Frees the source now (otherwise when it is garbage-collected). */
  dispose(): void;
}

/** rhythm() of an EcgSource: the same options, and how the analysis goes. */
export interface StreamRhythmOptions extends RhythmOptions {
  /** Called after each step with the fraction done (0-1); return false to cancel (rhythm() then throws kind `cancelled`). */
  onProgress?: (fraction: number) => boolean | void;
  /** The blocks the recording is analysed in, seconds (the core's default: 1800). */
  blockS?: number;
  /** Their overlap on each side, seconds (default 300), enough for the result to equal the whole record's. */
  marginS?: number;
}

export interface RhythmOptions {
  /** A beat classifier (models/beats-int8.ecgm); without it beats are detected but unclassified ('?'). */
  beatModel?: EcgModel | null;
  /** A rhythm model (models/rhythm-int8.ecgm, loadDefaultRhythmModel()); without it `verdict` is null. */
  rhythmModel?: EcgModel | null;
  /** The lead the rhythm model reads, counted from 0 (default: lead I, else the first lead). */
  rhythmLead?: number;
  /** Bytes of a reference annotation file (MIT format, e.g. 100.atr): adds its rhythm episodes. */
  annotations?: BytesLike | null;
  annotationsName?: string;
  /** Heart-rate trend resolution in seconds (default 10). */
  trendIntervalS?: number;
}

/** A rhythm class: the PhysioNet/CinC Challenge 2017 codes (N sinus, A atrial fibrillation, O other, ~ too noisy). */
export type RhythmClass = 'N' | 'A' | 'O' | '~';

/** The rhythm model's verdict (core: classify_rhythm; models/RHYTHM_MODEL_CARD.md). */
export interface RhythmVerdict {
  /** The recording's class: up to 61 s, from the mean logits of all its 10 s windows; longer, the class of most blocks. */
  class: RhythmClass;
  /** Its probability (for a long recording, its mean probability over the blocks). */
  probability: number;
  probabilities: Record<RhythmClass, number>;
  /** The lead read (index and name). */
  lead: number;
  lead_name: string;
  model: string;
  /** AF blocks / blocks not too noisy (0 to 1). */
  af_burden: number;
  /** Runs of AF blocks, in samples of the record (end exclusive) and seconds. */
  af_episodes: { start: number; end: number; start_s: number; duration_s: number }[];
  /** One class per block of `length_s` seconds (5 s), and the probability of each block's class. */
  blocks: { length_s: number; classes: string; probabilities: number[] };
}

/** One row of the Holter summary's hourly table (core: holter.h). Heart rates are null without data. */
export interface HolterHour {
  /** From the start of the recording (the records read carry no clock time). */
  start_s: number;
  duration_s: number;
  /** Shorter than an hour: the recording's last hour. */
  partial: boolean;
  beats: number;
  /** Min and max of the hour's whole minutes (60 / mean RR of a minute, minutes with 2 or more RR intervals). */
  min_hr_bpm: number | null;
  /** 60 / mean RR over the hour's RR intervals (an interval counts in the hour of its second beat). */
  mean_hr_bpm: number | null;
  max_hr_bpm: number | null;
  s_beats: number;
  v_beats: number;
  /** RR intervals of 2 s or more. */
  pauses: number;
  /** Seconds of AF episodes in the hour; null without a rhythm verdict. */
  af_s: number | null;
}

/** The longest run of consecutive beats of one class (beats 0: none). */
export interface LongestRun {
  beats: number;
  /** Samples of its first and last beat. */
  start: number;
  end: number;
  start_s: number;
  duration_s: number;
  /** 60 (beats - 1) / duration_s; null for a single beat. */
  rate_bpm: number | null;
}

/**
 * The Holter summary (core: holter.h, summarize_holter): hourly table, longest S and V runs, AF burden
 * (from the verdict), time-domain HRV on normal-to-normal intervals (ESC/NASPE Task Force 1996): NN =
 * both beats N (every beat without a beat model: `nn_from_classes` false), 300-2000 ms, not across a
 * stretch without signal. Null = not enough data (recording under 5 min; SDANN needs two whole 5-min
 * segments, each at least half covered by NN intervals).
 */
export interface HolterSummary {
  /**
   * Clock time of the recording's first sample when the file states one (as EcgRecord.startTime; the
   * field is absent otherwise): an hour's clock time is start_time + its start_s. Holter clock times
   * are the start plus the elapsed time: no time zone or daylight-saving change is known.
   */
  start_time?: string;
  hour_s: number;
  hours: HolterHour[];
  longest_s_run: LongestRun;
  longest_v_run: LongestRun;
  /** As verdict.af_burden; null (and af_episode_count, af_total_s) without a rhythm verdict. */
  af_burden: number | null;
  af_episode_count: number | null;
  af_total_s: number | null;
  hrv: {
    nn_from_classes: boolean;
    rr_intervals: number;
    nn_intervals: number;
    mean_nn_ms: number | null;
    /** Sample standard deviation (n - 1) of the NN intervals. */
    sdnn_ms: number | null;
    /** Sample standard deviation of the 5-minute segments' mean NN interval. */
    sdann_ms: number | null;
    sdann_segments: number;
    /** Over successive NN intervals (three normal beats in a row). */
    rmssd_ms: number | null;
    /** Successive differences of more than 50 ms, %. */
    pnn50_percent: number | null;
    successive_differences: number;
  };
}

/**
 * Beats, heart rate, ectopy and pauses of a recording (the core's analyze_rhythm): what
 * `ecglite rhythm --json --beats` prints. Typed arrays, for speed, where the JSON has arrays: a
 * recording of hours has hundreds of thousands of beats, handed over as copies of the core's arrays
 * without a JSON number per beat, and the trend is a Float64Array so that a gap is NaN (JSON: null).
 *
 * Renamed from earlier versions of the package: durationS -> duration_s, samplingRate ->
 * sampling_rate_hz, beatCount -> beats_detected, meanHrBpm/minHrBpm/maxHrBpm/trendIntervalS/hrTrendBpm ->
 * heart_rate.mean_bpm/min_bpm/max_bpm/trend_interval_s/trend_bpm, classCounts -> classes, longestRun ->
 * longest_run, pauses -> pauses.count, longestRrS -> pauses.longest_rr_s, signalGaps -> signal_gaps.count,
 * signalGapS -> signal_gaps.total_s, referenceRhythms -> reference_rhythms (startS -> start_s, durationS ->
 * duration_s). New: record, reference_rhythm_totals_s, holter (and the module's holter_csv).
 */
export interface RhythmSummary {
  record: string;
  duration_s: number;
  sampling_rate_hz: number;
  beats_detected: number;
  heart_rate: {
    /** 60 * (beats - 1) / time from first to last beat; 0 with fewer than 2 beats. */
    mean_bpm: number;
    min_bpm: number;
    max_bpm: number;
    trend_interval_s: number;
    /** Heart rate per trend interval; NaN where no RR interval ended (null in the CLI's JSON). */
    trend_bpm: Float64Array;
  };
  /** Beat classes come from a beat model. */
  classified: boolean;
  /** Beats per class: N, S, V, F, Q, or '?' when unclassified. */
  classes: Record<string, number>;
  supraventricular: EctopicCounts;
  ventricular: EctopicCounts;
  /** RR intervals of 2 s or more, and the longest RR interval. */
  pauses: { count: number; longest_rr_s: number };
  /** Stretches of 1 s or more without a valid sample in any lead: the RR intervals across them are
   * neither pauses nor heart-rate data. */
  signal_gaps: { count: number; total_s: number };
  reference_rhythms: RhythmEpisode[];
  /** Seconds per rhythm over the reference episodes. */
  reference_rhythm_totals_s: Record<string, number>;
  /** The rhythm verdict, when a rhythm model was given and the recording is 9 s or longer (else null,
   * with a warning when it is too short). */
  verdict: RhythmVerdict | null;
  /** Hourly table, longest runs, AF burden, HRV (the CLI's text shows it from 10 minutes on). */
  holter: HolterSummary;
  /** Non-fatal findings: in the annotation file (e.g. a missing end-of-file word), a recording too short
   * for a rhythm verdict. */
  warnings: string[];
  /** Columns, one entry per beat (the CLI prints them as JSON arrays with `--beats`). */
  beats: {
    /** Sample index of each beat, ascending. */
    samples: Float64Array;
    /** One letter per beat: N S V F Q, or ? when unclassified. */
    classes: string;
    /** Probability of each beat's class (0 when unclassified); the CLI prints 6 significant digits. */
    probabilities: Float32Array;
  };
  /** Module only: the hourly table as CSV, the text `ecglite rhythm --holter-csv FILE` writes (core: holter_csv). */
  holter_csv: string;
}

export class EcgLite {
  /** Version of the C++ core, as `ecglite --version`. */
  readonly version: string;
  /** The core's resource limits (the same as the CLI's): check a file's size before reading it. */
  readonly limits: { readonly maxSignals: number; readonly maxTotalSamples: number; readonly maxFileBytes: number };
  parseHeader(headerText: string | BytesLike, sourceName?: string): HeaderInfo;
  /** A WFDB record from its header and the files it names (name -> bytes). */
  readWfdb(headerText: string | BytesLike, files?: Record<string, BytesLike> | Map<string, BytesLike>, headerName?: string): EcgRecord;
  readCsv(text: string | BytesLike, options?: CsvOptions): EcgRecord;
  /**
   * An EDF, EDF+ (EDF+C, EDF+D) or BDF file: the ECG leads at the fastest lead's rate (slower leads
   * interpolated; signals that are not ECG left out; EDF+D gaps as NaN), with `annotations`.
   */
  readEdf(bytes: BytesLike, options?: { name?: string }): EcgRecord;
  recordFromLeads(spec: LeadsSpec): EcgRecord;
  loadModel(bytes: BytesLike): EcgModel;
  /** The model shipped in the package (models/student-int8.ecgm). */
  loadDefaultModel(): Promise<EcgModel>;
  /** Classifies a record; `{ explain: true }` adds where each class comes from (`explanation`). */
  classify(model: EcgModel, record: EcgRecord, options?: ClassifyOptions): ClassifyResult;
  /** The preprocessed network input of a record, for running the same network with another engine. */
  networkInput(model: EcgModel, record: EcgRecord): NetworkInput;
  /** EcgLite's own logits (runs x classes, row-major) for a networkInput(). */
  networkLogits(model: EcgModel, input: NetworkInput): Float32Array;
  /** Turns per-run logits from another engine into a result exactly as classify() does. */
  combine(model: EcgModel, input: NetworkInput, logits: Float32Array): ClassifyResult;
  /** The rhythm verdict (with a rhythmModel), beats, heart rate and its trend, S/V ectopy, pauses; reference
   * rhythm episodes when annotations are given. */
  rhythm(record: EcgRecord, options?: RhythmOptions): RhythmSummary;
  /** The same for a recording read in slices, in blocks with bounded memory; the same result. */
  rhythm(source: EcgSource, options?: StreamRhythmOptions): RhythmSummary;
  /** A WFDB record read in slices: its header (text or bytes) and the range files it names. */
  openWfdbSource(header: string | BytesLike, files: RangeFile[] | Map<string, RangeFile> | Record<string, RangeFile>, headerName?: string): EcgSource;
  /** An EDF/EDF+/BDF file read in slices. */
  openEdfSource(file: RangeFile): EcgSource;
  /** The record among range files: a WFDB header (.hea) with the files it names, or an EDF/BDF file. */
  openSource(files: RangeFile[] | Map<string, RangeFile> | Record<string, RangeFile>): EcgSource;
  /** The module's wasm memory now, in bytes (it only grows: also its peak). */
  readonly memoryBytes: number;
  /** The beat classifier shipped with the package (models/beats-int8.ecgm), when it is. */
  loadDefaultBeatModel(): Promise<EcgModel>;
  /** The rhythm model shipped in the package (models/rhythm-int8.ecgm), for rhythm()'s rhythmModel. */
  loadDefaultRhythmModel(): Promise<EcgModel>;
  /** Sorts dropped files into records and says what is missing. */
  groupFiles(files: Iterable<{ name: string; bytes: BytesLike }> | Map<string, BytesLike>): GroupedFiles;
  readGroup(group: FileGroup, csvOptions?: CsvOptions): EcgRecord;
}
