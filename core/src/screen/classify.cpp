// classify(): preprocessing with the model's settings, then the network over the inference plan
// (inference_plan.cpp): sliding inference windows inside each 10 s window (their maximum or mean
// logit, as the model file says), mean over 10 s windows.
#include "ecglite/classify.h"

#include <algorithm>
#include <cmath>

#include "ecglite/beats.h"
#include "ecglite/rhythm_class.h"
#include "ecglite/error.h"
#include "ecglite/inference_plan.h"

namespace ecglite {

PreprocessOptions preprocess_options(const ModelInfo& info) {
  require_recording_model(info);
  PreprocessOptions o;
  o.target_rate_hz = info.sampling_rate_hz;
  o.band_low_hz = info.band_low_hz;
  o.band_high_hz = info.band_high_hz;
  o.filter_order = info.filter_order;
  o.amplitude = info.amplitude == "z-score" ? Amplitude::zscore : Amplitude::millivolts;
  o.window_samples = static_cast<int>(std::lround(10.0 * info.sampling_rate_hz));
  o.min_samples = std::min(info.input_length, o.window_samples);
  return o;
}

void require_recording_model(const ModelInfo& info) {
  // A beat model's inputs are beat windows, not leads: without this it failed on "lead 'ECG_dev'".
  if (is_beat_model(info))
    throw Error(ErrorKind::wrong_model, info.name +
                                            ": a beat classification model (classes N S V F Q), not a "
                                            "model of whole recordings; the 12-lead model is "
                                            "models/student-int8.ecgm");
  if (is_rhythm_model(info))
    throw Error(ErrorKind::wrong_model, info.name +
                                            ": a rhythm model (classes N A O ~ from one lead), not a 12-lead "
                                            "model; the 12-lead model is models/student-int8.ecgm");
  if (!info.head_bias.empty())
    throw Error(ErrorKind::wrong_model, info.name +
                                            ": its outputs pass through a head after the network, which only "
                                            "rhythm models have; the 12-lead model is models/student-int8.ecgm");
}

ClassifyResult classify_prepared(const Model& model, const Prepared& prepared) {
  const ModelInfo& info = model.info();
  const InferencePlan plan = plan_inference(info, prepared);
  const std::size_t classes = info.class_names.size();
  const std::size_t n = prepared.num_samples;
  // time-major copy of the whole record: every inference window is then a contiguous slice
  const std::vector<float> tm = time_major_input(plan, prepared);
  std::vector<float> logits(plan.run_starts.size() * classes);
  for (std::size_t r = 0; r < plan.run_starts.size(); ++r) run_logits(model, plan, tm, r, &logits[r * classes]);

  ClassifyResult r = combine_logits(info, plan, logits);
  r.duration_s = n / prepared.sampling_rate_hz;
  r.adaptations = prepared.adaptations;
  r.adaptations.push_back(describe_inference(info, plan));
  r.warnings = prepared.warnings;
  return r;
}

Prepared preprocess_for(const Model& model, const Record& record) {
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
    throw Error(ErrorKind::no_signal,
                "record " + record.name + " has no valid samples in any lead (all missing): nothing to classify");
  return preprocess(record, preprocess_options(model.info()));
}

ClassifyResult classify(const Model& model, const Record& record) {
  const Prepared prepared = preprocess_for(model, record);
  ClassifyResult r = classify_prepared(model, prepared);
  r.record_name = record.name;
  r.duration_s = record.duration_s();
  r.sampling_rate_hz = record.sampling_rate_hz;
  r.warnings.insert(r.warnings.begin(), record.warnings.begin(), record.warnings.end());
  return r;
}

}  // namespace ecglite
