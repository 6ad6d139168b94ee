// Classifying a whole recording with a 12-lead model: the call every front-end makes
// (`ecglite classify`, the wasm module's classify()), and its result.
#pragma once
#include <cstddef>
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
  double sampling_rate_hz = 0;            // the record's, as read (before resampling to the model's)
};

// The preprocessing a model was trained with (rate, band, filter order; 10 s windows; at least
// one inference window of signal).
PreprocessOptions preprocess_options(const ModelInfo& info);

// Throws Error when `info` is not a model of whole recordings (a beat classifier, beats.h), saying
// where that model belongs. preprocess_options and evaluate_ptbxl call it.
void require_recording_model(const ModelInfo& info);

// The record as classify() hands it to the network: checked for valid samples (ErrorKind::no_signal)
// and preprocessed with preprocess_options(model.info()).
Prepared preprocess_for(const Model& model, const Record& record);

// Preprocesses `record` with the model's settings, runs the network over sliding windows
// (max within each 10 s window, mean over 10 s windows) and thresholds the probabilities.
ClassifyResult classify(const Model& model, const Record& record);

// The same, on already preprocessed input (lets callers time or reuse the stages). `prepared`
// must come from preprocess() with preprocess_options(model.info()). The runs it makes are those
// of plan_inference() (inference_plan.h).
ClassifyResult classify_prepared(const Model& model, const Prepared& prepared);

// JSON rendering, the one schema of `ecglite classify --json` and the wasm module's classify() (fields
// in wasm/index.d.ts, ClassifyResult): {"record":..,"probabilities":{..},"labels":[..],"classes":[..],..}.
std::string to_json(const ClassifyResult& result);

}  // namespace ecglite
