// The page: file intake (drop, picker, samples), the record list, the ECG paper, the results. All
// reading and inference happen in worker.js; this file only moves bytes there and draws what
// comes back.
import { EcgViewer, BEAT_COLORS, BEAT_CLASS_NAMES, PAGE_SECONDS } from './viewer.js';

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
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

const SAMPLES = {
  'ptbxl-00001': ['samples/00001_lr.hea', 'samples/00001_lr.dat'],
  'cinc-HR06001': ['samples/HR06001.hea', 'samples/HR06001.mat'],
  'csv-06003': ['samples/ptbxl-06003.csv'],
};
const ONNX_ENGINE = (precision) => `onnx-${precision}`;
const CSV_FILE = /\.(csv|tsv|txt)$/i;
const ANNOTATION_FILE = /\.(atr|ann|qrs|ecg)$/i;   // the reference annotators groupFiles() pairs with a record
// A positive "Normal ECG" is a reassuring finding, not an alarm: it is not drawn in the alarm colour.
const NORMAL_CLASSES = new Set(['NORM']);

// Rhythm codes of MIT-BIH style reference annotations (the text of their rhythm-change marks).
const RHYTHM_NAMES = {
  N: 'normal sinus rhythm',
  AB: 'atrial bigeminy',
  AFIB: 'atrial fibrillation',
  AFL: 'atrial flutter',
  B: 'ventricular bigeminy',
  BII: '2° heart block',
  IVR: 'idioventricular rhythm',
  NOD: 'nodal (A-V junctional) rhythm',
  P: 'paced rhythm',
  PREX: 'pre-excitation (WPW)',
  SBR: 'sinus bradycardia',
  SVTA: 'supraventricular tachyarrhythmia',
  T: 'ventricular trigeminy',
  VFL: 'ventricular flutter',
  VT: 'ventricular tachycardia',
};

const state = {
  worker: null,
  ready: false,
  modelInfo: null,
  buildInfo: {},
  requestId: 0,
  entries: [],          // { key, name, kind, files, summary?, leads?, result?, resultError?, resultErrorKind?, rhythm?, other: {} }
  selected: -1,
  lastFiles: null,      // the last set of files, re-read when the CSV options change
  dropped: null,        // { names } of the files of the drop in the worker
  problems: [],         // what is shown under the drop zone: { message, kind?, reason? } (asProblem)
  trend: null,          // the heart-rate trend drawn last, redrawn when its canvas changes size
  busy: false,
};

// --- status, progress and problems ---

function setStatus(text, progress) {
  $('status').textContent = text;
  const line = $('progress-line');
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

function showProblems(problems) {
  state.problems = problems.map(asProblem);
  // The module's advice for a CSV file without a sampling rate names its JS option; on this page the
  // rate is entered under "CSV options": the problem says so instead, and that disclosure opens.
  const rateAsked = state.problems.some((p) => p.kind === 'needs_rate') && state.lastFiles?.some((f) => CSV_FILE.test(f.name));
  $('problems').replaceChildren(...state.problems.map((p) => {
    const asksRate = rateAsked && p.kind === 'needs_rate';
    const node = el('p', { class: 'problem', role: 'alert', text: asksRate ? p.reason ?? p.message : p.message });
    if (asksRate)
      node.append(' ', el('span', { class: 'problem-hint', text: 'On this page: enter the sampling rate under “CSV options” above (now open); the file is read again when you leave the field.' }));
    return node;
  }));
  if (rateAsked) $('csv-options').open = true;
}

// --- worker ---

function startWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => onWorkerMessage(data);
  worker.onerror = (event) => {
    setStatus('');
    showProblems([`The analysis module failed to start: ${event.message || 'unknown error'}. Reload the page; if it persists, this browser may lack WebAssembly SIMD support.`]);
  };
  state.worker = worker;
}

function entryByKey(key) { return state.entries.find((e) => e.key === key); }

function onWorkerMessage(msg) {
  if (msg.type === 'ready') {
    state.ready = true;
    state.limits = msg.limits;
    state.modelInfo = msg.model;
    state.buildInfo = msg.buildInfo || {};
    document.body.dataset.ready = 'true';
    const m = msg.model;
    $('about').textContent = m
      ? `EcgLite ${msg.version} · model ${m.name} (${m.precision}, ${formatCount(m.parameters)} parameters, ` +
        `${m.classNames.length} classes, ${m.inputChannels} leads at ${m.samplingRate} Hz)${m.description ? `: ${m.description}` : ''}`
      : `EcgLite ${msg.version} · no model loaded`;
    if (!m) showProblems([`Recordings can be viewed but not classified: ${msg.modelError}`]);
    if (!state.buildInfo.onnxRuntime) {
      for (const input of document.querySelectorAll('input[name="engine"][value="onnx"], #onnx-precision')) input.disabled = true;
      $('engine-note').textContent = 'ONNX Runtime Web is not part of this build (scripts/build-wasm copies it when onnxruntime-web and the ONNX models are present).';
    } else {
      for (const option of $('onnx-precision').options)
        option.disabled = !(state.buildInfo.onnxModels || []).includes(`student-${option.value}.onnx`);
    }
    if (!state.busy) setStatus('Ready. Drop a recording or try a sample.');
    return;
  }
  if (msg.type === 'fatal') {
    setStatus('');
    showProblems([`The analysis module could not be loaded: ${msg.message}`]);
    return;
  }
  if (msg.id !== state.requestId) return; // an answer to a drop that has since been replaced
  switch (msg.type) {
    case 'grouped': {
      state.entries = msg.records.map((r) => ({ ...r, other: {} }));
      const problems = [...(state.intakeProblems || []), ...msg.problems];
      const annotations = msg.ignored.filter((name) => ANNOTATION_FILE.test(name));
      const others = msg.ignored.filter((name) => !ANNOTATION_FILE.test(name));
      problems.push(...annotations.map((name) => unusedAnnotations(name, msg.records)));
      if (others.length) problems.push(`Not used: ${others.join(', ')} (not a header, signal or CSV file).`);
      showProblems(problems);
      renderRecordList();
      if (!state.entries.length) finishBusy(problems.length ? 'Nothing to show: see the problems above.' : 'No ECG files found in the drop.');
      break;
    }
    case 'progress':
      setStatus(msg.text, null);
      break;
    case 'record': {
      const entry = entryByKey(msg.key);
      entry.summary = msg.summary;
      entry.leads = msg.leads;
      if (state.selected < 0) select(state.entries.indexOf(entry));
      renderRecordList();
      break;
    }
    case 'record-error': {
      const entry = entryByKey(msg.key);
      entry.readError = msg.message;
      showProblems([...state.problems, { message: msg.message, kind: msg.kind, reason: msg.reason }]);
      renderRecordList();
      break;
    }
    case 'rhythm': {
      const entry = entryByKey(msg.key);
      entry.rhythm = msg.rhythm;
      if (isSelected(entry)) { renderRhythm(entry); attachBeats(entry); renderFacts(entry); }
      break;
    }
    case 'result':
    case 'result-error': {
      const entry = entryByKey(msg.key);
      if (!entry) break;
      if (msg.engine === 'ecglite') {
        if (msg.type === 'result') {
          entry.result = msg.result;
        } else {
          entry.resultError = msg.message;
          entry.resultErrorKind = msg.kind;
        }
        if (isSelected(entry)) { renderResult(entry); renderFacts(entry); }
        if (onnxWanted() && msg.type === 'result') requestOnnx(entry);
      } else {
        entry.other[msg.engine] = msg.type === 'result' ? { result: msg.result } : { error: msg.message };
        if (isSelected(entry)) renderComparison(entry);
        if (!state.busy) setStatus(describeDone());
      }
      renderRecordList();
      break;
    }
    case 'done':
      // A drop with no record was finished when it was grouped; its status names the problems.
      if (state.entries.length) finishBusy(describeDone());
      break;
    default:
      break;
  }
}

function finishBusy(text) {
  state.busy = false;
  document.body.dataset.busy = 'false';
  // Lets tests (and anyone scripting the page) wait for a given drop to be finished.
  document.body.dataset.completed = String(state.requestId);
  setStatus(text);
}

function describeDone() {
  const ok = state.entries.filter((e) => e.result).length;
  const read = state.entries.filter((e) => e.summary).length;
  if (!state.entries.length) return 'Ready.';
  if (!read) return 'Nothing to show: see the problems above.';
  return `${read} of ${state.entries.length} record${state.entries.length > 1 ? 's' : ''} read, ${ok} classified.`;
}

// --- what groupFiles() leaves unsaid ---

// Annotation files are only read with their record; say which record, not that the file is unknown.
function unusedAnnotations(name, records) {
  const stem = name.replace(ANNOTATION_FILE, '');
  const record = records.find((r) => r.kind === 'wfdb' && r.name.toLowerCase() === stem.toLowerCase());
  const used = record?.files.find((f) => ANNOTATION_FILE.test(f));
  if (used) {
    return `${name}: not used; the reference annotations of ${record.name} are read from ${used}`;
  }
  const header = state.dropped?.names.find((n) => n.toLowerCase() === `${stem}.hea`.toLowerCase());
  return header
    ? `${name}: annotations for ${stem}, which could not be opened`
    : `${name}: annotations for record ${stem}: drop them together with ${stem}.hea and its signal files`;
}

// --- file intake ---

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

async function openFiles(files) {
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
  const total = files.reduce((n, f) => n + f.size, 0);
  let loaded = 0;
  setStatus(`Loading ${files.length} file${files.length > 1 ? 's' : ''} (${formatBytes(total)})…`, 0);
  const payload = [];
  const maxBytes = state.limits?.maxFileBytes ?? Infinity;  // the core's limit, checked before reading
  // Files refused or unreadable here stay listed when the worker reports its own findings.
  state.intakeProblems = files.filter((f) => f.size > maxBytes).map((f) =>
    `${f.name}: ${formatBytes(f.size)} is more than the ${formatBytes(maxBytes)} a file may have here; ` +
    'split the recording or export a shorter part');
  showProblems(state.intakeProblems);
  for (const file of files) {
    if (file.size > maxBytes) continue;
    try {
      const buffer = await readFile(file, (n) => {
        loaded += n;
        setStatus(`Loading ${files.length} file${files.length > 1 ? 's' : ''} (${formatBytes(total)})…`, total ? loaded / total : null);
      });
      payload.push({ name: file.name, buffer });
    } catch (error) {
      state.intakeProblems.push(`${file.name}: could not be read (${error.message})`);
      showProblems(state.intakeProblems);
    }
  }
  if (id !== state.requestId) return;
  state.dropped = { names: payload.map((f) => f.name) };
  state.worker.postMessage({ type: 'open', id, files: payload, csvOptions: csvOptions() }, payload.map((f) => f.buffer));
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

// Folders dropped from a file manager: read their files (one level of nesting is typical: a
// PhysioNet download); bounded so that a dropped home directory does not hang the page.
async function filesFromDataTransfer(dataTransfer) {
  const items = [...(dataTransfer.items || [])];
  const entries = items.map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.some((e) => e.isDirectory)) return [...dataTransfer.files];
  const files = [];
  const walk = async (entry, depth) => {
    if (files.length > 2000) return;
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

// --- record list and panels ---

function hideRecordPanels() {
  for (const id of ['records', 'result', 'ecg', 'rhythm', 'facts']) $(id).hidden = true;
  state.trend = null;
  $('comparison').replaceChildren();
}

function isSelected(entry) { return state.entries[state.selected] === entry; }

function renderRecordList() {
  const list = $('record-list');
  $('records').hidden = state.entries.length < 2;
  list.replaceChildren(...state.entries.map((entry, i) => {
    const status = entry.readError ? ' — could not be read' : entry.result ? ` — ${verdict(entry.result)}` : entry.resultError ? ' — not classified' : '';
    const button = el('button', {
      type: 'button',
      class: entry.readError ? 'failed' : '',
      text: `${entry.name}${status}`,
      'aria-current': i === state.selected ? 'true' : 'false',
    });
    button.disabled = !entry.summary;
    button.addEventListener('click', () => select(i));
    return el('li', {}, button);
  }));
}

function select(index) {
  state.selected = index;
  const entry = state.entries[index];
  if (!entry || !entry.summary) return;
  renderRecordList();
  // A header may declare no signals at all: then there is no paper to show.
  $('ecg').hidden = !entry.summary.leads.length;
  $('facts').hidden = false;
  $('result').hidden = false;
  const s = entry.summary;
  viewer.setRecord({
    name: s.name,
    samplingRate: s.samplingRate,
    leads: s.leads.map((l, i) => ({ ...l, samples: entry.leads[i] })),
  });
  attachBeats(entry);
  updateViewerControls();
  renderResult(entry);
  renderFacts(entry);
  renderRhythm(entry);
  renderComparison(entry);
}

const formatCount = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));
const formatBytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`);
const percent = (p) => `${(p * 100).toFixed(1)} %`;
function formatDuration(seconds) {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min ${s} s` : `${m} min ${s} s`;
}

function verdict(result) {
  const positive = result.classes.filter((c) => c.positive);
  if (!positive.length) return 'no class above its threshold';
  return positive.map((c) => c.description || c.name).join(' + ');
}

// True when the record lacks a lead the 12-lead model reads (derivable limb leads included).
function lacksModelLeads(summary) {
  const names = state.modelInfo?.leadNames ?? [];
  return !!summary && names.some((name) => !summary.leads.some((lead) => lead.standardName === name));
}

function renderResult(entry) {
  const body = $('result-body');
  if (entry.resultError) {
    // Said by the error's kind, or seen in the record itself (not every stage of the core gives a kind).
    const leads = entry.resultErrorKind === 'missing_leads' || lacksModelLeads(entry.summary);
    body.replaceChildren(el('p', { class: 'notice not-run', text: `Not classified: ${entry.resultError}` }),
      el('p', { class: 'hint', text: entry.summary && !entry.summary.leads.length ? 'The record has no signals, so there is no ECG to draw either.'
        : leads ? 'The screening model reads the 12 standard leads of a resting ECG; limb leads III, aVR, aVL and aVF can be derived from I and II. The recording is still shown, with its heart rate and beats below.'
        : 'The recording is still shown below.' }));
    return;
  }
  if (!entry.result) {
    body.replaceChildren(el('p', { text: 'Classifying…' }));
    return;
  }
  const r = entry.result;
  const items = r.classes.map((c) => {
    const positive = c.positive ? ` positive${NORMAL_CLASSES.has(c.name) ? ' normal-finding' : ''}` : '';
    const fill = el('span', { class: `fill${positive}` });
    fill.style.width = `${Math.max(0, Math.min(1, c.probability)) * 100}%`;
    const mark = el('span', { class: 'threshold', title: `threshold ${percent(c.threshold)}` });
    mark.style.left = `calc(${c.threshold * 100}% - 1px)`;
    const bar = el('span', { class: 'bar', role: 'presentation' }, fill, mark);
    const state_ = c.positive ? `above its threshold of ${percent(c.threshold)}: positive` : `below its threshold of ${percent(c.threshold)}`;
    return el('li', { class: 'class-row', 'data-class': c.name },
      el('span', { class: 'class-name' }, c.description || c.name, ' ', el('small', { text: `(${c.name})` })),
      bar,
      el('span', { class: 'prob', text: percent(c.probability) }),
      el('span', { class: `class-state${positive}`, text: state_ }));
  });
  const list = el('ul', { class: 'classes', 'aria-label': 'Probability per class' }, ...items);
  body.replaceChildren(
    el('p', { class: 'verdict', id: 'verdict', text: `${entry.name}: ${verdict(r)}` }),
    list,
    el('p', { class: 'hint', text: `EcgLite ${state.modelInfo?.precision ?? ''} model, ${r.inferences} network run${r.inferences === 1 ? '' : 's'} over ${r.windows} window${r.windows === 1 ? '' : 's'} in ${r.timeMs.toFixed(1)} ms.` }),
    ...r.warnings.map((w) => el('p', { class: 'notice', text: `Warning: ${w}` })));
}

function renderFacts(entry) {
  const s = entry.summary;
  if (!s) return;
  const units = [...new Set(s.leads.map((l) => l.units || 'unknown'))].join(', ');
  const facts = [
    ['Record', s.name],
    ['Files', entry.files.join(', ')],
    ['Leads', s.leads.length ? `${s.leads.length}: ${s.leads.map((l) => l.name).join(', ')}` : 'none: the record has no signals, so there is no ECG to draw'],
    ['Sampling rate', `${s.samplingRate} Hz`],
    ['Length', `${formatDuration(s.durationS)} (${s.length.toLocaleString('en')} samples per lead)`],
  ];
  if (s.leads.length) facts.push(['Units', units === 'NU' ? 'NU (unitless: amplitudes are not in mV)' : units]);
  const hr = entry.rhythm && !entry.rhythm.error && entry.rhythm.beatCount >= 2 ? entry.rhythm.meanHrBpm : undefined;
  if (Number.isFinite(hr)) facts.push(['Heart rate', `${Math.round(hr)} beats per minute`]);
  // One line each: a header's comment lines often continue a sentence, which a separator would cut.
  if (s.comments.length) facts.push(['Comments', s.comments.join('\n')]);
  if (s.warnings.length) facts.push(['Reader warnings', s.warnings.join('\n')]);
  $('facts-list').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { class: 'lines', text: v })]));

  const steps = [];
  if (entry.result) {
    steps.push(...entry.result.adaptations);
    steps.push('each class compared with its own threshold, chosen on validation data');
  } else if (entry.resultError) {
    steps.push('not classified (see the screening result)');
  }
  $('pipeline').replaceChildren(...steps.map((t) => el('li', { text: t })));
}

// --- rhythm (long recordings; only when the core provides it) ---

function attachBeats(entry) {
  const r = entry.rhythm;
  if (!r || r.error || !isSelected(entry)) return;
  if (!r.beatTimes) r.beatTimes = Float64Array.from(r.beats.samples, (s) => s / entry.summary.samplingRate);
  viewer.setBeats({ times: r.beatTimes, classes: r.beats.classes });
}

const plural = (n, word, many = `${word}s`) => `${n.toLocaleString('en')} ${n === 1 ? word : many}`;

function ectopyLine(name, e) {
  if (!e.beats) return `${name}: none`;
  const parts = [`${plural(e.isolated, 'isolated beat')}`, `${plural(e.couplets, 'couplet')}`, `${plural(e.runs, 'run')} of 3 or more`];
  if (e.runs) parts.push(`longest ${plural(e.longestRun, 'beat')}`);
  return `${name}: ${plural(e.beats, 'beat')} (${parts.join(', ')})`;
}

function renderRhythm(entry) {
  const section = $('rhythm');
  const r = entry.rhythm;
  if (!r) { section.hidden = true; return; }
  section.hidden = false;
  if (r.error) {
    $('rhythm-body').replaceChildren(el('p', { class: 'notice', text: `Beats could not be detected: ${r.error}` }));
    $('hr-trend').hidden = true;
    return;
  }
  const lines = [];
  if (r.beatCount >= 2) {
    const range = r.maxHrBpm > 0 && r.durationS > 2 * r.trendIntervalS
      ? ` (${Math.round(r.minHrBpm)} to ${Math.round(r.maxHrBpm)} over ${r.trendIntervalS} s intervals)` : '';
    lines.push(el('p', { class: 'verdict', id: 'heart-rate', text: `Heart rate ${Math.round(r.meanHrBpm)} beats per minute${range}` }));
  } else {
    lines.push(el('p', { class: 'notice', text: 'Fewer than two beats were detected: no heart rate.' }));
  }
  lines.push(el('p', { text: `${plural(r.beatCount, 'beat')} detected in ${formatDuration(r.durationS)}; ` +
    `${plural(r.pauses, 'pause')} of 2 s or more (longest RR interval ${r.longestRrS.toFixed(2)} s).` }));
  if (r.signalGaps > 0)
    lines.push(el('p', { class: 'notice', id: 'signal-gaps', text: `No signal for ${formatDuration(r.signalGapS)} in ` +
      `${plural(r.signalGaps, 'stretch', 'stretches')} (electrodes off?): the heart rate, pauses and beat classes leave those stretches out.` }));
  const counts = Object.entries(r.classCounts).sort(([a], [b]) => Object.keys(BEAT_CLASS_NAMES).indexOf(a) - Object.keys(BEAT_CLASS_NAMES).indexOf(b));
  lines.push(el('ul', { class: 'counts', 'aria-label': 'Beats per class' }, ...counts.map(([k, n]) => {
    const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.background = BEAT_COLORS[k] ?? BEAT_COLORS['?'];
    const text = k === '?' ? `${plural(n, 'beat')}, not classified` : `${k}: ${n.toLocaleString('en')} (${BEAT_CLASS_NAMES[k] ?? k})`;
    return el('li', { 'data-beat-class': k }, swatch, text);
  })));
  if (r.classified) {
    lines.push(el('p', { id: 'ectopy-s', text: ectopyLine('Supraventricular ectopy (S)', r.supraventricular) }));
    lines.push(el('p', { id: 'ectopy-v', text: ectopyLine('Ventricular ectopy (V)', r.ventricular) }));
    // The counts look exact; the classifier is not (models/BEATS_MODEL_CARD.md, MIT-BIH DS2).
    lines.push(el('p', { class: 'hint', id: 'beat-class-caveat', text: 'The beat classes come from a small research model. ' +
      'On patients it was not trained on it found most V beats but fewer than half of the S beats, and it calls many normal ' +
      'beats F (fusion): read the counts as a guide to where to look, not as a diagnosis.' }));
  } else {
    lines.push(el('p', { class: 'hint', text: 'Beats are detected but not classified: this build has no beat classifier (models/beats-int8.ecgm), so there are no S/V counts.' }));
  }
  if (r.referenceRhythms.length) {
    const total = new Map();
    for (const e of r.referenceRhythms) {
      const t = total.get(e.rhythm) ?? { episodes: 0, seconds: 0 };
      t.episodes++;
      t.seconds += e.durationS;
      total.set(e.rhythm, t);
    }
    // "rhythm N (normal sinus rhythm)": the codes are not beat classes, although N is both.
    lines.push(el('p', { id: 'reference-rhythms' }, `Reference rhythm annotations (${r.annotationsFile}): `,
      ...[...total].flatMap(([rhythm, t], i) => [i ? '; ' : '', 'rhythm ',
        el('abbr', { title: RHYTHM_NAMES[rhythm] ?? 'rhythm code of the annotation file', text: rhythm }),
        `${RHYTHM_NAMES[rhythm] ? ` (${RHYTHM_NAMES[rhythm]})` : ''} ${formatDuration(t.seconds)} in ${plural(t.episodes, 'episode')}`])));
  }
  if (r.annotationsError) lines.push(el('p', { class: 'notice', id: 'annotations-error', text: `Reference annotations not used: ${r.annotationsError}` }));
  for (const w of r.warnings) lines.push(el('p', { class: 'notice', text: `Warning: ${w}` }));
  $('rhythm-body').replaceChildren(...lines);
  // Each value covers an interval and is drawn at its end; the last interval ends with the record.
  const points = Array.from(r.hrTrendBpm, (bpm, i) => ({ time: Math.min((i + 1) * r.trendIntervalS, r.durationS), bpm }));
  state.trend = { points, durationS: r.durationS };
  drawHeartRateTrend(state.trend);
}

function drawHeartRateTrend({ points, durationS }) {
  const canvas = $('hr-trend');
  canvas.hidden = points.filter((p) => Number.isFinite(p.bpm)).length < 2;
  if (canvas.hidden) return;
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (!w || !h) return;  // in a hidden panel; drawn when the panel is shown and gets its size
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const t1 = durationS || points[points.length - 1].time || 1;
  const values = points.map((p) => p.bpm).filter(Number.isFinite);
  const lo = Math.max(0, Math.floor(Math.min(...values) / 20) * 20);
  const hi = Math.ceil(Math.max(...values) / 20) * 20 || 120;
  const x = (t) => 36 + (t / t1) * (w - 44);
  const y = (v) => h - 18 - ((v - lo) / Math.max(1, hi - lo)) * (h - 36);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#4a4a4a';
  ctx.strokeStyle = '#d0d0d6';
  for (let v = lo; v <= hi; v += 20) {
    ctx.beginPath(); ctx.moveTo(36, y(v)); ctx.lineTo(w - 8, y(v)); ctx.stroke();
    ctx.fillText(String(v), 4, y(v) + 4);
  }
  ctx.fillText('beats per minute', 4, 11);
  ctx.fillText('0', 36, h - 4);
  ctx.textAlign = 'right';
  ctx.fillText(formatDuration(t1), w - 8, h - 4);
  ctx.textAlign = 'start';
  ctx.beginPath();
  ctx.strokeStyle = '#a3211a';
  ctx.lineWidth = 1.5;
  let pen = false;
  for (const p of points) {
    if (!Number.isFinite(p.bpm)) { pen = false; continue; }
    if (pen) ctx.lineTo(x(p.time), y(p.bpm)); else ctx.moveTo(x(p.time), y(p.bpm));
    pen = true;
  }
  ctx.stroke();
  canvas.setAttribute('aria-label', `Heart rate trend from ${Math.round(Math.min(...values))} to ${Math.round(Math.max(...values))} beats per minute over ${formatDuration(t1)}`);
}

// --- ONNX Runtime Web comparison ---

const onnxWanted = () => document.querySelector('input[name="engine"]:checked')?.value === 'onnx';
const onnxPrecision = () => $('onnx-precision').value;

function requestOnnx(entry) {
  const engine = ONNX_ENGINE(onnxPrecision());
  if (!entry.result || entry.other[engine]) { renderComparison(entry); return; }
  entry.other[engine] = { pending: true };
  renderComparison(entry);
  state.worker.postMessage({ type: 'onnx', id: state.requestId, key: entry.key, precision: onnxPrecision() });
}

function renderComparison(entry) {
  const box = $('comparison');
  if (!onnxWanted() || !entry || !entry.result) { box.replaceChildren(); return; }
  const engine = ONNX_ENGINE(onnxPrecision());
  const other = entry.other[engine];
  if (!other || other.pending) { box.replaceChildren(el('p', { text: 'Running ONNX Runtime Web…' })); return; }
  if (other.error) { box.replaceChildren(el('p', { class: 'problem', text: `ONNX Runtime Web: ${other.error}` })); return; }
  const a = entry.result;
  const b = other.result;
  const rows = a.classes.map((c, i) => el('tr', { 'data-class': c.name },
    el('th', { scope: 'row', text: c.description || c.name }),
    el('td', { class: 'ecglite-prob', text: percent(c.probability) }),
    el('td', { class: 'onnx-prob', text: percent(b.classes[i].probability) }),
    el('td', { text: formatPoints((b.classes[i].probability - c.probability) * 100) })));
  const t = b.timing;
  const table = el('table', { 'aria-label': 'EcgLite and ONNX Runtime Web results side by side' },
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: 'Class' }),
      el('th', { scope: 'col', text: `EcgLite (${state.modelInfo?.precision})` }),
      el('th', { scope: 'col', text: `ONNX Runtime Web (${onnxPrecision()})` }),
      el('th', { scope: 'col', text: 'difference (points)' }))),
    el('tbody', {}, ...rows,
      el('tr', {}, el('th', { scope: 'row', text: 'Result' }), el('td', { text: verdict(a) }), el('td', { text: verdict(b) }), el('td')),
      el('tr', {}, el('th', { scope: 'row', text: 'Time' }),
        el('td', { text: `${a.timeMs.toFixed(1)} ms (reading the prepared record, preprocessing and ${a.inferences} runs)` }),
        el('td', { text: `${t.inferenceMs.toFixed(1)} ms for ${b.inferences} runs (+ ${t.prepareMs.toFixed(1)} ms EcgLite preprocessing; session created in ${t.sessionMs.toFixed(0)} ms)` }),
        el('td'))));
  // Scrolls inside its own box on a narrow screen instead of widening the page.
  box.replaceChildren(el('div', { class: 'table-scroll', tabIndex: 0, role: 'region', 'aria-label': 'Comparison table; scroll sideways on a narrow screen' }, table));
}

// A difference that rounds to zero is shown as 0.00, not -0.00.
const formatPoints = (d) => (Math.abs(d) < 0.005 ? 0 : d).toFixed(2);

// --- viewer controls ---

let viewer;

function updateViewerControls() {
  const z = viewer.options.zoom;
  $('zoom-value').textContent = `${Math.round(z * 100)} %`;
  const note = $('layout-note');
  if (viewer.options.layout === 'standard' && viewer.layout !== 'standard') {
    note.hidden = false;
    note.textContent = 'The 3 × 4 layout needs the 12 standard leads; this recording is shown one lead per row.';
  } else {
    note.hidden = true;
  }
  const record = viewer.record;
  const unitless = record ? record.leads.filter((l, i) => viewer.unitless[i]) : [];
  const unitsNote = $('units-note');
  unitsNote.hidden = !unitless.length;
  if (unitless.length) {
    const units = [...new Set(unitless.map((l) => l.units))].join(', ');
    const which = unitless.length === record.leads.length ? 'Amplitudes are' : `Leads ${unitless.map((l) => l.name).join(', ')} are`;
    unitsNote.textContent = `${which} unitless (${units}), not mV: they are scaled so that a typical beat is as tall as 1 mV ` +
      'would be at the chosen gain, and no calibration pulse is drawn for them.';
  }
  const pageControl = $('page-control');
  const long = record?.leads.length && viewer.layout === 'standard' && record.leads[0].samples.length / record.samplingRate > PAGE_SECONDS + 1e-9;
  pageControl.hidden = !long;
  if (long) {
    const duration = record.leads[0].samples.length / record.samplingRate;
    const range = $('page-start');
    range.max = String(Math.max(0, Math.floor((duration - PAGE_SECONDS) / 2.5) * 2.5));
  }
}

function setupViewer() {
  viewer = new EcgViewer($('scroller'), { onChange: updateViewerControls });
  // A click on the trend shows that moment of the recording (30 minutes are 170,000 px of strip).
  $('hr-trend').addEventListener('click', (e) => {
    if (!state.trend) return;
    const canvas = e.currentTarget;
    const t1 = state.trend.durationS || state.trend.points.at(-1)?.time || 0;
    const t = ((e.offsetX - 36) / Math.max(1, canvas.clientWidth - 44)) * t1;
    if (!viewer.showTime(t) && !$('page-control').hidden) {
      const range = $('page-start');
      range.value = String(t);  // the range snaps it to its 2.5 s steps and its end
      range.dispatchEvent(new Event('input'));
    }
    $('ecg').scrollIntoView({ block: 'nearest' });
  });
  // The trend is drawn at its canvas's size, like the paper: redrawn when the window resizes it.
  if (typeof ResizeObserver === 'function')
    new ResizeObserver(() => { if (state.trend && !$('hr-trend').hidden) drawHeartRateTrend(state.trend); }).observe($('hr-trend'));
  $('layout').addEventListener('change', (e) => viewer.set({ layout: e.target.value }));
  $('speed').addEventListener('change', (e) => viewer.set({ speed: Number(e.target.value) }));
  $('gain').addEventListener('change', (e) => viewer.set({ gain: Number(e.target.value) }));
  $('zoom-in').addEventListener('click', () => viewer.zoomBy(1));
  $('zoom-out').addEventListener('click', () => viewer.zoomBy(-1));
  $('zoom-reset').addEventListener('click', () => viewer.set({ zoom: 1 }));
  $('page-start').addEventListener('input', (e) => {
    $('page-start-value').textContent = `${e.target.value} s`;
    viewer.set({ pageStart: Number(e.target.value) });
  });
}

// --- wiring ---

function setupIntake() {
  const input = $('file-input');
  const zone = $('dropzone');
  $('choose').addEventListener('click', () => input.click());
  input.addEventListener('change', () => { openFiles(input.files); input.value = ''; });
  // The whole window accepts drops, so that a near miss does not make the browser open the file.
  let depth = 0;
  window.addEventListener('dragenter', (e) => { e.preventDefault(); depth++; zone.classList.add('over'); });
  window.addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; zone.classList.remove('over'); } });
  window.addEventListener('dragover', (e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; });
  window.addEventListener('drop', async (e) => {
    e.preventDefault();
    depth = 0;
    zone.classList.remove('over');
    if (e.dataTransfer) openFiles(await filesFromDataTransfer(e.dataTransfer));
  });
  for (const button of document.querySelectorAll('[data-sample]'))
    button.addEventListener('click', () => loadSample(button.dataset.sample));
  const reread = () => {
    const csv = state.lastFiles?.some((f) => CSV_FILE.test(f.name));
    if (csv && !state.busy) openFiles(state.lastFiles);
  };
  $('csv-rate').addEventListener('change', reread);
  $('csv-units').addEventListener('change', reread);
  for (const radio of document.querySelectorAll('input[name="engine"]'))
    radio.addEventListener('change', () => {
      const entry = state.entries[state.selected];
      if (onnxWanted() && entry) requestOnnx(entry); else renderComparison(entry);
    });
  $('onnx-precision').addEventListener('change', () => {
    const entry = state.entries[state.selected];
    if (onnxWanted() && entry) requestOnnx(entry);
  });
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
  navigator.serviceWorker.register('sw.js').catch((error) => console.warn('offline support unavailable:', error.message));
}

setupViewer();
setupIntake();
startWorker();
registerServiceWorker();
