// Rhythm classification from one lead: normal sinus rhythm, atrial fibrillation, other rhythm, or
// too noisy to read (the PhysioNet/CinC Challenge 2017 classes N, A, O, ~), by a small int8
// network in an .ecgm file run by the same engine as the 12-lead model.
//
// The network sees windows of one lead plus the beat-to-beat (RR) intervals as channels that hold
// each interval's value over its span. rhythm_signal() is the single definition of that input: the
// C++ classifier slices it into windows, and training exports it through
// `ecglite rhythm RECORD --export-input FILE.npy`, so Python never re-implements the filtering.
//
// Long records are read in windows (the model's length, every 5 s); each 5 s block takes the class
// of the mean logits of the windows that cover it; atrial fibrillation episodes are runs of AF blocks
// lasting 30 s or more (the clinical definition of an AF episode), and the AF burden is their share
// of the blocks that could be read (not "too noisy").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ecglite/model.h"
#include "ecglite/record.h"

namespace ecglite {

// The classes in the order of the model's outputs: N, A, O, ~ (CinC 2017 codes).
const std::vector<std::string>& rhythm_class_names();

// The input channels a rhythm model may use, by name (the model file's lead_names say which, in
// which order):
//   ECG        the lead, band-passed, divided by the record's median QRS amplitude
//   RR         the RR interval (s) a sample lies in, held from one beat to the next
//   RR_change  |this RR interval - the previous one| / the record's median RR
// RR channels are clipped to [0, 4]; before the first and after the last beat they hold the
// nearest interval's value; a record with fewer than 2 beats has RR = 0 everywhere. analyze_rhythm
// on a long record (rhythm.h) gives this one read range at a time: the median QRS amplitude and the
// median RR are then those of the range (a 30-minute block with 5 minutes on each side).
const std::vector<std::string>& rhythm_channel_names();

struct RhythmInputSpec {
  double sampling_rate_hz = 100;  // the lead is resampled to this rate
  double band_low_hz = 0.5;
  double band_high_hz = 40;
  int filter_order = 2;
  int window = 1000;  // samples per inference window (10 s)
  int stride = 500;   // window step (5 s): also the block length of per-block verdicts
  std::vector<std::string> channels = {"ECG", "RR", "RR_change"};
};

// The spec a model was trained with. Throws Error (bad_model) when `info` is not a rhythm model.
RhythmInputSpec rhythm_input_spec(const ModelInfo& info);

// True when `info` describes a rhythm model (classes N A O ~, channels among rhythm_channel_names()).
bool is_rhythm_model(const ModelInfo& info);

// The lead the rhythm is read from: lead I when the record has one, else the first lead.
int rhythm_lead(const Record& record);

// The network's input over the whole record, [channels][samples at spec.sampling_rate_hz],
// channel-major. `beats` are sample indices of `record` (detect_qrs on `lead`).
std::vector<float> rhythm_signal(const Record& record, int lead, const std::vector<std::int64_t>& beats,
                                 const RhythmInputSpec& spec = {});

// A rhythm model may have a head after the network (ModelInfo::head_inputs): a linear layer that reads
// the mean logits of the windows with summaries of the RR intervals of the stretch those windows span
// (the whole recording, or the windows covering a 5 s block). Telling atrial fibrillation from other
// irregular rhythms is a question about the distribution of many intervals, which the network's few
// seconds of receptive field do not see. The summaries a head may read, by name:
//   rr_cv             standard deviation / mean of the intervals
//   rr_rmssd          root mean square of successive differences / mean interval
//   rr_successive     median |successive difference| / median interval
//   rr_regular_pairs  share of successive differences under 5 % of the median interval
//   rr_short          share of intervals under 85 % of the median (premature beats)
//   rr_long           share of intervals over 115 % of the median (pauses, blocked beats)
//   rr_turning        share of intervals that are a local maximum or minimum
//   rr_max, rr_min    the longest and the shortest interval / the median
//   rate              60 / median interval in s, per 100 (heart rate in 100 bpm)
// Intervals across a stretch without signal are left out; fewer than 4 intervals give 0 for all.
const std::vector<std::string>& rhythm_rr_summary_names();

// The RR summaries of the whole record, in rhythm_rr_summary_names() order (what a head reads for a
// recording judged as a whole; exported for training by `ecglite rhythm --export-input`).
std::vector<float> rhythm_rr_summary(const Record& record, int lead, const std::vector<std::int64_t>& beats);

// Records shorter than this get no rhythm verdict (the CinC 2017 recordings are 9-61 s).
constexpr double kRhythmMinSeconds = 9;
// The shortest AF episode reported: 30 s, the clinical definition (shorter runs of AF blocks stay in
// the per-block classes but are neither episodes nor burden).
constexpr double kMinAfEpisodeSeconds = 30;

struct RhythmBlock {
  std::int64_t start = 0, end = 0;  // samples of the record, end exclusive
  char cls = 'N';                   // 'N', 'A', 'O' or '~'
  float probability = 0;            // softmax probability of `cls`
};

struct AfEpisode {
  std::int64_t start = 0, end = 0;  // samples of the record, end exclusive
};

struct RhythmVerdict {
  int lead = 0;                       // index of the lead read
  std::string lead_name;              // its name in the record
  char cls = 'N';                     // the whole recording's class (see classify_rhythm)
  float probability = 0;              // its softmax probability
  std::vector<float> probabilities;   // N, A, O, ~
  std::vector<RhythmBlock> blocks;    // per spec.stride block of the record
  std::vector<AfEpisode> af_episodes;  // runs of AF blocks of kMinAfEpisodeSeconds or more
  double af_burden = 0;               // time in af_episodes / time in blocks not '~' (0 when all are '~')
  std::string model;                  // the model's name
};

// The rhythm of `record` read from `lead` (rhythm_lead() when negative). The whole recording's class
// is that of the mean logits of all its windows for recordings up to 60 s (the length of the
// recordings the model was trained on); for longer ones it is the class holding most blocks, and
// `probability` the mean probability of that class over them. Throws Error (limit) for a
// recording shorter than kRhythmMinSeconds.
RhythmVerdict classify_rhythm(const Model& model, const Record& record, const std::vector<std::int64_t>& beats,
                              int lead = -1);

}  // namespace ecglite
