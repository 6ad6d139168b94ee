// What the rhythm summary (rhythm.cpp) and the Holter summary (holter.cpp) both read from a beat
// list: runs of consecutive beats of one class, and RR intervals gathered in time bins (internal).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "ecglite/beats.h"

namespace ecglite::detail {

// Calls visit(first, last) for every maximal run of consecutive beats of class `cls` (indices into
// `beats`, in order).
template <class Visit>
void for_each_run(const std::vector<Beat>& beats, char cls, Visit visit) {
  std::size_t i = 0;
  while (i < beats.size()) {
    if (beats[i].cls != cls) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < beats.size() && beats[j + 1].cls == cls) ++j;
    visit(i, j);
    i = j + 1;
  }
}

// RR intervals summed per bin of `width_s` seconds over a recording of `duration_s` (the last bin may
// be shorter). An interval belongs to the bin of its second beat; a time past the end falls in the
// last bin.
class RrBins {
 public:
  RrBins(double width_s, double duration_s)
      : width_s_(width_s),
        sum_(static_cast<std::size_t>(std::ceil(duration_s / width_s))),
        count_(sum_.size()) {}

  std::size_t size() const { return sum_.size(); }
  std::size_t bin_of(double t_s) const {
    return std::min(size() - 1, static_cast<std::size_t>(std::max(0.0, t_s / width_s_)));
  }
  void add(double end_s, double rr_s) {
    if (sum_.empty()) return;
    const std::size_t k = bin_of(end_s);
    sum_[k] += rr_s;
    ++count_[k];
  }
  std::int64_t count(std::size_t k) const { return count_[k]; }
  // 60 / the mean RR interval of bin k; NaN without an interval.
  double rate_bpm(std::size_t k) const {
    return count_[k] > 0 && sum_[k] > 0 ? 60.0 * count_[k] / sum_[k] : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  double width_s_;
  std::vector<double> sum_;
  std::vector<std::int64_t> count_;
};

}  // namespace ecglite::detail
