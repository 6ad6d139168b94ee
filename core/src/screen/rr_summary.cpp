// RR interval summaries for the rhythm model's RR head.
#include "rr_summary.h"

#include <algorithm>
#include <cmath>

#include "../common/stats.h"

namespace ecglite::detail {

namespace {
constexpr std::size_t kMinIntervals = 4;
constexpr double kRegularPair = 0.05, kShort = 0.85, kLong = 1.15;
}  // namespace

const std::vector<std::string>& rr_summary_names() {
  static const std::vector<std::string> names = {"rr_cv",    "rr_rmssd",   "rr_successive", "rr_regular_pairs",
                                                 "rr_short", "rr_long",    "rr_turning",    "rr_max",
                                                 "rr_min",   "rate"};
  return names;
}

std::vector<float> rr_summary(const std::vector<RrInterval>& intervals) {
  std::vector<double> rr, diffs;
  std::size_t turning = 0, triples = 0;
  for (std::size_t j = 0; j < intervals.size(); ++j) {
    if (!intervals[j].measured) continue;
    rr.push_back(intervals[j].seconds);
    if (j >= 1 && intervals[j - 1].measured) diffs.push_back(intervals[j].seconds - intervals[j - 1].seconds);
    if (j >= 2 && intervals[j - 1].measured && intervals[j - 2].measured) {
      const double before = intervals[j - 1].seconds - intervals[j - 2].seconds;
      const double after = intervals[j].seconds - intervals[j - 1].seconds;
      ++triples;
      turning += before * after < 0;
    }
  }
  std::vector<float> out(rr_summary_names().size(), 0.0f);
  if (rr.size() < kMinIntervals) return out;
  const double n = static_cast<double>(rr.size());
  double sum = 0, sum_sq = 0;
  for (double v : rr) sum += v, sum_sq += v * v;
  const double mean = sum / n;
  const double median = stats::median(rr);
  if (!(mean > 0) || !(median > 0)) return out;
  const double sd = std::sqrt(std::max(0.0, sum_sq / n - mean * mean));
  double diff_sq = 0;
  std::vector<double> abs_diffs;
  std::size_t regular = 0;
  for (double d : diffs) {
    diff_sq += d * d;
    abs_diffs.push_back(std::fabs(d));
    regular += std::fabs(d) < kRegularPair * median;
  }
  const double pairs = std::max<double>(1, static_cast<double>(diffs.size()));
  std::size_t shorter = 0, longer = 0;
  for (double v : rr) shorter += v < kShort * median, longer += v > kLong * median;
  out[0] = static_cast<float>(sd / mean);
  out[1] = static_cast<float>(std::sqrt(diff_sq / pairs) / mean);
  out[2] = static_cast<float>(stats::median(abs_diffs) / median);
  out[3] = static_cast<float>(regular / pairs);
  out[4] = static_cast<float>(shorter / n);
  out[5] = static_cast<float>(longer / n);
  out[6] = static_cast<float>(triples ? double(turning) / double(triples) : 0.0);
  out[7] = static_cast<float>(*std::max_element(rr.begin(), rr.end()) / median);
  out[8] = static_cast<float>(*std::min_element(rr.begin(), rr.end()) / median);
  out[9] = static_cast<float>(60 / median / 100);
  return out;
}

}  // namespace ecglite::detail
