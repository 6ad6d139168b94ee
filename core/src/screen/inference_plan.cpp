// The inference plan (which network runs cover a prepared record) and the aggregation of their
// logits: shared by classify_prepared() and every other engine (the page's ONNX Runtime Web path).
#include <algorithm>
#include <cmath>

#include "../common/text.h"
#include "ecglite/error.h"
#include "ecglite/inference_plan.h"

namespace ecglite {

std::vector<std::size_t> sliding_window_starts(std::size_t span, std::size_t length, std::size_t stride) {
  std::vector<std::size_t> starts;
  if (span < length || length == 0) return starts;
  if (stride == 0) stride = length;
  for (std::size_t s = 0; s + length <= span; s += stride) starts.push_back(s);
  if (starts.back() + length != span) starts.push_back(span - length);
  return starts;
}

InferencePlan plan_inference(const ModelInfo& info, const Prepared& prepared) {
  const std::size_t channels = static_cast<std::size_t>(info.input_channels);
  const std::size_t length = static_cast<std::size_t>(info.input_length);
  if (std::fabs(prepared.sampling_rate_hz - info.sampling_rate_hz) > 1e-9)
    throw Error(ErrorKind::bad_argument, "input was prepared at " + text::format_number(prepared.sampling_rate_hz) +
                                             " Hz but the model expects " + text::format_number(info.sampling_rate_hz) +
                                             " Hz (preprocess with preprocess_options(model.info()))");
  if (prepared.window_starts.empty() || prepared.window_length < length)
    throw Error(ErrorKind::limit, "the record is " + text::seconds(prepared.num_samples / prepared.sampling_rate_hz) +
                                      " long; the model needs at least " +
                                      text::seconds(length / info.sampling_rate_hz));

  // model input channel -> prepared lead, by name (a model may use fewer leads or another order)
  InferencePlan plan;
  const auto& standard = standard_lead_names();
  for (std::size_t c = 0; c < channels; ++c) {
    const std::string want = canonical_lead_name(info.lead_names[c]);
    auto it = std::find(standard.begin(), standard.end(), want);
    if (want.empty() || it == standard.end() || static_cast<std::size_t>(it - standard.begin()) >= prepared.leads.size())
      throw Error(ErrorKind::bad_model,
                  "the model uses lead '" + info.lead_names[c] + "', which the preprocessed record does not have");
    plan.lead_of.push_back(static_cast<std::size_t>(it - standard.begin()));
  }
  for (std::size_t c = 0; c < channels; ++c)
    if (prepared.leads[plan.lead_of[c]].size() < prepared.num_samples)
      throw Error(ErrorKind::bad_argument, "preprocessed leads are shorter than num_samples");

  const auto positions = sliding_window_starts(prepared.window_length, length,
                                               static_cast<std::size_t>(info.window_stride));
  plan.windows = prepared.window_starts.size();
  plan.positions_per_window = positions.size();
  for (std::size_t w = 0; w < plan.windows; ++w) {
    const std::size_t start = prepared.window_starts[w];
    if (start + prepared.window_length > prepared.num_samples)
      throw Error(ErrorKind::bad_argument, "a preprocessing window extends past the record");
    for (std::size_t p : positions) {
      plan.run_starts.push_back(start + p);
      plan.window_of_run.push_back(w);
    }
  }
  return plan;
}

std::vector<float> time_major_input(const InferencePlan& plan, const Prepared& prepared) {
  const std::size_t channels = plan.lead_of.size();
  const std::size_t n = prepared.num_samples;
  std::vector<float> tm(n * channels);
  bool finite = true;
  for (std::size_t c = 0; c < channels; ++c) {
    const float* lead = prepared.leads[plan.lead_of[c]].data();
    for (std::size_t t = 0; t < n; ++t) {
      tm[t * channels + c] = lead[t];
      finite &= std::isfinite(lead[t]);
    }
  }
  if (!finite)
    throw Error(ErrorKind::bad_data,
                "the preprocessed signal contains non-finite values (the record's samples are out of range)");
  return tm;
}

void run_logits(const Model& model, const InferencePlan& plan, const std::vector<float>& input, std::size_t run,
                float* out) {
  model.logits_time_major(&input[plan.run_starts[run] * plan.lead_of.size()], out);
}

std::string describe_inference(const ModelInfo& info, const InferencePlan& plan) {
  const std::size_t runs = plan.run_starts.size();
  return std::to_string(runs) + " inference" + (runs == 1 ? "" : "s") + " of " +
         text::seconds(info.input_length / info.sampling_rate_hz) + " (" +
         std::to_string(plan.positions_per_window) + " per window, stride " +
         text::seconds(info.window_stride / info.sampling_rate_hz) +
         "; " + (info.window_pooling == "mean" ? "mean logit" : "maximum") + " within each window, mean over windows)";
}

ClassifyResult combine_logits(const ModelInfo& info, const InferencePlan& plan, const std::vector<float>& logits) {
  const std::size_t classes = info.class_names.size();
  const std::size_t runs = plan.window_of_run.size();
  if (plan.windows == 0 || logits.size() != runs * classes)
    throw Error(ErrorKind::bad_argument, "expected " + std::to_string(runs * classes) + " logits (" +
                                             std::to_string(runs) + " runs x " + std::to_string(classes) +
                                             " classes), got " + std::to_string(logits.size()));
  std::vector<WindowPool> pools(plan.windows * classes, WindowPool(info));
  for (std::size_t r = 0; r < runs; ++r) {
    const std::size_t w = plan.window_of_run[r];
    if (w >= plan.windows) throw Error(ErrorKind::bad_argument, "inference plan: window index out of range");
    for (std::size_t k = 0; k < classes; ++k) pools[w * classes + k].add(logits[r * classes + k]);
  }
  ClassifyResult r;
  r.windows = plan.windows;
  r.inferences = runs;
  for (std::size_t k = 0; k < classes; ++k) {
    double sum = 0;
    for (std::size_t w = 0; w < plan.windows; ++w)
      sum += 1.0 / (1.0 + std::exp(-static_cast<double>(pools[w * classes + k].value())));
    ClassResult c;
    c.name = info.class_names[k];
    c.description = info.class_descriptions[k];
    c.probability = static_cast<float>(sum / plan.windows);
    c.threshold = info.thresholds[k];
    c.positive = c.probability >= c.threshold;
    if (c.positive) r.labels.push_back(c.name);
    r.classes.push_back(c);
  }
  return r;
}

}  // namespace ecglite
