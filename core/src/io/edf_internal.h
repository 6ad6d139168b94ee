// Internal interfaces of the EDF reader shared with its ranged reader (edf_source.cpp).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ecglite/edf.h"

namespace ecglite::edf {

// One stored sample: 16-bit (EDF) or 24-bit (BDF) little-endian two's complement.
std::int32_t decode_sample(const std::uint8_t* p, bool bdf);

// The annotations (TALs) of every annotation signal of data record `k`, whose bytes start at `record`
// (`signal_offset`: where each signal starts in it), appended to `out`. Returns the onset of the
// first annotation signal's first TAL, the record's time-keeping annotation, if any. Error (bad_data)
// naming `source`, the data record and the byte for a malformed list.
std::optional<double> record_annotations(const EdfHeader& header, const std::uint8_t* record,
                                         const std::vector<std::int64_t>& signal_offset, std::int64_t k,
                                         const std::string& source, std::vector<EdfAnnotation>& out);

// rec.record_onsets_s from the data records' time-keeping onsets (`keeping`, one per data record):
// continuous files from the first one on, EDF+D where each says (Error for a missing or overlapping
// one); a warning in rec.warnings when an EDF+C file's records do not follow each other.
void place_records(EdfRecord& rec, const std::vector<std::optional<double>>& keeping, const std::string& source);

}  // namespace ecglite::edf
