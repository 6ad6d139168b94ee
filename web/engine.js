// The engine switch: EcgLite alone, or also ONNX Runtime Web on the same prepared input (the worker
// loads it only when asked), with both results and timings side by side.
import { $, el, state, percent } from './ui.js';
import { verdict } from './results.js';

const ONNX_ENGINE = (precision) => `onnx-${precision}`;

export const onnxWanted = () => document.querySelector('input[name="engine"]:checked')?.value === 'onnx';
const onnxPrecision = () => $('onnx-precision').value;

// What this build offers (build-info.json): without ONNX Runtime Web the choice is disabled and says why.
export function offerEngines(buildInfo) {
  if (!buildInfo.onnxRuntime) {
    for (const input of document.querySelectorAll('input[name="engine"][value="onnx"], #onnx-precision')) input.disabled = true;
    $('engine-note').textContent = 'ONNX Runtime Web is not part of this build (scripts/build-wasm copies it when onnxruntime-web and the ONNX models are present).';
  } else {
    for (const option of $('onnx-precision').options)
      option.disabled = !(buildInfo.onnxModels || []).includes(`student-${option.value}.onnx`);
  }
}

export function requestOnnx(entry) {
  const engine = ONNX_ENGINE(onnxPrecision());
  if (!entry.result || entry.other[engine]) { renderComparison(entry); return; }
  entry.other[engine] = { pending: true };
  renderComparison(entry);
  state.worker.postMessage({ type: 'onnx', id: state.requestId, key: entry.key, precision: onnxPrecision() });
}

export function renderComparison(entry) {
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
        el('td', { text: `${a.time_ms.toFixed(1)} ms (reading the prepared record, preprocessing and ${a.inferences} runs)` }),
        el('td', { text: `${t.inferenceMs.toFixed(1)} ms for ${b.inferences} runs (+ ${t.prepareMs.toFixed(1)} ms EcgLite preprocessing; session created in ${t.sessionMs.toFixed(0)} ms)` }),
        el('td'))));
  // Scrolls inside its own box on a narrow screen instead of widening the page.
  box.replaceChildren(el('div', { class: 'table-scroll', tabIndex: 0, role: 'region', 'aria-label': 'Comparison table; scroll sideways on a narrow screen' }, table));
}

// A difference that rounds to zero is shown as 0.00, not -0.00.
const formatPoints = (d) => (Math.abs(d) < 0.005 ? 0 : d).toFixed(2);

export function setupEngine() {
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
