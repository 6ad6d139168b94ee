// classify_beats for part of a record (internal): the streamed analysis gives the beats of a whole
// read range, whose beats within +-150 s of a kept beat are its context (beats.h), but runs the
// network only on the beats of the block it keeps.
#pragma once
#include <cstdint>
#include <vector>

#include "ecglite/beats.h"

namespace ecglite::detail {

// classify_beats' result for the beats with from <= sample < to only (features from all `beats`).
std::vector<Beat> classify_beats_in(const Model& model, const Record& record, const std::vector<std::int64_t>& beats,
                                    std::int64_t from, std::int64_t to);

}  // namespace ecglite::detail
