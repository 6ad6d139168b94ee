// Many records at once: a drop of several records (or a folder) is screened by the worker one record
// at a time into a sortable table — record, leads, duration, each class's probability and label, the
// result in words, the rhythm verdict (when the build has the rhythm model) and warnings — with
// progress, a cancel button and a CSV export of the same numbers. A row (click, or Enter on its
// record name) opens that record in the single-record view (app.js asks the worker for it again).
// The main thread only appends rows, a few times a second, so thousands of records never block it.
import { $, el, state, formatDuration, percent, plural, downloadText } from './ui.js';
import { verdict } from './results.js';
import { RHYTHM_VERDICTS } from './long-record.js';

const FLUSH_MS = 150;          // rows arriving meanwhile are added to the table together
// Rows enter the table at most this many per task: a row costs Chromium 0.2-0.5 ms of style and
// layout when it is (re)inserted, so re-sorting 2,000 rows at once would block the page for a second.
const CHUNK = 100;

let onOpen = () => {};         // app.js: opens state.entries[index]
let columns = [];
let rows = [];                 // { key, index, name, files, data, tr }, in arrival order
let pending = [];              // rows that arrived since the last flush()
let order = [];                // the rows in the table's order; the first `shown` of them are in the table
let shown = 0;
let pumpTimer = 0;
let sort = { column: null, descending: false };
let total = 0;
let startedAt = 0;
let flushTimer = 0;
let opened = null;             // the row shown in the single-record view
let status = '';               // how the batch went, for the status line

// --- the columns: what a cell shows, what it sorts by, what the CSV holds ---

function warningsOf(d) {
  const out = [];
  if (d.readError) out.push(`could not be read: ${d.readError}`);
  if (d.classifyError) out.push(`not classified: ${d.classifyError}`);
  out.push(...(d.warnings ?? []), ...(d.result?.warnings ?? []));
  if (d.rhythmError) out.push(d.rhythmError);
  return out;
}

function resultText(d) {
  if (d.readError) return 'could not be read';
  if (d.classifyError) return 'not classified';
  return d.result ? verdict(d.result) : '';
}

const rhythmText = (v) => (v ? `${RHYTHM_VERDICTS[v.class] ?? v.class} (${Math.round(100 * v.probability)} %)` : '');

function makeColumns(classes, withRhythm) {
  const text = (f) => (r) => el('td', { text: f(r.data) });
  return [
    {
      id: 'record', label: 'Record', value: (r) => r.name,
      // A record that could not be read has nothing to open: its name is plain text.
      cell: (r) => el('th', { scope: 'row' }, r.data.readError ? r.name
        : el('button', { type: 'button', class: 'link open-record', text: r.name, 'aria-describedby': 'batch-open-hint' })),
    },
    { id: 'leads', label: 'Leads', value: (r) => r.data.leads, cell: text((d) => d.leads ?? '') },
    { id: 'duration', label: 'Duration', value: (r) => r.data.durationS, cell: text((d) => (d.durationS == null ? '' : formatDuration(d.durationS))) },
    ...classes.map((c) => ({
      id: c.name, label: c.name, title: c.description, value: (r) => r.data.result?.probabilities[c.name],
      cell: (r) => {
        const k = r.data.result?.classes.find((x) => x.name === c.name);
        if (!k) return el('td');
        return el('td', { class: k.positive ? `positive${c.name === 'NORM' ? ' normal-finding' : ''}` : '', 'data-class': c.name },
          percent(k.probability), k.positive ? el('span', { class: 'tag', text: ' positive' }) : null);
      },
    })),
    { id: 'result', label: 'Result', value: (r) => resultText(r.data), cell: text(resultText), className: 'text' },
    ...(withRhythm ? [{
      id: 'rhythm', label: 'Rhythm', value: (r) => (r.data.rhythm ? rhythmText(r.data.rhythm) : undefined),
      cell: text((d) => rhythmText(d.rhythm)), className: 'text',
    }] : []),
    {
      id: 'warnings', label: 'Warnings', value: (r) => warningsOf(r.data).length || undefined,
      cell: (r) => el('td', { class: 'warnings', text: warningsOf(r.data).join('\n') }), className: 'text',
    },
  ];
}

// Missing values (a record that could not be read or classified) sort last in either direction.
const collator = new Intl.Collator('en', { numeric: true });
function compareRows(a, b) {
  const col = columns.find((c) => c.id === sort.column);
  const va = col.value(a);
  const vb = col.value(b);
  if (va === undefined || vb === undefined) return (va === undefined) - (vb === undefined) || a.index - b.index;
  const d = typeof va === 'string' ? collator.compare(va, vb) : va - vb;
  return (sort.descending ? -d : d) || a.index - b.index;
}

// --- the table ---

function headerCell(col) {
  const button = el('button', { type: 'button', class: 'sort', 'data-column': col.id, text: col.label });
  if (col.title) button.title = col.title;
  return el('th', { scope: 'col', class: col.className ?? '', 'aria-sort': 'none' }, button);
}

function updateSortMarks() {
  for (const th of $('batch-table').tHead.rows[0].cells) {
    const id = th.firstChild.dataset.column;
    th.setAttribute('aria-sort', id === sort.column ? (sort.descending ? 'descending' : 'ascending') : 'none');
  }
}

function sortBy(id) {
  sort = sort.column === id ? { column: id, descending: !sort.descending }
    // Probabilities are read highest first; names and counts from the start.
    : { column: id, descending: !['record', 'leads', 'duration', 'result', 'rhythm'].includes(id) };
  updateSortMarks();
  order = [...rows].sort(compareRows);
  $('batch-rows').replaceChildren();
  shown = 0;
  pump();
}

// Adds the next rows of `order` to the table, CHUNK per task.
function pump() {
  clearTimeout(pumpTimer);
  pumpTimer = 0;
  const next = order.slice(shown, shown + CHUNK);
  $('batch-rows').append(...next.map((r) => r.tr));
  shown += next.length;
  if (shown < order.length) pumpTimer = setTimeout(pump, 0);
}

// The rows that arrived since the last call join `order`: at the end, or (sorted) where they belong;
// a row that belongs among those already in the table goes in at once, the others with pump().
function flush() {
  clearTimeout(flushTimer);
  flushTimer = 0;
  const tbody = $('batch-rows');
  for (const r of pending) {
    r.tr = el('tr', { 'data-key': String(r.key) }, ...columns.map((c) => {
      const cell = c.cell(r);
      if (c.className) cell.classList.add(c.className);
      return cell;
    }));
    if (r === opened) r.tr.classList.add('opened');
    rows.push(r);
    let at = order.length;
    if (sort.column) {
      let lo = 0;
      while (lo < at) { const mid = (lo + at) >> 1; if (compareRows(order[mid], r) <= 0) lo = mid + 1; else at = mid; }
    }
    order.splice(at, 0, r);
    if (at < shown) { tbody.insertBefore(r.tr, order[at + 1].tr); shown++; }
  }
  pending = [];
  if (shown < order.length && !pumpTimer) pump();
  $('batch-export').disabled = !rows.length;
  showProgress();
}

function showProgress() {
  const done = rows.length;
  $('batch-progress').max = total;
  $('batch-progress').value = done;
  let text = `${done.toLocaleString('en')} of ${plural(total, 'record')}`;
  const elapsed = (performance.now() - startedAt) / 1000;
  if (state.busy && done >= 3 && done < total) {
    const left = ((total - done) * elapsed) / done;
    text += ` · about ${left < 60 ? `${Math.ceil(left)} s` : formatDuration(Math.round(left))} left`;
  }
  $('batch-count').textContent = text;
}

/** A new drop: the table of the last one goes. */
export function resetBatch() {
  clearTimeout(flushTimer);
  clearTimeout(pumpTimer);
  flushTimer = pumpTimer = 0;
  state.batch = false;
  rows = [];
  pending = [];
  order = [];
  shown = 0;
  opened = null;
  $('batch').hidden = true;
  $('batch-rows').replaceChildren();
}

/** The worker grouped a drop into several records (state.entries): an empty table, filled by addBatchRow(). */
export function startBatch() {
  resetBatch();
  state.batch = true;
  status = '';
  total = state.entries.length;
  startedAt = performance.now();
  sort = { column: null, descending: false };
  columns = makeColumns(state.modelInfo?.classes ?? [], !!state.buildInfo.rhythmModel);
  $('batch-table').tHead.replaceChildren(el('tr', {}, ...columns.map(headerCell)));
  $('batch-caption').textContent = `Screening results of ${plural(total, 'record')}`;
  $('batch').hidden = false;
  $('batch-cancel').hidden = false;
  $('batch-cancel').disabled = false;
  showProgress();
  flush();
}

/** One record screened (the worker's 'batch-row'). */
export function addBatchRow(key, data) {
  const index = state.entries.findIndex((e) => e.key === key);
  const entry = state.entries[index];
  pending.push({ key, index, name: data.name ?? entry.name, files: entry.files, data });
  flushTimer ||= setTimeout(flush, FLUSH_MS);
}

/** The batch is finished or was cancelled: the status line's text. */
export function finishBatch(cancelled) {
  flush();
  $('batch-cancel').hidden = true;
  const read = rows.filter((r) => !r.data.readError).length;
  const classified = rows.filter((r) => r.data.result).length;
  const what = `${classified.toLocaleString('en')} classified${read < rows.length ? `, ${(rows.length - read).toLocaleString('en')} could not be read` : ''}`;
  status = cancelled
    ? `Cancelled: ${rows.length.toLocaleString('en')} of ${plural(total, 'record')} screened (${what}).`
    : `${plural(rows.length, 'record')} screened: ${what}. Open a record from the table.`;
  return status;
}

/** The status line's text for the batch (intake.js's describeDone()). */
export const batchStatus = () => status || `Screening ${plural(total, 'record')}…`;

/** Marks the row shown in the single-record view. */
export function markOpened(entry) {
  opened?.tr?.classList.remove('opened');
  opened = rows.find((r) => r.key === entry.key) ?? pending.find((r) => r.key === entry.key) ?? null;
  opened?.tr?.classList.add('opened');
}

/** Batch: the worker reads `entry` again for the single-record view (only one record's samples are kept here). */
export function requestRecord(entry) {
  for (const e of state.entries) {
    if (e === entry) continue;
    e.summary = e.leads = e.result = e.resultError = e.rhythm = undefined;
    e.other = {};
  }
  markOpened(entry);
  state.worker.postMessage({ type: 'show', id: state.requestId, key: entry.key });
}

// --- CSV: the rows as the table shows them (its order), numbers as `ecglite classify --json` prints them ---

const csvField = (v) => {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;  // a spreadsheet must not run a record name
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function batchCsv() {
  const classes = state.modelInfo?.classes.map((c) => c.name) ?? [];
  const withRhythm = columns.some((c) => c.id === 'rhythm');
  const header = ['record', 'files', 'leads', 'duration_s', 'sampling_rate_hz',
    ...classes.flatMap((c) => [`${c}_probability`, `${c}_positive`]), 'labels',
    ...(withRhythm ? ['rhythm', 'rhythm_probability', 'rhythm_lead'] : []), 'error', 'warnings'];
  flush();
  const lines = order.map(({ name, files, data: d }) => {
    const cls = Object.fromEntries((d.result?.classes ?? []).map((c) => [c.name, c]));
    return [name, files.join(' '), d.leads, d.durationS, d.samplingRate,
      ...classes.flatMap((c) => (cls[c] ? [cls[c].probability, cls[c].positive] : ['', ''])),
      d.result ? d.result.labels.join(' ') : '',
      ...(withRhythm ? [d.rhythm?.class ?? '', d.rhythm?.probability ?? '', d.rhythm?.lead_name ?? ''] : []),
      d.readError ?? d.classifyError ?? '',
      [...(d.warnings ?? []), ...(d.result?.warnings ?? []), ...(d.rhythmError ? [d.rhythmError] : [])].join(' | ')];
  });
  return [header, ...lines].map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function exportCsv() {
  downloadText(batchCsv(), `ecglite-${rows.length}-records.csv`, 'text/csv');
}

// --- events ---

function openRow(tr) {
  const row = tr && order.find((r) => r.tr === tr);
  if (row && !row.data.readError) onOpen(row.index);
}

export function setupBatch(open) {
  onOpen = open;
  $('batch-cancel').addEventListener('click', () => {
    $('batch-cancel').disabled = true;
    state.worker.postMessage({ type: 'cancel', id: state.requestId });
  });
  $('batch-export').addEventListener('click', exportCsv);
  $('batch-table').addEventListener('click', (e) => {
    const sorter = e.target.closest('button.sort');
    if (sorter) sortBy(sorter.dataset.column);
    else if (!window.getSelection()?.toString()) openRow(e.target.closest('tbody tr'));
  });
  // Up and Down move between the rows' record buttons (Tab moves on to the next control).
  $('batch-rows').addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...$('batch-rows').querySelectorAll('button.open-record')];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))].focus();
  });
}
