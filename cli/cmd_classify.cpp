// ecglite classify RECORD... [--model FILE] [--json] [--rate HZ]
// Probabilities of the five PTB-XL superclasses per record. A record that fails is reported and
// the command goes on with the next; the exit status is 1 if any failed.
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
#include "ecglite/json.h"
#include "ecglite/read.h"

namespace ecglite::cli {

int cmd_classify(int argc, char** argv, int first) {
  Args args = parse_args(argc, argv, first, {"--json"}, with_record_options({"--model"}));
  if (args.positional.empty()) throw UsageError("no record given");
  const RecordReader reader(args);
  const std::string model_path = find_model(args, argv[0]);
  const Model model = Model::from_file(model_path);
  const ModelInfo& info = model.info();
  const bool json = args.has("--json");

  int failed = 0;
  std::string records_json;
  if (!json) std::printf("model: %s\n", describe_model(info, model_path).c_str());
  for (const std::string& path : args.positional) {
    try {
      ClassifyResult r = classify(model, reader.read(path));
      r.record_name = path;
      if (json) {
        records_json += (records_json.empty() ? "" : ",") + to_json(r);
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
