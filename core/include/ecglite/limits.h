// Resource limits enforced by every reader before it allocates, so that a hostile or corrupt header
// cannot make the CLI, the wasm module or the page allocate gigabytes. Values, where each is enforced
// and the memory the tools need: docs/LIMITS.md.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ecglite {

struct Limits {
  std::size_t max_signals = 64;                    // signals (leads) per record
  // Samples held at once, summed over all signals (~1 h 12-lead @ 900 Hz): a whole record for the
  // whole-record readers (read_wfdb, read_csv, read_edf), one range for a RecordSource.
  std::uint64_t max_total_samples = 40'000'000;
  std::uint64_t max_file_bytes = 512ull << 20;     // any single input file read whole
  // The longest recording a RecordSource opens (30 days), checked from its header before anything is
  // allocated: a long analysis holds a few bytes per beat, so only a corrupt header is longer.
  double max_duration_s = 30 * 86400;
};

// The limits used when a caller passes none.
inline const Limits& default_limits() {
  static const Limits limits;
  return limits;
}

}  // namespace ecglite
