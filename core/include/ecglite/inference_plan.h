// The inference plan: which network runs classify_prepared() makes over a prepared record, and the
// one rule that turns their logits into a ClassifyResult. Other engines (ONNX Runtime Web on the
// page, the benchmark) run the same plan and hand their logits to combine_logits(), so all engines
// share one aggregation rule.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "ecglite/classify.h"
#include "ecglite/model.h"
#include "ecglite/preprocess.h"

namespace ecglite {

// The network runs, in order: every sliding position of every 10 s window.
struct InferencePlan {
  std::vector<std::size_t> lead_of;        // model input channel -> index into Prepared::leads
  std::vector<std::size_t> run_starts;     // first sample of each run
  std::vector<std::size_t> window_of_run;  // the 10 s window each run belongs to
  std::size_t windows = 0;
  std::size_t positions_per_window = 0;
};

// Throws Error when the prepared record does not fit the model (rate, leads, too short).
InferencePlan plan_inference(const ModelInfo& info, const Prepared& prepared);

// The prepared leads the plan reads, time-major ([sample][model input channel]): every run is then a
// contiguous slice. Throws Error (bad_data) for a non-finite value, which would otherwise turn
// silently into a confident-looking probability.
std::vector<float> time_major_input(const InferencePlan& plan, const Prepared& prepared);

// The logits of run `run` of the plan over a time_major_input(), written to `out` (one per class).
void run_logits(const Model& model, const InferencePlan& plan, const std::vector<float>& input, std::size_t run,
                float* out);

// "7 inferences of 2.5 s (7 per window, stride 1.25 s; maximum within each window, mean over windows)"
std::string describe_inference(const ModelInfo& info, const InferencePlan& plan);

// How the runs of one 10 s window combine (ModelInfo::window_pooling): their maximum or mean logit.
// add() every run's logit, then value().
class WindowPool {
 public:
  explicit WindowPool(const ModelInfo& info) : mean_(info.window_pooling == "mean") {}
  void add(float logit) {
    sum_ += logit;
    max_ = std::max(max_, logit);
    ++runs_;
  }
  float value() const { return mean_ ? static_cast<float>(sum_ / runs_) : max_; }

 private:
  bool mean_;
  double sum_ = 0;
  float max_ = -INFINITY;
  std::size_t runs_ = 0;
};

// The aggregation rule: the pooled logit (WindowPool) of each 10 s window, sigmoid, mean over the
// windows, the model's thresholds. `logits` is [runs][classes].
ClassifyResult combine_logits(const ModelInfo& info, const InferencePlan& plan, const std::vector<float>& logits);

// Start offsets of the inference windows of `length` samples inside a span of `span` samples:
// every `stride` samples from 0, plus one flush with the end when the stride does not reach it.
std::vector<std::size_t> sliding_window_starts(std::size_t span, std::size_t length, std::size_t stride);

}  // namespace ecglite
