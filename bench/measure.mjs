// The measurements themselves, shared by Node (bench/run.mjs) and the browser page (bench/page.mjs),
// so that both runtimes execute exactly the same code. Nothing here asserts: it only measures.
//
// An environment object supplies what differs between the two:
//   env.bytes(path)        -> Uint8Array of a repository file (readFile in Node, fetch in the browser)
//   env.importOurs()       -> the ecglite.mjs module namespace (the package's JS API)
//   env.importOrt()        -> the onnxruntime-web wasm-only module, configured for 1 thread
//   env.createOurs(mod)    -> an EcgLite instance (Node passes wasmBinary; browsers fetch it)
//   env.importSimdPeak()   -> { create() } for the SIMD-peak micro-benchmark module

export const now = () => performance.now();

export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  // linear interpolation between order statistics (the median of an even count is the mean of the two middle ones)
  const q = (p) => {
    const at = p * (s.length - 1), lo = Math.floor(at), hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (s[hi] - s[lo]) * (at - lo);
  };
  return { median: q(0.5), p10: q(0.1), p90: q(0.9), min: s[0], n: s.length };
}

// Records every WebAssembly.Memory created or exported from now on, under the current label, so
// that each engine's linear memory can be read after the run (ours exports its memory; ONNX
// Runtime's threaded build creates a shared one in JS and imports it).
export function trackWasmMemory() {
  const W = globalThis.WebAssembly;
  const seen = [];
  let label = 'unlabelled';
  const note = (v) => {
    if (v instanceof W.Memory && !seen.some((s) => s.memory === v)) seen.push({ label, memory: v });
  };
  const noteImports = (imports) => {
    for (const mod of Object.values(imports ?? {})) for (const v of Object.values(mod ?? {})) note(v);
  };
  const noteResult = (r) => {
    const instance = r instanceof W.Instance ? r : r?.instance;
    if (instance) for (const v of Object.values(instance.exports)) note(v);
    return r;
  };
  const OriginalMemory = W.Memory;
  W.Memory = new Proxy(OriginalMemory, {
    construct(target, args, newTarget) {
      const m = Reflect.construct(target, args, newTarget === W.Memory ? target : newTarget);
      note(m);
      return m;
    },
  });
  const instantiate = W.instantiate;
  W.instantiate = function (source, imports, ...rest) {
    noteImports(imports);
    return instantiate.call(W, source, imports, ...rest).then(noteResult);
  };
  const streaming = W.instantiateStreaming;
  if (streaming) {
    W.instantiateStreaming = function (source, imports, ...rest) {
      noteImports(imports);
      return streaming.call(W, source, imports, ...rest).then(noteResult);
    };
  }
  return {
    setLabel(l) { label = l; },
    // The largest linear memory seen under `l` (memories only grow: its size now is its peak).
    bytes(l) {
      const sizes = seen.filter((s) => s.label === l).map((s) => s.memory.buffer.byteLength);
      return sizes.length ? Math.max(...sizes) : null;
    },
  };
}

// Times several configurations in interleaved blocks (each block warm in the caches, the rounds
// spread over time so that a change of machine load hits every configuration alike).
export async function timeInterleaved(configs, { warmup, runs, block }) {
  const samples = Object.fromEntries(configs.map((c) => [c.key, []]));
  for (const c of configs) for (let i = 0; i < warmup; ++i) await c.fn();
  const rounds = Math.max(1, Math.ceil(runs / block));
  for (let r = 0; r < rounds; ++r) {
    for (const c of configs) {
      const out = samples[c.key];
      if (c.async) {
        for (let i = 0; i < block; ++i) {
          const t0 = now();
          await c.fn();
          out.push(now() - t0);
        }
      } else {
        for (let i = 0; i < block; ++i) {
          const t0 = now();
          c.fn();
          out.push(now() - t0);
        }
      }
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
}

async function timeOne(c) {
  const t0 = now();
  if (c.async) await c.fn();
  else c.fn();
  return now() - t0;
}

const maxAbsDiff = (a, b) => {
  let m = 0;
  for (let i = 0; i < a.length; ++i) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

async function ortSession(ort, bytes) {
  return ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

async function ortRun(ort, session, input) {
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.dims) });
  return out[session.outputNames[0]].data;
}

async function readRecord(env, ecg, spec) {
  const files = {};
  for (const f of spec.files) files[f.split('/').pop()] = await env.bytes(f);
  return ecg.readWfdb(await env.bytes(spec.header), files);
}

/**
 * Per-record latency of both engines on the same record and the same network input.
 * cfg: { models: { int8, fp32, onnxFp32, onnxInt8 } (paths), records: [{ key, header, files }]
 *        (the first is the main record), warmup, runs, block }
 */
export async function measureLatency(env, cfg) {
  const memory = trackWasmMemory();
  memory.setLabel('ours');
  const ours = await env.importOurs();
  const ecg = await env.createOurs(ours);
  const model = {
    int8: ecg.loadModel(await env.bytes(cfg.models.int8)),
    fp32: ecg.loadModel(await env.bytes(cfg.models.fp32)),
  };
  memory.setLabel('ort');
  const ort = await env.importOrt();
  const session = {
    fp32: await ortSession(ort, await env.bytes(cfg.models.onnxFp32)),
    int8: await ortSession(ort, await env.bytes(cfg.models.onnxInt8)),
  };
  // The best SIMD-peak kernel (chosen by measureSimdPeak) runs in the same interleaved rounds as
  // the engines, each call doing as many MACs as one record's inference: the peak fraction then
  // compares two numbers measured under the same machine state.
  let peak = null;
  if (cfg.peakKernel) {
    memory.setLabel('simd-peak');
    const m = await (await env.importSimdPeak()).create();
    m._init();
    const [name, r, c] = PEAK_KERNELS.find(([n]) => n === cfg.peakKernel);
    peak = { name, fn: m[`_${name}`], macsPerRep: m._depth() * r * c };
  }
  memory.setLabel('ours');

  const records = [];
  for (const spec of cfg.records) records.push({ key: spec.key, record: await readRecord(env, ecg, spec) });
  const main = records[0].record;
  // The windows EcgLite feeds its network, channel-major: ORT gets exactly these.
  const input = { int8: ecg.networkInput(model.int8, main), fp32: ecg.networkInput(model.fp32, main) };

  // Agreement of the two engines on these windows (a sanity check of the comparison, not a test).
  const agreement = {};
  for (const p of ['fp32', 'int8']) {
    const a = ecg.networkLogits(model[p], input[p]);
    const b = await ortRun(ort, session[p], input[p]);
    agreement[p] = { max_abs_logit_diff: maxAbsDiff(a, b) };
  }

  const configs = [];
  for (const p of ['int8', 'fp32']) {
    configs.push({ key: `ours_${p}_infer`, fn: () => ecg.networkLogits(model[p], input[p]) });
    configs.push({ key: `ort_${p}_infer`, async: true, fn: () => ortRun(ort, session[p], input[p]) });
  }
  for (const { key, record } of records) {
    configs.push({ key: `ours_int8_record_${key}`, fn: () => ecg.classify(model.int8, record) });
    configs.push({ key: `ours_fp32_record_${key}`, fn: () => ecg.classify(model.fp32, record) });
    configs.push({ key: `preprocess_${key}`, fn: () => ecg.networkInput(model.int8, record) });
    for (const p of ['fp32', 'int8']) {
      configs.push({
        key: `ort_${p}_record_${key}`,
        async: true,
        fn: async () => {
          const inp = ecg.networkInput(model[p], record);
          return ecg.combine(model[p], inp, await ortRun(ort, session[p], inp));
        },
      });
    }
  }
  const runs = input.int8.dims[0];
  let peakReps = 0;
  if (peak) {
    peakReps = Math.max(1, Math.round((model.int8.info.macs_per_window * runs) / peak.macsPerRep));
    configs.push({ key: 'simd_peak_int8', fn: () => peak.fn(peakReps) });
  }
  const times = await timeInterleaved(configs, cfg);

  // Paired ratio of our int8 inference and the peak kernel: called alternately, one call each, the
  // ratio taken per pair and its median reported. Both calls of a pair see the same state of a
  // machine whose speed drifts (shared cores, a virtual machine), and the peak kernel's 8 KB do not
  // disturb the engine's caches. (Not used between the two engines: alternating them makes each
  // evict the other's code and data, a different regime from repeated calls.)
  const byKey = Object.fromEntries(configs.map((c) => [c.key, c]));
  const paired = {};
  const pairs = peak ? [['ours_int8_infer', 'simd_peak_int8']] : [];
  for (const [a, b] of pairs) {
    const ratios = [];
    for (let i = 0; i < cfg.runs; ++i) {
      const ta = await timeOne(byKey[a]), tb = await timeOne(byKey[b]);
      ratios.push(tb / ta);
    }
    paired[`${b}/${a}`] = stats(ratios);
  }

  return {
    times,
    paired,
    agreement,
    inferences_per_record: runs,
    windows_per_record: input.int8.windows,
    macs_per_window: { int8: model.int8.info.macs_per_window, fp32: model.fp32.info.macs_per_window },
    model_info: { int8: model.int8.info, fp32: model.fp32.info },
    record_info: records.map(({ key, record }) => ({
      key, name: record.name, sampling_rate: record.samplingRate, duration_s: record.durationS, leads: record.leads.length,
    })),
    memory_bytes: { ours: memory.bytes('ours'), ort: memory.bytes('ort') },
    simd_peak: peak ? {
      kernel: peak.name, macs_per_call: peakReps * peak.macsPerRep,
      gmacs: (peakReps * peak.macsPerRep) / times.simd_peak_int8.median / 1e6,
      gmacs_p10: (peakReps * peak.macsPerRep) / times.simd_peak_int8.p10 / 1e6,
    } : null,
    ecglite_version: ecg.version,
    ort_version: ort.env?.versions?.web ?? ort.env?.versions?.common ?? null,
  };
}

/**
 * Cold start-up of one engine in a fresh process or page: import of the JS, instantiation of the
 * wasm, model load, the model's bytes fetched alongside (as a page would: Promise.all); then the
 * first inference on a record's windows (still baseline-compiled code).
 */
export async function measureStartup(env, engine, cfg) {
  const t0 = now();
  let ready, first;
  if (engine === 'ours') {
    const [ecg, bytes] = await Promise.all([env.importOurs().then((mod) => env.createOurs(mod)), env.bytes(cfg.models.int8)]);
    const model = ecg.loadModel(bytes);
    ready = now();
    const record = await readRecord(env, ecg, cfg.records[0]);
    const input = ecg.networkInput(model, record);
    const t1 = now();
    ecg.networkLogits(model, input);
    first = now() - t1;
  } else {
    const [ort, bytes] = await Promise.all([env.importOrt(), env.bytes(cfg.models[engine === 'ort_fp32' ? 'onnxFp32' : 'onnxInt8'])]);
    const session = await ortSession(ort, bytes);
    ready = now();
    const input = { data: new Float32Array(cfg.inputDims.reduce((a, b) => a * b, 1)), dims: cfg.inputDims };
    const t1 = now();
    await ortRun(ort, session, input);
    first = now() - t1;
  }
  return { startup_ms: ready - t0, first_inference_ms: first };
}

// name, weight rows, input columns, operations per multiply-accumulate (bench/simd_peak.cpp)
const PEAK_KERNELS = [
  ['int8_4x2', 4, 2, 1], ['int8_3x3', 3, 3, 1], ['int8_2x4', 2, 4, 1], ['int8_4x3', 4, 3, 1],
  ['f32_4x2', 4, 2, 2], ['f32_3x3', 3, 3, 2], ['f32_2x4', 2, 4, 2],
];

/**
 * Peak of the SIMD128 instructions the engine uses (bench/simd_peak.cpp), timed in short calls
 * (about as long as one model inference) after enough calls for the optimising tier.
 */
export async function measureSimdPeak(env, { calls = 60, targetMs = 1 } = {}) {
  const m = await (await env.importSimdPeak()).create();
  m._init();
  const depth = m._depth();
  const result = {};
  for (const [name, r, c, flopsPerMac] of PEAK_KERNELS) {
    const fn = m[`_${name}`];
    for (let i = 0; i < 200; ++i) fn(4);  // enough calls to tier up to the optimising compiler
    let reps = 16;
    for (;;) {  // calibrate to about targetMs per call
      const t0 = now();
      fn(reps);
      const dt = now() - t0;
      if (dt >= targetMs || reps > 1 << 24) {
        reps = Math.max(1, Math.round((reps * targetMs) / Math.max(dt, 1e-3)));
        break;
      }
      reps *= 4;
    }
    const samples = [];
    for (let i = 0; i < calls; ++i) {
      const t0 = now();
      fn(reps);
      samples.push(now() - t0);
    }
    const ops = reps * depth * r * c * flopsPerMac;
    const s = stats(samples);
    result[name] = { ops_per_call: ops, ms: s.median, g_per_s: ops / s.median / 1e6, best_g_per_s: ops / s.min / 1e6 };
  }
  const best = (prefix) => Object.entries(result).filter(([k]) => k.startsWith(prefix))
    .reduce((a, [k, v]) => (v.g_per_s > a.g_per_s ? { kernel: k, ...v } : a), { g_per_s: 0 });
  return { kernels: result, int8_gmacs: best('int8_'), f32_gflops: best('f32_') };
}

/**
 * A recording as the page's worker analyses one: read it from its bytes, then rhythm() with the beat
 * classifier (QRS detection, beat classes, heart-rate trend, ectopy) and, when spec.rhythmModel is
 * given, again with the rhythm model too (the page's call: the rhythm verdict, AF episodes and burden).
 * Serves the long recording (target: 30 min, 2 leads in under 2 s in the browser) and the 30 s
 * single-lead rhythm verdict (target: well under 50 ms in the page).
 * files: { header: Uint8Array, signals: { name: Uint8Array } }; spec: { name, beatModel, rhythmModel, runs }.
 * One warm-up pass first, then spec.runs timed passes; the two rhythm() calls of a pass alternate in
 * order (neither always runs in caches the other warmed), and the rhythm model's own cost is their
 * difference per pass (both calls see the same machine state). The warm-up pass starts with the
 * page's call and is reported alone (first_ms: read + that call): run first in a process or page, it
 * is what a user's first recording costs, before the engine tiers up the wasm.
 */
export async function measureRhythm(env, spec, files) {
  const ecg = await env.createOurs(await env.importOurs());
  const beatModel = ecg.loadModel(await env.bytes(spec.beatModel));
  const rhythmModel = spec.rhythmModel ? ecg.loadModel(await env.bytes(spec.rhythmModel)) : null;
  const calls = [{ key: 'beats', options: { beatModel } }];
  if (rhythmModel) calls.push({ key: 'verdict', options: { beatModel, rhythmModel } });
  const read = [], analyse = { beats: [], verdict: [] };
  let facts = null, verdict = null, first = null;
  for (let i = 0; i <= spec.runs; ++i) {
    const t0 = now();
    const record = ecg.readWfdb(files.header, files.signals);
    const readMs = now() - t0;
    const order = i % 2 ? calls : [...calls].reverse();
    for (const c of order) {
      const t1 = now();
      const summary = ecg.rhythm(record, c.options);
      const dt = now() - t1;
      if (i > 0) analyse[c.key].push(dt);
      else if (c === order[0]) first = readMs + dt;
      if (c.key === 'beats') {
        facts = { record: spec.name, duration_s: summary.duration_s, leads: record.leads.length,
          sampling_rate: summary.sampling_rate_hz, beats: summary.beats_detected, class_counts: summary.classes };
      } else verdict = summary.verdict;
    }
    record.dispose();
    if (i > 0) read.push(readMs);
  }
  beatModel.dispose();
  const result = { ...facts, first_ms: first, read_ms: stats(read), rhythm_ms: stats(analyse.beats), total_ms: stats(read.map((r, i) => r + analyse.beats[i])) };
  if (rhythmModel) {
    const v = analyse.verdict;
    result.with_rhythm_model = {
      model: rhythmModel.info.name, model_description: rhythmModel.info.description ?? '',
      precision: rhythmModel.info.precision, macs_per_window: rhythmModel.info.macs_per_window,
      verdict: verdict?.class ?? null, af_burden: verdict?.af_burden ?? null, af_episodes: verdict?.af_episodes.length ?? null,
      rhythm_ms: stats(v), total_ms: stats(read.map((r, i) => r + v[i])),
      rhythm_model_ms: stats(v.map((t, i) => t - analyse.beats[i])),
    };
    rhythmModel.dispose();
  }
  return result;
}
