// Internal interfaces of the EDF reader shared with its ranged reader (edf_source.cpp).
#pragma once
#include <cstdint>

namespace ecglite::edf {

// One stored sample: 16-bit (EDF) or 24-bit (BDF) little-endian two's complement.
std::int32_t decode_sample(const std::uint8_t* p, bool bdf);

}  // namespace ecglite::edf
