// Summaries of the RR intervals of a stretch of recording, read by a rhythm model's head (internal;
// what they are and why: rhythm_class.h).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace ecglite::detail {

// The summaries by name, in the order rr_summary() computes them (defined in rhythm_class.h).
const std::vector<std::string>& rr_summary_names();

struct RrInterval {
  double seconds = 0;
  bool measured = true;  // false: it spans a stretch without signal (left out of every summary)
};

// The summaries of `intervals` (in recording order). Fewer than 4 measured intervals say nothing
// about a distribution: every summary is then 0.
std::vector<float> rr_summary(const std::vector<RrInterval>& intervals);

}  // namespace ecglite::detail
