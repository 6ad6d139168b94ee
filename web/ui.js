// What every part of the page shares: its state, two DOM helpers and the number formats. The parts:
// intake.js (files in, status and problems), batch.js (the table of a drop of several records),
// results.js (ECG paper, screening result, facts), long-record.js (heart rate and beats), holter.js (the Holter
// summary of long recordings), engine.js (the ONNX Runtime Web comparison),
// report.js (the printed report);
// app.js starts the worker and routes its messages to them.

export const $ = (id) => document.getElementById(id);
export const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role') node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

export const state = {
  worker: null,
  ready: false,
  limits: null,         // the core's resource limits (the worker's 'ready' message)
  version: '',          // the module's version and
  modelInfo: null,      // its model's info (the worker's 'ready' message)
  buildInfo: {},
  requestId: 0,
  entries: [],          // { key, name, kind, files, long, summary?, leads?, window?, result?, resultError?, resultErrorKind?, rhythm?, other: {} }
                        // (window: a long record's leads hold only frames from window.from on: viewer.js)
  selected: -1,
  lastFiles: null,      // the last set of files, re-read when the CSV options change
  intakeProblems: [],   // files refused or unreadable before they reached the worker
  problems: [],         // what is shown under the drop zone: { message, kind?, reason? } (asProblem)
  trend: null,          // the heart-rate trend drawn last, redrawn when its canvas changes size
  busy: false,
  restarted: false,     // the worker was restarted by a cancel: its 'ready' leaves the status as it is
  batch: false,         // the drop has several records: batch.js's table, one record shown at a time
};

export const isSelected = (entry) => state.entries[state.selected] === entry;

export const formatCount = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));
export const formatBytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`);
export const percent = (p) => `${(p * 100).toFixed(1)} %`;
export function formatDuration(seconds) {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min ${s} s` : `${m} min ${s} s`;
}
// A recording's clock start as the core gives it (EcgRecord.startTime, rhythm().holter.start_time: ISO
// 8601 without a zone, "2020-05-12T12:33:59" or "12:33:59.250" without a date), for people.
export const formatStartTime = (iso) => iso.replace('T', ' ');

// The clock time `seconds` into a recording that started at `start` (as above): "14:03:59", and
// "01:03:59 (+1 d)" on a later day, as `ecglite rhythm` prints it (core: ClockTime::time_of_day and
// day_offset). Only the start's time of day matters: days are 86,400 s, no time zone is known.
export function clockAt(start, seconds) {
  const m = /(\d\d):(\d\d):(\d\d(?:\.\d+)?)$/.exec(start);
  if (!m) return '';
  const of = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  const t = Math.round(of + seconds);
  const day = Math.floor(t / 86400) - Math.floor(Math.round(of) / 86400);
  const r = t - Math.floor(t / 86400) * 86400;
  const two = (n) => String(n).padStart(2, '0');
  return `${two(Math.floor(r / 3600))}:${two(Math.floor(r / 60) % 60)}:${two(r % 60)}${day > 0 ? ` (+${day} d)` : ''}`;
}

export const plural = (n, word, many = `${word}s`) => `${n.toLocaleString('en')} ${n === 1 ? word : many}`;

// Saves `text` as a file named `name` (the batch table's and the Holter summary's "Export CSV").
export function downloadText(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
