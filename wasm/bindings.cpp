// Embind bindings: the raw JS face of the core, wrapped by the hand-written wasm/ecglite.mjs.
//
// Failures never cross into JS as C++ exceptions: every entry point catches ecglite::Error (and
// bad_alloc, and anything else) and RETURNS a JS Error carrying e.what(), the core's message, and
// `kind`, the error's kind_name(); ecglite.mjs adds what to do in JS for that kind and throws it.
// Returning instead of throwing through the wasm frames keeps the shadow stack balanced, so a page
// (or a fuzzer) can feed any number of bad files to one instance.
//
// Results (model info, classification, rhythm) go out as the core's own JSON (core/src/screen/json.cpp,
// rhythm_json.cpp), parsed: one schema, the same text `ecglite ... --json` prints (wasm/index.d.ts).
// Only bulk per-beat columns bypass JSON, as typed arrays. Other plain data (a record's summary, a
// header) goes out as JS objects built with emscripten::val; a decoded record stays in wasm memory
// behind a Record handle so that long recordings are not copied back and forth.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ecglite/annotations.h"
#include "ecglite/beats.h"
#include "ecglite/classify.h"
#include "ecglite/clock_time.h"
#include "ecglite/csv.h"
#include "ecglite/edf.h"
#include "ecglite/error.h"
#include "ecglite/explain.h"
#include "ecglite/inference_plan.h"
#include "ecglite/json.h"
#include "ecglite/model.h"
#include "ecglite/preprocess.h"
#include "ecglite/record.h"
#include "ecglite/record_source.h"
#include "ecglite/rhythm.h"
#include "ecglite/wfdb.h"

using emscripten::val;

namespace {

// --- conversions ---------------------------------------------------------------------------------

val js_strings(const std::vector<std::string>& v) {
  val a = val::array();
  for (std::size_t i = 0; i < v.size(); ++i) a.set(i, v[i]);
  return a;
}

// A Float32Array that owns a copy (a view into wasm memory would go stale on memory growth).
val js_floats(const float* data, std::size_t n) {
  return val(emscripten::typed_memory_view(n, data)).call<val>("slice");
}
val js_floats(const std::vector<float>& v) { return js_floats(v.data(), v.size()); }

// The core's JSON rendering of a result, as a JS object.
val from_json(const std::string& text) { return val::global("JSON").call<val>("parse", text); }

// Copies a Uint8Array / ArrayBuffer view into wasm memory in one memcpy.
ecglite::Bytes bytes_from_js(const val& array) {
  const std::size_t n = array["length"].as<std::size_t>();
  ecglite::Bytes out(n);
  // No allocation between taking the view and filling it: the view cannot go stale.
  val(emscripten::typed_memory_view(n, out.data())).call<void>("set", array);
  return out;
}

std::vector<float> floats_from_js(const val& array) {
  const std::size_t n = array["length"].as<std::size_t>();
  std::vector<float> out(n);
  val view(emscripten::typed_memory_view(n, out.data()));
  if (array.instanceof(val::global("Float32Array"))) {
    view.call<void>("set", array);
  } else {
    // Plain arrays and other typed arrays: Float32Array.prototype.set converts element-wise.
    view.call<void>("set", val::global("Float32Array").call<val>("from", array));
  }
  return out;
}

std::string string_or(const val& obj, const char* key, const std::string& fallback) {
  if (obj.isUndefined() || obj.isNull()) return fallback;
  val v = obj[key];
  return v.isString() ? v.as<std::string>() : fallback;
}

// obj[key] as strings; none when it is absent (the JS wrapper has already checked its type).
std::vector<std::string> strings_or_none(const val& obj, const char* key) {
  std::vector<std::string> out;
  if (obj.isUndefined() || obj.isNull()) return out;
  val v = obj[key];
  if (v.isUndefined() || v.isNull()) return out;
  const std::size_t n = v["length"].as<std::size_t>();
  for (std::size_t i = 0; i < n; ++i) out.push_back(v[i].as<std::string>());
  return out;
}

double number_or(const val& obj, const char* key, double fallback) {
  if (obj.isUndefined() || obj.isNull()) return fallback;
  val v = obj[key];
  return v.isNumber() ? v.as<double>() : fallback;
}

val js_error(ecglite::ErrorKind kind, const std::string& message) {
  val error = val::global("Error").new_(message);
  error.set("kind", std::string(ecglite::kind_name(kind)));
  return error;
}

// Runs `f` and turns every C++ failure into a returned JS Error with the same message and its kind.
// One function holds the catch clauses for every entry point, each reaching it through a plain
// function pointer: a copy of them in each of the 12 entry points cost 11 KB (2 KB gzipped).
val run_guarded(val (*call)(const void*), const void* f) {
  try {
    return call(f);
  } catch (const ecglite::Error& e) {
    return js_error(e.kind(), e.what());
  } catch (const std::bad_alloc&) {
    return js_error(ecglite::ErrorKind::limit, "out of memory: the recording is too large for this device");
  } catch (const std::exception& e) {
    return js_error(ecglite::ErrorKind::other, std::string("internal error: ") + e.what());
  }
}

template <class F>
val guarded(const F& f) {
  return run_guarded([](const void* p) { return (*static_cast<const F*>(p))(); }, &f);
}

// --- records -------------------------------------------------------------------------------------

// A record's clock start (ClockTime::iso, as the rhythm JSON's holter.start_time), null when the file has none.
val start_time_js(const std::optional<ecglite::ClockTime>& t) { return t ? val(t->iso()) : val::null(); }

val record_summary(const ecglite::Record& r) {
  val o = val::object();
  o.set("name", r.name);
  o.set("samplingRate", r.sampling_rate_hz);
  o.set("length", static_cast<double>(r.length()));
  o.set("durationS", r.duration_s());
  val leads = val::array();
  for (std::size_t i = 0; i < r.leads.size(); ++i) {
    val l = val::object();
    l.set("name", r.leads[i].name);
    l.set("units", r.leads[i].units);
    l.set("standardName", ecglite::canonical_lead_name(r.leads[i].name));
    leads.set(i, l);
  }
  o.set("leads", leads);
  o.set("comments", js_strings(r.comments));
  o.set("warnings", js_strings(r.warnings));
  o.set("startTime", start_time_js(r.start_time));
  return o;
}

val lead_samples(const ecglite::Record& r, int index) {
  return guarded([&] {
    if (index < 0 || static_cast<std::size_t>(index) >= r.leads.size())
      throw ecglite::Error(ecglite::ErrorKind::bad_argument, "lead index " + std::to_string(index) +
                                                                 " is out of range (the record has " +
                                                                 std::to_string(r.leads.size()) + " leads)");
    return js_floats(r.leads[index].samples);
  });
}

val parse_header(const std::string& text, const std::string& source_name) {
  return guarded([&] {
    const ecglite::WfdbHeader h = ecglite::parse_wfdb_header(text, source_name);
    val o = val::object();
    o.set("recordName", h.record_name);
    o.set("numSignals", h.num_signals);
    o.set("samplingFrequency", h.sampling_rate_hz);
    o.set("length", h.length ? val(static_cast<double>(*h.length)) : val::null());
    // The files this header needs, in first-use order, without the null-signal marker "~".
    std::vector<std::string> files;
    for (const auto& s : h.signals) {
      if (s.file_name == "~" || s.file_name.empty()) continue;
      bool seen = false;
      for (const auto& f : files) seen = seen || f == s.file_name;
      if (!seen) files.push_back(s.file_name);
    }
    o.set("signalFiles", js_strings(files));
    std::vector<std::string> segments;
    for (const auto& s : h.segments)
      if (s.record_name != "~") segments.push_back(s.record_name);
    o.set("segments", js_strings(segments));
    val descriptions = val::array();
    for (std::size_t i = 0; i < h.signals.size(); ++i) descriptions.set(i, h.signals[i].description);
    o.set("signalDescriptions", descriptions);
    o.set("comments", js_strings(h.comments));
    o.set("warnings", js_strings(h.warnings));
    return o;
  });
}

// `files`: a plain object mapping file name -> Uint8Array (signal files and, for multi-segment
// records, the segment headers). `header_name` is the header's file name, for messages.
val read_wfdb(const std::string& header_text, const val& files, const std::string& header_name) {
  return guarded([&] {
    // read_wfdb() names a header it cannot parse "header"; parsing it first under its file name
    // gives the user "rec.hea: line 2: ..." as the CLI does.
    ecglite::parse_wfdb_header(header_text, header_name.empty() ? "header" : header_name);
    std::map<std::string, ecglite::Bytes> map;
    if (!files.isUndefined() && !files.isNull()) {
      val names = val::global("Object").call<val>("keys", files);
      const std::size_t n = names["length"].as<std::size_t>();
      for (std::size_t i = 0; i < n; ++i) {
        const std::string name = names[i].as<std::string>();
        map.emplace(name, bytes_from_js(files[name]));
      }
    }
    ecglite::WfdbRecord w = ecglite::read_wfdb(header_text, ecglite::make_memory_provider(std::move(map)));
    return val(w.to_record());
  });
}

// options: { samplingRate?: number (Hz, 0 = infer), units?: "mV" | "uV" | "" }
val read_csv(const std::string& text, const val& options, const std::string& source_name) {
  return guarded([&] {
    ecglite::CsvOptions o;
    o.sampling_rate_hz = number_or(options, "samplingRate", 0);
    o.units = string_or(options, "units", "");
    return val(ecglite::read_csv(text, o, source_name.empty() ? "CSV" : source_name));
  });
}

// EDF+ annotations as JS: [{ onset_s, duration_s (null when none), text, sample }] (sample: at
// `sampling_rate_hz`, as WFDB notes are placed).
val edf_annotations_js(const ecglite::EdfRecord& edf, double sampling_rate_hz) {
  const std::vector<ecglite::Annotation> notes = edf.wfdb_annotations(sampling_rate_hz);
  val annotations = val::array();
  for (std::size_t i = 0; i < edf.annotations.size(); ++i) {
    const ecglite::EdfAnnotation& a = edf.annotations[i];
    val o = val::object();
    o.set("onset_s", a.onset_s);
    o.set("duration_s", a.duration_s ? val(*a.duration_s) : val::null());
    o.set("text", a.text);
    o.set("sample", static_cast<double>(notes[i].sample));
    annotations.set(i, o);
  }
  return annotations;
}

// An EDF/EDF+/BDF file: { record, annotations } (edf_annotations_js).
val read_edf(const val& bytes, const std::string& source_name) {
  return guarded([&] {
    const ecglite::EdfRecord edf = ecglite::read_edf(bytes_from_js(bytes), source_name.empty() ? "EDF" : source_name);
    ecglite::Record record = edf.to_record();
    val annotations = edf_annotations_js(edf, record.sampling_rate_hz);
    val o = val::object();
    o.set("record", val(std::move(record)));
    o.set("annotations", annotations);
    return o;
  });
}

// spec: { name, samplingRate, leads: [{ name, units, samples }], comments? } — for embedders whose
// signal is already in memory (a device SDK, another parser).
val record_from_leads(const val& spec) {
  return guarded([&] {
    ecglite::Record r;
    r.name = string_or(spec, "name", "record");
    r.sampling_rate_hz = number_or(spec, "samplingRate", 0);
    if (!(r.sampling_rate_hz > 0))
      throw ecglite::Error(ecglite::ErrorKind::bad_argument,
                           r.name + ": samplingRate must be a positive number of samples per second");
    val leads = spec["leads"];
    if (leads.isUndefined() || leads.isNull() || !leads["length"].isNumber())
      throw ecglite::Error(ecglite::ErrorKind::bad_argument,
                           r.name + ": leads must be an array of { name, units, samples }");
    const std::size_t n = leads["length"].as<std::size_t>();
    const ecglite::Limits& limits = ecglite::default_limits();
    if (n == 0 || n > limits.max_signals)
      throw ecglite::Error(n == 0 ? ecglite::ErrorKind::bad_argument : ecglite::ErrorKind::limit,
                           r.name + ": " + std::to_string(n) + " leads given (1 to " +
                               std::to_string(limits.max_signals) + " supported)");
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < n; ++i) total += static_cast<std::uint64_t>(leads[i]["samples"]["length"].as<double>());
    if (total > limits.max_total_samples)
      throw ecglite::Error(ecglite::ErrorKind::limit, r.name + ": " + std::to_string(total) +
                                                          " samples in total exceed the limit of " +
                                                          std::to_string(limits.max_total_samples));
    for (std::size_t i = 0; i < n; ++i) {
      ecglite::Lead lead;
      lead.name = string_or(leads[i], "name", "");
      lead.units = string_or(leads[i], "units", "mV");
      lead.samples = floats_from_js(leads[i]["samples"]);
      if (i > 0 && lead.samples.size() != r.leads[0].samples.size())
        throw ecglite::Error(ecglite::ErrorKind::bad_argument,
                             r.name + ": lead " + lead.name + " has " + std::to_string(lead.samples.size()) +
                                 " samples but lead " + r.leads[0].name + " has " +
                                 std::to_string(r.leads[0].samples.size()) + " (all leads must have the same length)");
      r.leads.push_back(std::move(lead));
    }
    // As the file readers do: an infinite sample is invalid (NaN), and said so.
    std::size_t infinite = 0;
    for (ecglite::Lead& lead : r.leads)
      for (float& v : lead.samples)
        if (std::isinf(v)) {
          v = std::numeric_limits<float>::quiet_NaN();
          ++infinite;
        }
    if (infinite > 0)
      r.warnings.push_back(std::to_string(infinite) + " infinite samples read as invalid samples");
    r.comments = strings_or_none(spec, "comments");
    return val(std::move(r));
  });
}

// --- model and classification --------------------------------------------------------------------

val load_model(const val& bytes) {
  return guarded([&] { return val(ecglite::Model::from_bytes(bytes_from_js(bytes))); });
}

val model_info(const ecglite::Model& m) { return from_json(ecglite::to_json(m.info())); }

val classify_result(const ecglite::ClassifyResult& r) { return from_json(ecglite::to_json(r)); }

val classify(const ecglite::Model& model, const ecglite::Record& record) {
  return guarded([&] { return classify_result(ecglite::classify(model, record)); });
}

// The occlusion map of classify()'s probabilities (the "explanation" of `ecglite classify --explain --json`).
val explain(const ecglite::Model& model, const ecglite::Record& record) {
  return guarded([&] { return from_json(ecglite::to_json(ecglite::explain(model, record))); });
}

// --- the same network on another engine (ONNX Runtime Web) -------------------------------------
//
// networkInput() lays out, channel-major [runs][channels][length], exactly the runs classify()
// makes (the core's plan_inference()); combine() hands another engine's logits to the core's
// combine_logits(), so every engine shares one aggregation rule.

val network_input(const ecglite::Model& model, const ecglite::Record& record) {
  return guarded([&] {
    const ecglite::ModelInfo& info = model.info();
    const ecglite::Prepared p = ecglite::preprocess(record, ecglite::preprocess_options(info));
    const ecglite::InferencePlan plan = ecglite::plan_inference(info, p);
    const std::size_t channels = plan.lead_of.size(), length = info.input_length;
    const std::size_t runs = plan.run_starts.size();
    std::vector<float> data(runs * channels * length);
    float* out = data.data();
    for (std::size_t r = 0; r < runs; ++r)
      for (std::size_t c = 0; c < channels; ++c, out += length)
        std::copy_n(p.leads[plan.lead_of[c]].data() + plan.run_starts[r], length, out);
    std::vector<int> window_of(plan.window_of_run.begin(), plan.window_of_run.end());
    std::vector<std::string> adaptations = p.adaptations;
    adaptations.push_back(ecglite::describe_inference(info, plan));
    val o = val::object();
    o.set("data", js_floats(data));
    val dims = val::array();
    dims.set(0, static_cast<double>(runs));
    dims.set(1, static_cast<double>(channels));
    dims.set(2, static_cast<double>(length));
    o.set("dims", dims);
    o.set("windowOf", val(emscripten::typed_memory_view(window_of.size(), window_of.data())).call<val>("slice"));
    o.set("windows", static_cast<double>(plan.windows));
    o.set("positionsPerWindow", static_cast<double>(plan.positions_per_window));
    std::vector<std::string> warnings = record.warnings;
    warnings.insert(warnings.end(), p.warnings.begin(), p.warnings.end());
    o.set("adaptations", js_strings(adaptations));
    o.set("warnings", js_strings(warnings));
    o.set("recordName", record.name);
    o.set("durationS", record.duration_s());
    o.set("sourceRateHz", record.sampling_rate_hz);
    return o;
  });
}

// EcgLite's own logits for each run of a networkInput() (what combine() is checked against).
val network_logits(const ecglite::Model& model, const val& input) {
  return guarded([&] {
    const ecglite::ModelInfo& info = model.info();
    const std::vector<float> data = floats_from_js(input["data"]);
    const std::size_t per_run = static_cast<std::size_t>(info.input_channels) * info.input_length;
    if (per_run == 0 || data.size() % per_run != 0)
      throw ecglite::Error(ecglite::ErrorKind::bad_argument, "network input does not match the model's input size");
    std::vector<float> logits;
    for (std::size_t r = 0; r < data.size() / per_run; ++r) {
      const std::vector<float> l = model.logits(data.data() + r * per_run);
      logits.insert(logits.end(), l.begin(), l.end());
    }
    return js_floats(logits);
  });
}

val combine(const ecglite::Model& model, const val& input, const val& logits_js) {
  return guarded([&] {
    const ecglite::ModelInfo& info = model.info();
    ecglite::InferencePlan plan;
    val window_of_js = input["windowOf"];
    const std::size_t runs = window_of_js["length"].as<std::size_t>();
    for (std::size_t r = 0; r < runs; ++r) plan.window_of_run.push_back(window_of_js[r].as<std::size_t>());
    plan.windows = input["windows"].as<std::size_t>();
    ecglite::ClassifyResult r = ecglite::combine_logits(info, plan, floats_from_js(logits_js));
    r.record_name = string_or(input, "recordName", "");
    r.duration_s = number_or(input, "durationS", 0);
    r.sampling_rate_hz = number_or(input, "sourceRateHz", 0);
    r.adaptations = strings_or_none(input, "adaptations");
    r.warnings = strings_or_none(input, "warnings");
    return classify_result(r);
  });
}

// --- long recordings: beats, heart rate, ectopy (core: analyze_rhythm) -------------------------

const ecglite::Model* model_option(const val& options, const char* key, std::optional<ecglite::Model>& holder) {
  if (options.isUndefined() || options.isNull()) return nullptr;
  val m = options[key];
  if (m.isUndefined() || m.isNull()) return nullptr;
  holder = m.as<ecglite::Model>();
  return &*holder;
}

// What rhythm() and rhythmSource() share: the models, the reference annotations and the options.
struct RhythmArguments {
  std::optional<ecglite::Model> beat_model_holder, rhythm_model_holder;
  const ecglite::Model* beat_model = nullptr;
  const ecglite::Model* rhythm_model = nullptr;
  std::optional<std::vector<ecglite::Annotation>> reference;
  std::vector<std::string> annotation_warnings;
  ecglite::RhythmOptions options;

  // options: { beatModel?: Model, rhythmModel?: Model, rhythmLead?: number, annotations?: Uint8Array
  //            (MIT format, e.g. .atr), annotationsName?, trendIntervalS? }
  explicit RhythmArguments(const val& js) {
    beat_model = model_option(js, "beatModel", beat_model_holder);
    rhythm_model = model_option(js, "rhythmModel", rhythm_model_holder);
    const bool has_options = !js.isUndefined() && !js.isNull();
    if (has_options && !js["annotations"].isUndefined() && !js["annotations"].isNull()) {
      ecglite::AnnotationFile file = ecglite::parse_annotations(bytes_from_js(js["annotations"]),
                                                                string_or(js, "annotationsName", "annotations"));
      reference = std::move(file.annotations);
      annotation_warnings = std::move(file.warnings);
    }
    options.trend_interval_s = number_or(js, "trendIntervalS", options.trend_interval_s);
    options.rhythm_lead = static_cast<int>(number_or(js, "rhythmLead", options.rhythm_lead));
  }
  const std::vector<ecglite::Annotation>* reference_or_null() const { return reference ? &*reference : nullptr; }
};

// The analysis as JS: the summary through the core's JSON (as `ecglite rhythm --json`); the beats,
// one per heartbeat of a recording of hours, as typed arrays instead of `--beats`' JSON columns.
val rhythm_result(ecglite::RhythmAnalysis& a, const std::vector<std::string>& extra_warnings) {
  a.warnings.insert(a.warnings.end(), extra_warnings.begin(), extra_warnings.end());
  std::vector<double> samples(a.beats.size());
  std::vector<float> probabilities(a.beats.size());
  std::string classes(a.beats.size(), '?');
  for (std::size_t i = 0; i < a.beats.size(); ++i) {
    samples[i] = static_cast<double>(a.beats[i].sample);
    probabilities[i] = a.beats[i].probability;
    classes[i] = a.beats[i].cls;
  }
  val beats = val::object();
  beats.set("samples", val(emscripten::typed_memory_view(samples.size(), samples.data())).call<val>("slice"));
  beats.set("classes", classes);
  beats.set("probabilities", js_floats(probabilities));
  val result = from_json(ecglite::to_json(a, false));
  result.set("beats", beats);
  // The hourly table as the CSV `ecglite rhythm --holter-csv` writes (the page's "Export CSV").
  result.set("holter_csv", ecglite::holter_csv(a.holter));
  return result;
}

val rhythm(const ecglite::Record& record, const val& options) {
  return guarded([&] {
    RhythmArguments args(options);
    ecglite::RhythmAnalysis a = ecglite::analyze_rhythm(record, args.beat_model, args.reference_or_null(),
                                                        args.options, args.rhythm_model);
    return rhythm_result(a, args.annotation_warnings);
  });
}

// --- recordings read in slices (core: record_source.h) ------------------------------------------
//
// A long recording is never copied whole into wasm memory: its files stay on the JS side as
// { name, size, readRange(offset, length) -> Uint8Array | string } and the core asks for the byte
// ranges it decodes, synchronously (a File in a Web Worker: FileReaderSync on Blob.slice). A
// readRange that fails returns its message as a string instead of throwing: a JS exception must not
// unwind through the wasm frames (see run_guarded). ecglite.mjs wraps the callbacks so.

// The files of a source by name, as JS objects; the provider the core reads them through.
ecglite::ByteRangeProvider range_provider(const val& files) {
  auto by_name = std::make_shared<std::map<std::string, val>>();
  const std::size_t n = files["length"].as<std::size_t>();
  for (std::size_t i = 0; i < n; ++i) by_name->emplace(files[i]["name"].as<std::string>(), files[i]);
  auto find = [by_name](const std::string& name) -> const val& {
    auto it = by_name->find(name);
    if (it == by_name->end())
      throw ecglite::Error(ecglite::ErrorKind::missing_file, name + ": not provided (drop it together with the header)");
    return it->second;
  };
  ecglite::ByteRangeProvider provider;
  provider.size = [find](const std::string& name) -> std::uint64_t {
    return static_cast<std::uint64_t>(find(name)["size"].as<double>());
  };
  provider.read = [find](const std::string& name, std::uint64_t offset, std::uint64_t length) -> ecglite::Bytes {
    val chunk = find(name).call<val>("readRange", static_cast<double>(offset), static_cast<double>(length));
    if (chunk.isString())
      throw ecglite::Error(ecglite::ErrorKind::missing_file, name + ": could not be read (" + chunk.as<std::string>() + ")");
    return bytes_from_js(chunk);
  };
  return provider;
}

// What JS holds of an opened source: the core's RecordSource behind a copyable handle (Embind
// copies and deletes handles; the source itself is one).
struct Source {
  std::shared_ptr<ecglite::RecordSource> source;
  // An EDF/BDF source's file and its byte ranges, for its annotations (empty for WFDB).
  std::string edf_file;
  ecglite::ByteRangeProvider edf_files;
};

// The EDF+ annotations of a source, read in ranges (read_edf_annotations): as readEdf()'s; [] for WFDB.
val source_annotations(Source& s) {
  return guarded([&] {
    if (s.edf_file.empty()) return val::array();
    const ecglite::EdfRecord notes = ecglite::read_edf_annotations(s.edf_file, s.edf_files);
    return edf_annotations_js(notes, s.source->info().sampling_rate_hz);
  });
}

val source_info(const Source& s) {
  return guarded([&] {
    const ecglite::RecordInfo& info = s.source->info();
    val o = val::object();
    o.set("name", info.name);
    o.set("samplingRate", info.sampling_rate_hz);
    o.set("length", static_cast<double>(info.length));
    o.set("durationS", info.duration_s());
    val leads = val::array();
    for (std::size_t i = 0; i < info.lead_names.size(); ++i) {
      val l = val::object();
      l.set("name", info.lead_names[i]);
      l.set("units", i < info.lead_units.size() ? info.lead_units[i] : std::string());
      l.set("standardName", ecglite::canonical_lead_name(info.lead_names[i]));
      leads.set(i, l);
    }
    o.set("leads", leads);
    o.set("comments", js_strings(info.comments));
    o.set("warnings", js_strings(info.warnings));
    o.set("startTime", start_time_js(info.start_time));
    return o;
  });
}

// Frames [from, to) as a Record (the object readWfdb() returns), decoding only what they need.
val source_read(Source& s, double from, double to) {
  return guarded([&] {
    const std::int64_t length = s.source->info().length;
    if (!(from >= 0 && to >= from && to <= static_cast<double>(length)))
      throw ecglite::Error(ecglite::ErrorKind::bad_argument,
                           "frames " + std::to_string(static_cast<long long>(from)) + " to " +
                               std::to_string(static_cast<long long>(to)) + " are not within the record's 0 to " +
                               std::to_string(length));
    return val(s.source->read(static_cast<std::int64_t>(from), static_cast<std::int64_t>(to)));
  });
}

// files: [{ name, size, readRange }]; header_text: the .hea file's text; header_name: its file name.
val open_wfdb_source(const std::string& header_text, const std::string& header_name, const val& files) {
  return guarded([&] {
    const std::string name = header_name.empty() ? "header" : header_name;
    // As read_wfdb above: the header's own file name in its messages.
    ecglite::parse_wfdb_header(header_text, name);
    return val(Source{std::shared_ptr<ecglite::RecordSource>(ecglite::open_wfdb_source(header_text, name, range_provider(files))), {}, {}});
  });
}

val open_edf_source(const std::string& file_name, const val& files) {
  return guarded([&] {
    const ecglite::ByteRangeProvider provider = range_provider(files);
    return val(Source{std::shared_ptr<ecglite::RecordSource>(ecglite::open_edf_source(file_name, provider)), file_name, provider});
  });
}

// The streamed analysis: analyze_rhythm over the source in blocks (stream: { blockS?, marginS? }),
// calling on_progress(fraction) after each step; on_progress returning false cancels (kind
// "cancelled"). ecglite.mjs wraps on_progress so that it never throws.
val rhythm_source(Source& s, const val& options, const val& stream, const val& on_progress) {
  return guarded([&] {
    RhythmArguments args(options);
    ecglite::StreamOptions o;
    o.block_s = number_or(stream, "blockS", o.block_s);
    o.margin_s = number_or(stream, "marginS", o.margin_s);
    if (!on_progress.isUndefined() && !on_progress.isNull())
      o.progress = [on_progress](double fraction) { return on_progress(fraction).as<bool>(); };
    ecglite::RhythmAnalysis a = ecglite::analyze_rhythm(*s.source, args.beat_model, args.reference_or_null(),
                                                        args.options, args.rhythm_model, o);
    return rhythm_result(a, args.annotation_warnings);
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(ecglite) {
  using namespace emscripten;
  function("version", +[]() { return std::string(ECGLITE_VERSION); });
  function("limits", +[]() {
    const ecglite::Limits& l = ecglite::default_limits();
    val o = val::object();
    o.set("maxSignals", static_cast<double>(l.max_signals));
    o.set("maxTotalSamples", static_cast<double>(l.max_total_samples));
    o.set("maxFileBytes", static_cast<double>(l.max_file_bytes));
    return o;
  });

  class_<ecglite::Record>("Record")
      .function("summary", &record_summary)
      .function("samples", &lead_samples);
  class_<ecglite::Model>("Model").function("info", &model_info);
  class_<Source>("Source").function("info", &source_info).function("read", &source_read).function("annotations", &source_annotations);

  function("parseHeader", &parse_header);
  function("readWfdb", &read_wfdb);
  function("readCsv", &read_csv);
  function("readEdf", &read_edf);
  function("recordFromLeads", &record_from_leads);
  function("loadModel", &load_model);
  function("classify", &classify);
  function("explain", &explain);
  function("networkInput", &network_input);
  function("networkLogits", &network_logits);
  function("combine", &combine);
  function("rhythm", &rhythm);
  function("openWfdbSource", &open_wfdb_source);
  function("openEdfSource", &open_edf_source);
  function("rhythmSource", &rhythm_source);
}
