// ecglite classify RECORD... [--model FILE] [--json] [--explain] [--occlude MASKS] [--rate HZ]
// Probabilities of the five PTB-XL superclasses per record. A record that fails is reported and
// the command goes on with the next; the exit status is 1 if any failed. --explain adds the occlusion
// map (core: explain.h), --occlude the probabilities with given stretches of leads set to 0.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "model_path.h"
#include "output.h"
#include "record_input.h"
#include "ecglite/classify.h"
#include "ecglite/error.h"
#include "ecglite/explain.h"
#include "ecglite/json.h"
#include "ecglite/read.h"

namespace ecglite::cli {

namespace {

std::vector<OcclusionMask> occlusion_masks(const Args& args, const ModelInfo& info) {
  if (!args.has("--occlude")) return {};
  try {
    return parse_occlusions(args.get("--occlude"), info);
  } catch (const Error& e) {
    throw UsageError(std::string("--occlude: ") + e.what());
  }
}

// The masks as given, one per entry, and the class probabilities with each applied.
std::string occlusions_json(const std::vector<std::string>& specs, const std::vector<std::vector<float>>& probabilities,
                            const ModelInfo& info) {
  std::string out = "[";
  for (std::size_t m = 0; m < specs.size(); ++m) {
    out += (m ? ",{\"mask\":" : "{\"mask\":") + json_quote(specs[m]) + ",\"probabilities\":{";
    for (std::size_t k = 0; k < info.class_names.size(); ++k)
      out += (k ? "," : "") + json_quote(info.class_names[k]) + ":" + json_number(probabilities[m][k]);
    out += "}}";
  }
  return out + "]";
}

std::vector<std::string> mask_specs(const Args& args) {
  std::vector<std::string> specs;
  std::string all = args.get("--occlude");
  for (std::size_t from = 0, at;; from = at + 1) {
    at = all.find(';', from);
    specs.push_back(all.substr(from, at == std::string::npos ? at : at - from));
    if (at == std::string::npos) break;
  }
  return specs;
}

}  // namespace

int cmd_classify(int argc, char** argv, int first) {
  Args args = parse_args(argc, argv, first, {"--json", "--explain"}, with_record_options({"--model", "--occlude"}));
  if (args.positional.empty()) throw UsageError("no record given");
  const RecordReader reader(args);
  const std::string model_path = find_model(args, argv[0]);
  const Model model = Model::from_file(model_path);
  const ModelInfo& info = model.info();
  const bool json = args.has("--json");
  const bool explain_too = args.has("--explain");
  const std::vector<OcclusionMask> masks = occlusion_masks(args, info);
  const std::vector<std::string> specs = masks.empty() ? std::vector<std::string>{} : mask_specs(args);

  int failed = 0;
  std::string records_json;
  if (!json) std::printf("model: %s\n", describe_model(info, model_path).c_str());
  for (const std::string& path : args.positional) {
    try {
      const Record record = reader.read(path);
      ClassifyResult r = classify(model, record);
      r.record_name = path;
      Explanation explanation;
      std::vector<std::vector<float>> occluded;
      if (explain_too || !masks.empty()) {
        const Prepared prepared = preprocess_for(model, record);
        if (explain_too) explanation = explain_prepared(model, prepared);
        if (!masks.empty()) occluded = occluded_probabilities(model, prepared, masks);
      }
      if (json) {
        std::string entry = explain_too ? to_json(r, explanation) : to_json(r);
        if (!masks.empty()) entry.insert(entry.size() - 1, ",\"occlusions\":" + occlusions_json(specs, occluded, info));
        records_json += (records_json.empty() ? "" : ",") + entry;
        continue;
      }
      std::printf("\n%s  (%.3g s at %g Hz)\n", path.c_str(), r.duration_s, r.sampling_rate_hz);
      // Both to 3 decimals: the comparison shown is the one made (0.529 >= 0.53 would contradict it).
      for (const auto& c : r.classes)
        std::printf("  %-5s %-24s %6.3f  %s %.3f%s\n", c.name.c_str(), c.description.c_str(), c.probability,
                    c.positive ? ">=" : "< ", c.threshold, c.positive ? "  POSITIVE" : "");
      std::string labels;
      for (const auto& l : r.labels) labels += (labels.empty() ? "" : ", ") + l;
      std::printf("  labels: %s\n", labels.empty() ? "(none above threshold)" : labels.c_str());
      for (const auto& a : r.adaptations) std::printf("  adapted: %s\n", a.c_str());
      for (const auto& w : r.warnings) std::printf("  warning: %s\n", w.c_str());
      if (explain_too) {
        std::printf("  explanation (occlusion of %.3g s stretches; %zu network runs):\n", explanation.segment_s,
                    explanation.inferences);
        for (const auto& c : explanation.classes)
          for (const auto& rc : r.classes)
            if (rc.name == c.name && rc.positive) std::printf("    %-5s %s\n", c.name.c_str(), c.summary.c_str());
        if (r.labels.empty()) std::printf("    (no positive class)\n");
      }
      for (std::size_t m = 0; m < occluded.size(); ++m) {
        std::printf("  occluded %s:", specs[m].c_str());
        for (std::size_t k = 0; k < info.class_names.size(); ++k)
          std::printf(" %s %.3f", info.class_names[k].c_str(), occluded[m][k]);
        std::printf("\n");
      }
    } catch (const Error& e) {
      ++failed;
      print_message("classify", about_record(path, explain(e)));
      if (json)
        records_json += (records_json.empty() ? "" : ",") + std::string("{\"record\":") + json_quote(path) +
                        ",\"error\":" + json_quote(explain(e)) + ",\"kind\":" + json_quote(kind_name(e.kind())) + "}";
    }
  }
  if (json) {
    std::string model_json = to_json(info);
    model_json.insert(model_json.size() - 1, ",\"path\":" + json_quote(model_path));
    std::printf("{\"records\":[%s],\"model\":%s}\n", records_json.c_str(), model_json.c_str());
  }
  return failed ? 1 : 0;
}

}  // namespace ecglite::cli
