// Shared by the libFuzzer targets in tests/fuzz/. An ecglite::Error is a correct outcome for any
// input; anything else (another exception, a crash, a sanitizer report, a timeout, a broken
// invariant of the result) is a bug, reported by aborting.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ecglite/error.h"
#include "ecglite/limits.h"
#include "ecglite/record.h"
#include "ecglite/wfdb.h"

namespace ecglite::fuzz {

// Smaller than the defaults so that one input stays fast (the limit checks are the same code).
inline Limits fuzz_limits() {
  Limits limits;
  limits.max_total_samples = 2'000'000;
  limits.max_file_bytes = 4u << 20;
  return limits;
}

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

#define ECGLITE_FUZZ_CHECK(cond) \
  do {                           \
    if (!(cond)) ::ecglite::fuzz::fail(#cond); \
  } while (0)

// Splits the input into chunks at each occurrence of kSeparator (in the dictionaries): chunk 0 is
// the header, the others are the files the reader asks for, in the order it first asks.
inline constexpr char kSeparator[] = "\n--file--\n";

inline std::vector<std::string> split_chunks(const std::uint8_t* data, std::size_t size) {
  const std::string all(reinterpret_cast<const char*>(data), size);
  const std::string sep = kSeparator;
  std::vector<std::string> chunks;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = all.find(sep, start);
    if (at == std::string::npos) break;
    chunks.push_back(all.substr(start, at - start));
    start = at + sep.size();
  }
  chunks.push_back(all.substr(start));
  return chunks;
}

// Hands out chunks 1, 2, ... to file names in the order they are first requested (so a fuzzed
// header can name any files); a name asked for when no chunk is left is missing, as a real
// provider reports it.
inline FileProvider chunk_provider(const std::vector<std::string>& chunks) {
  auto assigned = std::make_shared<std::map<std::string, std::size_t>>();
  return [chunks, assigned](const std::string& name) -> Bytes {
    auto it = assigned->find(name);
    if (it == assigned->end()) {
      const std::size_t next = assigned->size() + 1;
      if (next >= chunks.size()) throw Error(name + ": file not provided");
      it = assigned->emplace(name, next).first;
    }
    const std::string& c = chunks[it->second];
    return Bytes(c.begin(), c.end());
  };
}

// What every successfully read record must satisfy, whatever the input.
inline void check_record(const Record& r, const Limits& limits) {
  ECGLITE_FUZZ_CHECK(r.leads.size() <= limits.max_signals);
  ECGLITE_FUZZ_CHECK(std::isfinite(r.sampling_rate_hz) && r.sampling_rate_hz > 0);
  std::uint64_t total = 0;
  for (const Lead& lead : r.leads) {
    ECGLITE_FUZZ_CHECK(lead.samples.size() == r.length());
    total += lead.samples.size();
    for (float v : lead.samples) ECGLITE_FUZZ_CHECK(!std::isinf(v));  // invalid is NaN, never Inf
  }
  ECGLITE_FUZZ_CHECK(total <= limits.max_total_samples);
}

inline void check_wfdb(const WfdbRecord& w, bool expand_frames, const Limits& limits) {
  ECGLITE_FUZZ_CHECK(w.digital.size() == w.signals.size());
  ECGLITE_FUZZ_CHECK(w.signals.size() <= limits.max_signals);
  std::uint64_t total = 0;
  for (const auto& d : w.digital) {
    if (!expand_frames) ECGLITE_FUZZ_CHECK((std::int64_t)d.size() == w.num_samples());
    total += d.size();
  }
  ECGLITE_FUZZ_CHECK(total <= limits.max_total_samples);
  for (std::size_t s = 0; s < w.digital.size(); ++s)
    for (std::size_t i = 0; i < w.digital[s].size(); i += 1 + w.digital[s].size() / 16)
      (void)w.physical((int)s, (std::int64_t)i);
}

}  // namespace ecglite::fuzz
