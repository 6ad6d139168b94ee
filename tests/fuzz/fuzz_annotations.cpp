// libFuzzer target: the MIT-format annotation reader (.atr, .qrs, ...) on arbitrary bytes.
#include <cstddef>
#include <cstdint>

#include "ecglite/annotations.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const ecglite::AnnotationFile f =
        ecglite::parse_annotations(ecglite::Bytes(data, data + size), "fuzz.atr", ecglite::fuzz::fuzz_limits());
    // Each annotation takes at least one 2-byte word: more annotations than words means the reader
    // invented some.
    ECGLITE_FUZZ_CHECK(f.annotations.size() <= size / 2 + 1);
    for (const auto& a : f.annotations) {
      // Codes above kMaxCode (50..58) are returned as they are, like WFDB's getann; 0 (NOTQRS) and
      // the pseudo-codes 59..63 never are.
      ECGLITE_FUZZ_CHECK(a.code >= 1 && a.code <= 58);
      ECGLITE_FUZZ_CHECK(a.subtype >= -128 && a.subtype <= 127);
      ECGLITE_FUZZ_CHECK(a.chan >= 0 && a.chan <= 255);
      ECGLITE_FUZZ_CHECK(a.num >= -128 && a.num <= 127);
      // Latin-1 text is re-encoded as UTF-8: at most two bytes out per byte in.
      ECGLITE_FUZZ_CHECK(a.aux.size() <= 2 * size);
      (void)ecglite::aami_class(a.code);
      (void)ecglite::is_beat_code(a.code);
    }
  } catch (const ecglite::Error&) {
  }
  return 0;
}
