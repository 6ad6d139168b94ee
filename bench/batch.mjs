// The page's batch screening in Chromium: N WFDB records handed to the page at once (its file input,
// which takes the same path as a drop: intake.js openFiles), timed from the input's change event to
// the end of the table, with every main-thread task over 50 ms recorded (PerformanceObserver
// 'longtask'). The records: PTB-XL at 100 Hz where there is a copy (--batch-dir DIR, else
// /work/data/ptbxl-full/records100, ../shared/data/ptbxl/records100, ../shared/data/ptbxl-raw), else
// the committed fixtures; when a source has fewer than N records they are repeated under new names,
// and the result says so. Used by run.mjs (scripts/bench); alone:
//   node bench/batch.mjs [--records N] [--batch-dir DIR]     one JSON object on stdout
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const BATCH_SOURCES = [
  '/work/data/ptbxl-full/records100',
  path.resolve(ROOT, '../shared/data/ptbxl/records100'),
  path.resolve(ROOT, '../shared/data/ptbxl-raw'),
];
const FIXTURE_SOURCES = [path.join(ROOT, 'tests/fixtures/ptbxl-mini/records100'), path.join(ROOT, 'web/samples')];

/** WFDB records under `dir` (any depth): [{ name, header, signals: [paths] }], sorted, at most `limit`. */
export function findRecords(dir, limit = Infinity) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= limit) return;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.hea')) {
        const name = entry.name.slice(0, -4);
        const signals = ['dat', 'mat'].map((ext) => path.join(d, `${name}.${ext}`)).filter(existsSync);
        if (signals.length) out.push({ name, header: p, signals });
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/**
 * `count` records made of `sources` (findRecords()), repeated as needed: the k-th repeat of a record
 * gets the name `r<k>_<name>` (its header rewritten to name its own signal files, which are symlinks
 * to the originals) in `dir`. Returns the file paths to hand to the page, header and signals.
 */
export function replicateRecords(sources, count, dir) {
  const files = [];
  for (let i = 0; i < count; ++i) {
    const src = sources[i % sources.length];
    const round = Math.floor(i / sources.length);
    if (round === 0) { files.push(src.header, ...src.signals); continue; }
    const name = `r${round}_${src.name}`;
    const header = path.join(dir, `${name}.hea`);
    writeFileSync(header, readFileSync(src.header, 'latin1').split(src.name).join(name), 'latin1');
    files.push(header);
    for (const s of src.signals) {
      const link = path.join(dir, `${name}${path.extname(s)}`);
      symlinkSync(s, link);
      files.push(link);
    }
  }
  return files;
}

/** The records of the measurement: { files, label, distinct, cleanup() }. */
export function batchRecords(count, batchDir) {
  const candidates = batchDir ? [path.resolve(batchDir)] : BATCH_SOURCES;
  if (batchDir && !existsSync(candidates[0])) throw new Error(`--batch-dir ${batchDir}: not found`);
  let sources = [];
  let from = null;
  for (const dir of candidates) {
    sources = findRecords(dir, count);
    if (sources.length) { from = dir; break; }
  }
  if (!sources.length) {
    sources = FIXTURE_SOURCES.flatMap((d) => findRecords(d, count));
    from = 'the committed fixtures (tests/fixtures/ptbxl-mini, web/samples): no PTB-XL copy found';
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ecglite-batch-'));
  const files = replicateRecords(sources, count, tmp);
  const repeated = sources.length < count;
  return {
    files,
    distinct: sources.length,
    label: `${count} records from ${from}${repeated ? `: ${sources.length} distinct records, repeated under new names` : ''}`,
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

// Installed before the page's own scripts: long tasks, and when the input changed and the drop ended.
function instrument() {
  window.__bench = { longTasks: [], changedAt: null, tableAt: null, completedAt: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('change', () => { window.__bench.changedAt ??= performance.now(); }, true);
  document.addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
    const b = window.__bench;
    if (b.changedAt != null && b.tableAt == null && document.getElementById('batch')?.hidden === false) b.tableAt = performance.now();
    if (b.changedAt != null && document.body.dataset.completed) b.completedAt ??= performance.now();
  }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['hidden', 'data-completed'] }));
}

/**
 * Runs the measurement on a page of `url` (the EcgLite page) in `browser` (playwright-core).
 * Returns { records, source, rows, total_ms (change event to the table's end), load_ms (files read
 * and grouped: the table appears), screen_ms, records_per_s, longest_task_ms and long_tasks (the
 * page's main-thread tasks over 50 ms meanwhile), tasks_over_200_ms, delivery_task_ms (the harness's
 * task that handed the files over), sort_ms and sort_longest_task_ms (the full table re-sorted by a
 * class column), csv_ms (building the CSV export) }.
 */
/**
 * measure(page, errors) on a fresh 1280 x 900 page of `url` (the EcgLite page) in `browser`, once its
 * module is ready, with `script` run before the page's own (the measurement's instrumentation);
 * `errors` collects the page's uncaught errors. The page's context is closed afterwards.
 */
export async function onReadyPage(browser, url, script, measure) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.addInitScript(script);
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
    return await measure(page, errors);
  } finally {
    await context.close();
  }
}

export async function measureBatch(browser, url, { count, batchDir, log = () => {} }) {
  const input = batchRecords(count, batchDir);
  return onReadyPage(browser, url, instrument, async (page, errors) => {
    log(`Chromium: batch of ${input.label}`);
    await page.setInputFiles('#file-input', input.files);
    await page.waitForFunction(() => window.__bench.completedAt != null, null, { timeout: 30 * 60000, polling: 500 });
    const b = await page.evaluate(() => window.__bench);
    const rows = await page.$$eval('#batch-rows tr', (trs) => trs.length);
    // Sorting the full table by a class column (until every row is back in the table), and its CSV.
    const after = await page.evaluate(async () => {
      const tbody = document.getElementById('batch-rows');
      const n = tbody.rows.length;
      const t0 = performance.now();
      document.querySelector('#batch-table thead button[data-column="MI"], #batch-table thead button[data-column="leads"]').click();
      while (tbody.rows.length < n) await new Promise((resolve) => setTimeout(resolve, 5));
      const sortEnd = performance.now();
      const { batchCsv } = await import(new URL('batch.js', location.href).href);
      const t1 = performance.now();
      const csv = batchCsv();
      return { sortStart: t0, sortEnd, csvMs: performance.now() - t1, csvLines: csv.split('\r\n').length - 2, longTasks: window.__bench.longTasks };
    });
    if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);
    // The task in which the browser hands the files to the input (Playwright's setInputFiles: the
    // FileList of N files is made there, and the change event fires in it) is the harness's, not the
    // page's: reported apart. Every later task until the table is complete is the page's.
    const overlapping = (from, to) => (t) => t.start + t.duration >= from && t.start <= to;
    const delivery = b.longTasks.find((t) => t.start <= b.changedAt && t.start + t.duration >= b.changedAt);
    const during = b.longTasks.filter(overlapping(b.changedAt, b.completedAt)).filter((t) => t !== delivery && t.start > b.changedAt);
    const sorting = after.longTasks.filter(overlapping(after.sortStart, after.sortEnd));
    const longest = (tasks) => tasks.reduce((m, t) => Math.max(m, t.duration), 0);
    const total = b.completedAt - b.changedAt;
    return {
      records: count,
      distinct_records: input.distinct,
      source: input.label,
      rows,
      csv_rows: after.csvLines,
      total_ms: total,
      load_ms: b.tableAt - b.changedAt,
      screen_ms: b.completedAt - b.tableAt,
      records_per_s: (count * 1000) / total,
      longest_task_ms: longest(during),
      long_tasks: during.length,
      tasks_over_200_ms: during.filter((t) => t.duration > 200).length,
      delivery_task_ms: delivery?.duration ?? 0,
      sort_ms: after.sortEnd - after.sortStart,
      sort_longest_task_ms: longest(sorting),
      csv_ms: after.csvMs,
    };
  }).finally(() => input.cleanup());
}

// Alone: node bench/batch.mjs [--records N] [--batch-dir DIR]
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const { chromium } = await import('playwright-core');
  const { startServer } = await import('../scripts/serve.mjs');
  const server = await startServer({ root: path.join(ROOT, 'web'), port: 0 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const result = await measureBatch(browser, server.url, {
      count: Number(arg('--records', 2000)), batchDir: arg('--batch-dir'), log: (m) => console.error(`bench: ${m}`),
    });
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await server.close();
  }
}
