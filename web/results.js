// The record shown: the ECG paper and its controls, the screening result (and its announcement) and
// the record's facts. (The heart-rate panel is long-record.js, the engine comparison engine.js.)
import { EcgViewer, PAGE_SECONDS } from './viewer.js';
import { $, el, state, formatDuration, formatStartTime, percent } from './ui.js';
import { explainControls, explainNote, setupExplain, showExplanations } from './explain.js';

// A positive "Normal ECG" is a reassuring finding, not an alarm: it is not drawn in the alarm colour.
const NORMAL_CLASSES = new Set(['NORM']);

/** The ECG paper (viewer.js), made by setupViewer(). */
export let viewer;

export function hideRecordPanels() {
  for (const id of ['result', 'ecg', 'rhythm', 'facts']) $(id).hidden = true;
  state.trend = null;
  $('comparison').replaceChildren();
}

// The panels of the selected record that this part draws: the paper, the result and the facts.
export function showRecord(entry) {
  // A header may declare no signals at all: then there is no paper to show.
  $('ecg').hidden = !entry.summary.leads.length;
  $('facts').hidden = false;
  $('result').hidden = false;
  const s = entry.summary;
  // A long recording comes as a window of its samples (entry.window): the viewer asks the worker for
  // the stretch it shows (requestWindow) as the view moves.
  viewer.setRecord({
    name: s.name,
    samplingRate: s.samplingRate,
    leads: s.leads.map((l, i) => ({ ...l, samples: entry.leads[i] })),
    ...(entry.window ? { windowed: true, frames: s.length, offset: entry.window.from } : {}),
  });
  updateViewerControls();
  renderResult(entry);
  renderFacts(entry);
}

export function verdict(result) {
  const positive = result.classes.filter((c) => c.positive);
  if (!positive.length) return 'no class above its threshold';
  return positive.map((c) => c.description || c.name).join(' + ');
}

// What a screen reader hears when the result of the record shown arrives (the live region #announce):
// "Results for 00001_lr: Normal ECG 99 %", the positive classes with their probabilities.
export function announceResult(entry) {
  const r = entry.result;
  const positive = r?.classes.filter((c) => c.positive) ?? [];
  $('announce').textContent = r
    ? `Results for ${entry.name}: ${positive.length ? positive.map((c) => `${c.description || c.name} ${Math.round(100 * c.probability)} %`).join(', ') : 'no class above its threshold'}`
    : `${entry.name}: not classified: ${entry.resultError}`;
}

// True when the record lacks a lead the 12-lead model reads (derivable limb leads included).
function lacksModelLeads(summary) {
  const names = state.modelInfo?.lead_names ?? [];
  return !!summary && names.some((name) => !summary.leads.some((lead) => lead.standardName === name));
}

export function renderResult(entry) {
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
      el('span', { class: `class-state${positive}`, text: state_ }),
      explainControls(entry, c));
  });
  const list = el('ul', { class: 'classes', 'aria-label': 'Probability per class' }, ...items);
  body.replaceChildren(
    el('p', { class: 'verdict', id: 'verdict', text: `${entry.name}: ${verdict(r)}` }),
    list,
    explainNote(),
    el('p', { class: 'hint', text: `EcgLite ${state.modelInfo?.precision ?? ''} model, ${r.inferences} network run${r.inferences === 1 ? '' : 's'} over ${r.windows} window${r.windows === 1 ? '' : 's'} in ${r.time_ms.toFixed(1)} ms.` }),
    ...r.warnings.map((w) => el('p', { class: 'notice', text: `Warning: ${w}` })));
  showExplanations(entry);
}

/** The record's facts, [name, value]; `brief` (the printed report) leaves out its comments, reader warnings and annotations. */
export function recordFacts(entry, brief = false) {
  const s = entry.summary;
  const units = [...new Set(s.leads.map((l) => l.units || 'unknown'))].join(', ');
  const facts = [
    ['Record', s.name],
    ['Files', entry.files.join(', ')],
    ['Leads', s.leads.length ? `${s.leads.length}: ${s.leads.map((l) => l.name).join(', ')}` : 'none: the record has no signals, so there is no ECG to draw'],
    ['Sampling rate', `${s.samplingRate} Hz`],
    ['Length', `${formatDuration(s.durationS)} (${s.length.toLocaleString('en')} samples per lead)`],
  ];
  if (s.startTime) facts.push(['Start time', `${formatStartTime(s.startTime)} (as the file states it)`]);
  if (s.leads.length) facts.push(['Units', units === 'NU' ? 'NU (unitless: amplitudes are not in mV)' : units]);
  const hr = entry.rhythm && !entry.rhythm.error && entry.rhythm.beats_detected >= 2 ? entry.rhythm.heart_rate.mean_bpm : undefined;
  if (Number.isFinite(hr)) facts.push(['Heart rate', `${Math.round(hr)} beats per minute`]);
  if (brief) return facts;
  // One line each: a header's comment lines often continue a sentence, which a separator would cut.
  if (s.comments.length) facts.push(['Comments', s.comments.join('\n')]);
  if (s.warnings.length) facts.push(['Reader warnings', s.warnings.join('\n')]);
  // EDF+ annotations (onset, duration, text), one per line; a long list is cut, saying how many more.
  if (s.annotations?.length) {
    const shown = s.annotations.slice(0, 50).map((a) => `${formatDuration(a.onset_s)} ${a.text}${a.duration_s ? ` (${formatDuration(a.duration_s)})` : ''}`);
    if (s.annotations.length > shown.length) shown.push(`… and ${s.annotations.length - shown.length} more`);
    facts.push([`Annotations (${s.annotations.length})`, shown.join('\n')]);
  }
  return facts;
}

export function renderFacts(entry) {
  if (!entry.summary) return;
  const facts = recordFacts(entry);
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

// --- viewer controls ---

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
  const long = record?.leads.length && viewer.layout === 'standard' && record.frames / record.samplingRate > PAGE_SECONDS + 1e-9;
  pageControl.hidden = !long;
  if (long) {
    const duration = record.frames / record.samplingRate;
    const range = $('page-start');
    range.max = String(Math.max(0, Math.floor((duration - PAGE_SECONDS) / 2.5) * 2.5));
  }
}

// The stretch of a long recording the paper is about to show: asked of the worker, which answers with
// a 'window' message (app.js hands it to viewer.setWindow()).
function requestWindow(from, to) {
  const entry = state.entries[state.selected];
  if (!entry?.window) return;
  state.worker.postMessage({ type: 'window', id: state.requestId, key: entry.key, from, to });
}

export function setupViewer() {
  viewer = new EcgViewer($('scroller'), { onChange: updateViewerControls, onWindowNeeded: requestWindow });
  setupExplain(viewer);
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
