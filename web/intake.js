// Files in: the drop zone (files or folders), the file picker, the sample buttons and the CSV
// options; the status line, the progress bar and the problems under the drop zone. Which files make a
// record is the package's business (groupFiles() in the worker; its file list here): this part only
// reads the files and hands them to the worker.
import { ACCEPTED_FILES, fileKind } from './ecglite.mjs';
import { $, el, state, formatBytes } from './ui.js';
import { hideRecordPanels } from './results.js';
import { batchStatus, resetBatch } from './batch.js';

const SAMPLES = {
  'ptbxl-00001': ['samples/00001_lr.hea', 'samples/00001_lr.dat'],
  'cinc-HR06001': ['samples/HR06001.hea', 'samples/HR06001.mat'],
  'csv-06003': ['samples/ptbxl-06003.csv'],
};
const isCsv = (file) => fileKind(file.name) === 'csv';
// Signal and EDF files from this size on go to the worker as File objects, never read here: the worker
// reads the long recordings they hold in slices (a 24-hour Holter record is about 94 MB). CSV exports
// are read whole either way.
const LARGE_FILE_BYTES = 16 << 20;
const isLarge = (file) => file.size >= LARGE_FILE_BYTES && ['signal', 'edf'].includes(fileKind(file.name));

// --- status, progress and problems ---

export function setStatus(text, progress) {
  $('status').textContent = text;
  const line = $('progress-line');
  $('cancel-analysis').hidden = true;
  if (progress === undefined) {
    line.hidden = true;
  } else {
    line.hidden = false;
    const bar = $('progress');
    if (progress === null) bar.removeAttribute('value');
    else bar.value = progress;
  }
}

// A problem is a line of the page's own, or what the module reported: { message, kind, reason }
// (an error's kind and its message without the module's JS advice).
const asProblem = (p) => (typeof p === 'string' ? { message: p } : p);

export function showProblems(problems) {
  state.problems = problems.map(asProblem);
  // The module's advice for a CSV file without a sampling rate names its JS option; on this page the
  // rate is entered under "CSV options": the problem says so instead, and that disclosure opens.
  const rateAsked = state.problems.some((p) => p.kind === 'needs_rate') && state.lastFiles?.some(isCsv);
  $('problems').replaceChildren(...state.problems.map((p) => {
    const asksRate = rateAsked && p.kind === 'needs_rate';
    const node = el('p', { class: 'problem', role: 'alert', text: asksRate ? p.reason ?? p.message : p.message });
    if (asksRate)
      node.append(' ', el('span', { class: 'problem-hint', text: 'On this page: enter the sampling rate under “CSV options” above (now open); the file is read again when you leave the field.' }));
    return node;
  }));
  if (rateAsked) $('csv-options').open = true;
}

// What a drop comes to once the worker has grouped it: the files refused here, groupFiles()'s
// problems, why annotation files were left out (the package says), and the other files not used.
export function groupedProblems({ problems, ignored, unusedAnnotations }) {
  const explained = new Set(unusedAnnotations.flatMap((a) => a.files));
  const others = ignored.filter((name) => !explained.has(name));
  const all = [...state.intakeProblems, ...problems, ...unusedAnnotations];
  if (others.length) all.push(`Not used: ${others.join(', ')} (not a header, signal or CSV file).`);
  return all;
}

// A long record's analysis: the bar moves with every message, the words (an aria-live region: each
// change is read out) once a second — "Analysing: 37 % — about 12 s left"; Cancel beside the bar.
let progressSaidAt = 0;
export function showAnalysisProgress({ fraction, remainingS }) {
  const now = performance.now();
  const bar = $('progress');
  if (fraction > 0 && fraction < 1 && now - progressSaidAt < 1000 && !$('progress-line').hidden && !$('cancel-analysis').hidden) {
    bar.value = fraction;
    return;
  }
  progressSaidAt = now;
  const left = remainingS === null || !(fraction > 0) ? 'working out the time left'
    : remainingS < 1 ? 'almost done' : `about ${formatRemaining(remainingS)} left`;
  setStatus(`Analysing: ${Math.floor(100 * fraction)} % — ${left}`, fraction);
  $('cancel-analysis').hidden = false;
}

const formatRemaining = (s) => (s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

export function finishBusy(text) {
  state.busy = false;
  document.body.dataset.busy = 'false';
  // Lets tests (and anyone scripting the page) wait for a given drop to be finished.
  document.body.dataset.completed = String(state.requestId);
  setStatus(text);
}

export function describeDone() {
  if (state.batch) return batchStatus();
  const ok = state.entries.filter((e) => e.result).length;
  const read = state.entries.filter((e) => e.summary).length;
  if (!state.entries.length) return 'Ready.';
  if (!read) return 'Nothing to show: see the problems above.';
  return `${read} of ${state.entries.length} record${state.entries.length > 1 ? 's' : ''} read, ${ok} classified.`;
}

// --- reading files ---

async function readFile(file, onBytes) {
  // Streams large files so that the progress bar moves; small ones in one go.
  if (file.size < 4 << 20 || typeof file.stream !== 'function') {
    const buffer = await file.arrayBuffer();
    onBytes(file.size);
    return buffer;
  }
  const out = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let offset = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, offset);
    offset += value.length;
    onBytes(value.length);
  }
  return out.buffer;
}

// notes: problems found before the files were read (a folder cut at MAX_FOLDER_FILES).
async function openFiles(files, notes = []) {
  files = [...files];
  if (!files.length) return;
  if (!state.ready) setStatus('Still loading the analysis module; your files will be read as soon as it is ready.', null);
  state.lastFiles = files;
  state.busy = true;
  document.body.dataset.busy = 'true';
  const id = ++state.requestId;
  state.entries = [];
  state.selected = -1;
  showProblems([]);
  hideRecordPanels();
  resetBatch();
  $('announce').textContent = '';
  const large = files.filter(isLarge);
  const total = files.reduce((n, f) => n + (isLarge(f) ? 0 : f.size), 0);
  let loaded = 0;
  let shownAt = 0;
  const loading = () => {  // a few times a second: thousands of small files must not flood the status line
    if (performance.now() - shownAt < 250) return;
    shownAt = performance.now();
    setStatus(`Loading ${files.length} file${files.length > 1 ? 's' : ''} (${formatBytes(total)})…`, total ? loaded / total : null);
  };
  loading();
  const payload = [];
  const maxBytes = state.limits?.maxFileBytes ?? Infinity;  // the core's limit, checked before reading
  // Files refused or unreadable here stay listed when the worker reports its own findings.
  state.intakeProblems = notes.concat(files.filter((f) => f.size > maxBytes && !isLarge(f)).map((f) =>
    `${f.name}: ${formatBytes(f.size)} is more than the ${formatBytes(maxBytes)} a file may have here; ` +
    'split the recording or export a shorter part'));
  showProblems(state.intakeProblems);
  // Large files are passed on unread (a File is cloned by reference, not copied).
  for (const file of large) payload.push({ name: file.name, file });
  for (const file of files) {
    if (file.size > maxBytes || isLarge(file)) continue;
    try {
      const buffer = await readFile(file, (n) => {
        loaded += n;
        loading();
      });
      payload.push({ name: file.name, buffer });
    } catch (error) {
      state.intakeProblems.push(`${file.name}: could not be read (${error.message})`);
      showProblems(state.intakeProblems);
    }
  }
  if (id !== state.requestId) return;
  state.worker.postMessage({ type: 'open', id, files: payload, csvOptions: csvOptions() }, payload.filter((f) => f.buffer).map((f) => f.buffer));
}

function csvOptions() {
  const rate = Number($('csv-rate').value);
  return { samplingRate: Number.isFinite(rate) && rate > 0 ? rate : 0, units: $('csv-units').value };
}

async function loadSample(name) {
  const paths = SAMPLES[name];
  setStatus('Loading the sample…', null);
  try {
    const files = await Promise.all(paths.map(async (path) => {
      const response = await fetch(path);
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return new File([await response.arrayBuffer()], path.split('/').pop());
    }));
    await openFiles(files);
  } catch (error) {
    setStatus('');
    showProblems([`The sample could not be loaded: ${error.message}`]);
  }
}

// Folders dropped from a file manager: read their files (one or two levels of nesting are typical: a
// PhysioNet download, PTB-XL's records100/00000/); bounded so that a dropped home directory does not
// hang the page (PTB-XL's 21,799 records at 100 Hz are 43,598 files).
const MAX_FOLDER_FILES = 50000;
async function filesFromDataTransfer(dataTransfer) {
  const items = [...(dataTransfer.items || [])];
  const entries = items.map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.some((e) => e.isDirectory)) return [...dataTransfer.files];
  const files = [];
  const walk = async (entry, depth) => {
    if (files.length >= MAX_FOLDER_FILES) return;
    if (entry.isFile) {
      files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    } else if (entry.isDirectory && depth < 3) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const child of batch) await walk(child, depth + 1);
      }
    }
  };
  for (const entry of entries) await walk(entry, 0);
  return files;
}

export function setupIntake() {
  const input = $('file-input');
  const zone = $('dropzone');
  input.accept = ACCEPTED_FILES;
  $('choose').addEventListener('click', () => input.click());
  input.addEventListener('change', () => { openFiles(input.files); input.value = ''; });
  // A folder (and its subfolders): every file in it, as a dropped folder gives them.
  const folder = $('folder-input');
  $('choose-folder').addEventListener('click', () => folder.click());
  folder.addEventListener('change', () => { openFiles(folder.files); folder.value = ''; });
  // The whole window accepts drops, so that a near miss does not make the browser open the file.
  let depth = 0;
  window.addEventListener('dragenter', (e) => { e.preventDefault(); depth++; zone.classList.add('over'); });
  window.addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; zone.classList.remove('over'); } });
  window.addEventListener('dragover', (e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; });
  window.addEventListener('drop', async (e) => {
    e.preventDefault();
    depth = 0;
    zone.classList.remove('over');
    if (!e.dataTransfer) return;
    const files = await filesFromDataTransfer(e.dataTransfer);
    openFiles(files, files.length >= MAX_FOLDER_FILES
      ? [`Only the first ${MAX_FOLDER_FILES.toLocaleString('en')} files of the dropped folders are read; drop fewer at a time.`] : []);
  });
  for (const button of document.querySelectorAll('[data-sample]'))
    button.addEventListener('click', () => loadSample(button.dataset.sample));
  const reread = () => {
    const csv = state.lastFiles?.some(isCsv);
    if (csv && !state.busy) openFiles(state.lastFiles);
  };
  $('csv-rate').addEventListener('change', reread);
  $('csv-units').addEventListener('change', reread);
}
