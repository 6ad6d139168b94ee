// Checks and helpers every RecordSource shares (record_source.cpp), for the ranged readers
// (wfdb_source.cpp, edf_source.cpp).
#pragma once
#include <cstdint>
#include <string>

#include "ecglite/limits.h"
#include "ecglite/record.h"
#include "ecglite/record_source.h"

namespace ecglite::source {

// Error(limit) when `frames` at `sampling_rate_hz` last longer than limits.max_duration_s: called with
// the header's numbers before anything is allocated; the message names the duration, the cap and what to do.
void check_duration(const std::string& name, double frames, double sampling_rate_hz, const Limits& limits);

// Error(bad_argument) unless 0 <= from <= to <= info.length; Error(limit) when the range holds more
// than limits.max_total_samples samples over all leads.
void check_range(const RecordInfo& info, std::int64_t from, std::int64_t to, const Limits& limits);

// The RecordInfo of a record in memory (names, units, length, comments, warnings).
RecordInfo info_of(const Record& record);

// Frames [from, to) of `record` (checked by the caller).
Record slice(const Record& record, std::int64_t from, std::int64_t to);

}  // namespace ecglite::source
