// The two halves of classify_rhythm (internal), so that the streamed long-record analysis
// (rhythm_stream.cpp) runs the network on each read range and makes the whole recording's verdict
// once, from the joined 5 s blocks, with the same code as a whole-record classification.
#pragma once
#include <cstdint>
#include <vector>

#include "ecglite/model.h"
#include "ecglite/record.h"
#include "ecglite/rhythm_class.h"

namespace ecglite::detail {

// Up to this length the recording is judged as a whole, as in training (CinC 2017: 9-61 s).
constexpr double kWholeRecordingMaxSeconds = 61;

struct RhythmBlocks {
  RhythmVerdict verdict;                   // lead, lead_name, model and blocks (samples of `record`) only
  std::vector<float> block_probabilities;  // [blocks][classes]: each block's softmax
  std::vector<float> whole_probabilities;  // softmax of the mean logits of every window
};

// The per-block classes of `record` (classify_rhythm without the whole recording's verdict), of the
// blocks starting in [keep_from, keep_to) (samples of `record`) only: the network runs only on the
// windows that cover them (whole_probabilities is then the mean of those). Throws as classify_rhythm.
RhythmBlocks rhythm_blocks(const Model& model, const Record& record, const std::vector<std::int64_t>& beats, int lead,
                           std::int64_t keep_from = INT64_MIN, std::int64_t keep_to = INT64_MAX);

// The whole recording's verdict from its blocks (v.blocks, samples of the recording): class,
// probability and probabilities (up to kWholeRecordingMaxSeconds from `whole_probabilities`, beyond it
// the class holding most blocks and `class_probability` / blocks, the per-class sums of the blocks'
// probabilities), AF episodes and burden.
void finish_verdict(RhythmVerdict& v, const std::vector<double>& class_probability,
                    const std::vector<float>& whole_probabilities, double duration_s, double sampling_rate_hz);

}  // namespace ecglite::detail
