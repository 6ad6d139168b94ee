// Which dropped files make a record: the file-name rules of EcgLite, in one place. Pairs WFDB headers
// with the signal files (and segment headers) they name and with reference annotations, takes CSV
// exports and EDF/BDF files as records of their own, and says precisely what is missing or left out. Plain JS, no wasm:
// ecglite.mjs checks the arguments, passes its parseHeader() in, and re-exports fileKind() and the
// lists a page needs (the EcgLite page takes its file picker's list and its CSV test from there).
// Types: index.d.ts.

/** File-name extensions, lower case and without the dot. */
export const HEADER_EXTENSION = 'hea';
export const SIGNAL_EXTENSIONS = Object.freeze(['dat', 'mat']);
export const CSV_EXTENSIONS = Object.freeze(['csv', 'tsv', 'txt']);
/** Reference annotation files (100.atr), in order of preference: a record takes the first present. */
export const ANNOTATORS = Object.freeze(['atr', 'ann', 'qrs', 'ecg']);
/** European Data Format files (EDF, EDF+, BDF): records of their own, annotations inside. */
export const EDF_EXTENSIONS = Object.freeze(['edf', 'bdf']);

/** Every file groupFiles() takes, as an <input type="file"> accept attribute. */
export const ACCEPTED_FILES = [HEADER_EXTENSION, ...SIGNAL_EXTENSIONS, ...CSV_EXTENSIONS, ...EDF_EXTENSIONS, ...ANNOTATORS]
  .map((ext) => `.${ext}`).concat('text/csv').join(',');

const lowerExtension = (name) => {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
};
const stem = (name) => {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
};
/** The file name without any directory ("some/dir/100.hea" -> "100.hea"). */
export const baseName = (name) => name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
const listWords = (names) =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** What a file is by its name: 'header', 'signal', 'csv', 'annotations', 'edf', or null (not an ECG file). */
export function fileKind(name) {
  const ext = lowerExtension(baseName(String(name)));
  if (ext === HEADER_EXTENSION) return 'header';
  if (SIGNAL_EXTENSIONS.includes(ext)) return 'signal';
  if (CSV_EXTENSIONS.includes(ext)) return 'csv';
  if (ANNOTATORS.includes(ext)) return 'annotations';
  if (EDF_EXTENSIONS.includes(ext)) return 'edf';
  return null;
}

/**
 * Sorts files into records. `files`: [{ name, bytes: Uint8Array }] (checked by the caller);
 * `parseHeader(bytes, name)` returns what a header says or throws an Error with a `kind`.
 * Returns { records, problems, ignored, unusedAnnotations } (EcgLite#groupFiles documents them).
 */
export function groupFiles(files, parseHeader) {
  const byName = new Map();
  const byLowerName = new Map();
  for (const f of files) {
    const entry = { name: baseName(f.name), bytes: f.bytes };
    byName.set(entry.name, entry);
    byLowerName.set(entry.name.toLowerCase(), entry);
  }
  const find = (name) => byName.get(name) ?? byLowerName.get(name.toLowerCase());

  const records = [];
  const problems = [];
  const used = new Set();
  const headers = new Map(); // header file name -> parsed header or Error
  for (const entry of byName.values()) {
    if (lowerExtension(entry.name) !== HEADER_EXTENSION) continue;
    try {
      headers.set(entry.name, parseHeader(entry.bytes, entry.name));
    } catch (error) {
      headers.set(entry.name, error);
    }
  }
  // Segment headers of multi-segment records belong to their master header, not to the list. A
  // multi-segment header is never a segment (not even of itself): it stays a record, and reading
  // it says what is wrong instead of it vanishing from the drop.
  const segmentHeaders = new Set();
  const isMultiSegment = (name) => {
    const info = headers.get(name);
    return info && !(info instanceof Error) && info.segments.length > 0;
  };
  for (const info of headers.values()) {
    if (info instanceof Error) continue;
    for (const seg of info.segments) {
      const f = find(`${seg}.${HEADER_EXTENSION}`);
      if (f && !isMultiSegment(f.name)) segmentHeaders.add(f.name);
    }
  }
  for (const [headerName, info] of headers) {
    if (segmentHeaders.has(headerName)) continue;
    used.add(headerName);
    if (info instanceof Error) {
      problems.push({ files: [headerName], message: info.message, kind: info.kind });
      continue;
    }
    const needed = [];
    const addSignalFiles = (h) => { for (const s of h.signalFiles) if (!needed.includes(s)) needed.push(s); };
    addSignalFiles(info);
    for (const seg of info.segments) {
      const segHeader = `${seg}.${HEADER_EXTENSION}`;
      if (!needed.includes(segHeader)) needed.push(segHeader);
      const segEntry = find(segHeader);
      const segInfo = segEntry && headers.get(segEntry.name);
      if (segInfo && !(segInfo instanceof Error)) addSignalFiles(segInfo);
    }
    const provided = {};
    const missing = [];
    for (const n of needed) {
      const f = find(n);
      if (f) {
        provided[n] = f.bytes;
        used.add(f.name);
      } else {
        missing.push(n);
      }
    }
    if (missing.length) {
      problems.push({
        files: [headerName],
        message: `${headerName} needs ${listWords(missing)} — drop ${missing.length > 1 ? 'them' : 'it'} together with the header`,
        kind: 'missing_file',
      });
      continue;
    }
    const group = { kind: 'wfdb', name: info.recordName, header: byName.get(headerName).bytes, headerName, files: provided };
    // Reference annotations dropped with the record (100.atr): their rhythm episodes are shown.
    for (const annotator of ANNOTATORS) {
      const f = find(`${info.recordName}.${annotator}`);
      if (!f) continue;
      group.annotations = { name: f.name, bytes: f.bytes };
      used.add(f.name);
      break;
    }
    records.push(group);
  }
  for (const n of segmentHeaders) used.add(n);

  const ignored = [];
  for (const entry of byName.values()) {
    if (used.has(entry.name)) continue;
    const kind = fileKind(entry.name);
    if (kind === 'csv') {
      records.push({ kind: 'csv', name: stem(entry.name), fileName: entry.name, bytes: entry.bytes });
    } else if (kind === 'signal') {
      problems.push({
        files: [entry.name],
        message: `${entry.name} is a WFDB signal file: drop its header ${stem(entry.name)}.${HEADER_EXTENSION} together with it`,
        kind: 'missing_file',
      });
    } else if (kind === 'edf') {
      records.push({ kind: 'edf', name: stem(entry.name), fileName: entry.name, bytes: entry.bytes });
    } else {
      ignored.push(entry.name);
    }
  }
  const unusedAnnotations = ignored.filter((name) => fileKind(name) === 'annotations')
    .map((name) => ({ files: [name], message: whyAnnotationsUnused(name, records, find) }));
  return { records, problems, ignored, unusedAnnotations };
}

// Annotation files are only read with their record: say which record, not that the file is unknown.
function whyAnnotationsUnused(name, records, find) {
  const record = stem(name);
  const taker = records.find((r) => r.kind === 'wfdb' && r.name.toLowerCase() === record.toLowerCase());
  if (taker?.annotations) {
    return `${name}: not used; the reference annotations of ${taker.name} are read from ${taker.annotations.name}`;
  }
  return find(`${record}.${HEADER_EXTENSION}`)
    ? `${name}: annotations for ${record}, which could not be opened`
    : `${name}: annotations for record ${record}: drop them together with ${record}.${HEADER_EXTENSION} and its signal files`;
}
