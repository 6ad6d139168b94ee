// The page: starts the worker and routes its messages to the parts that draw them. All reading and
// inference happen in worker.js; the page only moves bytes there and draws what comes back.
//   intake.js       files in (drop, picker, samples, CSV options), status line, problems
//   results.js      ECG paper and its controls, screening result, facts of the record shown
//   batch.js        several records: the table that fills as the worker screens them, CSV export
//   long-record.js  heart rate, beats, ectopy and rhythm episodes (rhythm())
//   engine.js       the engine switch: ONNX Runtime Web side by side with EcgLite
//   report.js       the printed report of the record shown (one landscape page)
//   ui.js           what they share: page state, DOM helpers, number formats
import { $, state, isSelected, formatCount } from './ui.js';
import { describeDone, finishBusy, groupedProblems, setStatus, setupIntake, showAnalysisProgress, showProblems } from './intake.js';
import { announceResult, hideRecordPanels, renderFacts, renderResult, setupViewer, showRecord, viewer } from './results.js';
import { addBatchRow, finishBatch, markOpened, requestRecord, resetBatch, setupBatch, startBatch } from './batch.js';
import { attachBeats, renderRhythm, setupLongRecord } from './long-record.js';
import { offerEngines, onnxWanted, renderComparison, requestOnnx, setupEngine } from './engine.js';
import { setupReport } from './report.js';

function startWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => onWorkerMessage(data);
  worker.onerror = (event) => {
    setStatus('');
    showProblems([`The analysis module failed to start: ${event.message || 'unknown error'}. Reload the page; if it persists, this browser may lack WebAssembly SIMD support.`]);
  };
  state.worker = worker;
}

// Cancel of a long record's analysis. The analysis is one synchronous call into wasm, which nothing
// can interrupt: the worker is terminated and a fresh one started (it loads the module and the
// model again, a second or so); whatever the old one was doing is dropped, the page stays usable.
function cancelAnalysis() {
  const entry = state.entries[state.selected];
  state.worker.onmessage = null;
  state.worker.terminate();
  state.requestId++;  // no answer of the old worker's drop is waited for
  state.ready = false;
  document.body.dataset.ready = 'false';
  state.restarted = true;
  startWorker();
  state.entries = [];
  state.selected = -1;
  hideRecordPanels();
  resetBatch();
  finishBusy(`Cancelled: ${entry ? `${entry.name} was` : 'the recording was'} not analysed. Drop it again to start over.`);
  $('announce').textContent = 'Analysis cancelled.';
  $('choose').focus();  // the Cancel button is gone: keyboard users continue from "Choose files…"
}

// The wasm memory the worker reported last (it only grows: its peak), for tests and scripts/bench.
function noteMemory(bytes) {
  if (bytes > Number(document.body.dataset.wasmMemory || 0)) document.body.dataset.wasmMemory = String(bytes);
}

function entryByKey(key) { return state.entries.find((e) => e.key === key); }

function onWorkerMessage(msg) {
  if (msg.type === 'ready') {
    state.ready = true;
    state.limits = msg.limits;
    state.version = msg.version;
    state.modelInfo = msg.model;
    state.buildInfo = msg.buildInfo || {};
    document.body.dataset.ready = 'true';
    const m = msg.model;
    $('about').textContent = m
      ? `EcgLite ${msg.version} · model ${m.name} (${m.precision}, ${formatCount(m.parameters)} parameters, ` +
        `${m.classes.length} classes, ${m.input_channels} leads at ${m.sampling_rate_hz} Hz)${m.description ? `: ${m.description}` : ''}`
      : `EcgLite ${msg.version} · no model loaded`;
    if (!m) showProblems([`Recordings can be viewed but not classified: ${msg.modelError}`]);
    offerEngines(state.buildInfo);
    // After a cancel the status keeps saying what was cancelled.
    if (!state.busy && !state.restarted) setStatus('Ready. Drop a recording or try a sample.');
    state.restarted = false;
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
      const problems = groupedProblems(msg);
      showProblems(problems);
      if (msg.batch) { startBatch(); setStatus(describeDone()); }
      if (!state.entries.length) finishBusy(problems.length ? 'Nothing to show: see the problems above.' : 'No ECG files found in the drop.');
      break;
    }
    case 'progress':
      setStatus(msg.text, null);
      break;
    case 'analysis-progress':
      if (isSelected(entryByKey(msg.key))) showAnalysisProgress(msg);
      break;
    case 'window': {
      if (msg.error) {
        showProblems([...state.problems, `This part of the recording could not be read: ${msg.error}`]);
        break;
      }
      noteMemory(msg.memoryBytes);
      if (isSelected(entryByKey(msg.key))) viewer.setWindow(msg.from, msg.leads);
      break;
    }
    case 'record': {
      const entry = entryByKey(msg.key);
      entry.summary = msg.summary;
      entry.leads = msg.leads;
      entry.window = msg.window;  // a long record: the leads hold the stretch from msg.window.from
      if (state.selected < 0 || isSelected(entry)) select(state.entries.indexOf(entry));
      break;
    }
    case 'record-error': {
      const entry = entryByKey(msg.key);
      entry.readError = msg.message;
      showProblems([...state.problems, { message: msg.message, kind: msg.kind, reason: msg.reason }]);
      break;
    }
    case 'rhythm': {
      const entry = entryByKey(msg.key);
      entry.rhythm = msg.rhythm;
      if (msg.rhythm.memoryBytes) noteMemory(msg.rhythm.memoryBytes);
      if (isSelected(entry)) { renderRhythm(entry); attachBeats(entry); renderFacts(entry); }
      // A long record's analysis again from another lead ends here: its progress bar goes.
      if (!state.busy && entry.window) setStatus(describeDone());
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
        if (isSelected(entry)) { renderResult(entry); renderFacts(entry); announceResult(entry); }
        if (onnxWanted() && msg.type === 'result') requestOnnx(entry);
      } else {
        entry.other[msg.engine] = msg.type === 'result' ? { result: msg.result } : { error: msg.message };
        if (isSelected(entry)) renderComparison(entry);
        if (!state.busy) setStatus(describeDone());
      }
      break;
    }
    case 'batch-row':
      addBatchRow(msg.key, msg.row);
      break;
    case 'done':
      // A drop with no record was finished when it was grouped; its status names the problems.
      if (state.batch) finishBatch(msg.cancelled);
      if (state.entries.length) finishBusy(describeDone());
      break;
    default:
      break;
  }
}

function select(index) {
  state.selected = index;
  const entry = state.entries[index];
  if (!entry) return;
  // A row of the batch table: the worker reads the record again and its messages show it.
  if (!entry.summary) { if (state.batch) requestRecord(entry); return; }
  if (state.batch) markOpened(entry);
  showRecord(entry);
  attachBeats(entry);
  renderRhythm(entry);
  renderComparison(entry);
  if (state.batch) $('result').scrollIntoView({ block: 'nearest' });
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
  navigator.serviceWorker.register('sw.js').catch((error) => console.warn('offline support unavailable:', error.message));
}

setupViewer();
setupLongRecord();
setupIntake();
setupBatch(select);
setupEngine();
setupReport();
$('cancel-analysis').addEventListener('click', cancelAnalysis);
startWorker();
registerServiceWorker();
