// Beat classification into the ANSI/AAMI EC57 classes N (normal and bundle-branch-block beats),
// S (supraventricular ectopic), V (ventricular ectopic), F (fusion) and Q (paced, unclassifiable),
// by a small int8 network in an .ecgm file run by the same engine as the 12-lead model.
//
// The network sees, per beat, a window of one ECG lead centred on the beat plus RR-interval
// features as extra input channels that are constant over the window. beat_inputs() is the single
// definition of that input: the C++ classifier uses it, and training exports it through
// `ecglite beats RECORD --export-windows FILE.npy`, so Python never re-implements the filtering.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ecglite/model.h"
#include "ecglite/record.h"

namespace ecglite {

// The AAMI classes in the order of the model's outputs.
const std::vector<std::string>& beat_class_names();   // N, S, V, F, Q

// The input channels of a beat model, in order (the model file's lead_names):
//   ECG      the lead, band-passed, divided by the record's median QRS amplitude
//   RR_pre   RR interval before the beat / local mean RR (the 10 RR intervals around the beat)
//   RR_post  RR interval after the beat / local mean RR
//   RR_local local mean RR / long-term mean RR (the RR intervals within +-150 s)
//   RR_abs   local mean RR in seconds
const std::vector<std::string>& beat_channel_names();

struct BeatInputSpec {
  double rate_hz = 128;        // the lead is resampled to this rate
  double band_low_hz = 0.5;
  double band_high_hz = 40;
  int filter_order = 2;
  int window = 96;             // samples; the window is [beat - window/2, beat + window/2)
};

// The spec a model was trained with (its sampling rate, band, filter order, input length). Throws
// Error when `info` is not a beat model (classes N S V F Q, channels beat_channel_names()).
BeatInputSpec beat_input_spec(const ModelInfo& info);

// The lead the classifier reads: the first lead named MLII or II, else lead 0.
int beat_lead(const Record& record);

// The input of every beat, [beats][channels][window] floats, channel-major per beat. `beats` are
// sample indices of `record` (ascending, as detect_qrs returns them).
std::vector<float> beat_inputs(const Record& record, const std::vector<std::int64_t>& beats,
                               const BeatInputSpec& spec = {});

struct Beat {
  std::int64_t sample = 0;
  char cls = '?';          // 'N', 'S', 'V', 'F', 'Q'; '?' when no classifier ran
  float probability = 0;   // softmax probability of `cls`
};

// Classifies `beats` of `record` with a beat model (argmax of the softmax over N S V F Q).
std::vector<Beat> classify_beats(const Model& model, const Record& record,
                                 const std::vector<std::int64_t>& beats);

// True when `info` describes a beat model (the classes and channels above).
bool is_beat_model(const ModelInfo& info);

}  // namespace ecglite
