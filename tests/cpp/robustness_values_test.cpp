// Robustness of the values the readers hand on: whatever a file holds, a Record's samples are finite
// or NaN (invalid, interpolated by preprocessing), never +-Inf, which would turn the band-pass filter
// and the z-score into NaN everywhere and the probabilities into a silent wrong answer. Found by
// fuzz_csv (tests/fuzz/); see work-cache/robustness-findings.md.
#include <cmath>
#include <string>

#include "ecglite/csv.h"
#include "ecglite/error.h"
#include "ecglite/wfdb.h"
#include "test_support.h"

namespace ecglite {
namespace {

std::size_t count_inf(const Record& r) {
  std::size_t n = 0;
  for (const Lead& lead : r.leads)
    for (float v : lead.samples) n += std::isinf(v);
  return n;
}

TEST(RobustValues, CsvNumberBeyondFloatRangeIsNotInfinite) {
  // 1.5e308 is a finite double but not a float.
  const Record r = read_csv("time,I,II\n0,1.5e308,1\n0.002,1,-3.4e39\n0.004,1,2\n0.006,1,2\n", {}, "big.csv");
  EXPECT_EQ(count_inf(r), 0u);
}

TEST(RobustValues, WfdbGainThatOverflowsFloatGivesNoInfiniteSamples) {
  // A (corrupt) gain of 1e-300 adu/mV makes every physical value ~1e300 mV.
  const std::string header = "r 1 100 3\nr.dat 16 1e-300/mV 16 0 0 0 0 II\n";
  const Bytes dat = {1, 0, 2, 0, 3, 0};
  try {
    const WfdbRecord w = read_wfdb(header, make_memory_provider({{"r.dat", dat}}));
    EXPECT_EQ(count_inf(w.to_record()), 0u);
  } catch (const Error&) {
    SUCCEED() << "refusing the gain is fine too";
  }
}

}  // namespace
}  // namespace ecglite
