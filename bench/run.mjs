#!/usr/bin/env node
// EcgLite benchmark: our wasm engine against ONNX Runtime Web 1.30 (wasm-only build, SIMD, one
// thread) on the same student network and the same input windows, in Node and in headless
// Chromium; the SIMD128 peak of this machine; native throughput of `ecglite classify`.
// Writes docs/BENCHMARKS.md; --json prints one JSON object on stdout. Entry point: scripts/bench.
// Everything here reports; nothing asserts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { measureBatch } from './batch.mjs';
import { measureHolterPage } from './holter-page.mjs';
import { holterNativeSummary, measureHolterNative } from './holter-native.mjs';
import { measureLatency, measureRhythm, measureSimdPeak, stats } from './measure.mjs';
import { measureNative } from './native.mjs';
import { nodeEnv, ROOT } from './node-env.mjs';
import { renderMarkdown, renderText } from './report.mjs';

const USAGE = `usage: scripts/bench [--json] [--quick] [options]

Measures, in Node and in headless Chromium, our wasm engine (int8 and fp32) against ONNX Runtime
Web (wasm, SIMD, 1 thread) on the same model and record; start-up; download size; wasm memory; the
SIMD128 peak; native records/s; rhythm() on a long and a 30 s recording; the page's batch table
with 2,000 records. Writes docs/BENCHMARKS.md.
Progress goes to stderr.

  --json                 print one JSON object on stdout (ours_int8_ms, ort_ms, latency_ratio, ...)
  --quick                fewer repetitions and records (under a minute)
  --model-int8 FILE      .ecgm int8  (default models/student-int8.ecgm)
  --model-fp32 FILE      .ecgm fp32  (default models/student-fp32.ecgm)
  --onnx-int8 FILE       QDQ .onnx   (default models/student-int8.onnx)
  --onnx-fp32 FILE       fp32 .onnx  (default models/student-fp32.onnx)
                         (when a default model is missing, the four tests/fixtures/model/tiny-*
                          files stand in, and the report says so)
  --wasm-dir DIR         where ecglite.mjs + ecglite-core.{mjs,wasm} are (default web/, from
                         scripts/build-wasm)
  --ecglite FILE         native CLI (default build/native/ecglite, else build/main/ecglite)
  --records-dir DIR      PTB-XL records for the native run (default ../shared/data/ptbxl/records100)
  --native-records N     records for the native run (default all; --quick 300)
  --long-record PATH     WFDB record (header path without .hea) for the long-recording run: read +
                         rhythm() with the beat classifier, and with the rhythm model too (default
                         ../shared/data/mitdb/208, 30 min, 2 leads; skipped with a note when absent)
  --rhythm-model FILE    rhythm model for rhythm()'s verdict: the 30 s single-lead run (read +
                         rhythm() of tests/fixtures/rhythm/A00004, CinC 2017, 300 Hz) and the long
                         recording's second pass (default models/rhythm-int8.ecgm; without it those
                         rows say "not measured: no rhythm model")
  --batch-records N      records dropped at once on the page for the batch measurement (default 2000;
                         --quick 300): total time and the longest main-thread task (bench/batch.mjs)
  --batch-dir DIR        where those records come from (default: /work/data/ptbxl-full/records100,
                         else ../shared/data/ptbxl/records100, else ../shared/data/ptbxl-raw; with fewer
                         records than asked they are repeated under new names, and the report says so)
  --runs N --warmup N    timed runs / warm-up runs per configuration (default 200 / 20; --quick 40 / 5)
  --startups N           cold start-ups per engine (default 15; --quick 2)
  --holter-record FILE   the 24-hour recording dropped on the page (header; default work-cache/long/mitdb24h.hea,
                         from scripts/make-long-record --mitdb ../shared/data/mitdb; skipped with a note when
                         absent): drop to Holter summary, peak wasm memory, jump to an hour (bench/holter-page.mjs)
  --no-holter-native     skip ecglite rhythm on the 24-hour and 14-day records (bench/holter-native.mjs; made
                         in work-cache/long/ by scripts/make-long-record when ../shared/data/mitdb is present)
  --no-browser --no-node --no-native --no-batch --no-holter-page   skip a part
  --out FILE             the report (default docs/BENCHMARKS.md; "-" for none)`;

// --- options -------------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { json: false, quick: false, browser: true, node: true, native: true, batch: true, holterPage: true, holterNative: true };
  const value = (i) => {
    if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value (see scripts/bench --help)`);
    return argv[i + 1];
  };
  const names = {
    '--model-int8': 'modelInt8', '--model-fp32': 'modelFp32', '--onnx-int8': 'onnxInt8', '--onnx-fp32': 'onnxFp32',
    '--wasm-dir': 'wasmDir', '--ecglite': 'ecglite', '--records-dir': 'recordsDir', '--native-records': 'nativeRecords',
    '--long-record': 'longRecord', '--rhythm-model': 'rhythmModel', '--batch-records': 'batchRecords', '--batch-dir': 'batchDir',
    '--runs': 'runs', '--warmup': 'warmup', '--startups': 'startups', '--out': 'out', '--holter-record': 'holterRecord',
  };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a === '--json') o.json = true;
    else if (a === '--quick') o.quick = true;
    else if (a === '--no-browser') o.browser = false;
    else if (a === '--no-node') o.node = false;
    else if (a === '--no-native') o.native = false;
    else if (a === '--no-batch') o.batch = false;
    else if (a === '--no-holter-page') o.holterPage = false;
    else if (a === '--no-holter-native') o.holterNative = false;
    else if (names[a]) o[names[a]] = value(i++);
    else throw new Error(`unknown option ${a} (see scripts/bench --help)`);
  }
  const int = (v, name) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} expects a positive whole number, not ${v}`);
    return n;
  };
  o.runs = o.runs ? int(o.runs, '--runs') : o.quick ? 40 : 200;
  o.warmup = o.warmup ? int(o.warmup, '--warmup') : o.quick ? 5 : 20;
  o.startups = o.startups ? int(o.startups, '--startups') : o.quick ? 2 : 15;
  o.nativeRecords = o.nativeRecords ? int(o.nativeRecords, '--native-records') : o.quick ? 300 : Infinity;
  o.batchRecords = o.batchRecords ? int(o.batchRecords, '--batch-records') : o.quick ? 300 : 2000;
  o.out = o.out ?? path.join(ROOT, 'docs', 'BENCHMARKS.md');
  return o;
}

const log = (...a) => console.error('bench:', ...a);
const rel = (p) => path.relative(ROOT, path.resolve(ROOT, p)).split(path.sep).join('/');
const fileOk = (p) => existsSync(p) && statSync(p).isFile();

function chooseModels(o) {
  const wanted = {
    int8: o.modelInt8 ?? 'models/student-int8.ecgm', fp32: o.modelFp32 ?? 'models/student-fp32.ecgm',
    onnxInt8: o.onnxInt8 ?? 'models/student-int8.onnx', onnxFp32: o.onnxFp32 ?? 'models/student-fp32.onnx',
  };
  const given = o.modelInt8 || o.modelFp32 || o.onnxInt8 || o.onnxFp32;
  const missing = Object.values(wanted).filter((p) => !fileOk(path.resolve(ROOT, p)));
  if (!missing.length) return { paths: Object.fromEntries(Object.entries(wanted).map(([k, p]) => [k, rel(p)])), source: 'given' };
  if (given) throw new Error(`model file(s) not found: ${missing.join(', ')}`);
  const fixture = {
    int8: 'tests/fixtures/model/tiny-int8.ecgm', fp32: 'tests/fixtures/model/tiny-fp32.ecgm',
    onnxInt8: 'tests/fixtures/model/tiny-int8.onnx', onnxFp32: 'tests/fixtures/model/tiny-fp32.onnx',
  };
  log(`${missing.join(', ')} not found: using the test fixture models (tests/fixtures/model/tiny-*)`);
  return { paths: fixture, source: 'fixture', missing };
}

// --- the SIMD-peak micro-benchmark module ---------------------------------------------------------

const SIMD_EXPORTS = ['_init', '_depth', '_int8_4x2', '_int8_3x3', '_int8_2x4', '_int8_4x3', '_f32_4x2', '_f32_3x3', '_f32_2x4'];

function buildSimdPeak(buildDir) {
  const src = path.join(ROOT, 'bench', 'simd_peak.cpp');
  const out = path.join(buildDir, 'simd-peak.mjs');
  const wasm = path.join(buildDir, 'simd-peak.wasm');
  const flags = ['-O3', '-msimd128', '-std=c++17'];
  const stamp = path.join(buildDir, 'simd-peak.flags');
  const key = JSON.stringify([flags, SIMD_EXPORTS]);
  const fresh = fileOk(wasm) && fileOk(out) && statSync(wasm).mtimeMs > statSync(src).mtimeMs &&
    fileOk(stamp) && readFileSync(stamp, 'utf8') === key;
  if (!fresh) {
    mkdirSync(buildDir, { recursive: true });
    log('compiling bench/simd_peak.cpp with em++', flags.join(' '));
    const r = spawnSync('em++', [...flags, src, '-o', out, '-sMODULARIZE=1', '-sEXPORT_ES6=1', '-sENVIRONMENT=web,worker',
      '-sEXPORT_NAME=createSimdPeak', '-sFILESYSTEM=0', `-sEXPORTED_FUNCTIONS=${SIMD_EXPORTS.join(',')}`],
    { env: { ...process.env, NODE_PATH: process.env.NODE_PATH || '/usr/share/nodejs' }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`em++ failed on bench/simd_peak.cpp (is emscripten installed?):\n${r.stderr || r.error}`);
    writeFileSync(stamp, key);
  }
  return { module: rel(out), wasm: rel(wasm), flags: `em++ ${flags.join(' ')}` };
}

// --- sizes ----------------------------------------------------------------------------------------

function sizes(files) {
  const list = files.map((f) => {
    const bytes = readFileSync(path.resolve(ROOT, f));
    return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  return { files: list, raw: list.reduce((a, f) => a + f.raw, 0), gzip: list.reduce((a, f) => a + f.gzip, 0) };
}

// --- Node ---------------------------------------------------------------------------------------

// Fresh processes, alternating between the engines (both see the same drift of the machine).
function nodeStartups(cfg, count) {
  const samples = { ours: [], ort_int8: [] };
  for (let i = 0; i < count; ++i) {
    for (const engine of ['ours', 'ort_int8']) {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'startup-node.mjs'), engine, JSON.stringify(cfg)],
        { cwd: ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`start-up run of ${engine} failed:\n${r.stderr}`);
      samples[engine].push(JSON.parse(r.stdout.trim().split('\n').pop()));
    }
  }
  return { ours: summarizeStartups(samples.ours), ort: summarizeStartups(samples.ort_int8) };
}

function summarizeStartups(samples) {
  return {
    startup_ms: stats(samples.map((s) => s.startup_ms)),
    first_inference_ms: stats(samples.map((s) => s.first_inference_ms)),
    samples,
  };
}

// The rhythm() runs of one runtime, { long, verdict } (null where not measured); measure(spec, files).
async function measureRhythmRecords(runtime, recordings, measure) {
  const out = {};
  for (const [key, { spec, files }] of Object.entries(recordings)) {
    if (files) log(`${runtime}: ${spec.label} ${spec.name} (${spec.runs} timed runs)`);
    out[key] = files ? await measure(spec, files) : null;
  }
  return out;
}

async function runNode(cfg, o, recordings) {
  const env = nodeEnv(cfg);
  // first, so that the first rhythm() pass finds the wasm as a page's first recording does
  const rhythm = await measureRhythmRecords('Node', recordings, (spec, files) => measureRhythm(env, spec, files));
  log('Node: SIMD peak');
  const peak = await measureSimdPeak(env, cfg.peak);
  log(`Node: latency (${o.warmup} warm-up + ${o.runs} timed runs per configuration)`);
  const latency = await measureLatency(env, { ...cfg, peakKernel: peak.int8_gmacs.kernel });
  log(`Node: start-up (${o.startups} fresh processes per engine)`);
  const startup = nodeStartups(cfg, o.startups);
  return { runtime: `Node ${process.versions.node} (V8 ${process.versions.v8})`, peak, latency, startup, ...rhythm };
}

// --- Chromium -------------------------------------------------------------------------------------

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function openPage(browser, url, fetched) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (fetched) {
    page.on('requestfinished', async (request) => {
      try {
        const s = await request.sizes();
        fetched.push({ url: new URL(request.url()).pathname, bytes: s.responseBodySize });
      } catch { /* the page may be closing */ }
    });
  }
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => window.ecgBenchReady === true, null, { timeout: 30000 }).catch(() => {
    throw new Error(`the bench page did not load: ${errors.join('; ') || 'no error reported'}`);
  });
  return { context, page };
}

async function runChromium(cfg, o, recordings) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Error('playwright-core is not installed (npm ci)');
  }
  const { startServer } = await import('../scripts/serve.mjs');
  const server = await startServer({ root: ROOT, port: 0 });
  let browser;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
    const url = `${server.url}bench/page.html`;
    const { context, page } = await openPage(browser, url);
    const info = await page.evaluate(() => window.ecgBench.info());
    // First, as in Node. The records' bytes travel as base64 (the bench server only serves the repository).
    const rhythm = await measureRhythmRecords('Chromium', recordings, (spec, files) => page.evaluate(
      ([c, s, f]) => window.ecgBench.rhythm(c, s, f),
      [cfg, spec, { header: base64(files.header), signals: Object.fromEntries(Object.entries(files.signals).map(([n, b]) => [n, base64(b)])) }]));
    log('Chromium: SIMD peak');
    const peak = await page.evaluate((c) => window.ecgBench.simdPeak(c), cfg);
    log(`Chromium: latency (${o.warmup} warm-up + ${o.runs} timed runs per configuration)`);
    const latency = await page.evaluate((c) => window.ecgBench.latency(c), { ...cfg, peakKernel: peak.int8_gmacs.kernel });
    await context.close();

    log(`Chromium: start-up (${o.startups} fresh browser contexts per engine)`);
    const samples = { ours: [], ort_int8: [] };
    const fetched = {};
    for (let i = 0; i < o.startups; ++i) {
      for (const engine of ['ours', 'ort_int8']) {  // alternating: both see the same drift of the machine
        const files = [];
        const p = await openPage(browser, url, i === 0 ? files : null);
        samples[engine].push(await p.page.evaluate(([e, c]) => window.ecgBench.startup(e, c), [engine, cfg]));
        await p.context.close();
        // what the engine itself needs (not the harness page, not the record read after the clock stops)
        if (i === 0) fetched[engine] = files.filter((f) => !f.url.startsWith('/bench/') && !f.url.startsWith('/web/samples/'));
      }
    }
    const startup = { ours: summarizeStartups(samples.ours), ort: summarizeStartups(samples.ort_int8) };
    return { runtime: `Chromium ${browser.version()}`, info, peak, latency, startup, fetched, ...rhythm };
  } finally {
    await browser?.close();
    await server.close();
  }
}

// measure(browser, url) on the page itself (web/, as scripts/build-wasm leaves it), served and in
// a fresh Chromium.
async function onThePage(measure) {
  const { chromium } = await import('playwright-core');
  const { startServer } = await import('../scripts/serve.mjs');
  const server = await startServer({ root: path.join(ROOT, 'web'), port: 0 });
  let browser;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
    return await measure(browser, server.url);
  } finally {
    await browser?.close();
    await server.close();
  }
}

// Many records dropped at once.
const runBatch = (o) => onThePage((browser, url) => measureBatch(browser, url, { count: o.batchRecords, batchDir: o.batchDir, log }));

// --- issue 16, browser: a 24-hour recording on the page (bench/holter-page.mjs) -------------------

const runHolterPage = (o) => onThePage((browser, url) =>
  measureHolterPage(browser, url, { record: o.holterRecord, runs: o.quick ? 1 : 3, log }));

// The summary's fields of that measurement (null when not measured).
function holterPageSummary(h) {
  const measured = h && !h.skipped;
  return {
    holter_page_record: measured ? h.record : null,
    holter_page_summary_s: measured ? h.summary_s : null,
    holter_page_peak_wasm_mb: measured ? h.peak_wasm_mb : null,
    holter_page_jump_max_ms: measured ? h.jump_max_ms : null,
    holter_page_skipped: h?.skipped ?? (h ? null : 'not run (--no-holter-page or --no-browser)'),
  };
}

// --- end of issue 16, browser ----------------------------------------------------------------------

// --- figures ----------------------------------------------------------------------------------------

// The comparison figures of one runtime (medians; p10 alongside as a low-noise view).
function figures(r, q = 'median') {
  const t = r.latency.times;
  const ort = t.ort_int8_infer[q] <= t.ort_fp32_infer[q] ? 'int8' : 'fp32';
  const macs = r.latency.macs_per_window.int8 * r.latency.inferences_per_record;
  const key = r.latency.record_info[0].key;
  const achieved = macs / t.ours_int8_infer[q] / 1e6;
  // the peak kernel timed in the same interleaved rounds (same machine state); else the separate run
  const sp = r.latency.simd_peak;
  const peak = sp ? (q === 'p10' ? sp.gmacs_p10 : sp.gmacs) : r.peak.int8_gmacs.g_per_s;
  const pair = (b, a) => r.latency.paired?.[`${b}/${a}`]?.median ?? null;
  // paired (alternating calls, median of per-pair ratios): the steadier estimate on a drifting machine
  const peakPaired = sp ? pair('simd_peak_int8', 'ours_int8_infer') : null;
  const fractionPaired = peakPaired != null ? (peakPaired * macs) / sp.macs_per_call : null;
  return {
    ours_int8_ms: t.ours_int8_infer[q],
    ours_fp32_ms: t.ours_fp32_infer[q],
    ort_fp32_ms: t.ort_fp32_infer[q],
    ort_int8_ms: t.ort_int8_infer[q],
    ort_ms: t[`ort_${ort}_infer`][q],
    ort_best: ort,
    latency_ratio: t[`ort_${ort}_infer`][q] / t.ours_int8_infer[q],
    ours_record_ms: t[`ours_int8_record_${key}`][q],
    ort_record_ms: t[`ort_${ort}_record_${key}`][q],
    record_ratio: t[`ort_${ort}_infer`][q] / t[`ours_int8_record_${key}`][q],
    achieved_gmacs: achieved,
    simd_peak_gmacs: peak,
    // headline: the paired estimate when there is one (medians: the fraction of the two medians)
    simd_peak_fraction: q === 'median' && fractionPaired != null ? fractionPaired : achieved / peak,
    simd_peak_fraction_of_medians: achieved / peak,
    simd_peak_fraction_paired: fractionPaired,
    startup_ours_ms: r.startup.ours.startup_ms[q],
    startup_ort_ms: r.startup.ort.startup_ms[q],
    startup_ratio: r.startup.ort.startup_ms[q] / r.startup.ours.startup_ms[q],
    memory_ours_bytes: r.latency.memory_bytes.ours,
    memory_ort_bytes: r.latency.memory_bytes.ort,
  };
}

export const TARGETS = {
  latency_ratio: 1.25, simd_peak_fraction: 0.7, record_ratio: 1.0, startup_ratio: 10, download_bytes_gz: 400000, long_record_ms: 2000,
  rhythm_verdict_ms: 50, batch_longest_task_ms: 200,
};

function loadAverage() {
  const [a1, a5] = os.loadavg();
  return { one: a1, five: a5 };
}

const base64 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

// The records that rhythm() runs on, read here once so that both runtimes get the same bytes:
// { long, verdict }, each { spec, files }. spec goes into cfg (copied into every page and process),
// files only where they are measured. Without the record or a model: spec.skipped says why, files is null.
function loadRhythmRecords(o) {
  const beatModel = 'models/beats-int8.ecgm';
  const rhythmModel = rel(o.rhythmModel ?? 'models/rhythm-int8.ecgm');
  const haveRhythmModel = fileOk(path.join(ROOT, rhythmModel));
  if (o.rhythmModel && !haveRhythmModel) throw new Error(`rhythm model not found: ${o.rhythmModel}`);
  const noRhythmModel = `no rhythm model (${rhythmModel} not found; --rhythm-model FILE)`;
  const load = (base, spec, hint) => {
    if (spec.skipped) return { spec, files: null };
    if (!fileOk(path.join(ROOT, spec.beatModel))) return { spec: { ...spec, skipped: `${spec.beatModel} not found` }, files: null };
    if (!fileOk(`${base}.hea`)) return { spec: { ...spec, skipped: `${base}.hea not found${hint}` }, files: null };
    // Its signal files as the page pairs them: same name, .dat or .mat (readWfdb names what is missing).
    const signals = {};
    for (const ext of ['dat', 'mat']) if (fileOk(`${base}.${ext}`)) signals[`${spec.name}.${ext}`] = new Uint8Array(readFileSync(`${base}.${ext}`));
    return { spec, files: { header: new Uint8Array(readFileSync(`${base}.hea`)), signals } };
  };
  const longBase = path.resolve(ROOT, o.longRecord ?? '../shared/data/mitdb/208').replace(/\.hea$/, '');
  const verdictBase = path.join(ROOT, 'tests/fixtures/rhythm/A00004');
  return {  // the 30 s record first: its warm-up pass is then the first rhythm() in the process or page
    verdict: load(verdictBase, { label: '30 s rhythm verdict', name: path.basename(verdictBase), beatModel, rhythmModel,
      runs: o.quick ? 20 : 50, ...(haveRhythmModel ? {} : { skipped: noRhythmModel }) }, ''),
    long: load(longBase, { label: 'long recording', name: path.basename(longBase), beatModel,
      rhythmModel: haveRhythmModel ? rhythmModel : null, runs: o.quick ? 2 : 5 }, ' (--long-record PATH)'),
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const t0 = performance.now();
  const load = { start: loadAverage() };
  const models = chooseModels(o);
  const wasmDir = rel(o.wasmDir ?? 'web');
  // ecglite.mjs imports files.mjs (file grouping): both are part of what a page downloads
  const ourFiles = ['ecglite.mjs', 'files.mjs', 'ecglite-core.mjs', 'ecglite-core.wasm'];
  for (const f of ourFiles)
    if (!fileOk(path.join(ROOT, wasmDir, f))) throw new Error(`${wasmDir}/${f} not found (run scripts/build-wasm first)`);
  const ortDir = 'node_modules/onnxruntime-web/dist';
  const ortFiles = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'].map((f) => `${ortDir}/${f}`);
  for (const f of ortFiles) if (!fileOk(path.join(ROOT, f))) throw new Error(`${f} not found (npm ci installs onnxruntime-web)`);
  const ortVersion = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/onnxruntime-web/package.json'), 'utf8')).version;

  const buildDir = process.env.ECGLITE_BENCH_BUILD_DIR || path.join(ROOT, 'build', 'bench');
  const simdPeak = buildSimdPeak(buildDir);
  const recordings = loadRhythmRecords(o);
  const cfg = {
    ours: { module: `${wasmDir}/ecglite.mjs` },
    ort: { module: `${ortDir}/ort.wasm.min.mjs`, dir: `${ortDir}/` },
    simdPeak,
    models: models.paths,
    records: [
      { key: '100hz', header: 'web/samples/00001_lr.hea', files: ['web/samples/00001_lr.dat'] },
      { key: '500hz', header: 'web/samples/HR06001.hea', files: ['web/samples/HR06001.mat'] },
    ],
    warmup: o.warmup,
    runs: o.runs,
    block: Math.min(20, o.runs),
    peak: { calls: o.quick ? 30 : 100, targetMs: 1 },
    inputDims: null,
    longRecord: recordings.long.spec,
    rhythmVerdict: recordings.verdict.spec,
  };
  for (const { spec } of Object.values(recordings)) if (spec.skipped) log(`${spec.label}: not measured: ${spec.skipped}`);

  const downloads = {
    ours: sizes([...ourFiles.map((f) => `${wasmDir}/${f}`), models.paths.int8]),
    ours_fp32: sizes([...ourFiles.map((f) => `${wasmDir}/${f}`), models.paths.fp32]),
    ort: sizes([...ortFiles, models.paths.onnxInt8]),
    ort_fp32: sizes([...ortFiles, models.paths.onnxFp32]),
  };

  const result = { date: started.toISOString(), quick: o.quick, models, config: cfg, downloads, load };
  // The network input dimensions of the main record (ORT's first inference in the start-up runs).
  {
    const env = nodeEnv(cfg);
    const ecg = await env.createOurs(await env.importOurs());
    const model = ecg.loadModel(await env.bytes(cfg.models.int8));
    const spec = cfg.records[0];
    const files = Object.fromEntries(await Promise.all(spec.files.map(async (f) => [path.basename(f), await env.bytes(f)])));
    cfg.inputDims = ecg.networkInput(model, ecg.readWfdb(await env.bytes(spec.header), files)).dims;
    result.model_info = { int8: model.info, fp32: ecg.loadModel(await env.bytes(cfg.models.fp32)).info };
  }
  if (o.node) result.node = await runNode(cfg, o, recordings);
  if (o.browser) {
    try {
      result.chromium = await runChromium(cfg, o, recordings);
    } catch (e) {
      // Node figures are still worth a report; say why the browser ones are missing.
      result.chromium_error = e.message.split('\n')[0];
      log(`Chromium: not measured: ${result.chromium_error}`);
    }
  }
  if (o.browser && o.batch) {
    try {
      result.batch = await runBatch(o);
    } catch (e) {
      result.batch = { skipped: e.message.split('\n')[0] };
      log(`batch: not measured: ${result.batch.skipped}`);
    }
  }
  // issue 16, browser: the 24-hour recording on the page.
  if (o.browser && o.holterPage) {
    try {
      result.holter_page = await runHolterPage(o);
    } catch (e) {
      result.holter_page = { skipped: e.message.split('\n')[0] };
    }
    if (result.holter_page.skipped) log(`holter page: not measured: ${result.holter_page.skipped}`);
  }
  if (o.native) {
    const ecglite = o.ecglite ? path.resolve(o.ecglite)
      : ['build/native/ecglite', 'build/main/ecglite'].map((p) => path.join(ROOT, p)).find(fileOk);
    const recordsDir = path.resolve(ROOT, o.recordsDir ?? '../shared/data/ptbxl/records100');
    if (!ecglite || !fileOk(ecglite)) {
      result.native = { skipped: 'native ecglite not built (scripts/build --native-only, or --ecglite FILE)' };
    } else if (!existsSync(recordsDir)) {
      result.native = { skipped: `${recordsDir} not found (--records-dir DIR)` };
    } else {
      log(`native: ecglite classify over ${Number.isFinite(o.nativeRecords) ? o.nativeRecords : 'all'} records`);
      result.native = await measureNative({ ecglite: rel(ecglite), model: path.resolve(ROOT, models.paths.int8), recordsDir, limit: o.nativeRecords });
      result.native.model = models.paths.int8;
      result.native.records_dir = recordsDir;
    }
    if (result.native.skipped) log(`native: skipped: ${result.native.skipped}`);
  }
  // --- issue 16, native: `ecglite rhythm` on 24-hour and 14-day recordings (bench/holter-native.mjs) ---
  if (o.native && o.holterNative) {
    const ecglite = o.ecglite ? path.resolve(o.ecglite)
      : ['build/native/ecglite', 'build/main/ecglite'].map((p) => path.join(ROOT, p)).find(fileOk);
    try {
      result.holter_native = !ecglite ? { skipped: 'native ecglite not built (scripts/build --native-only)' }
        : measureHolterNative({ ecglite, root: ROOT, mitdb: path.resolve(ROOT, '../shared/data/mitdb'),
          longDir: path.join(ROOT, 'work-cache/long'), quick: o.quick, log });
    } catch (e) {
      result.holter_native = { skipped: e.message.split('\n')[0] };
    }
    if (result.holter_native.skipped) log(`holter native: not measured: ${result.holter_native.skipped}`);
  }
  load.end = loadAverage();
  result.seconds = (performance.now() - t0) / 1000;
  result.machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memory_gb: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()}`, node: process.versions.node,
  };
  result.versions = { ecglite: result.node?.latency.ecglite_version ?? result.chromium?.latency.ecglite_version, onnxruntime_web: ortVersion };

  // Headline figures: Chromium (the product runs in browsers), Node nested.
  const main = result.chromium ?? result.node;
  const fig = main ? figures(main) : {};
  const summary = {
    runtime: main?.runtime ?? null,
    chromium_error: result.chromium_error,
    model_source: models.source,
    ours_int8_ms: fig.ours_int8_ms ?? null,
    ours_fp32_ms: fig.ours_fp32_ms ?? null,
    ort_ms: fig.ort_ms ?? null,
    ort_best: fig.ort_best ?? null,
    ort_fp32_ms: fig.ort_fp32_ms ?? null,
    ort_int8_ms: fig.ort_int8_ms ?? null,
    latency_ratio: fig.latency_ratio ?? null,
    ours_record_ms: fig.ours_record_ms ?? null,
    record_ratio: fig.record_ratio ?? null,
    achieved_gmacs: fig.achieved_gmacs ?? null,
    simd_peak_gmacs: fig.simd_peak_gmacs ?? null,
    simd_peak_fraction: fig.simd_peak_fraction ?? null,
    simd_peak_fraction_of_medians: fig.simd_peak_fraction_of_medians ?? null,
    startup_ours_ms: fig.startup_ours_ms ?? null,
    startup_ort_ms: fig.startup_ort_ms ?? null,
    startup_ratio: fig.startup_ratio ?? null,
    download_bytes_gz: downloads.ours.gzip,
    download_bytes_raw: downloads.ours.raw,
    ort_download_bytes_gz: downloads.ort.gzip,
    memory_ours_bytes: fig.memory_ours_bytes ?? null,
    memory_ort_bytes: fig.memory_ort_bytes ?? null,
    p10: main ? figures(main, 'p10') : null,
    long_record: cfg.longRecord.name,
    long_record_ms: main?.long?.total_ms.median ?? null,
    long_record_skipped: cfg.longRecord.skipped ?? null,
    long_record_with_rhythm_model_ms: main?.long?.with_rhythm_model?.total_ms.median ?? null,
    rhythm_verdict_record: cfg.rhythmVerdict.name,
    rhythm_verdict_ms: main?.verdict?.with_rhythm_model.total_ms.median ?? null,
    rhythm_verdict_first_ms: main?.verdict?.first_ms ?? null,
    rhythm_verdict_skipped: cfg.rhythmVerdict.skipped ?? null,
    batch_records: result.batch?.records ?? null,
    batch_source: result.batch?.source ?? null,
    batch_total_ms: result.batch?.total_ms ?? null,
    batch_longest_task_ms: result.batch?.longest_task_ms ?? null,
    batch_skipped: result.batch?.skipped ?? (result.batch ? null : 'not run (--no-batch or --no-browser)'),
  };
  Object.assign(summary, holterPageSummary(result.holter_page));  // issue 16, browser
  Object.assign(summary, holterNativeSummary(result.holter_native));  // issue 16, native
  if (result.chromium && result.node) summary.node = { runtime: result.node.runtime, ...figures(result.node), p10: figures(result.node, 'p10') };
  if (result.native && !result.native.skipped) {
    summary.native_records_per_s = result.native.all_cores.records_per_s;
    summary.native_records_per_s_1proc = result.native.single.records_per_s;
    summary.native_cpu_ms_per_record = result.native.all_cores.cpu_ms_per_record;
    summary.native_records_per_s_idle_estimate = (result.native.cores * 1000) / result.native.all_cores.cpu_ms_per_record;
  }
  summary.targets_met = {
    latency_ratio: summary.latency_ratio != null ? summary.latency_ratio >= TARGETS.latency_ratio : null,
    simd_peak_fraction: summary.simd_peak_fraction != null ? summary.simd_peak_fraction >= TARGETS.simd_peak_fraction : null,
    record_ratio: summary.record_ratio != null ? summary.record_ratio >= TARGETS.record_ratio : null,
    startup_ratio: summary.startup_ratio != null ? summary.startup_ratio >= TARGETS.startup_ratio : null,
    download_bytes_gz: summary.download_bytes_gz <= TARGETS.download_bytes_gz,
    long_record_ms: summary.long_record_ms != null ? summary.long_record_ms < TARGETS.long_record_ms : null,
    rhythm_verdict_ms: summary.rhythm_verdict_ms != null ? summary.rhythm_verdict_ms < TARGETS.rhythm_verdict_ms : null,
    batch_longest_task_ms: summary.batch_longest_task_ms != null ? summary.batch_longest_task_ms <= TARGETS.batch_longest_task_ms : null,
  };
  result.summary = summary;

  if (o.out !== '-') {
    writeFileSync(o.out, renderMarkdown(result, { figures, targets: TARGETS }));
    log(`wrote ${rel(o.out)} (${result.seconds.toFixed(0)} s)`);
  }
  if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else console.log(renderText(result));
}

// Exit explicitly: a stray handle (a browser that failed half-way) must not keep the bench alive.
main().then(() => process.exit(0), (e) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
