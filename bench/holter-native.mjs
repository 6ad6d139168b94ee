// Issue 16, native: `ecglite rhythm` on long recordings read in blocks (record_source.h) - the 48
// MIT-BIH records joined into 24 hours (mitdb24h) and a 14-day single-lead 200 Hz patch recording
// (patch14d), both made by scripts/make-long-record into work-cache/long/ - wall and CPU time, peak
// resident memory (/usr/bin/time's maximum RSS) and time per hour of recording. The baseline is the
// same 24 hours as the 48 records analysed one by one (one process each, as before streaming).
// Targets (issue 16): the 24-hour record in <= 10 s on 2 cores with <= 200 MB resident; the 14-day
// record within the same memory.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const HOLTER_NATIVE_TARGETS = { seconds_24h: 10, peak_rss_mb: 200 };

// One run under /usr/bin/time: wall, user + system CPU seconds, maximum resident set size in MB.
function timed(command, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@time %e %U %S %M', command, ...args],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const m = /@@time ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`${path.basename(command)} ${args.join(' ')}: ${(r.stderr ?? '').split('\n')[0] || `exit ${r.status}`}`);
  return { wall_s: Number(m[1]), cpu_s: Number(m[2]) + Number(m[3]), rss_mb: Number(m[4]) / 1024 };
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];

function headerHours(hea) {
  const line = spawnSync('head', ['-1', hea], { encoding: 'utf8' }).stdout.trim().split(/\s+/);
  return Number(line[3]) / Number(line[2]) / 3600;
}

// Best of `runs` (median wall and CPU, the largest resident size) of `ecglite rhythm RECORD --json`.
function measureRecord(ecglite, record, runs, log) {
  const r = [];
  for (let k = 0; k < runs; ++k) {
    r.push(timed(ecglite, ['rhythm', record, '--json']));
    log(`  ${path.basename(record)}: ${r.at(-1).wall_s} s, ${r.at(-1).rss_mb.toFixed(0)} MB`);
  }
  const hours = headerHours(`${record}.hea`);
  const wall = median(r.map((x) => x.wall_s)), cpu = median(r.map((x) => x.cpu_s));
  return { record: path.basename(record), hours, runs, wall_s: wall, cpu_s: cpu,
    peak_rss_mb: Math.max(...r.map((x) => x.rss_mb)), wall_s_per_hour: wall / hours, cpu_s_per_hour: cpu / hours };
}

/**
 * { mitdb24h, patch14d, baseline_48 } rows, or { skipped } without MIT-BIH. Makes the long records
 * with scripts/make-long-record when they are missing (the 14-day one is ~480 MB).
 */
export function measureHolterNative({ ecglite, root, mitdb, longDir, runs = 3, quick = false, log = () => {} }) {
  if (!existsSync(path.join(mitdb, '100.hea'))) return { skipped: `${mitdb} not found (MIT-BIH: the 24-hour record is made from it)` };
  const make = (args) => {
    const r = spawnSync('/usr/bin/python3', [path.join(root, 'scripts/make-long-record'), ...args, '--out', longDir],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`scripts/make-long-record ${args.join(' ')}: ${r.stderr.trim().split('\n').pop()}`);
  };
  const mitdb24h = path.join(longDir, 'mitdb24h'), patch14d = path.join(longDir, 'patch14d');
  if (!existsSync(`${mitdb24h}.hea`)) {
    log('holter native: making work-cache/long/mitdb24h');
    make(['--mitdb', mitdb]);
  }
  const out = { ecglite, runs: quick ? 1 : runs };
  log('holter native: ecglite rhythm on the 24-hour record');
  out.mitdb24h = measureRecord(ecglite, mitdb24h, out.runs, log);
  // Baseline: the same hours as 48 records of 30 minutes, each analysed whole in its own process.
  log('holter native: the 48 records one by one');
  const records = readdirSync(mitdb).filter((f) => /^\d+\.hea$/.test(f)).sort().map((f) => path.join(mitdb, f.slice(0, -4)));
  let wall = 0, cpu = 0, rss = 0;
  for (const r of records) {
    const t = timed(ecglite, ['rhythm', r, '--json']);
    wall += t.wall_s;
    cpu += t.cpu_s;
    rss = Math.max(rss, t.rss_mb);
  }
  const hours = out.mitdb24h.hours;
  out.baseline_48 = { record: `${records.length} MIT-BIH records one by one`, hours, runs: 1, wall_s: wall, cpu_s: cpu,
    peak_rss_mb: rss, wall_s_per_hour: wall / hours, cpu_s_per_hour: cpu / hours };
  if (quick) {
    out.patch14d = { skipped: 'not measured with --quick' };
  } else {
    if (!existsSync(`${patch14d}.hea`)) {
      log('holter native: making work-cache/long/patch14d (14 days, ~480 MB)');
      make(['--synthetic-days', '14', '--rate', '200']);
    }
    log('holter native: ecglite rhythm on the 14-day record');
    out.patch14d = measureRecord(ecglite, patch14d, 1, log);
  }
  return out;
}

export function holterNativeSummary(h) {
  const ok = h && !h.skipped;
  return {
    native_24h_s: ok ? h.mitdb24h.wall_s : null,
    native_24h_cpu_s: ok ? h.mitdb24h.cpu_s : null,
    native_24h_peak_rss_mb: ok ? h.mitdb24h.peak_rss_mb : null,
    native_24h_vs_48_records: ok ? h.mitdb24h.cpu_s / h.baseline_48.cpu_s : null,
    native_14d_s: ok && !h.patch14d.skipped ? h.patch14d.wall_s : null,
    native_14d_peak_rss_mb: ok && !h.patch14d.skipped ? h.patch14d.peak_rss_mb : null,
    native_holter_skipped: h?.skipped ?? (h ? null : 'not run (--no-holter-native or --no-native)'),
  };
}

// The markdown section of docs/BENCHMARKS.md.
export function renderHolterNative(h) {
  const L = ['## Long recordings, native CLI (issue 16)', ''];
  if (!h || h.skipped) return [...L, `Not measured: ${h?.skipped ?? 'not run (--no-holter-native or --no-native)'}.`];
  const f = (v, d = 1) => (v == null ? 'n/a' : v.toFixed(d));
  L.push('`ecglite rhythm RECORD --json` (beats, beat classes, rhythm model, Holter summary), the record read in blocks ' +
    'of 30 minutes with 5 minutes of context on each side (`record_source.h`); wall and CPU time (user + system) ' +
    `from \`/usr/bin/time\`, median of ${h.runs} run(s); peak resident memory is its maximum RSS. Records made by ` +
    '`scripts/make-long-record` in `work-cache/long/`. Baseline: the same 24 hours as the 48 MIT-BIH records, each ' +
    'analysed whole in its own process.', '');
  L.push('| recording | hours | wall s | CPU s | CPU vs baseline | peak RSS MB | wall s per hour | CPU s per hour |');
  L.push('|---|---|---|---|---|---|---|---|');
  const row = (label, r) => {
    if (!r || r.skipped) return L.push(`| ${label} | not measured: ${r?.skipped ?? 'n/a'} | | | | | | |`);
    const ratio = r === h.baseline_48 ? '1.00×' : h.baseline_48 && r.hours === h.baseline_48.hours
      ? `${(r.cpu_s / h.baseline_48.cpu_s).toFixed(2)}×` : '';
    L.push(`| ${label} | ${f(r.hours, 1)} | ${f(r.wall_s)} | ${f(r.cpu_s)} | ${ratio} | ${f(r.peak_rss_mb, 0)} | ` +
      `${f(r.wall_s_per_hour, 2)} | ${f(r.cpu_s_per_hour, 2)} |`);
  };
  row('mitdb24h: 48 MIT-BIH records joined, 2 leads, 360 Hz', h.mitdb24h);
  row('baseline: the 48 records one by one', h.baseline_48);
  row('patch14d: synthetic, 1 lead, 200 Hz', h.patch14d);
  L.push('');
  L.push(`Targets (issue 16): 24 hours in <= ${HOLTER_NATIVE_TARGETS.seconds_24h} s on 2 cores and <= ` +
    `${HOLTER_NATIVE_TARGETS.peak_rss_mb} MB resident; 14 days within the same memory. Wall time grows when other ` +
    'jobs share the cores (see the load average above); CPU time much less.');
  return L;
}
