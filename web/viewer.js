// ECG paper on a canvas. The paper keeps its true scale: 1 mm of paper is CSS_PX_PER_MM CSS pixels
// (CSS defines 96 px per inch) times the zoom, and the canvas backing store is multiplied by
// devicePixelRatio, so 25 mm/s and 10 mm/mV stay 25 mm/s and 10 mm/mV whatever the window size or
// screen density; the drawing is redone on resize and when the ratio changes (browser zoom, moving
// the window to another screen).
//
// Two layouts: the standard 12-lead page (3 rows x 4 columns of 2.5 s, plus a 10 s lead II rhythm
// strip) and one lead per row over the whole record. Long records scroll horizontally: the canvas is
// only as wide as the visible part and is redrawn from the scroll position, so a 30-minute record
// costs no more than a 10-second one.
//
// A recording of hours is drawn from windows: the page holds only the samples of a stretch around the
// view (record.windowed: the samples cover frames [record.offset, record.offset + their length) of
// record.frames), and when the view leaves that stretch the viewer asks for another one
// (onWindowNeeded(from, to), frames) and draws it once setWindow() hands it over. 24 hours at
// 50 mm/s would be wider than a browser lets an element be: past MAX_SCROLL_PX the scroll bar's
// positions are spread over the paper (scrollScale > 1 paper pixels per scrolled pixel).
//
// Leads whose units are not a voltage (NU: derived PTB-XL data is z-scored) have no mV scale: they
// are drawn so that a typical beat is as tall as 1 mV would be, and get no calibration pulse.
//
// The printed report (report.js) draws its paper with a viewer of its own, of fixed size: `fixed` =
// { widthMm, pixelRatio }. It draws only when asked (draw()), ignores scrolling, resizing and keys,
// and its view starts at options.pageStart in both layouts.

export const CSS_PX_PER_MM = 96 / 25.4;
export const SPEEDS = [25, 50];          // mm/s
export const GAINS = [5, 10, 20];        // mm/mV
export const ZOOMS = [0.5, 0.75, 1, 1.5, 2, 3];

const STANDARD_12 = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const GRID_ROWS = [['I', 'aVR', 'V1', 'V4'], ['II', 'aVL', 'V2', 'V5'], ['III', 'aVF', 'V3', 'V6']];
const PAGE_SECONDS = 10;
const COLUMN_SECONDS = 2.5;
const MARGIN_MM = 12;                    // left margin holding the calibration pulse
const TIME_AXIS_MM = 7;                  // band under the rows layout holding the time labels
const TIME_LABEL_STEPS = [1, 2, 5, 10, 30, 60, 300];  // s; labels use the first that puts them
const TIME_LABEL_MIN_PX = 70;                         // at least this many CSS px apart
// Atrial fibrillation episodes on the strip and on the heart-rate trend.
const AF_BAND = 'rgba(230, 150, 40, 0.3)';
// Chromium caps an element's width at about 33.5 million CSS px; stay well below.
const MAX_SCROLL_PX = 16e6;
const BEAT_COLORS = { N: '#1b7f3b', S: '#b35600', V: '#c8102e', F: '#7b3294', Q: '#555555', '?': '#3b5b92' };

export const BEAT_CLASS_NAMES = {
  N: 'normal or bundle branch block beat',
  S: 'supraventricular ectopic beat',
  V: 'ventricular ectopic beat',
  F: 'fusion beat',
  Q: 'paced or unclassifiable beat',
  '?': 'detected beat (not classified)',
};

// Physical values to mV for display; undefined for units that are not a voltage. No units at all
// means mV (the WFDB default).
function toMillivolts(units) {
  const u = (units || '').toLowerCase();
  if (u === 'mv' || u === '') return 1;
  if (u === 'uv' || u === 'µv' || u === 'μv') return 1e-3;
  if (u === 'v') return 1e3;
  return undefined;
}

// A typical beat's height: the median over one-second blocks of the largest deviation from the
// baseline. A second holds about one beat, and the median ignores the odd artefact that a maximum
// would take for the scale. One pass over the samples, so cheap for a 30-minute record.
function typicalPeak(samples, rate, base) {
  const block = Math.max(1, Math.round(rate));
  const peaks = [];
  for (let start = 0; start < samples.length; start += block) {
    const end = Math.min(samples.length, start + block);
    let peak = 0;
    for (let i = start; i < end; i++) {
      const d = Math.abs(samples[i] - base);
      if (d > peak) peak = d;  // false for NaN: missing samples are skipped
    }
    if (peak > 0) peaks.push(peak);
  }
  if (!peaks.length) return 0;
  peaks.sort((a, b) => a - b);
  return peaks[peaks.length >> 1];
}

/** The width of the 3 × 4 page (10 s and its margins) at `speed` mm/s, in mm of paper. */
export const pageWidthMm = (speed) => MARGIN_MM + PAGE_SECONDS * speed + 4;

// m:ss (h:mm:ss from an hour on), for the time labels of the strip.
function formatClock(seconds, withHours = seconds >= 3600) {
  const s = Math.round(seconds);
  const two = (n) => String(n).padStart(2, '0');
  return withHours
    ? `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`
    : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

// Median of a strided subset: a robust baseline so that DC offsets do not push traces off the row.
function baseline(samples) {
  const step = Math.max(1, Math.floor(samples.length / 4000));
  const values = [];
  for (let i = 0; i < samples.length; i += step) if (Number.isFinite(samples[i])) values.push(samples[i]);
  if (!values.length) return 0;
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

export class EcgViewer {
  constructor(scroller, { onChange, onWindowNeeded, fixed = null } = {}) {
    this.scroller = scroller;            // element with overflow-x: auto
    this.content = document.createElement('div');
    this.content.className = 'ecg-content';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'ecg-canvas';
    this.canvas.setAttribute('role', 'img');
    this.content.append(this.canvas);
    scroller.replaceChildren(this.content);
    this.ctx = this.canvas.getContext('2d');
    this.timeLabels = [];                // the time labels drawn at the last draw (rows layout)
    this.options = { layout: 'standard', speed: 25, gain: 10, zoom: 1, pageStart: 0 };
    this.record = null;
    this.onChange = onChange;
    this.onWindowNeeded = onWindowNeeded;
    this.windowAsked = null;             // { from, to }: the window last asked for (windowed records)
    this.scrollScale = 1;                // paper px per scrolled px (> 1 only past MAX_SCROLL_PX)
    this.pending = false;
    // Drawn under each lead's trace (explain.js's shading): overlay(ctx, { lead, t0, t1, xs, y, height,
    // speed, vx0, vx1 }), in mm of paper, as #trace gets them.
    this.overlay = null;
    this.fixed = fixed;
    if (fixed) return;

    scroller.addEventListener('scroll', () => this.requestDraw(), { passive: true });
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(() => this.requestDraw()).observe(scroller);
    }
    window.addEventListener('resize', () => this.requestDraw());
    this.#watchPixelRatio();
    scroller.addEventListener('keydown', (e) => this.#onKey(e));
  }

  // devicePixelRatio changes with browser zoom and between screens; matchMedia tells us when.
  #watchPixelRatio() {
    const query = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    query.addEventListener('change', () => { this.requestDraw(); this.#watchPixelRatio(); }, { once: true });
  }

  #onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const s = this.scroller;
    // A page is the visible paper, less the band the pinned lead names cover in the rows layout, so
    // that what was at the right edge comes out just right of that band.
    const page = Math.max(1, s.clientWidth - (this.#layoutName() === 'rows' ? MARGIN_MM * this.#pxPerMm() : 0));
    if (e.key === '+' || e.key === '=') this.zoomBy(1);
    else if (e.key === '-') this.zoomBy(-1);
    else if (e.key === '0') this.set({ zoom: 1 });
    else if (e.key === 'Home') s.scrollLeft = 0;
    else if (e.key === 'End') s.scrollLeft = s.scrollWidth;
    else if (e.key === 'PageDown') s.scrollLeft += page / this.scrollScale;
    else if (e.key === 'PageUp') s.scrollLeft -= page / this.scrollScale;
    else return;
    e.preventDefault();
  }

  zoomBy(direction) {
    const i = ZOOMS.indexOf(this.options.zoom);
    const next = ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, (i < 0 ? 2 : i) + direction))];
    this.set({ zoom: next });
  }

  /** record: { name, samplingRate, leads: [{ name, standardName, units, samples: Float32Array }],
   *  beats?: { times: Float64Array (s, ascending), classes: string (one letter per beat),
   *           af?: [{ start, end }] (s: atrial fibrillation episodes) },
   *  windowed?: true, frames?: number, offset?: number (a long record: the samples are frames
   *           [offset, offset + length) of `frames`; see setWindow()) } */
  setRecord(record) {
    this.record = record;
    if (record) {
      record.offset ??= 0;
      record.frames ??= record.leads[0]?.samples.length ?? 0;
    }
    this.windowAsked = null;
    this.baselines = record ? record.leads.map((l) => baseline(l.samples)) : [];
    const toMv = record ? record.leads.map((l) => toMillivolts(l.units)) : [];
    this.unitless = toMv.map((f) => f === undefined);
    // One scale for all unitless leads, set by the tallest typical beat, so that every trace stays
    // in its row and the leads keep their relative sizes.
    const peak = Math.max(0, ...toMv.map((f, i) => (f === undefined
      ? typicalPeak(record.leads[i].samples, record.samplingRate, this.baselines[i]) : 0)));
    this.scale = toMv.map((f) => f ?? (peak > 0 ? 1 / peak : 1));
    const byName = new Map();
    if (record) record.leads.forEach((l, i) => { if (l.standardName && !byName.has(l.standardName)) byName.set(l.standardName, i); });
    this.standardIndex = byName;
    this.hasStandard12 = STANDARD_12.every((n) => byName.has(n));
    this.options.pageStart = 0;
    this.scroller.scrollLeft = 0;
    this.requestDraw();
  }

  /** A windowed record's new stretch: `leads[i]` holds frames [offset, offset + its length) of lead i. */
  setWindow(offset, leads) {
    const r = this.record;
    if (!r?.windowed || leads.length !== r.leads.length) return;
    r.offset = offset;
    r.leads.forEach((lead, i) => { lead.samples = leads[i]; });
    this.requestDraw();
  }

  // Asks for the stretch around seconds [t0, t1] when the samples held do not cover it: the visible
  // span and as much again on each side, so that scrolling a little further needs nothing new.
  #needWindow(t0, t1) {
    const r = this.record;
    if (!r.windowed || !this.onWindowNeeded) return;
    const rate = r.samplingRate;
    const a = Math.max(0, Math.floor(t0 * rate) - 1);
    const b = Math.min(r.frames, Math.ceil(t1 * rate) + 2);
    const held = r.leads[0].samples.length;
    if (a >= r.offset && b <= r.offset + held) return;
    const asked = this.windowAsked;
    if (asked && a >= asked.from && b <= asked.to) return;
    const span = Math.max(b - a, Math.round(10 * rate));
    const from = Math.max(0, a - span);
    const to = Math.min(r.frames, b + span);
    this.windowAsked = { from, to };
    this.onWindowNeeded(from, to);
  }

  setOverlay(overlay) {
    this.overlay = overlay;
    this.requestDraw();
  }

  setBeats(beats) {
    if (this.record) this.record.beats = beats;
    this.requestDraw();
  }

  set(options) {
    const before = this.#timeAtViewStart();
    Object.assign(this.options, options);
    this.requestDraw();
    // Keep the same moment at the left edge when speed or zoom change the scale.
    if ('speed' in options || 'zoom' in options || 'layout' in options) {
      requestAnimationFrame(() => {
        if (this.#layoutName() === 'rows') this.scroller.scrollLeft = Math.max(0, before * this.options.speed * this.#pxPerMm() / this.scrollScale);
      });
    }
    this.onChange?.(this.describe());
  }

  /** The layout actually drawn ('standard' needs the 12 standard leads). */
  #layoutName() {
    return this.options.layout === 'standard' && this.hasStandard12 ? 'standard' : 'rows';
  }

  #pxPerMm() { return CSS_PX_PER_MM * this.options.zoom; }

  // Paper px per scrolled px for paper `widthMm` wide: 1 unless the paper is wider than MAX_SCROLL_PX.
  // The scroll range (content less view) is what is spread, so that the paper's end is still reached.
  #scaleFor(widthMm) {
    if (this.fixed) return 1;
    const view = this.scroller.clientWidth;
    return Math.max(1, (widthMm * this.#pxPerMm() - view) / (MAX_SCROLL_PX - view));
  }

  #pixelRatio() { return this.fixed?.pixelRatio ?? (window.devicePixelRatio || 1); }

  #timeAtViewStart() {
    if (!this.record || this.#layoutName() !== 'rows') return 0;
    return Math.max(0, this.scroller.scrollLeft * this.scrollScale / this.#pxPerMm() / this.options.speed);
  }

  /**
   * Scrolls the one-lead-per-row strip so that the moment `seconds` stands a second right of the
   * pinned lead names. The 3 × 4 layout pages by its "From" control instead: false there.
   */
  showTime(seconds) {
    if (!this.record?.leads.length || this.#layoutName() !== 'rows') return false;
    this.scroller.scrollLeft = Math.max(0, (seconds - 1) * this.options.speed * this.#pxPerMm() / this.#scaleFor(this.#contentSizeMm().width));
    // Drawn at once (not at the next frame): a jump shows the moment it lands on.
    this.draw();
    return true;
  }

  /** The first second in view: the 3 × 4 page's start, or the strip's at its scroll position. */
  get viewStart() { return this.#layoutName() === 'rows' ? this.#timeAtViewStart() : this.options.pageStart; }

  /** True when some lead is drawn without a mV scale (units that are not a voltage). */
  get hasUnitless() { return this.unitless?.some(Boolean) ?? false; }

  describe() {
    const r = this.record;
    if (!r) return '';
    if (!r.leads.length) return `ECG of ${r.name}: no signals to draw.`;
    const layout = this.#layoutName();
    const names = r.leads.map((l) => l.name).join(', ');
    const what = layout === 'standard'
      ? `standard 12-lead layout, 3 by 4 leads of ${COLUMN_SECONDS} s from ${this.options.pageStart} s plus a lead II rhythm strip`
      : `${r.leads.length} lead${r.leads.length > 1 ? 's' : ''} (${names}), one per row, ${r.duration.toFixed(1)} s; scroll sideways for more`;
    const unitless = this.hasUnitless ? ' (unitless leads: a typical beat as tall as 1 mV)' : '';
    return `ECG of ${r.name}: ${what}; ${this.options.speed} mm/s, ${this.options.gain} mm/mV${unitless}, zoom ${Math.round(this.options.zoom * 100)} %.`;
  }

  get layout() { return this.#layoutName(); }
  get pageCount() { return this.record ? Math.max(1, Math.ceil(this.record.duration / PAGE_SECONDS - 1e-9)) : 1; }

  requestDraw() {
    if (this.pending || this.fixed) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  // --- geometry (mm) ---

  #rowHeightMm() { return Math.max(20, 3 * this.options.gain); }

  #contentSizeMm() {
    const r = this.record;
    const row = this.#rowHeightMm();
    if (this.#layoutName() === 'standard') {
      return { width: pageWidthMm(this.options.speed), height: 4 * row + 6 };
    }
    return { width: MARGIN_MM + this.#duration() * this.options.speed + 4, height: r.leads.length * row + 3 + (r.beats ? 5 : 0) + TIME_AXIS_MM };
  }

  #duration() { return this.record.frames / this.record.samplingRate; }

  draw() {
    const r = this.record;
    const ctx = this.ctx;
    this.timeLabels = [];
    if (!r || !r.leads.length) {
      this.canvas.width = this.canvas.height = 0;
      this.content.style.width = this.content.style.height = '0';
      this.canvas.setAttribute('aria-label', this.describe());
      delete this.canvas.dataset.timeLabels;
      return;
    }
    r.duration = this.#duration();
    const pxPerMm = this.#pxPerMm();
    const size = this.#contentSizeMm();
    const contentWidth = Math.ceil(size.width * pxPerMm);
    this.scrollScale = this.#scaleFor(size.width);
    const contentHeight = Math.ceil(size.height * pxPerMm);
    this.content.style.height = `${contentHeight}px`;

    const fixed = this.fixed;
    const viewWidth = Math.min(contentWidth, Math.max(1, fixed ? Math.ceil(fixed.widthMm * pxPerMm) : this.scroller.clientWidth));
    const viewLeft = !fixed ? this.scroller.scrollLeft * this.scrollScale : this.#layoutName() === 'rows' ? this.options.pageStart * this.options.speed * pxPerMm : 0;
    const scrollLeft = Math.min(viewLeft, Math.max(0, contentWidth - viewWidth));
    // A fixed viewer's content is its view: nothing beside it to scroll to (nor to widen a printed page).
    this.content.style.width = `${fixed ? viewWidth : Math.ceil(viewWidth + (contentWidth - viewWidth) / this.scrollScale)}px`;
    const dpr = this.#pixelRatio();
    this.canvas.style.width = `${viewWidth}px`;
    this.canvas.style.height = `${contentHeight}px`;
    this.canvas.width = Math.round(viewWidth * dpr);
    this.canvas.height = Math.round(contentHeight * dpr);
    this.canvas.setAttribute('aria-label', this.describe());

    // From here on, units are mm of paper; x is measured from the content's left edge.
    const mm = pxPerMm * dpr;
    const x0 = scrollLeft / pxPerMm;
    const x1 = x0 + viewWidth / pxPerMm;
    ctx.setTransform(mm, 0, 0, mm, -x0 * mm, 0);
    this.#drawGrid(x0, x1, size.height, mm);

    const row = this.#rowHeightMm();
    const speed = this.options.speed;
    if (this.#layoutName() === 'standard') this.#needWindow(this.options.pageStart, this.options.pageStart + PAGE_SECONDS);
    else this.#needWindow((x0 - MARGIN_MM) / speed, (x1 - MARGIN_MM) / speed);
    if (this.#layoutName() === 'standard') {
      const t0 = this.options.pageStart;
      GRID_ROWS.forEach((names, ri) => {
        const y = 3 + row * (ri + 0.5);
        if (names.every((name) => !this.unitless[this.standardIndex.get(name)])) this.#calibration(2, y, mm);
        names.forEach((name, ci) => {
          const xs = MARGIN_MM + ci * COLUMN_SECONDS * speed;
          const from = t0 + ci * COLUMN_SECONDS;
          this.#trace(this.standardIndex.get(name), from, from + COLUMN_SECONDS, xs, y, x0, x1, mm);
          this.#label(name, xs + 1, y - row * 0.5 + 3.5, mm);
          if (ci > 0) this.#separator(xs, y, mm);
        });
      });
      const y = 3 + row * 3.5;
      const ii = this.standardIndex.get('II');
      if (!this.unitless[ii]) this.#calibration(2, y, mm);
      this.#trace(ii, t0, t0 + PAGE_SECONDS, MARGIN_MM, y, x0, x1, mm);
      this.#label('II', MARGIN_MM + 1, y - row * 0.5 + 3.5, mm);
      this.#beats(t0, t0 + PAGE_SECONDS, MARGIN_MM, y - row * 0.5 + 2.6, x0, x1, mm);
    } else {
      const beatsRow = r.beats ? 5 : 0;
      if (r.beats) this.#beats(0, r.duration, MARGIN_MM, 3 + 3.2, x0, x1, mm);
      r.leads.forEach((lead, i) => {
        const y = 3 + beatsRow + row * (i + 0.5);
        this.#trace(i, 0, r.duration, MARGIN_MM, y, x0, x1, mm);
      });
      // A fixed viewer's paper ends at its view: no label is cut there.
      this.#timeAxis(3 + beatsRow + row * r.leads.length, this.fixed ? Math.min(size.width, x1) : size.width, x0, x1, mm);
      const shown = (x) => formatClock(Math.min(r.duration, Math.max(0, (x - MARGIN_MM) / speed)), r.duration >= 3600);
      this.canvas.setAttribute('aria-label', `${this.describe()} Showing ${shown(x0)} to ${shown(x1)}.`);
      // The calibration pulse and lead names follow the view so that they are always visible, on a
      // band of paper of their own once the trace scrolls under them.
      if (x0 > 0.5) {
        ctx.fillStyle = 'rgba(255, 247, 245, 0.9)';
        ctx.fillRect(x0, 0, MARGIN_MM - 1, size.height);
      }
      r.leads.forEach((lead, i) => {
        const y = 3 + beatsRow + row * (i + 0.5);
        if (!this.unitless[i]) this.#calibration(x0 + 2, y, mm);
        this.#label(lead.name, x0 + 1, y - row * 0.5 + 3.5, mm, true);
      });
    }
    // Lets tests (and anyone scripting the page) read which frames a windowed record holds now
    // ("from to") and which times the visible paper is labelled with.
    if (r.windowed) this.canvas.dataset.window = `${r.offset} ${r.offset + r.leads[0].samples.length}`;
    else delete this.canvas.dataset.window;
    if (this.timeLabels.length) this.canvas.dataset.timeLabels = this.timeLabels.join(' ');
    else delete this.canvas.dataset.timeLabels;
  }

  // Time labels (m:ss) under the rows of the long strip, with a tick at each, for the visible part
  // only; the step is the smallest that keeps the labels apart at the current speed and zoom.
  #timeAxis(top, paperWidth, vx0, vx1, mm) {
    const r = this.record;
    const speed = this.options.speed;
    const pxPerSecond = speed * this.#pxPerMm();
    const step = TIME_LABEL_STEPS.find((s) => s * pxPerSecond >= TIME_LABEL_MIN_PX) ?? TIME_LABEL_STEPS[TIME_LABEL_STEPS.length - 1];
    const withHours = r.duration >= 3600;
    const ctx = this.ctx;
    const dpr = this.#pixelRatio();
    ctx.font = `${11 * dpr / mm}px system-ui, sans-serif`;
    ctx.fillStyle = '#111';
    // Once the paper scrolls, the band of the pinned lead names covers the left edge.
    const from = vx0 > 0.5 ? vx0 + MARGIN_MM - 1 : vx0;
    const first = Math.max(0, Math.ceil((from - MARGIN_MM) / speed / step - 1e-9) * step);
    const last = Math.min(r.duration, (vx1 - MARGIN_MM) / speed);
    for (let t = first; t <= last + 1e-9; t += step) {
      const x = MARGIN_MM + t * speed;
      const text = formatClock(t, withHours);
      if (x + 0.6 + ctx.measureText(text).width > paperWidth) break;  // would be cut at the paper's end
      ctx.fillRect(x - 0.15, top, 0.3, 2);
      ctx.fillText(text, x + 0.6, top + 5.2);
      this.timeLabels.push(text);
    }
  }

  #drawGrid(x0, x1, height, mm) {
    const ctx = this.ctx;
    ctx.fillStyle = '#fff7f5';
    ctx.fillRect(x0, 0, x1 - x0, height);
    const first = Math.floor(x0);
    const last = Math.ceil(x1);
    const line = (width, color, step) => {
      ctx.beginPath();
      ctx.lineWidth = width / mm;
      ctx.strokeStyle = color;
      for (let x = Math.ceil(first / step) * step; x <= last; x += step) {
        ctx.moveTo(x, 0);
        ctx.lineTo(x, height);
      }
      for (let y = 0; y <= height; y += step) {
        ctx.moveTo(x0, y);
        ctx.lineTo(x1, y);
      }
      ctx.stroke();
    };
    // Thin lines every 1 mm (0.04 s, 0.1 mV at 25 mm/s, 10 mm/mV), bold every 5 mm (0.2 s, 0.5 mV).
    if (mm >= 2.5) line(Math.max(0.5, mm * 0.06), 'rgba(232, 120, 120, 0.45)', 1);
    line(Math.max(1, mm * 0.16), 'rgba(214, 60, 60, 0.65)', 5);
  }

  // 1 mV, 0.2 s calibration pulse, drawn at the current gain and speed.
  #calibration(x, y, mm) {
    const ctx = this.ctx;
    const h = this.options.gain;
    const w = 0.2 * this.options.speed;
    ctx.beginPath();
    ctx.lineWidth = 1.3 / mm * this.#pixelRatio();
    ctx.strokeStyle = '#111';
    ctx.moveTo(x, y);
    ctx.lineTo(x + 1.5, y);
    ctx.lineTo(x + 1.5, y - h);
    ctx.lineTo(x + 1.5 + w, y - h);
    ctx.lineTo(x + 1.5 + w, y);
    ctx.lineTo(x + 3 + w, y);
    ctx.stroke();
  }

  #separator(x, y, mm) {
    const ctx = this.ctx;
    ctx.beginPath();
    ctx.lineWidth = 1.3 / mm * this.#pixelRatio();
    ctx.strokeStyle = '#111';
    ctx.moveTo(x, y - 2.5);
    ctx.lineTo(x, y + 2.5);
    ctx.stroke();
  }

  #label(text, x, y, mm, opaque = false) {
    const ctx = this.ctx;
    const dpr = this.#pixelRatio();
    ctx.font = `600 ${13 * dpr / mm}px system-ui, sans-serif`;
    if (opaque) {
      const w = ctx.measureText(text).width;
      ctx.fillStyle = 'rgba(255, 247, 245, 0.85)';
      ctx.fillRect(x - 0.5, y - 3.6, w + 1, 4.6);
    }
    ctx.fillStyle = '#111';
    ctx.fillText(text, x, y);
  }

  // Draws samples of lead `index` between times t0 and t1, the segment starting at paper x `xs`, with
  // its baseline at paper y `y`; only the part inside the visible [vx0, vx1] is drawn.
  #trace(index, t0, t1, xs, y, vx0, vx1, mm) {
    if (index === undefined) return;
    const r = this.record;
    this.overlay?.(this.ctx, { lead: r.leads[index], t0, t1, xs, y, height: this.#rowHeightMm(), speed: this.options.speed, vx0, vx1 });
    const samples = r.leads[index].samples;
    const offset = r.offset;  // the frame samples[0] holds (0 unless the record is windowed)
    const rate = r.samplingRate;
    const speed = this.options.speed;
    const gain = this.options.gain * this.scale[index];
    const base = this.baselines[index];
    const tFrom = Math.max(t0, t0 + (vx0 - xs) / speed - 1 / rate);
    const tTo = Math.min(t1, t0 + (vx1 - xs) / speed + 1 / rate);
    if (tTo <= tFrom) return;
    const first = Math.max(offset, Math.floor(tFrom * rate));
    const last = Math.min(offset + samples.length - 1, Math.ceil(tTo * rate));
    if (last < first) return;
    const ctx = this.ctx;
    ctx.beginPath();
    ctx.lineWidth = 1.25 / mm * this.#pixelRatio();
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#101010';
    const xOf = (i) => xs + (i / rate - t0) * speed;
    const yOf = (v) => y - (v - base) * gain;
    const samplesPerPixel = rate / (speed * mm);
    let pen = false;
    if (samplesPerPixel <= 1.5) {
      for (let i = first; i <= last; i++) {
        const v = samples[i - offset];
        if (!Number.isFinite(v)) { pen = false; continue; }
        if (pen) ctx.lineTo(xOf(i), yOf(v)); else ctx.moveTo(xOf(i), yOf(v));
        pen = true;
      }
    } else {
      // More samples than device pixels: draw each pixel column's min-max span (keeps QRS peaks).
      const step = samplesPerPixel;
      for (let p = first; p <= last; p += step) {
        const a = Math.floor(p);
        const b = Math.min(last, Math.floor(p + step));
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = a; i <= b; i++) {
          const v = samples[i - offset];
          if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
        }
        if (lo > hi) { pen = false; continue; }
        const x = xOf(a);
        if (pen) ctx.lineTo(x, yOf(lo)); else ctx.moveTo(x, yOf(lo));
        ctx.lineTo(x, yOf(hi));
        pen = true;
      }
    }
    ctx.stroke();
  }

  // Beat marks: a tick coloured by beat class, with the class letter for beats other than N; atrial
  // fibrillation episodes (the rhythm model's) as a band behind them, labelled AF where they start.
  #beats(t0, t1, xs, y, vx0, vx1, mm) {
    const beats = this.record.beats;
    if (!beats || !beats.times.length) return;
    const { times, classes } = beats;
    const speed = this.options.speed;
    const ctx = this.ctx;
    const dpr = this.#pixelRatio();
    ctx.font = `700 ${11 * dpr / mm}px system-ui, sans-serif`;
    const from = Math.max(t0, t0 + (vx0 - xs) / speed - 0.5);
    const to = Math.min(t1, t0 + (vx1 - xs) / speed + 0.5);
    for (const e of beats.af ?? []) {
      if (e.end < from || e.start > to) continue;
      const a = xs + (Math.max(e.start, t0) - t0) * speed;
      const b = xs + (Math.min(e.end, t1) - t0) * speed;
      ctx.fillStyle = AF_BAND;
      ctx.fillRect(a, y - 3.2, b - a, 4);
      ctx.fillStyle = '#8a4208';
      if (e.start >= t0) ctx.fillText('AF', a + 0.5, y - 2.1);
    }
    ctx.textAlign = 'center';
    let lo = 0;
    let hi = times.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (times[m] < from) lo = m + 1; else hi = m; }
    for (let i = lo; i < times.length && times[i] <= to; i++) {
      const label = classes[i];
      const x = xs + (times[i] - t0) * speed;
      ctx.fillStyle = BEAT_COLORS[label] ?? BEAT_COLORS['?'];
      ctx.fillRect(x - 0.35, y - 1.6, 0.7, 2.2);
      if (label !== 'N' && label !== '?') ctx.fillText(label, x, y - 2.1);
    }
    ctx.textAlign = 'start';
  }
}

export { STANDARD_12, BEAT_COLORS, PAGE_SECONDS, AF_BAND };
