// Shared helpers of the Node tests: where things are, the native CLI (the reference the wasm module
// must agree with) and the built module. A test that needs something absent skips and says how to
// get it; the build-wasm step is what CI runs before `node --test tests/js/`.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DATA_DIR = process.env.ECGLITE_DATA_DIR || path.resolve(ROOT, '..', 'shared', 'data');
export const SAMPLES = path.join(ROOT, 'web', 'samples');
export const FIXTURES = path.join(ROOT, 'tests', 'fixtures');

// The native `ecglite`: $ECGLITE_CLI, else the most recently built build/ecglite or build/*/ecglite
// (a stale binary in another build directory must not become the reference).
export function findCli() {
  if (process.env.ECGLITE_CLI) return path.resolve(process.env.ECGLITE_CLI);
  const build = path.join(ROOT, 'build');
  const candidates = [path.join(build, 'ecglite')];
  if (existsSync(build)) {
    for (const dir of readdirSync(build, { withFileTypes: true }))
      if (dir.isDirectory()) candidates.push(path.join(build, dir.name, 'ecglite'));
  }
  const found = candidates.filter((c) => existsSync(c) && statSync(c).isFile());
  found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return found[0] ?? null;
}
export const CLI = findCli();
export const NO_CLI = CLI ? false : 'native ecglite not built (cmake -S . -B build/native && cmake --build build/native -j2, or set ECGLITE_CLI)';

/** Runs the native CLI; returns { status, stdout, stderr }. A leading { cwd } object sets its directory. */
export function cli(...args) {
  const options = typeof args[0] === 'object' ? args.shift() : {};
  const r = spawnSync(CLI, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI's message for a failing command, without the "ecglite CMD: " prefix. */
export function cliError(...args) {
  const r = cli(...args);
  if (r.status === 0) throw new Error(`expected ecglite ${args.join(' ')} to fail`);
  return r.stderr.trim().replace(/^ecglite [a-z-]+: /, '');
}

// What each front-end adds to the core's message for the kinds whose remedy is a flag or an option
// (cli/output.cpp, wasm/ecglite.mjs). For other kinds both print the core's message as it is.
export const CLI_ADVICE = {
  needs_rate: 'give the sampling rate with --rate HZ',
  wrong_model: "classify and eval take the 12-lead model and beats and rhythm a beat model, each with --model FILE; rhythm's verdict takes a rhythm model with --rhythm-model FILE",
};
export const JS_ADVICE = {
  needs_rate: "give the sampling rate with readCsv()'s samplingRate option",
  wrong_model: 'classify() takes the 12-lead model (loadDefaultModel()), rhythm() a beat model as its beatModel option (loadDefaultBeatModel()) and a rhythm model as its rhythmModel option (loadDefaultRhythmModel())',
};

/** The message the CLI prints for the failure the module threw as `error`: the same core words, its own advice. */
export function asCliMessage(error) {
  assert.equal(typeof error.kind, 'string', `no kind on: ${error.message}`);
  assert.equal(typeof error.reason, 'string', `no reason on: ${error.message}`);
  const js = JS_ADVICE[error.kind];
  assert.equal(error.message, js ? `${error.reason} (${js})` : error.reason, 'message = reason + the JS advice of its kind');
  return CLI_ADVICE[error.kind] ? `${error.reason} (${CLI_ADVICE[error.kind]})` : error.reason;
}

/** JSON output of a CLI command (status 1 is fine: `classify` reports failed records in its JSON). */
export function cliJson(...args) {
  const r = cli(...args);
  if (r.status !== 0 && r.status !== 1) throw new Error(`ecglite ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** `ecglite dump` output as rows of numbers (NaN for "-"). */
export function cliDump(...args) {
  const out = execFileSync(CLI, ['dump', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return out.trimEnd().split('\n').map((line) => line.split('\t').map((v) => (v === '-' ? NaN : Number(v))));
}

// The package as `npm pack` ships it: wasm/ecglite.mjs with the build outputs copied next to it.
export const PACKAGE_DIR = path.join(ROOT, 'wasm');
export const MODULE_BUILT = existsSync(path.join(PACKAGE_DIR, 'ecglite-core.wasm'));
export const NO_MODULE = MODULE_BUILT ? false : 'wasm module not built (run scripts/build-wasm)';
export const MODEL_PATH = path.join(PACKAGE_DIR, 'models', 'student-int8.ecgm');
export const NO_MODEL = existsSync(MODEL_PATH) ? false : 'no model in wasm/models (run scripts/build-wasm with a model)';

let instance = null;
export async function ecglite() {
  const mod = await import(pathToFileURL(path.join(PACKAGE_DIR, 'ecglite.mjs')).href);
  instance ??= await mod.createEcgLite();
  return instance;
}
export async function moduleExports() {
  return import(pathToFileURL(path.join(PACKAGE_DIR, 'ecglite.mjs')).href);
}

export const read = (file) => readFileSync(file);
export const hasData = (sub) => existsSync(path.join(DATA_DIR, sub));

/** Reads a WFDB record (path without extension) into the module, providing every file the header names. */
export function readWfdbRecord(ecg, recordPath) {
  const dir = path.dirname(recordPath);
  const header = read(`${recordPath}.hea`);
  const info = ecg.parseHeader(header);
  const files = {};
  const add = (name) => { if (existsSync(path.join(dir, name))) files[name] = read(path.join(dir, name)); };
  info.signalFiles.forEach(add);
  for (const seg of info.segments) {
    add(`${seg}.hea`);
    if (existsSync(path.join(dir, `${seg}.hea`))) ecg.parseHeader(read(path.join(dir, `${seg}.hea`))).signalFiles.forEach(add);
  }
  return ecg.readWfdb(header, files, `${path.basename(recordPath)}.hea`);
}

/** Largest absolute difference between two equal-length numeric sequences (NaN must match NaN). */
export function maxAbsDiff(a, b) {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) {
      if (!(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return Infinity;
      continue;
    }
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst;
}

/**
 * A synthetic single-lead recording of `minutes` at 200 Hz as CSV (time,II): QRS-like spikes at
 * RR intervals cycling through 760, 840, 800 ms (a long recording for the Holter summary that needs
 * no data set). Written to `file`; returns it.
 */
export function writeSyntheticLongRecord(file, minutes = 12) {
  const fs = 200, n = Math.round(minutes * 60 * fs), rr = [152, 168, 160];
  const spike = new Float64Array(n);
  for (let s = 100, k = 0; s < n; s += rr[k++ % rr.length])
    for (let d = -6; d <= 6; d++) if (s + d < n) spike[s + d] = Math.exp(-(((d / fs) / 0.012) ** 2));
  const lines = ['time,II'];
  for (let i = 0; i < n; i++) lines.push(`${(i / fs).toFixed(3)},${(spike[i] + 0.01 * Math.sin(7 * i)).toFixed(5)}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

// One synthetic lead of `n` samples at `rate` Hz, in mV: QRS- and T-like waves at RR intervals cycling
// through 95 %, 105 % and 100 % of a base that goes from 800 to 900 ms over the recording.
function syntheticLead(n, rate) {
  const lead = new Float32Array(n);
  const wave = (centre, width, height) => {
    const reach = Math.ceil(3 * width * rate);
    for (let d = -reach; d <= reach; d++) {
      const i = centre + d;
      if (i >= 0 && i < n) lead[i] += height * Math.exp(-(((d / rate) / width) ** 2));
    }
  };
  const pattern = [0.95, 1.05, 1];
  for (let s = Math.round(0.3 * rate), k = 0; s < n; k++) {
    wave(s, 0.012, 1.2);
    wave(s + Math.round(0.25 * rate), 0.04, 0.25);
    const base = 0.8 + 0.1 * (s / n);
    s += Math.round(pattern[k % pattern.length] * base * rate);
  }
  return lead;
}

/**
 * A synthetic WFDB Holter-style record of `hours` (2 leads, MLII and V5, `rate` Hz, format 16 or
 * 212, checksums and initial values right): QRS- and T-like waves at RR intervals cycling through
 * 95 %, 105 % and 100 % of a base that goes from 800 to 900 ms over the recording, so that hours
 * differ. `leads` (format 16 only): other lead names, e.g. the 12 standard leads, each the same waves
 * scaled; `baseTime`: the record line's base time and date ("23:30:00 31/12/2023"). Writes
 * DIR/NAME.hea and NAME.dat; returns the header's path. A long record for the sliced-reading path
 * that needs no data set.
 */
export function writeSyntheticHolter(dir, { name = 'holter', hours = 2.5, rate = 360, format = 212, leads = null, baseTime = '' } = {}) {
  const n = Math.round(hours * 3600 * rate);
  const gain = 200;  // adu per mV
  const lead = syntheticLead(n, rate);
  const adu = (v) => Math.max(-2048, Math.min(2047, Math.round(v * gain)));
  const names = leads ?? ['MLII', 'V5'];
  if (leads && format !== 16) throw new Error('writeSyntheticHolter: other leads only in format 16');
  const signals = leads
    ? leads.map((_, k) => (i) => adu((0.5 + 0.1 * k) * lead[i] + 0.01 * Math.sin(0.7 * i + k)))
    : [(i) => adu(lead[i] + 0.01 * Math.sin(0.7 * i)), (i) => adu(0.6 * lead[i] - 0.01 * Math.cos(0.3 * i))];
  const bytes = Buffer.alloc(format === 212 ? n * 3 : n * 2 * signals.length);
  const checksums = signals.map(() => 0);
  for (let i = 0; i < n; i++) {
    const v = signals.map((f) => f(i));
    v.forEach((x, k) => { checksums[k] += x; });
    if (format === 212) {
      const [a, b] = v;
      bytes[3 * i] = a & 0xff;
      bytes[3 * i + 1] = ((a >> 8) & 0x0f) | (((b >> 8) & 0x0f) << 4);
      bytes[3 * i + 2] = b & 0xff;
    } else {
      v.forEach((x, k) => bytes.writeInt16LE(x, 2 * (i * v.length + k)));
    }
  }
  const int16 = (v) => ((v & 0xffff) << 16) >> 16;
  const line = (k, desc) => `${name}.dat ${format} ${gain} 12 0 ${signals[k](0)} ${int16(checksums[k])} 0 ${desc}`;
  writeFileSync(path.join(dir, `${name}.dat`), bytes);
  const header = path.join(dir, `${name}.hea`);
  writeFileSync(header, `${name} ${signals.length} ${rate} ${n}${baseTime ? ` ${baseTime}` : ''}\n` +
    `${names.map((desc, k) => line(k, desc)).join('\n')}\n# synthetic: ${hours} h, format ${format}\n`);
  return header;
}

/**
 * A synthetic EDF+C file of `hours`: one lead (ECG II, `rate` Hz, uV) of writeSyntheticHolter()'s
 * waves in data records of 1 s, an `EDF Annotations` signal of `annotationBytes` per data record (its
 * time-keeping TAL, then `annotations` [{ onset, duration?, text }] in the data record of their onset),
 * and the start `date` (dd.mm.yy), `time` (hh.mm.ss) and EDF+ recording field `recording`. Returns
 * the file's path. Large annotation signals make a large file of a short analysis.
 */
export function writeSyntheticEdf(file, { hours = 1, rate = 100, annotations = [], annotationBytes = 120,
  date = '01.01.24', time = '10.00.00', recording = 'Startdate 01-JAN-2024 X X ecglite-test' } = {}) {
  const records = Math.round(hours * 3600);
  const lead = syntheticLead(records * rate, rate);
  const field = (v, width) => String(v).slice(0, width).padEnd(width, ' ');
  const spr = [rate, Math.ceil(annotationBytes / 2)];
  let h = field('0', 8) + field('X X X X', 80) + field(recording, 80) + field(date, 8) + field(time, 8) +
    field(256 * 3, 8) + field('EDF+C', 44) + field(records, 8) + field(1, 8) + field(2, 4);
  const each = (values, width) => values.map((v) => field(v, width)).join('');
  h += each(['ECG II', 'EDF Annotations'], 16) + each(['', ''], 80) + each(['uV', ''], 8) + each([-3276.8, -1], 8) +
    each([3276.7, 1], 8) + each([-32768, -32768], 8) + each([32767, 32767], 8) + each(['', ''], 80) + each(spr, 8) + each(['', ''], 32);
  const recordBytes = 2 * (spr[0] + spr[1]);
  const out = Buffer.alloc(h.length + records * recordBytes);
  out.write(h, 0, 'latin1');
  for (let k = 0; k < records; k++) {
    const at = h.length + k * recordBytes;
    for (let j = 0; j < rate; j++) out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(lead[k * rate + j] * 10000))), at + 2 * j);
    let tal = `+${k}\x14\x14\0`;
    for (const a of annotations.filter((x) => Math.floor(x.onset) === k))
      tal += `+${a.onset}${a.duration == null ? '' : `\x15${a.duration}`}\x14${a.text}\x14\0`;
    out.write(tal, at + 2 * spr[0], 'latin1');
  }
  writeFileSync(file, out);
  return file;
}
