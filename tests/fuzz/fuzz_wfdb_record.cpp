// libFuzzer target: a whole WFDB record from memory, as the browser reads it. The input is the
// header text, then the files the header names (signal files, segment headers), each after the
// separator "\n--file--\n" (see fuzz_support.h). The header text chooses formats, frames, skew,
// byte offsets and segments; each input is read with and without frame expansion.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ecglite/wfdb.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto chunks = ecglite::fuzz::split_chunks(data, size);
  for (bool expand : {false, true}) {
    ecglite::WfdbReadOptions options;
    options.expand_frames = expand;
    options.limits = ecglite::fuzz::fuzz_limits();
    try {
      const ecglite::WfdbRecord w =
          ecglite::read_wfdb(chunks[0], ecglite::fuzz::chunk_provider(chunks), options);
      ecglite::fuzz::check_wfdb(w, expand, options.limits);
      if (!expand) ecglite::fuzz::check_record(w.to_record(), options.limits);
    } catch (const ecglite::Error&) {
    }
  }
  return 0;
}
