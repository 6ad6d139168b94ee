// Long recordings (any record of 1-12 leads, in fact): the rhythm verdict with AF episodes and
// burden, the heart-rate panel with its trend, the beat marks on the paper, S/V ectopy, pauses,
// stretches without signal and reference rhythm episodes, as rhythm() (`ecglite rhythm`) reports them.
import { AF_BAND, BEAT_COLORS, BEAT_CLASS_NAMES } from './viewer.js';
import { $, el, state, isSelected, clockAt, formatDuration, plural } from './ui.js';
import { viewer } from './results.js';
import { holterSection } from './holter.js';

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

// The rhythm model's verdicts (CinC 2017 classes), in words for the rhythm card and the batch table.
export const RHYTHM_VERDICTS = {
  N: 'Sinus rhythm',
  A: 'Atrial fibrillation',
  O: 'Other rhythm',
  '~': 'Too noisy to read: record again',
};

// Shows moment `t` (s) of the recording on the paper.
function showMoment(t) {
  if (!viewer.showTime(t) && !$('page-control').hidden) {
    const range = $('page-start');
    range.value = String(t);  // the range snaps it to its 2.5 s steps and its end
    range.dispatchEvent(new Event('input'));
  }
  $('ecg').scrollIntoView({ block: 'nearest' });
}

// "Read from lead [I v]": the verdict again from the lead the user picks (the worker re-reads it).
function leadPicker(entry, v) {
  const leads = entry.summary?.leads ?? [];
  if (leads.length < 2) return `read from lead ${v.lead_name}`;
  const select = el('select', { id: 'rhythm-lead', 'aria-label': 'Lead the rhythm is read from' },
    ...leads.map((l, i) => el('option', { value: String(i), text: l.name, selected: i === v.lead })));
  select.addEventListener('change', () => {
    state.worker.postMessage({ type: 'rhythm', id: state.requestId, key: entry.key, rhythmLead: Number(select.value) });
  });
  return el('label', { class: 'lead-picker' }, 'read from lead ', select);
}

function verdictLines(entry, v, start) {
  const lines = [el('p', { class: `verdict rhythm-verdict rhythm-${v.class === '~' ? 'noisy' : v.class}`, id: 'rhythm-verdict',
    'data-rhythm-class': v.class },
    `${RHYTHM_VERDICTS[v.class]} (probability ${Math.round(100 * v.probability)} %, `, leadPicker(entry, v), ')')];
  const blocks = v.blocks.classes.length;
  if (blocks > 12) {  // longer than the 61 s the model was trained on: per-block verdicts
    const noisy = [...v.blocks.classes].filter((c) => c === '~').length;
    lines.push(el('p', { id: 'af-burden', text: `Atrial fibrillation in ${(100 * v.af_burden).toFixed(1)} % of the readable time ` +
      `(${plural(v.af_episodes.length, 'episode')}; read in ${v.blocks.length_s} s blocks, ${plural(noisy, 'block')} too noisy to read).` }));
    if (v.af_episodes.length) {
      const shown = v.af_episodes.slice(0, 50);
      lines.push(el('ul', { id: 'af-episodes', class: 'episodes', 'aria-label': 'Atrial fibrillation episodes' },
        ...shown.map((e) => el('li', {}, el('button', { type: 'button', class: 'link', onclick: () => showMoment(e.start_s),
          // With the recording's clock start, also the clock time: "1 h 2 min 0 s (14:03:59): 5 min 0 s".
          text: `${formatDuration(e.start_s)}${start ? ` (${clockAt(start, e.start_s)})` : ''}: ${formatDuration(e.duration_s)}` })))));
      if (v.af_episodes.length > shown.length) lines.push(el('p', { class: 'hint', text: `and ${v.af_episodes.length - shown.length} more episodes` }));
    }
  }
  lines.push(el('p', { class: 'hint', id: 'rhythm-caveat', text: 'The rhythm verdict comes from a small model trained on 30 s single-lead ' +
    'recordings of a handheld device (PhysioNet/CinC Challenge 2017); in cross-validation it found most atrial fibrillation, but it ' +
    'is a screening aid, not a diagnosis: atrial fibrillation must be confirmed by a clinician (models/RHYTHM_MODEL_CARD.md).' }));
  return lines;
}

// Beat times in seconds. A plain loop: 24 hours hold 100,000 beats or more, and Float64Array.from()
// with a mapping function takes several times as long on the page's main thread.
function beatTimes(samples, rate) {
  const times = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) times[i] = samples[i] / rate;
  return times;
}

export function attachBeats(entry) {
  const r = entry.rhythm;
  if (!r || r.error || !isSelected(entry)) return;
  if (!r.beatTimes) r.beatTimes = beatTimes(r.beats.samples, entry.summary.samplingRate);
  const af = (r.verdict?.af_episodes ?? []).map((e) => ({ start: e.start_s, end: e.start_s + e.duration_s }));
  viewer.setBeats({ times: r.beatTimes, classes: r.beats.classes, af });
}

function ectopyLine(name, e) {
  if (!e.beats) return `${name}: none`;
  const parts = [`${plural(e.isolated, 'isolated beat')}`, `${plural(e.couplets, 'couplet')}`, `${plural(e.runs, 'run')} of 3 or more`];
  if (e.runs) parts.push(`longest ${plural(e.longest_run, 'beat')}`);
  return `${name}: ${plural(e.beats, 'beat')} (${parts.join(', ')})`;
}

export function renderRhythm(entry) {
  const section = $('rhythm');
  const r = entry.rhythm;
  if (!r) { section.hidden = true; return; }
  section.hidden = false;
  if (r.error) {
    $('rhythm-body').replaceChildren(el('p', { class: 'notice', text: `Beats could not be detected: ${r.error}` }));
    $('hr-trend').hidden = true;
    return;
  }
  const lines = r.verdict ? verdictLines(entry, r.verdict, r.holter?.start_time) : [];
  const hr = r.heart_rate;
  if (r.beats_detected >= 2) {
    const range = hr.max_bpm > 0 && r.duration_s > 2 * hr.trend_interval_s
      ? ` (${Math.round(hr.min_bpm)} to ${Math.round(hr.max_bpm)} over ${hr.trend_interval_s} s intervals)` : '';
    lines.push(el('p', { class: 'verdict', id: 'heart-rate', text: `Heart rate ${Math.round(hr.mean_bpm)} beats per minute${range}` }));
  } else {
    lines.push(el('p', { class: 'notice', text: 'Fewer than two beats were detected: no heart rate.' }));
  }
  lines.push(el('p', { text: `${plural(r.beats_detected, 'beat')} detected in ${formatDuration(r.duration_s)}; ` +
    `${plural(r.pauses.count, 'pause')} of 2 s or more (longest RR interval ${r.pauses.longest_rr_s.toFixed(2)} s).` }));
  if (r.signal_gaps.count > 0)
    lines.push(el('p', { class: 'notice', id: 'signal-gaps', text: `No signal for ${formatDuration(r.signal_gaps.total_s)} in ` +
      `${plural(r.signal_gaps.count, 'stretch', 'stretches')} (electrodes off?): the heart rate, pauses and beat classes leave those stretches out.` }));
  const counts = Object.entries(r.classes).sort(([a], [b]) => Object.keys(BEAT_CLASS_NAMES).indexOf(a) - Object.keys(BEAT_CLASS_NAMES).indexOf(b));
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
  if (r.reference_rhythms.length) {
    const total = new Map();
    for (const e of r.reference_rhythms) {
      const t = total.get(e.rhythm) ?? { episodes: 0, seconds: 0 };
      t.episodes++;
      t.seconds += e.duration_s;
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
  const holter = holterSection(r, showMoment);  // null under 10 minutes
  if (holter) lines.push(holter);
  $('rhythm-body').replaceChildren(...lines);
  // Each value covers an interval and is drawn at its end; the last interval ends with the record.
  const points = Array.from(hr.trend_bpm, (bpm, i) => ({ time: Math.min((i + 1) * hr.trend_interval_s, r.duration_s), bpm }));
  state.trend = { points, durationS: r.duration_s, af: r.verdict?.af_episodes ?? [] };
  drawHeartRateTrend(state.trend);
}

// The trend's path. More points than pixel columns (24 hours are 8,640 points of 10 s): each
// column's lowest and highest rate instead, which keeps the spikes and costs a path the canvas's width.
function tracePoints(ctx, points, x, y, width) {
  let pen = false;
  const add = (px, bpm) => {
    if (pen) ctx.lineTo(px, y(bpm)); else ctx.moveTo(px, y(bpm));
    pen = true;
  };
  if (points.length <= 2 * width) {
    for (const p of points) {
      if (Number.isFinite(p.bpm)) add(x(p.time), p.bpm); else pen = false;
    }
    return;
  }
  let column = null;
  let lo = Infinity;
  let hi = -Infinity;
  const flush = () => {
    if (lo <= hi) { add(column, lo); if (hi > lo) add(column, hi); }
    lo = Infinity;
    hi = -Infinity;
  };
  for (const p of points) {
    const px = Math.round(x(p.time));
    if (px !== column) { flush(); column = px; }
    if (!Number.isFinite(p.bpm)) { flush(); pen = false; continue; }
    lo = Math.min(lo, p.bpm);
    hi = Math.max(hi, p.bpm);
  }
  flush();
}

function drawHeartRateTrend({ points, durationS, af }) {
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
  // AF episodes: shaded behind the trend.
  ctx.fillStyle = AF_BAND;
  for (const e of af) ctx.fillRect(x(e.start_s), 0, Math.max(1, x(e.start_s + e.duration_s) - x(e.start_s)), h - 18);
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
  tracePoints(ctx, points, x, y, w);
  ctx.stroke();
  canvas.setAttribute('aria-label', (af.length ? `${plural(af.length, 'atrial fibrillation episode')} shaded; h` : 'H') +
    `eart rate trend from ${Math.round(Math.min(...values))} to ${Math.round(Math.max(...values))} beats per minute over ${formatDuration(t1)}`);
}

export function setupLongRecord() {
  // A click on the trend shows that moment of the recording (30 minutes are 170,000 px of strip).
  $('hr-trend').addEventListener('click', (e) => {
    if (!state.trend) return;
    const canvas = e.currentTarget;
    const t1 = state.trend.durationS || state.trend.points.at(-1)?.time || 0;
    showMoment(((e.offsetX - 36) / Math.max(1, canvas.clientWidth - 44)) * t1);
  });
  // The trend is drawn at its canvas's size, like the paper: redrawn when the window resizes it.
  if (typeof ResizeObserver === 'function')
    new ResizeObserver(() => { if (state.trend && !$('hr-trend').hidden) drawHeartRateTrend(state.trend); }).observe($('hr-trend'));
}
