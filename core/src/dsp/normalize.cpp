// Per-lead amplitude normalisation and repair of invalid samples.
#include <algorithm>
#include <cmath>
#include <limits>

#include "../common/stats.h"
#include "ecglite/preprocess.h"

namespace ecglite {

// Below this standard deviation (in the lead's units: 1 nV for mV) a lead carries no signal, only
// rounding noise of the filters, which a z-score would blow up to unit variance.
static constexpr double kFlatStd = 1e-6;

static double standard_deviation(const std::vector<float>& x, double* mean_out) {
  double sum = 0;
  for (float v : x) sum += v;
  const double mean = sum / x.size();
  double squares = 0;
  for (float v : x) squares += (v - mean) * (v - mean);
  if (mean_out) *mean_out = mean;
  return std::sqrt(squares / x.size());
}

bool is_flat(const std::vector<float>& x) {
  return x.empty() || !(standard_deviation(x, nullptr) >= kFlatStd);
}

// scripts/train/lead_scale.py on the 17,111 labelled records of PTB-XL folds 1-8.
const std::vector<double>& typical_lead_std_mv() {
  static const std::vector<double> mv = {0.1251, 0.1235, 0.0932, 0.1172, 0.0900, 0.0899,   // I .. aVF
                                         0.1498, 0.2404, 0.2362, 0.2296, 0.2044, 0.1614};  // V1 .. V6
  return mv;
}

bool zscore(std::vector<float>& x) {
  if (x.empty()) return false;
  double mean = 0;
  const double sd = standard_deviation(x, &mean);
  if (!(sd >= kFlatStd)) {  // also catches NaN
    for (float& v : x) v = 0;
    return false;
  }
  for (float& v : x) v = static_cast<float>((v - mean) / sd);
  return true;
}

// On 2,904 leads of PTB-XL and MIT-BIH the farthest sample lay 232 median absolute deviations
// from the median (InvalidateOutliers.NeverTouchesRealEcg measures it); one kOutlierDeviations
// (10,000: at 0.05 mV per deviation, 500 mV) away is not ECG but a corrupt value.
// A lead with more such samples than kMaxOutlierShare is left alone: that is a level change (an
// amplifier offset), not a few bad values.
static constexpr double kMaxOutlierShare = 0.01;
static constexpr std::size_t kRobustSampleCount = 1 << 16;  // enough for a median, cheap for an hour

std::size_t invalidate_outliers(std::vector<float>& x) {
  const std::size_t stride = std::max<std::size_t>(1, x.size() / kRobustSampleCount);
  std::vector<double> values;
  for (std::size_t i = 0; i < x.size(); i += stride)
    if (std::isfinite(x[i])) values.push_back(x[i]);
  if (values.empty()) return 0;
  const double centre = stats::median(values);
  for (double& v : values) v = std::fabs(v - centre);
  const double spread = stats::median(values);
  if (!(spread > 0)) return 0;  // a mostly constant lead: no scale to judge by
  const double limit = kOutlierDeviations * spread;
  std::size_t count = 0;
  for (float v : x) count += std::isfinite(v) && std::fabs(v - centre) > limit;
  if (count == 0 || count > kMaxOutlierShare * x.size()) return 0;
  for (float& v : x)
    if (std::isfinite(v) && std::fabs(v - centre) > limit) v = std::numeric_limits<float>::quiet_NaN();
  return count;
}

LeadRepair repair_lead(std::vector<float>& x) {
  LeadRepair r;
  r.outliers = invalidate_outliers(x);
  r.filled = fill_invalid(x);
  return r;
}

std::size_t fill_invalid(std::vector<float>& x) {
  const std::size_t n = x.size();
  std::size_t filled = 0;
  std::size_t prev = n;  // index of the last valid sample seen, n = none yet
  for (std::size_t i = 0; i <= n; ++i) {
    if (i < n && !std::isfinite(x[i])) continue;
    // x[prev+1 .. i-1] are invalid; i == n closes a trailing gap.
    const std::size_t gap_begin = prev == n ? 0 : prev + 1;
    if (i > gap_begin) {
      filled += i - gap_begin;
      for (std::size_t j = gap_begin; j < i; ++j) {
        if (prev == n && i == n) x[j] = 0;          // no valid sample at all
        else if (prev == n) x[j] = x[i];             // leading gap: hold the first value
        else if (i == n) x[j] = x[prev];             // trailing gap: hold the last value
        else x[j] = static_cast<float>(x[prev] + (double(x[i]) - x[prev]) * double(j - prev) / double(i - prev));
      }
    }
    if (i < n) prev = i;
  }
  return filled;
}

}  // namespace ecglite
