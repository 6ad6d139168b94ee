// The npm package `ecglite`: `npm pack` ships exactly the module (ecglite.mjs and the files.mjs it
// imports), the wasm, the model, the types and the README; the tarball installs into a fresh project
// where the README's Node example runs and gives the CLI's numbers; index.d.ts type-checks an
// embedding written against it; and the page serves the very files the package ships.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MODEL_PATH, NO_CLI, NO_MODEL, NO_MODULE, PACKAGE_DIR, ROOT, SAMPLES, cliJson } from './support.mjs';

const NPM = 'npm';
const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

test('npm pack ships the module (ecglite.mjs and its files.mjs), the wasm, the model, the types and the README', { skip: NO_MODULE || NO_MODEL }, () => {
  const [info] = JSON.parse(run(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], PACKAGE_DIR));
  const files = info.files.map((f) => f.path).sort();
  const optional = ['beats-int8.ecgm', 'rhythm-int8.ecgm'].filter((f) => existsSync(path.join(PACKAGE_DIR, 'models', f))).map((f) => `models/${f}`);
  assert.deepEqual(files, ['README.md', 'ecglite-core.mjs', 'ecglite-core.wasm', 'ecglite.mjs', 'files.mjs', 'index.d.ts', ...optional, 'models/student-int8.ecgm', 'package.json']);
  assert.equal(info.name, 'ecglite');
});

// A fresh project in a temporary directory with the packed tarball installed; removed after `use`.
function withInstalledPackage(use) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecglite-pkg-'));
  try {
    const tarball = run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], PACKAGE_DIR);
    const file = path.join(dir, JSON.parse(tarball)[0].filename);
    const project = path.join(dir, 'project');
    run('mkdir', [project]);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'embedder', private: true, type: 'module' }));
    run(NPM, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', file], project);
    use(project);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the README\'s Node example runs from the installed tarball and matches the CLI', { skip: NO_MODULE || NO_MODEL || NO_CLI }, () => {
  withInstalledPackage((project) => {
    // The example exactly as the README prints it, run where the sample files are.
    const readme = readFileSync(path.join(PACKAGE_DIR, 'README.md'), 'utf8');
    const example = readme.split('## In Node')[1].match(/```js\n([\s\S]*?)```/)[1];
    writeFileSync(path.join(project, 'example.mjs'), example.replace('console.log(result.labels, result.classes.map((c) => [c.name, c.probability.toFixed(3)]));', 'console.log(JSON.stringify(result));'));
    for (const f of ['00001_lr.hea', '00001_lr.dat']) copyFileSync(path.join(SAMPLES, f), path.join(project, f));
    const result = JSON.parse(run(process.execPath, ['example.mjs'], project));
    const [expected] = cliJson('classify', path.join(SAMPLES, '00001_lr.hea'), '--model', MODEL_PATH, '--json').records;
    for (const c of result.classes) assert.ok(Math.abs(c.probability - expected.probabilities[c.name]) <= 5e-6 * c.probability + 1e-9, c.name);
    assert.deepEqual(result.labels, expected.labels);
  });
});

// Its own test, skipped with a message without TypeScript (it used to pass having checked nothing).
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
test('index.d.ts: an embedding written against the declarations type-checks (strict), a misuse does not', { skip: NO_MODULE || NO_MODEL || (!existsSync(TSC) && 'typescript is not installed (npm ci installs the dev dependencies)') }, () => {
  withInstalledPackage((project) => {
    writeFileSync(path.join(project, 'embed.ts'), `
import createEcgLite, { EcgLite, EcgLiteError, EcgRecord, ClassifyResult, RhythmSummary, ErrorKind, GroupedFiles, FileKind,
  fileKind, ACCEPTED_FILES, ANNOTATORS, CSV_EXTENSIONS, EcgSource, RangeFile, rangeFileFromBytes } from 'ecglite';
export async function screen(files: { name: string; bytes: Uint8Array }[]): Promise<string[]> {
  const ecg: EcgLite = await createEcgLite();
  const model = await ecg.loadDefaultModel();
  const grouped: GroupedFiles = ecg.groupFiles(files);
  const out = grouped.problems.map((p) => p.message);
  out.push(...grouped.unusedAnnotations.map((a) => \`\${a.files[0]}: \${a.message}\`));
  const kind: FileKind | null = fileKind(files[0].name);
  out.push(ACCEPTED_FILES, ANNOTATORS.join(','), CSV_EXTENSIONS[0], String(kind));
  const kinds: ErrorKind[] = grouped.problems.map((p) => p.kind);
  for (const group of grouped.records) {
    let record: EcgRecord;
    try {
      record = ecg.readGroup(group, { units: 'uV' });
    } catch (error) {
      const e = error as EcgLiteError;
      if (e.kind !== 'needs_rate') throw e;
      out.push(e.reason);
      record = ecg.readGroup(group, { samplingRate: 500, units: 'uV' });
    }
    const r: ClassifyResult = ecg.classify(model, record);
    const lead: Float32Array = record.samples('II');
    out.push(\`\${record.name} \${lead.length} \${r.labels.join(',')} \${r.classes[0].probability.toFixed(3)} \${model.info.classes[0].description}\`);
    // The result schema (snake_case, as the CLI's JSON), typed arrays where the declarations say so.
    const rhythm: RhythmSummary = ecg.rhythm(record);
    const trend: Float64Array = rhythm.heart_rate.trend_bpm;
    const beats: Float64Array = rhythm.beats.samples;
    out.push(\`\${r.probabilities.NORM} \${r.duration_s} \${r.sampling_rate_hz} \${r.time_ms} \${rhythm.beats_detected} \${rhythm.pauses.count} \${trend.length} \${beats.length} \${model.info.band_hz[1]} \${model.info.input_channels}\`);
    record.dispose();
  }
  const input = ecg.networkInput(model, ecg.recordFromLeads({ samplingRate: 100, leads: [{ name: 'I', samples: [0] }] }));
  ecg.combine(model, input, new Float32Array(input.dims[0] * 5));
  return out.concat(kinds);
}
// A long recording read in slices: range files, a source, its stretches and its streamed analysis.
export async function holter(header: Uint8Array, dat: Uint8Array): Promise<number> {
  const ecg: EcgLite = await createEcgLite();
  const files: RangeFile[] = [rangeFileFromBytes('x.hea', header), rangeFileFromBytes('x.dat', dat)];
  const source: EcgSource = ecg.openSource(files);
  const part: EcgRecord = source.read(0, 10 * source.samplingRate);
  const r: RhythmSummary = ecg.rhythm(source, { beatModel: await ecg.loadDefaultBeatModel(), blockS: 1800, onProgress: (f: number) => f < 1 });
  part.dispose();
  source.dispose();
  return r.holter.hours.length + ecg.memoryBytes + source.durationS;
}
`);
    run(TSC, ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'embed.ts'], project);
    // And a misuse is caught: the declarations are not `any`.
    writeFileSync(path.join(project, 'wrong.ts'), `import createEcgLite from 'ecglite';\nconst ecg = await createEcgLite();\nconst n: number = ecg.version;\n`);
    const wrong = spawnSync(TSC, ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'wrong.ts'], { cwd: project, encoding: 'utf8' });
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stdout, /Type 'string' is not assignable to type 'number'/);
  });
});

test('the page serves the files the package ships', { skip: NO_MODULE }, () => {
  for (const file of ['ecglite.mjs', 'files.mjs', 'ecglite-core.mjs', 'ecglite-core.wasm']) {
    const web = path.join(ROOT, 'web', file);
    assert.ok(existsSync(web), `${web} missing (run scripts/build-wasm)`);
    assert.ok(readFileSync(web).equals(readFileSync(path.join(PACKAGE_DIR, file))), `web/${file} differs from wasm/${file}`);
  }
});
