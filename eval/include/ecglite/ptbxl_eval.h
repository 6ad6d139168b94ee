// Evaluation of a 12-lead model on PTB-XL (`ecglite eval`): the dataset's index and labels, ROC AUC,
// and the whole C++ pipeline over the records of some folds. Part of the eval library, which the
// CLI and the tests link and the wasm module does not (it reads from disk and runs threads).
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "ecglite/model.h"

namespace ecglite {

// --- PTB-XL (ptbxl_database.csv, scp_statements.csv, records100/) ---

struct PtbxlRecord {
  long long ecg_id = 0;
  int fold = 0;                 // strat_fold
  std::string filename_lr;      // "records100/00000/00001_lr" (relative to the directory)
  std::vector<int> labels;      // 0/1 per class (the benchmark rule: diagnostic statements' classes)
  bool labelled = false;        // at least one class
};

// Reads the two CSV files of a PTB-XL directory and labels every row by the PTB-XL benchmark
// rule: each scp_codes key whose statement has diagnostic == 1 maps to its diagnostic_class
// (likelihoods ignored). Throws Error naming the file and what is missing or unreadable.
std::vector<PtbxlRecord> read_ptbxl_index(const std::string& dir, const std::vector<std::string>& classes);

// --- the metric ---

// Rank-based ROC AUC (Mann-Whitney U; tied scores get their average rank). NaN when the labels
// contain only one class.
double roc_auc(const std::vector<float>& scores, const std::vector<int>& labels);

// --- the evaluation ---

struct EvalOptions {
  std::vector<int> folds;        // strat_fold values to evaluate
  unsigned threads = 0;          // 0: all hardware threads
  std::function<void(std::size_t done, std::size_t total)> progress;  // optional, any thread
};

struct EvalResult {
  std::vector<std::string> classes;
  std::vector<double> per_class_auc;      // NaN when a class has no positive or no negative
  double macro_auc = 0;                   // mean over the classes with a defined AUC
  std::vector<std::size_t> positives;     // per class, among the records used
  std::size_t rows_in_folds = 0;          // rows of ptbxl_database.csv in the chosen folds
  std::size_t records_used = 0;
  std::size_t skipped_no_label = 0;       // no diagnostic superclass: dropped by the benchmark rule
  std::size_t skipped_missing = 0;        // record files absent from the directory
  std::size_t skipped_errors = 0;         // present but failed to read / preprocess / classify
  std::vector<std::string> error_examples;  // the first few error messages
  double seconds = 0;
};

// Runs the whole pipeline (read -> preprocess -> model) on every labelled record of the folds.
EvalResult evaluate_ptbxl(const Model& model, const std::string& dir, const EvalOptions& options);

// JSON rendering (`ecglite eval --json`): {"macro_auc":..,"per_class_auc":{..},..}.
std::string to_json(const EvalResult& result);

}  // namespace ecglite
