// The printed report: one landscape page (A4 or Letter) for the record shown — its ECG paper at true
// scale, its facts, the result of each class with its threshold, the rhythm verdict, the explanation's
// shading when it is on, the model, the date and the disclaimer. "Print report" calls window.print();
// the report is built on the browser's beforeprint event, so the browser's own Print command (and
// Chromium's printToPDF) print it too, and let go of on afterprint. Only the report is printed
// (style.css: body.print-report); with no record shown the page prints as it is.
//
// The paper is drawn by viewer.js, like the screen's, by a viewer of fixed size: 25 mm/s, 10 mm/mV, the
// 3 × 4 layout of 2.5 s per lead with a 10 s lead II rhythm strip (266 × 126 mm; a landscape A4 page
// holds 277 × 194 mm inside its margins, a Letter page 267 × 204: style.css), or, without the
// 12 standard leads, up to three leads one per row over 10 s. Its canvas is CSS mm wide (96 CSS px per
// inch is exact in print) and drawn inside beforeprint, which Chromium prints as vector paths; other
// browsers print its bitmap (384 dpi).
import { EcgViewer, PAGE_SECONDS, pageWidthMm } from './viewer.js';
import { $, el, state, formatCount, percent, plural } from './ui.js';
import { recordFacts, verdict, viewer } from './results.js';
import { drawShading, shadingLegend } from './explain.js';
import { RHYTHM_VERDICTS } from './long-record.js';

const SPEED = 25;              // mm/s
const GAIN = 10;               // mm/mV
// Canvas pixels per CSS pixel. A power of two: Chromium prints a canvas drawn in beforeprint as vector
// paths scaled by CSS size / canvas size rounded down to 1/64 (its layout unit), so 300 dpi (300 / 96)
// printed the paper 2.3 % small; 4 is exact.
const PIXEL_RATIO = 4;
const ROWS_MAX = 3;            // leads printed one per row (30 mm each) when there is no 3 × 4 page
const WARNINGS_MAX = 4;
// Where Letter is the usual paper (CLDR's paperSize data); elsewhere A4.
const LETTER_REGIONS = new Set(['BZ', 'CA', 'CL', 'CO', 'CR', 'GT', 'MX', 'NI', 'PA', 'PH', 'PR', 'SV', 'US', 'VE']);
const PAPER_KEY = 'ecglite.report-paper';

let paper = null;              // the report's EcgViewer

function defaultPaper() {
  try {
    const saved = localStorage.getItem(PAPER_KEY);
    if (saved === 'a4' || saved === 'letter') return saved;
  } catch { /* storage may be disabled */ }
  let region = '';
  try { region = new Intl.Locale(navigator.language).maximize().region ?? ''; } catch { /* an odd tag: A4 */ }
  return LETTER_REGIONS.has(region) ? 'letter' : 'a4';
}

const two = (n) => String(n).padStart(2, '0');
const printedAt = (d) => `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
const seconds = (t) => `${Number(t.toFixed(2))} s`;

// The paper of `entry` at true scale, and the line saying what it shows.
function drawPaper(entry) {
  const record = viewer.record;
  const duration = entry.summary.durationS;
  const rows = !viewer.hasStandard12;
  const leftOut = rows ? record.leads.slice(ROWS_MAX).map((l) => l.name) : [];
  paper.setRecord({ ...record, leads: rows ? record.leads.slice(0, ROWS_MAX) : record.leads });
  Object.assign(paper.options, { layout: 'standard', speed: SPEED, gain: GAIN, zoom: 1 });
  if (!record.leads.length) { paper.draw(); return 'The record has no signals: there is no ECG to print.'; }
  const start = Math.max(0, Math.min(viewer.viewStart, duration - PAGE_SECONDS));
  paper.options.pageStart = start;
  paper.draw();
  const end = Math.min(duration, start + PAGE_SECONDS);
  const what = rows
    ? `${paper.record.leads.map((l) => l.name).join(', ')}, one per row, ${seconds(start)} to ${seconds(end)}` +
      (leftOut.length ? ` (not printed: ${leftOut.join(', ')})` : '')
    : `3 × 4 leads of 2.5 s from ${seconds(start)} to ${seconds(end)}; rhythm strip: lead II`;
  const unitless = paper.hasUnitless ? ' Unitless leads (not mV): a typical beat is 10 mm tall; no calibration pulse.' : '';
  return `${what}. ${SPEED} mm/s, ${GAIN} mm/mV, calibration pulse 1 mV × 0.2 s; small squares 1 mm (0.04 s, 0.1 mV), ` +
    `large squares 5 mm (0.2 s, 0.5 mV): printed at 100 %, a large square measures 5 mm.${unitless}`;
}

function resultsPart(entry) {
  const r = entry.result;
  if (!r) {
    return [el('p', { class: 'report-verdict', text: entry.resultError ? `Not classified: ${entry.resultError}` : 'Not classified yet: print again once the result is shown.' })];
  }
  const head = el('tr', {}, ...['Class', 'Probability', 'Threshold', 'Result'].map((t) => el('th', { scope: 'col', text: t })));
  const rows = r.classes.map((c) => el('tr', { class: c.positive ? 'positive' : '', 'data-class': c.name },
    el('th', { scope: 'row', text: `${c.description || c.name} (${c.name})` }),
    el('td', { text: percent(c.probability) }),
    el('td', { text: percent(c.threshold) }),
    el('td', { text: c.positive ? 'positive' : 'negative' })));
  return [
    el('p', { class: 'report-verdict', text: `Result: ${verdict(r)}` }),
    el('table', { class: 'report-classes' }, el('thead', {}, head), el('tbody', {}, ...rows)),
  ];
}

// Classification and reader warnings, the first few.
function warningsPart(entry) {
  const warnings = [...(entry.result?.warnings ?? []), ...entry.summary.warnings];
  if (!warnings.length) return null;
  const shown = warnings.slice(0, WARNINGS_MAX).map((w) => el('li', { text: `Warning: ${w}` }));
  if (warnings.length > WARNINGS_MAX) shown.push(el('li', { text: `… and ${warnings.length - WARNINGS_MAX} more warnings` }));
  return el('ul', { class: 'report-warnings', 'aria-label': 'Warnings' }, ...shown);
}

function rhythmPart(entry) {
  const v = entry.rhythm?.verdict;
  if (!v) return null;
  let text = `Rhythm: ${RHYTHM_VERDICTS[v.class] ?? v.class} (probability ${Math.round(100 * v.probability)} %, read from lead ${v.lead_name})`;
  if (v.blocks.classes.length > 12)
    text += `; atrial fibrillation in ${(100 * v.af_burden).toFixed(1)} % of the readable time, ${plural(v.af_episodes.length, 'episode')}`;
  return el('p', { class: 'report-rhythm', text: `${text}.` });
}

function modelLine() {
  const m = state.modelInfo;
  const build = state.buildInfo.build ? `, build ${state.buildInfo.build}` : '';
  return `${m ? `Model ${m.name} (${m.precision}, ${formatCount(m.parameters)} parameters, .ecgm format ${m.format_version})`
    : 'No screening model'} · EcgLite ${state.version}${build}`;
}

function buildPage(entry) {
  // A record of many files (a multi-segment record) names the first few.
  const facts = recordFacts(entry, true).map(([k, v]) => (k === 'Files' && entry.files.length > 3
    ? [k, `${entry.files.slice(0, 3).join(', ')} and ${entry.files.length - 3} more`] : [k, v]));
  const legend = shadingLegend(entry);
  const about = state.modelInfo?.description;
  return el('article', { class: 'report-page', 'aria-label': `Report for ${entry.name}` },
    el('header', { class: 'report-head' },
      el('h1', { text: `ECG screening report: ${entry.name}` }),
      el('p', { text: `EcgLite · printed ${printedAt(new Date())}` })),
    el('dl', { class: 'report-facts' }, ...facts.map(([k, v]) => el('div', {}, el('dt', { text: k }), el('dd', { text: v })))),
    paper.scroller,
    el('p', { class: 'report-scale', text: drawPaper(entry) }),
    legend ? el('p', { class: 'report-legend', text: legend }) : null,
    // The results never shrink; what is beside them (warnings, the model's notes) is cut if it is long.
    el('div', { class: 'report-body' },
      el('section', { class: 'report-results' }, ...resultsPart(entry)),
      el('section', { class: 'report-about' }, rhythmPart(entry), warningsPart(entry),
        about ? el('p', { class: 'report-model', text: `The model: ${about}.` }) : null)),
    el('footer', { class: 'report-foot' },
      el('p', { class: 'report-version', text: modelLine() }),
      el('p', { text: document.querySelector('#result .disclaimer').textContent })));
}

// The record shown, if any (with or without signals).
function shownEntry() {
  const entry = state.entries[state.selected];
  return entry?.summary && !$('result').hidden && viewer.record?.name === entry.summary.name ? entry : null;
}

function build() {
  const entry = shownEntry();
  const report = $('report');
  document.body.classList.toggle('print-report', !!entry);
  report.dataset.paper = $('report-paper').value;
  report.replaceChildren(...(entry ? [buildPage(entry)] : []));
}

function release() {
  document.body.classList.remove('print-report');
  $('report').replaceChildren();
  paper.setRecord(null);
  paper.draw();  // lets go of the canvas's bitmap
}

export function setupReport() {
  const container = el('div', { class: 'report-ecg' });
  paper = new EcgViewer(container, { fixed: { widthMm: pageWidthMm(SPEED), pixelRatio: PIXEL_RATIO } });
  paper.setOverlay(drawShading);
  const select = $('report-paper');
  select.value = defaultPaper();
  select.addEventListener('change', () => {
    try { localStorage.setItem(PAPER_KEY, select.value); } catch { /* not remembered */ }
  });
  $('print-report').addEventListener('click', () => window.print());
  window.addEventListener('beforeprint', build);
  window.addEventListener('afterprint', release);
}
