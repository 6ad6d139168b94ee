// The high-level calls every front-end uses: classify a record with a model.
#pragma once
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

// Preprocesses `record` with the model's settings, runs the network over sliding windows
// (max within each 10 s window, mean over 10 s windows) and thresholds the probabilities.
ClassifyResult classify(const Model& model, const Record& record);

// The same, on already preprocessed input (lets callers time or reuse the stages).
ClassifyResult classify_prepared(const Model& model, const Prepared& prepared);

}  // namespace ecglite
