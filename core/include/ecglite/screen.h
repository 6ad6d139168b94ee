// The high-level calls every front-end uses: classify a record with a model, and evaluate a
// model on a PTB-XL-layout directory (the `ecglite eval` command).
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "ecglite/model.h"
#include "ecglite/preprocess.h"
#include "ecglite/record.h"

namespace ecglite {

struct ClassResult {
  std::string name;         // "MI"
  std::string description;  // "Myocardial infarction"
  float probability = 0;
  float threshold = 0.5f;
  bool positive = false;    // probability >= threshold
};

struct ClassifyResult {
  std::string record_name;
  std::vector<ClassResult> classes;
  std::vector<std::string> labels;        // names of positive classes
  std::vector<std::string> adaptations;   // how the input was adapted (resampling, derived leads, windows)
  std::vector<std::string> warnings;      // reader and pipeline warnings
  std::size_t windows = 0;                // 10 s windows classified
  std::size_t inferences = 0;             // network runs (sliding windows)
  double duration_s = 0;
  double source_rate_hz = 0;
};

// The preprocessing a model was trained with (rate, band, filter order; 10 s windows; at least
// one inference window of signal).
PreprocessOptions preprocess_options(const ModelInfo& info);

// Throws Error when `info` is not a model of whole recordings (a beat classifier, beats.h), saying
// where that model belongs. preprocess_options and evaluate_ptbxl call it.
void require_recording_model(const ModelInfo& info);

// Preprocesses `record` with the model's settings, runs the network over sliding windows
// (max within each 10 s window, mean over 10 s windows) and thresholds the probabilities.
ClassifyResult classify(const Model& model, const Record& record);

// The same, on already preprocessed input (lets callers time or reuse the stages). `prepared`
// must come from preprocess() with preprocess_options(model.info()).
ClassifyResult classify_prepared(const Model& model, const Prepared& prepared);

// The network runs classify_prepared() makes, in order: every sliding position of every 10 s
// window. Other engines (ONNX Runtime Web on the page, the benchmark) run the same plan and hand
// their logits to combine_logits(), so all engines share one aggregation rule.
struct InferencePlan {
  std::vector<std::size_t> lead_of;        // model input channel -> index into Prepared::leads
  std::vector<std::size_t> run_starts;     // first sample of each run
  std::vector<std::size_t> window_of_run;  // the 10 s window each run belongs to
  std::size_t windows = 0;
  std::size_t positions_per_window = 0;
};

// Throws Error when the prepared record does not fit the model (rate, leads, too short).
InferencePlan plan_inference(const ModelInfo& info, const Prepared& prepared);

// "7 inferences of 2.5 s (7 per window, stride 1.25 s; maximum within each window, mean over windows)"
std::string describe_inference(const ModelInfo& info, const InferencePlan& plan);

// The aggregation rule: maximum logit over the runs of each 10 s window, sigmoid, mean over the
// windows, the model's thresholds. `logits` is [runs][classes].
ClassifyResult combine_logits(const ModelInfo& info, const InferencePlan& plan, const std::vector<float>& logits);

// Start offsets of the inference windows of `length` samples inside a span of `span` samples:
// every `stride` samples from 0, plus one flush with the end when the stride does not reach it.
std::vector<std::size_t> sliding_window_starts(std::size_t span, std::size_t length, std::size_t stride);

// --- evaluation on PTB-XL (ptbxl_database.csv, scp_statements.csv, records100/) ---

struct PtbxlRecord {
  long long ecg_id = 0;
  int fold = 0;                 // strat_fold
  std::string filename_lr;      // "records100/00000/00001_lr" (relative to the directory)
  std::vector<int> labels;      // 0/1 per class (the benchmark rule: diagnostic statements' classes)
  bool labelled = false;        // at least one class
};

// Reads the two CSV files of a PTB-XL directory and labels every row by the PTB-XL benchmark
// rule: each scp_codes key whose statement has diagnostic == 1 maps to its diagnostic_class
// (likelihoods ignored). Throws Error naming the file and what is missing.
std::vector<PtbxlRecord> read_ptbxl_index(const std::string& dir, const std::vector<std::string>& classes);

// Rank-based ROC AUC (Mann-Whitney U; tied scores get their average rank). NaN when the labels
// contain only one class.
double roc_auc(const std::vector<float>& scores, const std::vector<int>& labels);

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

// --- JSON renderings (`ecglite classify --json`, `ecglite eval --json`; usable from wasm) ---

std::string json_quote(const std::string& text);          // "..." with JSON escapes
std::string to_json(const ClassifyResult& result);       // {"record":..,"probabilities":{..},..}
std::string to_json(const ModelInfo& info);              // {"name":..,"precision":..,..}
std::string to_json(const EvalResult& result);           // {"macro_auc":..,"per_class_auc":{..},..}

}  // namespace ecglite
