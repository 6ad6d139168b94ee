// `ecglite beats RECORD [--json] [--model FILE | --no-model] [--leads i,j] [--reference ANNOTATOR]
//  [--export-windows FILE.npy] [--rate HZ]`: the detected beats, one per line (sample, time in s, AAMI class;
// "?" without a beat model). The beat model is --model, else $ECGLITE_BEATS_MODEL, else
// models/beats-int8.ecgm next to or above the executable; none found: classes are "?".
// --reference adds the matched reference annotation of each beat (symbol and AAMI class, "-" when
// no reference beat lies within 150 ms). --export-windows writes the classifier input of every beat
// (float32 [beats][channels][window], see beats.h) for training: the model's input when a model is
// used, else every channel of beat_channel_names() with the default spec.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "model_path.h"
#include "output.h"
#include "record_input.h"
#include "npy.h"
#include "ecglite/annotations.h"
#include "ecglite/beats.h"
#include "ecglite/error.h"
#include "ecglite/json.h"
#include "ecglite/qrs.h"
#include "ecglite/qrs_eval.h"
#include "ecglite/read.h"

namespace ecglite::cli {

int cmd_beats(int argc, char** argv, int first) {
  const Args args = parse_args(argc, argv, first, {"--json", "--no-model"},
                               with_record_options({"--model", "--leads", "--reference", "--export-windows"}));
  if (args.positional.size() != 1) throw UsageError("give one record");
  QrsOptions qrs;
  if (args.has("--leads")) qrs.leads = parse_lead_list(args.get("--leads"));
  const std::string path = args.positional[0];
  const Record record = RecordReader(args).read(path);
  const std::vector<std::int64_t> samples = detect_qrs(record, qrs);

  const std::string model_path = find_beats_model(args, argv[0]);
  std::unique_ptr<Model> model;
  if (!model_path.empty()) model = std::make_unique<Model>(Model::from_file(model_path));
  std::vector<Beat> beats;
  if (model) {
    beats = classify_beats(*model, record, samples);
  } else {
    beats.resize(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) beats[i].sample = samples[i];
  }

  if (args.has("--export-windows")) {
    BeatInputSpec spec = model ? beat_input_spec(model->info()) : BeatInputSpec{};
    if (!model) spec.channels = beat_channel_names();  // training picks its channels from all
    write_npy_float32(args.get("--export-windows"), beat_inputs(record, samples, spec),
                      {samples.size(), spec.channels.size(), static_cast<std::size_t>(spec.window)});
  }

  // Matched reference annotation per beat (index into `reference`, -1 for none).
  std::vector<Annotation> reference;
  std::vector<std::int64_t> match;
  const bool with_reference = args.has("--reference");
  if (with_reference) {
    for (const Annotation& a : read_annotations_file(record_base(path), args.get("--reference")).annotations)
      if (is_beat_code(a.code)) reference.push_back(a);
    std::vector<std::int64_t> ref_samples;
    for (const Annotation& a : reference) ref_samples.push_back(a.sample);
    match = match_beats(ref_samples, samples, std::llround(0.15 * record.sampling_rate_hz));
  }

  const double fs = record.sampling_rate_hz;
  std::string out;
  char line[160];
  const bool json = args.has("--json");
  if (json) {
    out += "{\n  \"record\": " + json_quote(record.name) + ",\n  \"sampling_rate_hz\": ";
    std::snprintf(line, sizeof line, "%.10g", fs);
    out += line;
    out += ",\n  \"model\": " + (model ? json_quote(model->info().name) : std::string("null")) +
           ",\n  \"beats\": [";
  }
  for (std::size_t i = 0; i < beats.size(); ++i) {
    const Beat& b = beats[i];
    std::string ref_symbol = "-", ref_class = "-";
    if (with_reference && match[i] >= 0) {
      const Annotation& a = reference[static_cast<std::size_t>(match[i])];
      ref_symbol = a.symbol;
      ref_class = std::string(1, aami_class(a.code));
    }
    if (json) {
      std::snprintf(line, sizeof line, "%s\n    {\"sample\": %lld, \"time_s\": %.3f, \"class\": \"%c\"",
                    i ? "," : "", static_cast<long long>(b.sample), b.sample / fs, b.cls);
      out += line;
      if (model) {
        std::snprintf(line, sizeof line, ", \"probability\": %.4f", b.probability);
        out += line;
      }
      if (with_reference) {
        if (match[i] >= 0) {
          out += ", \"reference\": " + json_quote(ref_symbol) + ", \"reference_class\": " + json_quote(ref_class);
        } else {
          out += ", \"reference\": null, \"reference_class\": null";
        }
      }
      out += "}";
    } else {
      std::snprintf(line, sizeof line, "%lld\t%.3f\t%c", static_cast<long long>(b.sample), b.sample / fs, b.cls);
      out += line;
      if (with_reference) out += "\t" + ref_symbol + "\t" + ref_class;
      out += '\n';
    }
    if (out.size() > (1 << 16)) {
      write_output(out);
      out.clear();
    }
  }
  if (json) out += "\n  ]\n}\n";
  write_output(out);
  return 0;
}

}  // namespace ecglite::cli
