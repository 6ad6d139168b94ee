// libFuzzer target: beats and rhythm on any record, bytes -> reader -> QRS detection -> rhythm
// summary (+ reference rhythm episodes from an annotation file) -> JSON. The first byte chooses the
// reader (bit 0: CSV or WFDB, split as in fuzz_wfdb_record) and whether the last chunk is an
// annotation file (bit 1).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ecglite/annotations.h"
#include "ecglite/csv.h"
#include "ecglite/rhythm.h"
#include "ecglite/wfdb.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  ecglite::Limits limits = ecglite::fuzz::fuzz_limits();
  limits.max_total_samples = 200'000;  // QRS detection is the slowest stage: keep inputs quick
  auto chunks = ecglite::fuzz::split_chunks(data + 1, size - 1);
  std::vector<ecglite::Annotation> reference;
  bool with_reference = false;
  try {
    if ((data[0] & 2) && chunks.size() > 1) {
      const std::string& last = chunks.back();
      reference = ecglite::parse_annotations(ecglite::Bytes(last.begin(), last.end()), "fuzz.atr", limits)
                      .annotations;
      with_reference = true;
      chunks.pop_back();
    }
    ecglite::Record record;
    if (data[0] & 1) {
      ecglite::CsvOptions options;
      options.limits = limits;
      record = ecglite::read_csv(chunks[0], options, "fuzz.csv");
    } else {
      ecglite::WfdbReadOptions options;
      options.limits = limits;
      record = ecglite::read_wfdb(chunks[0], ecglite::fuzz::chunk_provider(chunks), options).to_record();
    }
    ecglite::fuzz::check_record(record, limits);
    const ecglite::RhythmAnalysis a =
        ecglite::analyze_rhythm(record, nullptr, with_reference ? &reference : nullptr);
    std::int64_t previous = -1;
    for (const auto& beat : a.beats) {
      ECGLITE_FUZZ_CHECK(beat.sample > previous && beat.sample < (std::int64_t)record.length());
      previous = beat.sample;
    }
    (void)ecglite::to_json(a, true);
  } catch (const ecglite::Error&) {
  }
  return 0;
}
