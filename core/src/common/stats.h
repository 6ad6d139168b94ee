// Small statistics shared by the core's signal code (internal, not public API).
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

namespace ecglite::stats {

// numpy's median: the middle value, or the mean of the two middle ones; 0 for no values.
inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const std::size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + m, v.end());
  if (v.size() % 2) return v[m];
  return (v[m] + *std::max_element(v.begin(), v.begin() + m)) / 2;
}

}  // namespace ecglite::stats
