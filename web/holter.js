// The Holter summary of a long recording (rhythm().holter, core: holter.h), shown from 10 minutes on as
// `ecglite rhythm` prints it: the hourly table, the longest S and V runs, the AF burden and time-domain
// HRV; "Export CSV" saves rhythm().holter_csv, the text `ecglite rhythm --holter-csv` writes.
import { el, clockAt, formatDuration, formatStartTime, plural, downloadText } from './ui.js';

// As kHolterMinSeconds in core/include/ecglite/holter.h.
export const HOLTER_MIN_SECONDS = 600;

const rate = (bpm) => (bpm == null ? '–' : String(Math.round(bpm)));
const ms = (v) => (v == null ? 'not enough data' : `${v.toFixed(1)} ms`);

// "Longest V run: 12 beats at 1 h 2 min 3 s (14:03:59) (4.1 s, 176 bpm)", its time a button that
// shows it on the ECG; the clock time when the file gives the recording's start (`start`).
function runLine(id, name, r, showMoment, start) {
  if (!r.beats) return el('p', { id, text: `${name}: none` });
  const at = el('button', { type: 'button', class: 'link', onclick: () => showMoment(r.start_s),
    title: 'Show it on the ECG', text: `${plural(r.beats, 'beat')} at ${formatDuration(r.start_s)}${start ? ` (${clockAt(start, r.start_s)})` : ''}` });
  return el('p', { id }, `${name}: `, at, r.beats === 1 ? '' : ` (${r.duration_s.toFixed(1)} s, ${rate(r.rate_bpm)} bpm)`);
}

// The hourly table; with the recording's clock start (h.start_time) a Clock column beside the elapsed Start.
function hourlyTable(h, showMoment) {
  const withAf = h.af_burden != null;
  const clock = h.start_time;
  const head = ['Hour', 'Start', ...(clock ? ['Clock'] : []), 'Beats', 'Min bpm', 'Mean bpm', 'Max bpm', 'S beats', 'V beats', 'Pauses', ...(withAf ? ['AF'] : [])];
  const rows = h.hours.map((r, i) => el('tr', { 'data-partial': String(r.partial) },
    el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link', onclick: () => showMoment(r.start_s),
      'aria-label': `Show hour ${i + 1} on the ECG`, text: `${i + 1}${r.partial ? ' (partial)' : ''}` })),
    el('td', { text: formatDuration(r.start_s) }),
    ...(clock ? [el('td', { class: 'clock', text: clockAt(clock, r.start_s) })] : []),
    el('td', { text: r.beats.toLocaleString('en') }),
    el('td', { text: rate(r.min_hr_bpm) }),
    el('td', { text: rate(r.mean_hr_bpm) }),
    el('td', { text: rate(r.max_hr_bpm) }),
    el('td', { text: String(r.s_beats) }),
    el('td', { text: String(r.v_beats) }),
    el('td', { text: String(r.pauses) }),
    ...(withAf ? [el('td', { text: formatDuration(r.af_s) })] : [])));
  const caption = el('caption', { text: 'Per hour from the start of the recording' +
    (clock ? ` (${formatStartTime(clock)} by the recorder's clock; Clock is that plus the elapsed time)` : '') +
    '; min and max heart rate are those of its whole minutes' +
    (h.hours.some((r) => r.partial) ? '; a partial hour is shorter than 60 min.' : '.') });
  return el('div', { class: 'table-scroll', tabIndex: 0, role: 'region', 'aria-label': 'Hourly table' },
    el('table', { id: 'holter-hours' }, caption,
      el('thead', {}, el('tr', {}, ...head.map((t) => el('th', { scope: 'col', text: t })))),
      el('tbody', {}, ...rows)));
}

// The section's content for rhythm() result `r`, or null when the recording is shorter than 10 min.
// `showMoment(t)` shows moment t (s) on the paper.
export function holterSection(r, showMoment) {
  const h = r.holter;
  if (!h || r.duration_s < HOLTER_MIN_SECONDS) return null;
  const v = h.hrv;
  const nn = v.nn_from_classes ? 'NN: both beats normal (N)' : 'beats not classified: every beat taken as normal, ectopic beats included';
  const exportButton = el('button', { type: 'button', id: 'holter-export', text: 'Export CSV',
    onclick: () => downloadText(r.holter_csv, `${r.record}-hourly.csv`, 'text/csv') });
  const parts = [
    el('h3', { id: 'holter-h', text: 'Holter summary' }),
    hourlyTable(h, showMoment),
    el('p', {}, exportButton),
    runLine('holter-runs-s', 'Longest S run', h.longest_s_run, showMoment, h.start_time),
    runLine('holter-runs-v', 'Longest V run', h.longest_v_run, showMoment, h.start_time),
  ];
  if (h.af_burden != null)
    parts.push(el('p', { id: 'holter-af', text: `AF burden ${(100 * h.af_burden).toFixed(1)} % (${plural(h.af_episode_count, 'episode')}, ${formatDuration(h.af_total_s)})` }));
  parts.push(el('dl', { id: 'holter-hrv', class: 'hrv', 'aria-label': 'Heart-rate variability' },
    el('dt', { text: 'SDNN' }), el('dd', { id: 'hrv-sdnn', text: ms(v.sdnn_ms) }),
    el('dt', { text: 'SDANN' }), el('dd', { id: 'hrv-sdann', text: `${ms(v.sdann_ms)}${v.sdann_ms == null ? '' : ` (${v.sdann_segments} five-minute segments)`}` }),
    el('dt', { text: 'RMSSD' }), el('dd', { id: 'hrv-rmssd', text: ms(v.rmssd_ms) }),
    el('dt', { text: 'pNN50' }), el('dd', { id: 'hrv-pnn50', text: v.pnn50_percent == null ? 'not enough data' : `${v.pnn50_percent.toFixed(2)} %` })));
  parts.push(el('p', { class: 'hint', id: 'holter-nn', text: `Heart-rate variability on ${plural(v.nn_intervals, 'NN interval')} of ` +
    `${v.rr_intervals.toLocaleString('en')} RR intervals (${nn}; 300 to 2000 ms; not across a stretch without signal).` }));
  return el('section', { id: 'holter', 'aria-labelledby': 'holter-h' }, ...parts);
}
