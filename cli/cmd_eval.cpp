// ecglite eval --ptbxl DIR --folds LIST [--model FILE] [--json] [--threads N]
// ROC AUC of the whole C++ pipeline (read -> preprocess -> model) on PTB-XL folds.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#include "args.h"
#include "commands.h"
#include "model_path.h"
#include "ecglite/error.h"
#include "ecglite/json.h"
#include "ecglite/ptbxl_eval.h"

namespace ecglite::cli {

namespace {

int fold_number(const std::string& s) {
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v < 0 || v > 1000) throw UsageError("--folds: '" + s + "' is not a fold number (give e.g. 9, 1-8 or 1,2,9)");
  return static_cast<int>(v);
}

// "9", "1-8", "1,2,9", "1-3,9"
std::vector<int> parse_folds(const std::string& list) {
  std::vector<int> folds;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto dash = item.find('-');
    if (dash == std::string::npos) {
      folds.push_back(fold_number(item));
    } else {
      int a = fold_number(item.substr(0, dash)), b = fold_number(item.substr(dash + 1));
      if (a > b) throw UsageError("--folds: range '" + item + "' is reversed (give the lower fold first)");
      for (int f = a; f <= b; ++f) folds.push_back(f);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return folds;
}

}  // namespace

int cmd_eval(int argc, char** argv, int first) {
  Args args = parse_args(argc, argv, first, {"--json"}, {"--ptbxl", "--folds", "--model", "--threads"});
  if (!args.has("--ptbxl") || !args.has("--folds") || !args.positional.empty())
    throw UsageError("give --ptbxl DIR and --folds LIST, and no other arguments");
  const std::string dir = args.get("--ptbxl");
  EvalOptions options;
  options.folds = parse_folds(args.get("--folds"));
  const long long threads = args.get_int("--threads", 0);
  if (threads < 0 || threads > 256) throw UsageError("--threads expects 0 (all cores) to 256");
  options.threads = static_cast<unsigned>(threads);
  const std::string model_path = find_model(args, argv[0]);
  const Model model = Model::from_file(model_path);
  if (!args.has("--json") && ::isatty(2))
    options.progress = [](std::size_t done, std::size_t total) {
      if (done % 100 == 0 || done == total) std::fprintf(stderr, "\r%zu/%zu records%s", done, total, done == total ? "\n" : "");
    };
  EvalResult r = evaluate_ptbxl(model, dir, options);
  // Nothing to score is a failed evaluation, said as such rather than as a table of n/a.
  if (r.records_used == 0)
    throw Error(dir + ": no record of folds " + args.get("--folds") + " could be used (" +
                std::to_string(r.rows_in_folds) + " rows in these folds: " + std::to_string(r.skipped_no_label) +
                " without a diagnostic superclass, " + std::to_string(r.skipped_missing) + " with absent files, " +
                std::to_string(r.skipped_errors) + " unreadable" +
                (r.error_examples.empty() ? std::string() : ", e.g. " + r.error_examples[0]) +
                "); check --folds and that records100/ is there");

  if (args.has("--json")) {
    std::string json = to_json(r);
    std::string model_json = to_json(model.info());
    model_json.insert(model_json.size() - 1, ",\"path\":" + json_quote(model_path));
    std::string folds = "[";
    for (std::size_t i = 0; i < options.folds.size(); ++i) folds += (i ? "," : "") + std::to_string(options.folds[i]);
    json.insert(json.size() - 1, ",\"folds\":" + folds + "],\"model\":" + model_json);
    std::printf("%s\n", json.c_str());
  } else {
    std::printf("model: %s\n", describe_model(model.info(), model_path).c_str());
    std::printf("PTB-XL %s, folds %s: %zu records used (of %zu rows in these folds); skipped %zu without a "
                "diagnostic superclass, %zu with absent files, %zu errors\n",
                dir.c_str(), args.get("--folds").c_str(), r.records_used, r.rows_in_folds, r.skipped_no_label,
                r.skipped_missing, r.skipped_errors);
    for (const auto& e : r.error_examples) std::printf("  error: %s\n", e.c_str());
    std::printf("\n  class  ROC AUC  positives\n");
    for (std::size_t k = 0; k < r.classes.size(); ++k) {
      const std::string auc = std::isnan(r.per_class_auc[k]) ? "   n/a" : std::to_string(r.per_class_auc[k]).substr(0, 6);
      std::printf("  %-5s  %-7s  %9zu  %s\n", r.classes[k].c_str(), auc.c_str(), r.positives[k],
                  model.info().class_descriptions[k].c_str());
    }
    std::printf("  macro  %.4f\n\n%.1f s\n", r.macro_auc, r.seconds);
  }
  return 0;
}

}  // namespace ecglite::cli
