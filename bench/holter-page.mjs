// A 24-hour Holter recording on the page in Chromium (issue 16): the record handed to the page's file
// input (the drop path: intake.js openFiles; the 94 MB signal file goes to the worker as a File, read
// there in slices), timed from the input's change event to the Holter summary's table; the wasm
// memory's peak (the worker reports HEAPU8.buffer.byteLength, which only grows: the page keeps the
// largest in body[data-wasm-memory]); the page's main-thread tasks over 50 ms meanwhile; then a jump
// to each of several hours by its button in the hourly table, timed from the click to the paper
// drawn with that hour's samples (the worker decodes only that stretch). The record: the 48 MIT-BIH
// records joined (scripts/make-long-record --mitdb ../shared/data/mitdb --out work-cache/long: mitdb24h), or
// any WFDB header given. Used by run.mjs (scripts/bench); alone:
//   node bench/holter-page.mjs [--record FILE.hea] [--runs N]     one JSON object on stdout
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { onReadyPage } from './batch.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where scripts/make-long-record leaves the 24-hour record. */
export const LONG_RECORD_DIR = path.join(ROOT, 'work-cache', 'long');
/** Hours jumped to (from 1; those past the record's end are left out). */
const JUMP_HOURS = [2, 6, 12, 18, 24];

/** The header of the 24-hour record: `record` if given, else work-cache/long/mitdb24h.hea; null when absent. */
export function findHolterRecord(record) {
  const header = record ? path.resolve(record) : path.join(LONG_RECORD_DIR, 'mitdb24h.hea');
  return existsSync(header) ? header : null;
}

// The files a header names (single-segment records: its signal files).
function recordFiles(header) {
  const lines = readFileSync(header, 'latin1').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const dir = path.dirname(header);
  const signals = [...new Set(lines.slice(1).map((l) => l.trim().split(/\s+/)[0]))];
  return [header, ...signals.map((f) => path.join(dir, f))];
}

// Installed before the page's own scripts: long tasks, the change event, the summary's arrival.
function instrument() {
  window.__holter = { longTasks: [], changedAt: null, summaryAt: null, progressMessages: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__holter.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('change', () => { window.__holter.changedAt ??= performance.now(); }, true);
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(() => {
      const h = window.__holter;
      if (h.changedAt != null && h.summaryAt == null && document.getElementById('holter-hours')) h.summaryAt = performance.now();
    }).observe(document.body, { childList: true, subtree: true });
    new MutationObserver(() => { window.__holter.progressMessages++; })
      .observe(document.getElementById('progress'), { attributes: true, attributeFilter: ['value'] });
  });
}

// In the page: clicks hour `hour`'s button and resolves with the ms until the paper is drawn from a
// window holding that hour's first second (viewer.js sets data-window at the end of each draw).
function jumpToHour([hour, rate]) {
  return new Promise((resolve, reject) => {
    const canvas = document.querySelector('#scroller canvas');
    const frame = (hour - 1) * 3600 * rate;
    const holds = () => {
      const w = canvas.dataset.window?.split(' ').map(Number);
      return w && w[0] <= frame && frame < w[1];
    };
    const button = document.querySelector(`#holter-hours tbody tr:nth-child(${hour}) th button`);
    if (!button) { reject(new Error(`no button for hour ${hour}`)); return; }
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      if (!holds()) return;
      observer.disconnect();
      resolve(performance.now() - t0);
    });
    observer.observe(canvas, { attributes: true, attributeFilter: ['data-window'] });
    button.click();
    if (holds()) { observer.disconnect(); resolve(performance.now() - t0); }
    setTimeout(() => { observer.disconnect(); reject(new Error(`hour ${hour}: not drawn within 10 s`)); }, 10000);
  });
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[(s.length - 1) >> 1] : null; };

/**
 * One run on a fresh page of `url` (the EcgLite page) in `browser` (playwright-core): { record,
 * hours, frames, bytes, summary_s (change event to the hourly table), peak_wasm_mb, longest_task_ms,
 * long_tasks, progress_updates, jump_ms: { hour: ms } (click to drawn), jump_max_ms, jump_median_ms }.
 */
async function runOnce(browser, url, files, rate) {
  return onReadyPage(browser, url, instrument, async (page, errors) => {
    await page.setInputFiles('#file-input', files);
    await page.waitForSelector('#holter-hours', { timeout: 600000 });
    await page.waitForFunction(() => document.body.dataset.busy === 'false', null, { timeout: 60000 });
    const h = await page.evaluate(() => window.__holter);
    const summary = { rate, hours: await page.$$eval('#holter-hours tbody tr', (rows) => rows.length) };
    const during = h.longTasks.filter((t) => t.start >= h.changedAt && t.start <= h.summaryAt);
    const jump = {};
    for (const hour of JUMP_HOURS.filter((x) => x <= summary.hours)) jump[hour] = await page.evaluate(jumpToHour, [hour, summary.rate]);
    const peak = Number(await page.evaluate(() => document.body.dataset.wasmMemory || 0));
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    const jumps = Object.values(jump);
    return {
      hours: summary.hours,
      summary_s: (h.summaryAt - h.changedAt) / 1000,
      peak_wasm_mb: peak / 2 ** 20,
      longest_task_ms: during.reduce((m, t) => Math.max(m, t.duration), 0),
      long_tasks: during.length,
      progress_updates: h.progressMessages,
      jump_ms: jump,
      jump_max_ms: Math.max(...jumps),
      jump_median_ms: median(jumps),
    };
  });
}

/**
 * Runs the measurement `runs` times; `{ skipped }` when there is no 24-hour record. Returns the runs
 * and their medians (summary_s, peak_wasm_mb, jump_max_ms).
 */
export async function measureHolterPage(browser, url, { record, runs = 1, log = () => {} } = {}) {
  const header = findHolterRecord(record);
  if (!header) return { skipped: `no 24-hour record (scripts/make-long-record --mitdb ../shared/data/mitdb --out work-cache/long, or --holter-record FILE.hea)` };
  const files = recordFiles(header);
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) return { skipped: `${header}: missing ${missing.join(', ')}` };
  const first = readFileSync(header, 'latin1').split('\n')[0].trim().split(/\s+/);
  const info = { record: path.relative(ROOT, header), frames: Number(first[3]), rate: Number(first[2]), signals: Number(first[1]),
    bytes: files.slice(1).reduce((n, f) => n + readFileSync(f).length, 0) };
  const all = [];
  for (let i = 0; i < runs; i++) {
    log(`holter page: run ${i + 1} of ${runs}: ${info.record} (${(info.frames / info.rate / 3600).toFixed(1)} h)`);
    all.push(await runOnce(browser, url, files, info.rate));
  }
  return {
    ...info,
    runs: all,
    summary_s: median(all.map((r) => r.summary_s)),
    peak_wasm_mb: Math.max(...all.map((r) => r.peak_wasm_mb)),
    jump_max_ms: median(all.map((r) => r.jump_max_ms)),
    jump_median_ms: median(all.map((r) => r.jump_median_ms)),
    longest_task_ms: median(all.map((r) => r.longest_task_ms)),
    hours: all[0].hours,
  };
}

/** The report's section (Markdown lines) for measureHolterPage()'s result. */
export function renderHolterPage(result, targets = { summary_s: 30, peak_wasm_mb: 256, jump_ms: 100 }) {
  const L = ['', '## A 24-hour recording on the page (issue 16)', ''];
  if (!result || result.skipped) {
    L.push(`Not measured: ${result?.skipped ?? 'not run (--no-browser or --no-holter-page)'}.`);
    return L;
  }
  const h = result.frames / result.rate / 3600;
  L.push(`\`${result.record}\` (${h.toFixed(1)} h, ${result.signals} leads at ${result.rate} Hz, ${(result.bytes / 1e6).toFixed(1)} MB of signal) ` +
    'handed to the EcgLite page (`web/`, headless Chromium, 1280 × 900) through its file input: the signal file goes to the worker ' +
    'as a File and is read in slices (Blob.slice, FileReaderSync), analysed in blocks (beats with the beat model, rhythm verdict, ' +
    'Holter summary). Drop to summary: the input\'s change event to the hourly table on the page. Wasm memory: the module\'s ' +
    'linear memory at its largest (it never shrinks). Jump: a click on an hour\'s button in the table to the paper drawn with that ' +
    `hour's samples (the worker decodes only the stretch shown), hours ${Object.keys(result.runs[0].jump_ms).join(', ')}. ` +
    `${result.runs.length} run${result.runs.length > 1 ? 's (medians)' : ''} (\`bench/holter-page.mjs\`; alone: \`node bench/holter-page.mjs\`).`, '');
  const yes = (ok) => (ok ? 'yes' : '**no**');
  L.push('| measure | target | measured | met |', '|---|---|---|---|');
  L.push(`| drop to Holter summary | ≤ ${targets.summary_s} s | ${result.summary_s.toFixed(1)} s (${(result.summary_s / h).toFixed(2)} s per hour of recording) | ${yes(result.summary_s <= targets.summary_s)} |`);
  L.push(`| wasm memory, peak | ≤ ${targets.peak_wasm_mb} MB | ${result.peak_wasm_mb.toFixed(0)} MiB | ${yes(result.peak_wasm_mb <= targets.peak_wasm_mb)} |`);
  L.push(`| jump to an hour: drawn after the click (slowest of the hours) | ≤ ${targets.jump_ms} ms | ${result.jump_max_ms.toFixed(0)} ms (median ${result.jump_median_ms.toFixed(0)} ms) | ${yes(result.jump_max_ms <= targets.jump_ms)} |`);
  L.push(`| longest main-thread task while analysing | — | ${result.longest_task_ms ? `${result.longest_task_ms.toFixed(0)} ms` : 'none over 50 ms'} | — |`);
  return L;
}

function parseArgs(argv) {
  const o = { runs: 1, record: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') o.runs = Number(argv[++i]);
    else if (argv[i] === '--record') o.record = argv[++i];
    else throw new Error(`unknown option ${argv[i]} (--record FILE.hea, --runs N)`);
  }
  return o;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const o = parseArgs(process.argv.slice(2));
  const { chromium } = await import('playwright-core');
  const { startServer } = await import('../scripts/serve.mjs');
  const server = await startServer({ root: path.join(ROOT, 'web'), port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const result = await measureHolterPage(browser, server.url, { ...o, log: (m) => console.error(m) });
    process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
  } finally {
    await browser.close();
    await server.close();
  }
  process.exit(0);
}
