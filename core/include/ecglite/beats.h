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

// The input channels a beat model may use, by name (the model file's lead_names say which, in
// which order; all but ECG and ECG_dev are constant over the window):
//   ECG           the lead, band-passed, divided by the median QRS amplitude of the beats within +-150 s
//   ECG_dev       the same minus the median beat (the median, sample by sample, of the windows of
//                 the beats within +-150 s), i.e. how this beat differs from the usual one
//   RR_pre        RR interval before the beat / long-term mean RR (RR intervals within +-150 s)
//   RR_post       RR interval after the beat / long-term mean RR
//   RR_local      local mean RR (the 10 RR intervals around the beat) / long-term mean RR
//   RR_pre_local  RR interval before the beat / local mean RR
//   RR_irregular  median |difference of successive RR intervals| around the beat / local mean RR
//                 (high in atrial fibrillation, where premature-looking beats are not ectopic)
//   RR_abs        local mean RR in seconds
// RR features are clipped to [0, 4]. The lead is band-passed at its own rate; the window is
// interpolated at the window's rate around the beat's QRS peak (the largest |band-passed value|
// within +-50 ms of the beat given) at its own time, and RR intervals are measured between those
// peaks. So every input of a beat depends only on the signal and the beats within +-150 s of it
// (and, to float precision, on the band-pass's input a few seconds further), not on where the
// signal given starts: a long record analysed in read ranges with margins of 150 s or more
// (analyze_rhythm, rhythm.h) gives its beats the inputs of the whole record wherever the same beats
// were detected around them.
const std::vector<std::string>& beat_channel_names();

struct BeatInputSpec {
  double sampling_rate_hz = 128;  // the window's rate (the band-pass runs at the lead's own rate)
  double band_low_hz = 0.5;
  double band_high_hz = 40;
  int filter_order = 2;
  int window = 96;             // samples; the window is [beat - window/2, beat + window/2)
  std::vector<std::string> channels = {"ECG", "ECG_dev", "RR_pre", "RR_post", "RR_local",
                                       "RR_pre_local", "RR_irregular"};
};

// The spec a model was trained with (its sampling rate, band, filter order, input length and
// channels). Throws Error when `info` is not a beat model (classes N S V F Q, channels among
// beat_channel_names()).
BeatInputSpec beat_input_spec(const ModelInfo& info);

// The lead the classifier reads: the first lead named MLII or II, else lead 0.
int beat_lead(const Record& record);

// The input of every beat, [beats][spec.channels][window] floats, channel-major per beat. `beats` are
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

// True when `info` describes a beat model (classes N S V F Q, channels among beat_channel_names()).
bool is_beat_model(const ModelInfo& info);

}  // namespace ecglite
