// classify(): preprocessing with the model's settings, sliding inference windows inside each
// 10 s window (max over positions, as the PTB-XL benchmark aggregates), mean over 10 s windows.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ecglite/error.h"
#include "ecglite/screen.h"

namespace ecglite {

namespace {

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  std::string t = buf;
  while (t.back() == '0') t.pop_back();
  if (t.back() == '.') t.pop_back();
  return t + " s";
}

}  // namespace

PreprocessOptions preprocess_options(const ModelInfo& info) {
  PreprocessOptions o;
  o.target_rate_hz = info.sampling_rate_hz;
  o.band_low_hz = info.band_low_hz;
  o.band_high_hz = info.band_high_hz;
  o.filter_order = info.filter_order;
  o.window_samples = static_cast<int>(std::lround(10.0 * info.sampling_rate_hz));
  o.min_samples = std::min(info.input_length, o.window_samples);
  return o;
}

std::vector<std::size_t> sliding_window_starts(std::size_t span, std::size_t length, std::size_t stride) {
  std::vector<std::size_t> starts;
  if (span < length || length == 0) return starts;
  if (stride == 0) stride = length;
  for (std::size_t s = 0; s + length <= span; s += stride) starts.push_back(s);
  if (starts.back() + length != span) starts.push_back(span - length);
  return starts;
}

ClassifyResult classify_prepared(const Model& model, const Prepared& prepared) {
  const ModelInfo& info = model.info();
  const std::size_t channels = static_cast<std::size_t>(info.input_channels);
  const std::size_t length = static_cast<std::size_t>(info.input_length);
  const std::size_t classes = info.class_names.size();
  if (std::fabs(prepared.rate_hz - info.sampling_rate_hz) > 1e-9)
    throw Error("input was prepared at " + std::to_string(prepared.rate_hz) + " Hz but the model expects " +
                std::to_string(info.sampling_rate_hz) + " Hz (preprocess with preprocess_options(model.info()))");
  if (prepared.window_starts.empty() || prepared.window_length < length)
    throw Error("the record is " + format_seconds(prepared.num_samples / prepared.rate_hz) +
                " long; the model needs at least " + format_seconds(length / info.sampling_rate_hz));

  // model input channel -> prepared lead, by name (a model may use fewer leads or another order)
  const auto& standard = standard_lead_names();
  std::vector<std::size_t> lead_of(channels);
  for (std::size_t c = 0; c < channels; ++c) {
    const std::string want = canonical_lead_name(info.lead_names[c]);
    auto it = std::find(standard.begin(), standard.end(), want);
    if (want.empty() || it == standard.end() || static_cast<std::size_t>(it - standard.begin()) >= prepared.leads.size())
      throw Error("the model uses lead '" + info.lead_names[c] + "', which the preprocessed record does not have");
    lead_of[c] = static_cast<std::size_t>(it - standard.begin());
  }
  const std::size_t n = prepared.num_samples;
  for (std::size_t c = 0; c < channels; ++c)
    if (prepared.leads[lead_of[c]].size() < n) throw Error("preprocessed leads are shorter than num_samples");

  // time-major copy of the whole record: every inference window is then a contiguous slice
  std::vector<float> tm(n * channels);
  bool finite = true;
  for (std::size_t c = 0; c < channels; ++c) {
    const float* lead = prepared.leads[lead_of[c]].data();
    for (std::size_t t = 0; t < n; ++t) {
      tm[t * channels + c] = lead[t];
      finite &= std::isfinite(lead[t]);
    }
  }
  if (!finite)  // a NaN would silently turn into a confident-looking probability
    throw Error("the preprocessed signal contains non-finite values (the record's samples are out of range)");

  const auto positions = sliding_window_starts(prepared.window_length, length,
                                               static_cast<std::size_t>(info.window_stride));
  std::vector<double> prob_sum(classes, 0.0);
  std::vector<float> logits(classes), best(classes);
  ClassifyResult r;
  for (std::size_t w : prepared.window_starts) {
    if (w + prepared.window_length > n) throw Error("a preprocessing window extends past the record");
    std::fill(best.begin(), best.end(), -INFINITY);
    for (std::size_t p : positions) {
      model.logits_time_major(&tm[(w + p) * channels], logits.data());
      for (std::size_t k = 0; k < classes; ++k) best[k] = std::max(best[k], logits[k]);
      ++r.inferences;
    }
    for (std::size_t k = 0; k < classes; ++k) prob_sum[k] += 1.0 / (1.0 + std::exp(-static_cast<double>(best[k])));
  }
  r.windows = prepared.window_starts.size();
  r.duration_s = n / prepared.rate_hz;
  for (std::size_t k = 0; k < classes; ++k) {
    ClassResult c;
    c.name = info.class_names[k];
    c.description = info.class_descriptions[k];
    c.probability = static_cast<float>(prob_sum[k] / r.windows);
    c.threshold = info.thresholds[k];
    c.positive = c.probability >= c.threshold;
    if (c.positive) r.labels.push_back(c.name);
    r.classes.push_back(c);
  }
  r.adaptations = prepared.adaptations;
  r.adaptations.push_back(std::to_string(r.inferences) + " inference" + (r.inferences == 1 ? "" : "s") + " of " +
                          format_seconds(length / info.sampling_rate_hz) + " (" +
                          std::to_string(positions.size()) + " per window, stride " +
                          format_seconds(info.window_stride / info.sampling_rate_hz) +
                          "; maximum within each window, mean over windows)");
  return r;
}

ClassifyResult classify(const Model& model, const Record& record) {
  // Preprocessing zero-fills leads without valid samples; with none valid anywhere the network
  // would score a flat line as if it were an ECG.
  bool any_valid = false;
  for (const Lead& lead : record.leads) {
    for (float v : lead.samples)
      if (std::isfinite(v)) {
        any_valid = true;
        break;
      }
    if (any_valid) break;
  }
  if (!any_valid)
    throw Error("record " + record.name + " has no valid samples in any lead (all missing): nothing to classify");
  Prepared prepared = preprocess(record, preprocess_options(model.info()));
  ClassifyResult r = classify_prepared(model, prepared);
  r.record_name = record.name;
  r.duration_s = record.duration_s();
  r.source_rate_hz = record.sampling_rate_hz;
  r.warnings.insert(r.warnings.begin(), record.warnings.begin(), record.warnings.end());
  return r;
}

}  // namespace ecglite
