// libFuzzer target: the WFDB header parser on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ecglite/wfdb.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const ecglite::WfdbHeader h = ecglite::parse_wfdb_header(text, "fuzz.hea");
    if (!h.is_multi_segment()) ECGLITE_FUZZ_CHECK(h.signals.size() == (std::size_t)h.num_signals);
    ECGLITE_FUZZ_CHECK(h.num_signals >= 0);
    ECGLITE_FUZZ_CHECK(h.max_samples_per_frame() >= 1 || h.signals.empty());
  } catch (const ecglite::Error&) {
  }
  return 0;
}
