// Where each finding comes from: the occlusion map of the 12-lead classification (the package's
// classify(model, record, { explain: true }); core: explain.h), asked of the worker for the record
// shown. Next to each positive class its words ("Where: mostly V1-V3, 2.0-4.5 s"); a "Show where"
// button per class shades the ECG paper under the traces, one class at a time, darker where occluding
// that half-second of that lead lowers the class's probability more. The hooks: results.js puts
// explainControls() in each class row and explainNote() under the list, and calls showExplanations()
// for the record shown; setupExplain() gives the paper (viewer.js) its overlay. The printed report
// (report.js) draws drawShading() on its own paper and prints shadingLegend() under it.
import { $, el, state } from './ui.js';

const SHADE = '52, 93, 220';   // rgb of the shading; its opacity grows with the fall
const MAX_OPACITY = 0.5;

const explanations = new Map(); // record key -> { pending: true } | { explanation } | { error }
let shown = null;               // { key, name }: the class shaded on the paper, of the record `key`
let viewer = null;
let listening = false;

/** Gives the ECG paper its shading (once, from results.js's setupViewer). */
export function setupExplain(paper) {
  viewer = paper;
  viewer.setOverlay(drawShading);
}

/** What the shading is and is not: one visible paragraph, under the class list (and what it cost). */
export function explainNote() {
  return el('p', { class: 'hint explain-note', id: 'explain-note' },
    '“Show where” shades the ECG where the model’s probability for that class falls when half a second of ' +
    'one lead is replaced by a flat line (darker: a larger fall). It shows what this model is sensitive to; ' +
    'it is not a diagnosis, and not the criteria a clinician reads an ECG by.',
    el('span', { class: 'explain-cost' }));
}

/** The button and the words of class `cls` of the record `entry`, for its row in the result. */
export function explainControls(entry, cls) {
  const label = cls.description || cls.name;
  const button = el('button', {
    type: 'button',
    class: 'explain-toggle',
    text: 'Show where',
    'aria-label': `Show where on the ECG the model finds ${label}`,
    'aria-describedby': 'explain-note',
    'aria-pressed': String(isShown(entry, cls.name)),
  });
  button.addEventListener('click', () => toggle(entry, cls.name));
  return el('span', { class: 'explain', 'data-explain-class': cls.name }, button,
    el('span', { class: 'explain-words', text: words(entry, cls) }));
}

/** Asks the worker for the map of the record shown (once per record) and shows what is known. */
export function showExplanations(entry) {
  if (!entry?.result) return;
  if (shown && shown.key !== entry.key) shown = null;
  // Asked again after a failure: the record may have been let go meanwhile (batch.js opens one at a time).
  if (!explanations.has(entry.key) || explanations.get(entry.key).error) {
    explanations.set(entry.key, { pending: true });
    listen();
    state.worker.postMessage({ type: 'explain', id: state.requestId, key: entry.key });
  }
  update(entry);
}

function listen() {
  if (listening) return;
  listening = true;
  state.worker.addEventListener('message', ({ data }) => {
    if (data.type !== 'explanation') return;
    explanations.set(data.key, data.error ? { error: data.error } : { explanation: data.explanation });
    const entry = state.entries[state.selected];
    if (entry?.key === data.key) update(entry);
  });
}

const isShown = (entry, name) => shown?.key === entry.key && shown.name === name;

function toggle(entry, name) {
  shown = isShown(entry, name) ? null : { key: entry.key, name };
  update(entry);
}

// The words next to a class: for a positive class, and for any class whose shading is on.
function words(entry, cls) {
  if (!cls.positive && !isShown(entry, cls.name)) return '';
  const known = explanations.get(entry.key);
  if (!known || known.pending) return 'Where: working it out…';
  if (known.error) return `Where: not available (${known.error})`;
  const c = known.explanation.classes.find((x) => x.name === cls.name);
  return c ? `Where: ${c.summary}` : '';
}

// Buttons, words and the legend under the paper, then the paper itself.
function update(entry) {
  for (const control of document.querySelectorAll('#result-body [data-explain-class]')) {
    const cls = entry.result.classes.find((c) => c.name === control.dataset.explainClass);
    if (!cls) continue;
    control.querySelector('button').setAttribute('aria-pressed', String(isShown(entry, cls.name)));
    control.querySelector('.explain-words').textContent = words(entry, cls);
  }
  const e = explanations.get(entry.key)?.explanation;
  const cost = document.querySelector('#explain-note .explain-cost');
  if (cost) cost.textContent = e ? ` Worked out with ${e.inferences} more network runs in ${e.time_ms.toFixed(0)} ms.` : '';
  const legend = legendElement();
  legend.textContent = shadingLegend(entry);
  legend.hidden = !legend.textContent;
  viewer.canvas.dataset.explanation = shownClass(entry)?.name ?? '';
  viewer.requestDraw();
}

const shownClass = (entry) => (shown?.key === entry.key ? entry.result?.classes.find((c) => c.name === shown.name) : undefined);

/** The line that names the class shaded on the paper of `entry`; '' when none is. */
export function shadingLegend(entry) {
  const cls = shownClass(entry);
  return cls ? `Shading: where occluding the ECG lowers the model’s probability of ${cls.description || cls.name}` +
    ` (${words(entry, cls).replace(/^Where: /, '')}). Not a diagnosis.` : '';
}

// A line under the paper saying which class is shaded (made here, so the page's HTML needs no part).
function legendElement() {
  let legend = $('explain-legend');
  if (!legend) {
    legend = el('p', { id: 'explain-legend', class: 'hint explain-legend', 'aria-live': 'polite' });
    legend.hidden = true;
    $('scroller').after(legend);
  }
  return legend;
}

// The overlay of the paper (viewer.js): under the trace of `lead` drawn from time t0 to t1 at paper
// x `xs`, baseline y, in a row `height` mm high; only [vx0, vx1] is visible. Units: mm of paper.
export function drawShading(ctx, { lead, t0, t1, xs, y, height, speed, vx0, vx1 }) {
  const entry = state.entries[state.selected];
  if (!shown || entry?.key !== shown.key) return;
  const e = explanations.get(entry.key)?.explanation;
  const cls = e?.classes.find((c) => c.name === shown.name);
  const row = e ? e.leads.indexOf(lead.standardName || lead.name) : -1;
  if (!cls || row < 0) return;
  const max = Math.max(...cls.drop.flat());
  if (!(max > 0)) return;
  const seg = e.segment_s;
  for (let s = Math.max(0, Math.floor(t0 / seg)); s < e.segments && s * seg < t1; s++) {
    const fall = cls.drop[row][s];
    if (!(fall > 0)) continue;
    const a = Math.max(t0, s * seg);
    const b = Math.min(t1, (s + 1) * seg);
    const x = xs + (a - t0) * speed;
    const w = (b - a) * speed;
    if (x + w < vx0 || x > vx1) continue;
    ctx.fillStyle = `rgba(${SHADE}, ${(MAX_OPACITY * fall / max).toFixed(3)})`;
    ctx.fillRect(x, y - height / 2, w, height);
  }
}
