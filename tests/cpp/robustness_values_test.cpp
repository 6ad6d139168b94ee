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

// A (corrupt) gain of 1e-300 adu/mV makes every physical value ~1e300 mV: beyond float, and beyond
// any ECG. Unlike a few absurd CSV cells (invalid samples, with a note), a gain spoils every sample
// of its signal, so the record is refused, naming the signal, the values and the gain.
TEST(RobustValues, WfdbGainThatOverflowsFloatIsRefusedAsACorruptHeader) {
  const std::string header = "r 1 100 3\nr.dat 16 1e-300/mV 16 0 0 0 0 II\n";
  const Bytes dat = {1, 0, 2, 0, 3, 0};
  const WfdbRecord w = read_wfdb(header, make_memory_provider({{"r.dat", dat}}));
  EXPECT_EQ(w.digital.size(), 1u);  // the digital samples are fine; the physical ones cannot exist
  const Error e = test::thrown_by([&] { w.to_record(); });
  EXPECT_EQ(e.kind(), ErrorKind::bad_header);
  EXPECT_EQ(std::string(e.what()),
            "r: signal 0 (II): physical values beyond any ECG (1e+300) from a gain of 1e-300 "
            "adu/mV (the header is corrupt)");
  // A gain that keeps the values within float is read, however odd.
  const std::string tiny_gain = "r 1 100 3\nr.dat 16 1e-30/mV 16 0 0 0 0 II\n";
  const Record r = read_wfdb(tiny_gain, make_memory_provider({{"r.dat", dat}})).to_record();
  EXPECT_EQ(count_inf(r), 0u);
  EXPECT_FLOAT_EQ(r.leads[0].samples[2], 3e30f);
}

}  // namespace
}  // namespace ecglite
