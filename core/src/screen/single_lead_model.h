// What the beat and rhythm models share (internal): both read channels named by the model file
// from one lead, at the model's rate and band, so both recognise their model and take their input
// settings from it the same way.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "ecglite/model.h"

namespace ecglite::single_lead_model {

// True when `info` has exactly the classes `classes` and input channels all named in `known`, and a
// head after the network (ModelInfo::head_inputs) only when `head_inputs` (its known inputs) is given.
inline bool matches(const ModelInfo& info, const std::vector<std::string>& classes,
                    const std::vector<std::string>& known, const std::vector<std::string>* head_inputs = nullptr) {
  if (info.class_names != classes || info.lead_names.empty() ||
      info.input_channels != static_cast<int>(info.lead_names.size()))
    return false;
  if (!info.head_bias.empty() && !head_inputs) return false;
  for (const auto& name : info.head_inputs)
    if (!head_inputs || std::find(head_inputs->begin(), head_inputs->end(), name) == head_inputs->end()) return false;
  for (const auto& name : info.lead_names)
    if (std::find(known.begin(), known.end(), name) == known.end()) return false;
  return true;
}

// The input settings a model was trained with, into a spec with the fields sampling_rate_hz,
// band_low_hz, band_high_hz, filter_order, window and channels (BeatInputSpec, RhythmInputSpec).
template <class Spec>
Spec input_spec(const ModelInfo& info) {
  Spec spec;
  spec.sampling_rate_hz = info.sampling_rate_hz;
  spec.band_low_hz = info.band_low_hz;
  spec.band_high_hz = info.band_high_hz;
  spec.filter_order = info.filter_order;
  spec.window = info.input_length;
  spec.channels = info.lead_names;
  return spec;
}

}  // namespace ecglite::single_lead_model
