// Beat-by-beat comparison of detections with reference annotations (EC57 / WFDB bxb style).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <tuple>

#include "ecglite/qrs_eval.h"

namespace ecglite {

double QrsScore::sensitivity() const {
  const auto d = true_positives + false_negatives;
  return d ? double(true_positives) / d : 1.0;
}

double QrsScore::positive_predictivity() const {
  const auto d = true_positives + false_positives;
  return d ? double(true_positives) / d : 1.0;
}

QrsScore& QrsScore::operator+=(const QrsScore& o) {
  reference_beats += o.reference_beats;
  detected_beats += o.detected_beats;
  true_positives += o.true_positives;
  false_negatives += o.false_negatives;
  false_positives += o.false_positives;
  return *this;
}

namespace {

bool excluded_sample(std::int64_t s, const SampleIntervals& excluded) {
  for (const auto& [first, last] : excluded)
    if (s >= first && s <= last) return true;
  return false;
}

std::vector<std::int64_t> kept(const std::vector<std::int64_t>& v, const SampleIntervals& excluded) {
  std::vector<std::int64_t> out;
  out.reserve(v.size());
  for (auto s : v)
    if (!excluded_sample(s, excluded)) out.push_back(s);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<std::int64_t> match_beats(const std::vector<std::int64_t>& ref,
                                      const std::vector<std::int64_t>& det, std::int64_t tolerance) {
  // Every (reference, detection) pair within the tolerance, closest first; a greedy one-to-one
  // assignment. Beats are >= 200 ms apart and the tolerance is 150 ms, so pairs rarely compete.
  std::vector<std::tuple<std::int64_t, std::size_t, std::size_t>> pairs;
  std::size_t lo = 0;
  for (std::size_t r = 0; r < ref.size(); ++r) {
    while (lo < det.size() && det[lo] < ref[r] - tolerance) ++lo;
    for (std::size_t d = lo; d < det.size() && det[d] <= ref[r] + tolerance; ++d)
      pairs.emplace_back(std::llabs(det[d] - ref[r]), r, d);
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<char> ref_used(ref.size(), 0);
  std::vector<std::int64_t> match(det.size(), -1);
  for (const auto& [distance, r, d] : pairs) {
    if (ref_used[r] || match[d] >= 0) continue;
    ref_used[r] = 1;
    match[d] = static_cast<std::int64_t>(r);
  }
  return match;
}

QrsScore score_beats(const std::vector<std::int64_t>& reference_in,
                     const std::vector<std::int64_t>& detected_in, std::int64_t tolerance,
                     const SampleIntervals& excluded) {
  const std::vector<std::int64_t> ref = kept(reference_in, excluded);
  const std::vector<std::int64_t> det = kept(detected_in, excluded);
  QrsScore s;
  for (auto m : match_beats(ref, det, tolerance)) s.true_positives += m >= 0;
  s.reference_beats = static_cast<std::int64_t>(ref.size());
  s.detected_beats = static_cast<std::int64_t>(det.size());
  s.false_negatives = s.reference_beats - s.true_positives;
  s.false_positives = s.detected_beats - s.true_positives;
  return s;
}

std::vector<std::int64_t> reference_beats(const std::vector<Annotation>& annotations) {
  std::vector<std::int64_t> out;
  for (const auto& a : annotations)
    if (is_beat_code(a.code)) out.push_back(a.sample);
  std::sort(out.begin(), out.end());
  return out;
}

SampleIntervals flutter_episodes(const std::vector<Annotation>& annotations, std::int64_t end_sample) {
  SampleIntervals out;
  bool open = false;
  std::int64_t start = 0;
  for (const auto& a : annotations) {
    if (a.code == anncode::kVfOnset && !open) {
      open = true;
      start = a.sample;
    } else if (a.code == anncode::kVfOffset && open) {
      out.emplace_back(start, a.sample);
      open = false;
    }
  }
  if (open) out.emplace_back(start, end_sample);
  return out;
}

SampleIntervals nst_noisy_segments(double rate_hz, std::int64_t length) {
  constexpr double kFirstS = 300, kSegmentS = 120;  // nst: noise from 5 min, 2 min on, 2 min off
  SampleIntervals out;
  for (int k = 0;; ++k) {
    const std::int64_t first = std::llround((kFirstS + 2 * k * kSegmentS) * rate_hz);
    if (first >= length) break;
    const std::int64_t end = std::llround((kFirstS + (2 * k + 1) * kSegmentS) * rate_hz);
    out.emplace_back(first, std::min(end, length) - 1);
  }
  return out;
}

SampleIntervals complement(const SampleIntervals& intervals, std::int64_t length) {
  SampleIntervals out;
  std::int64_t next = 0;  // first sample not yet covered
  for (const auto& [first, last] : intervals) {
    if (first > next && next < length) out.emplace_back(next, std::min(first, length) - 1);
    next = std::max(next, last + 1);
  }
  if (next < length) out.emplace_back(next, length - 1);
  return out;
}

}  // namespace ecglite
