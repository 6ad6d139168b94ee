// `ecglite eval`: the full C++ pipeline over the labelled PTB-XL records of some folds, on all
// cores, rank-based ROC AUC per class, and the result as JSON.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <numeric>
#include <sys/stat.h>
#include <thread>

#include "ecglite/classify.h"
#include "ecglite/error.h"
#include "ecglite/json.h"
#include "ecglite/ptbxl_eval.h"
#include "ecglite/read.h"

namespace ecglite {

double roc_auc(const std::vector<float>& scores, const std::vector<int>& labels) {
  const std::size_t n = scores.size();
  if (labels.size() != n) throw Error(ErrorKind::bad_argument, "roc_auc: scores and labels differ in length");
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0;  // ranks (1-based, ties averaged) of the positives
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k)
      if (labels[order[k]]) {
        rank_sum += avg_rank;
        ++pos;
      }
    i = j;
  }
  const std::size_t neg = n - pos;
  if (pos == 0 || neg == 0) return NAN;
  const double u = rank_sum - static_cast<double>(pos) * (pos + 1) / 2.0;
  return u / (static_cast<double>(pos) * static_cast<double>(neg));
}

EvalResult evaluate_ptbxl(const Model& model, const std::string& dir, const EvalOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const ModelInfo& info = model.info();
  require_recording_model(info);
  EvalResult res;
  res.classes = info.class_names;
  if (options.folds.empty())
    throw Error(ErrorKind::bad_argument, "no folds given (give fold numbers, e.g. 9 or 1 to 8)");
  const auto index = read_ptbxl_index(dir, info.class_names);

  std::vector<const PtbxlRecord*> todo;
  for (const auto& rec : index) {
    if (std::find(options.folds.begin(), options.folds.end(), rec.fold) == options.folds.end()) continue;
    ++res.rows_in_folds;
    if (!rec.labelled) {
      ++res.skipped_no_label;
      continue;
    }
    struct stat st;
    if (rec.filename_lr.empty() || ::stat((dir + "/" + rec.filename_lr + ".hea").c_str(), &st) != 0) {
      ++res.skipped_missing;
      continue;
    }
    todo.push_back(&rec);
  }

  const std::size_t classes = info.class_names.size();
  std::vector<std::vector<float>> probs(todo.size());
  std::vector<char> ok(todo.size(), 0);
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex err_mutex;
  auto worker = [&] {
    for (std::size_t i; (i = next++) < todo.size();) {
      try {
        Record record = read_record_file(dir + "/" + todo[i]->filename_lr);
        ClassifyResult r = classify(model, record);
        probs[i].resize(classes);
        for (std::size_t k = 0; k < classes; ++k) probs[i][k] = r.classes[k].probability;
        ok[i] = 1;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(err_mutex);
        if (res.error_examples.size() < 5)
          res.error_examples.push_back(todo[i]->filename_lr + ": " + e.what());
      }
      const std::size_t d = ++done;
      if (options.progress) options.progress(d, todo.size());
    }
  };
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, todo.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();

  std::vector<std::vector<float>> scores(classes);
  std::vector<std::vector<int>> labels(classes);
  for (std::size_t i = 0; i < todo.size(); ++i) {
    if (!ok[i]) {
      ++res.skipped_errors;
      continue;
    }
    ++res.records_used;
    for (std::size_t k = 0; k < classes; ++k) {
      scores[k].push_back(probs[i][k]);
      labels[k].push_back(todo[i]->labels[k]);
    }
  }
  res.positives.assign(classes, 0);
  double sum = 0;
  int defined = 0;
  for (std::size_t k = 0; k < classes; ++k) {
    res.positives[k] = static_cast<std::size_t>(std::count(labels[k].begin(), labels[k].end(), 1));
    const double auc = roc_auc(scores[k], labels[k]);
    res.per_class_auc.push_back(auc);
    if (!std::isnan(auc)) {
      sum += auc;
      ++defined;
    }
  }
  res.macro_auc = defined ? sum / defined : NAN;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

std::string to_json(const EvalResult& r) {
  std::string auc = "{", pos = "{";
  for (std::size_t k = 0; k < r.classes.size(); ++k) {
    auc += std::string(k ? "," : "") + json_quote(r.classes[k]) + ":" + json_number(r.per_class_auc[k], "%.6f");
    pos += std::string(k ? "," : "") + json_quote(r.classes[k]) + ":" + std::to_string(r.positives[k]);
  }
  const std::size_t skipped = r.skipped_missing + r.skipped_no_label + r.skipped_errors;
  return "{\"macro_auc\":" + json_number(r.macro_auc, "%.6f") + ",\"per_class_auc\":" + auc +
         "},\"records_used\":" + std::to_string(r.records_used) + ",\"records_skipped\":{\"total\":" +
         std::to_string(skipped) + ",\"missing_files\":" + std::to_string(r.skipped_missing) +
         ",\"no_label\":" + std::to_string(r.skipped_no_label) + ",\"errors\":" +
         std::to_string(r.skipped_errors) + "},\"rows_in_folds\":" + std::to_string(r.rows_in_folds) +
         ",\"positives\":" + pos + "},\"error_examples\":" + json_strings(r.error_examples) +
         ",\"seconds\":" + json_number(r.seconds, "%.3f") + "}";
}

}  // namespace ecglite
