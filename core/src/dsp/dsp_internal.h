// Helpers shared by the preprocessing sources (core/src/dsp/*.cpp); not part of the public API.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ecglite::detail {

// The up/down factors resample() uses to go from `from_hz` to `to_hz`: the reduced fraction
// to/from when both rates are (near) rational with small terms (500 -> 100: 1/5, 128.5 -> 100:
// 200/257), else the closest fraction with factors <= kMaxResampleFactor.
struct ResampleRatio {
  std::int64_t up = 1;
  std::int64_t down = 1;
};
constexpr std::int64_t kMaxResampleFactor = 10000;
ResampleRatio resample_ratio(double from_hz, double to_hz);

// Output length of scipy.signal.resample_poly: ceil(n * up / down).
std::size_t resampled_length(std::size_t n, const ResampleRatio& ratio);

// Recomputes the limb leads named in `derived` (III, aVR, aVL, aVF) of a 12-lead standard-order
// set from its leads I and II, lead II multiplied by lead_ii_scale (its units -> lead I's).
void derive_limb_leads(std::vector<std::vector<float>>& leads, const std::vector<std::string>& derived,
                       double lead_ii_scale);


}  // namespace ecglite::detail
