// libFuzzer target: the EDF/EDF+/BDF reader, from the bytes of a file to the Record and the
// annotations as WFDB notes.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ecglite/edf.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ecglite::Limits limits = ecglite::fuzz::fuzz_limits();
  const ecglite::Bytes bytes(data, data + size);
  ecglite::EdfRecord e;
  try {
    e = ecglite::read_edf(bytes, "fuzz.edf", limits);
  } catch (const ecglite::Error&) {
    return 0;
  }
  ECGLITE_FUZZ_CHECK(e.header.signals.size() <= limits.max_signals);
  ECGLITE_FUZZ_CHECK(e.digital.size() == e.header.signals.size());
  ECGLITE_FUZZ_CHECK(e.record_onsets_s.size() == static_cast<std::size_t>(e.num_records));
  std::uint64_t total = 0;
  for (std::size_t s = 0; s < e.digital.size(); ++s) {
    total += e.digital[s].size();
    for (std::size_t i = 0; i < e.digital[s].size(); i += 1 + e.digital[s].size() / 16)
      (void)e.physical(s, static_cast<std::int64_t>(i));
  }
  ECGLITE_FUZZ_CHECK(total <= limits.max_total_samples);
  for (const ecglite::EdfAnnotation& a : e.annotations) ECGLITE_FUZZ_CHECK(std::isfinite(a.onset_s));
  (void)e.wfdb_annotations(250);
  try {
    const ecglite::Record r = e.to_record();
    ecglite::fuzz::check_record(r, limits);
  } catch (const ecglite::Error&) {
  }
  return 0;
}
