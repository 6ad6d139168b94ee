// Beat-by-beat comparison of detected beats with reference annotations, ANSI/AAMI EC57 style (as
// WFDB's bxb): `ecglite qrs-eval` and `ecglite beats --reference`. Part of the eval library, which
// the CLI and the tests link and the wasm module does not.
#pragma once
#include <cstdint>
#include <vector>

#include "ecglite/annotations.h"
#include "ecglite/qrs.h"

namespace ecglite {

struct QrsScore {
  std::int64_t reference_beats = 0;
  std::int64_t detected_beats = 0;
  std::int64_t true_positives = 0;
  std::int64_t false_negatives = 0;
  std::int64_t false_positives = 0;
  double sensitivity() const;             // TP / (TP + FN), 1 when there is no reference beat
  double positive_predictivity() const;   // TP / (TP + FP), 1 when nothing was detected
  QrsScore& operator+=(const QrsScore& other);
};

// One-to-one matching of detections to reference beats, closest pairs first, within `tolerance`
// samples: for each detection, the index of its reference beat, or -1. Both lists ascending.
std::vector<std::int64_t> match_beats(const std::vector<std::int64_t>& reference,
                                      const std::vector<std::int64_t>& detected, std::int64_t tolerance);

// Scores detections with match_beats (EC57: tolerance 150 ms). Beats and detections inside
// `excluded` intervals are not counted.
QrsScore score_beats(const std::vector<std::int64_t>& reference,
                     const std::vector<std::int64_t>& detected, std::int64_t tolerance,
                     const SampleIntervals& excluded = {});

// The samples of the beat annotations (is_beat_code) of an annotation list, ascending.
std::vector<std::int64_t> reference_beats(const std::vector<Annotation>& annotations);

// The ventricular flutter/fibrillation episodes ('[' to ']') of an annotation list; an episode
// still open at the end runs to `end_sample`.
SampleIntervals flutter_episodes(const std::vector<Annotation>& annotations, std::int64_t end_sample);

// The segments to which the MIT-BIH Noise Stress Test Database adds noise (WFDB `nst` defaults, as
// in its 118eNN and 119eNN records): 2-minute segments alternating with 2-minute clean ones from
// minute 5 (5-7, 9-11, ..., 29-31 min), [first, last] samples clipped to a record of `length`
// samples at `rate_hz`.
SampleIntervals nst_noisy_segments(double rate_hz, std::int64_t length);

// The samples of [0, length) outside `intervals` (ascending, [first, last]): for score_beats'
// `excluded`, to score only inside `intervals`.
SampleIntervals complement(const SampleIntervals& intervals, std::int64_t length);

}  // namespace ecglite
