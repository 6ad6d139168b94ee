// WFDB signal file formats: bytes -> stored sample values. Bit layouts follow the WFDB specification
// (wfdb-spec SIGNALS.md) and the reading order of the WFDB library's r*() routines, which decides
// when a partly present trailing sample counts (rdsamp stops at the first byte it cannot read).
#include <cstdint>

#include "ecglite/error.h"
#include "wfdb_internal.h"

namespace ecglite::wfdb {

namespace {

inline std::int32_t u16le(const std::uint8_t* p) { return p[0] | (p[1] << 8); }

inline std::int32_t sign_extend(std::int32_t v, int bits) {
  const std::int32_t sign = 1 << (bits - 1);
  v &= (sign << 1) - 1;
  return (v ^ sign) - sign;
}

// Bytes needed (from the start of the stream) to read samples 0..k inclusive.
std::int64_t end_byte_of_sample(int format, std::int64_t k) {
  switch (format) {
    case 8:
    case 80: return k + 1;
    case 16:
    case 61:
    case 160: return 2 * k + 2;
    case 24: return 3 * k + 3;
    case 32: return 4 * k + 4;
    case 212: return 3 * (k / 2) + (k % 2 == 0 ? 2 : 3);
    case 310: return 4 * (k / 3) + (k % 3 == 0 ? 2 : 4);
    case 311: return 4 * (k / 3) + 2 + k % 3;
    default: throw Error("internal: no byte layout for format " + std::to_string(format));
  }
}

}  // namespace

std::int64_t samples_in_bytes(int format, std::int64_t num_bytes) {
  if (num_bytes <= 0) return 0;
  switch (format) {
    case 8:
    case 80: return num_bytes;
    case 16:
    case 61:
    case 160: return num_bytes / 2;
    case 24: return num_bytes / 3;
    case 32: return num_bytes / 4;
    case 212:
    case 310:
    case 311: {
      // Whole packs (2 samples / 3 bytes, 3 samples / 4 bytes), then what the tail can hold.
      const std::int64_t pack_bytes = format == 212 ? 3 : 4, pack_samples = format == 212 ? 2 : 3;
      std::int64_t n = num_bytes / pack_bytes * pack_samples;
      while (end_byte_of_sample(format, n) <= num_bytes) ++n;
      return n;
    }
    default: throw Error("internal: no byte layout for format " + std::to_string(format));
  }
}

std::int64_t bytes_for_samples(int format, std::int64_t num_samples) {
  return num_samples <= 0 ? 0 : end_byte_of_sample(format, num_samples - 1);
}

std::optional<std::int32_t> invalid_sentinel(int format) {
  switch (format) {
    case 16:
    case 61:
    case 160:
    case 516: return -32768;
    case 80:
    case 508: return -128;
    case 212: return -2048;
    case 310:
    case 311: return -512;
    case 24:
    case 524: return -(1 << 23);
    case 32: return INT32_MIN;
    default: return std::nullopt;  // format 8 stores differences; every value is valid
  }
}

void decode_samples(int format, const std::uint8_t* d, std::size_t size, std::int64_t first,
                    std::int64_t count, std::int32_t* out) {
  if (count <= 0) return;
  if (first < 0 || end_byte_of_sample(format, first + count - 1) > (std::int64_t)size)
    throw Error("internal: decode_samples past the end of the data");
  const std::int64_t last = first + count;
  switch (format) {
    case 8:
      for (std::int64_t k = first; k < last; ++k) *out++ = static_cast<std::int8_t>(d[k]);
      break;
    case 16:
      for (std::int64_t k = first; k < last; ++k) *out++ = static_cast<std::int16_t>(u16le(d + 2 * k));
      break;
    case 61:
      for (std::int64_t k = first; k < last; ++k)
        *out++ = static_cast<std::int16_t>((d[2 * k] << 8) | d[2 * k + 1]);
      break;
    case 80:
      for (std::int64_t k = first; k < last; ++k) *out++ = static_cast<std::int32_t>(d[k]) - 128;
      break;
    case 160:
      for (std::int64_t k = first; k < last; ++k) *out++ = u16le(d + 2 * k) - 32768;
      break;
    case 24:
      for (std::int64_t k = first; k < last; ++k) {
        const std::uint8_t* p = d + 3 * k;
        *out++ = sign_extend(p[0] | (p[1] << 8) | (p[2] << 16), 24);
      }
      break;
    case 32:
      for (std::int64_t k = first; k < last; ++k) {
        const std::uint8_t* p = d + 4 * k;
        *out++ = static_cast<std::int32_t>(static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
                                           (static_cast<std::uint32_t>(p[2]) << 16) |
                                           (static_cast<std::uint32_t>(p[3]) << 24));
      }
      break;
    case 212:
      // Sample 2n: the low 12 bits of the little-endian pair (3n, 3n+1); sample 2n+1: the high
      // nibble of byte 3n+1 above byte 3n+2.
      for (std::int64_t k = first; k < last; ++k) {
        const std::uint8_t* p = d + 3 * (k / 2);
        const std::int32_t v = (k % 2 == 0) ? (p[0] | ((p[1] & 0x0f) << 8)) : (p[2] | ((p[1] & 0xf0) << 4));
        *out++ = sign_extend(v, 12);
      }
      break;
    case 310:
      // Two little-endian words w0, w1 hold samples 3n and 3n+1 in bits 1..10; sample 3n+2 is the
      // top 5 bits of w0 (low half) and of w1 (high half).
      for (std::int64_t k = first; k < last; ++k) {
        const std::uint8_t* p = d + 4 * (k / 3);
        std::int32_t v;
        switch (k % 3) {
          case 0: v = u16le(p) >> 1; break;
          case 1: v = u16le(p + 2) >> 1; break;
          default: v = ((u16le(p) & 0xf800) >> 11) | ((u16le(p + 2) & 0xf800) >> 6); break;
        }
        *out++ = sign_extend(v, 10);
      }
      break;
    case 311:
      // A little-endian 32-bit word holds samples 3n, 3n+1, 3n+2 in bits 0-9, 10-19, 20-29.
      for (std::int64_t k = first; k < last; ++k) {
        const std::uint8_t* p = d + 4 * (k / 3);
        std::int32_t v;
        switch (k % 3) {
          case 0: v = u16le(p); break;
          case 1: v = (p[1] >> 2) | (p[2] << 6); break;
          default: v = (p[2] >> 4) | (p[3] << 4); break;
        }
        *out++ = sign_extend(v, 10);
      }
      break;
    default: throw Error("internal: no decoder for format " + std::to_string(format));
  }
}

}  // namespace ecglite::wfdb
