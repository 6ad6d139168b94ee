// libFuzzer target: every WFDB signal decoder. The first bytes choose the format and the signal
// layout (signals, samples per frame, skew, byte offset, length claim); the rest is the signal
// file. Covers what fuzz_wfdb_record reaches only slowly: well-formed headers over garbage data.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ecglite/wfdb.h"
#include "fuzz_support.h"

namespace {
// The formats the reader decodes (0: null; 508/516/524: FLAC, refused in a build without libFLAC),
// then some it must refuse. Seeds (scripts/reference/make_fuzz_seeds.py) index this order.
const int kFormats[] = {8, 16, 24, 32, 61, 80, 160, 212, 310, 311, 0, 508, 516, 524, 1, 999};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 6) return 0;
  const int format = kFormats[data[0] % (sizeof kFormats / sizeof kFormats[0])];
  const int num_signals = 1 + data[1] % 4;
  const int samples_per_frame = 1 + (data[2] & 3);
  const bool mixed_frames = data[2] & 4;      // only signal 0 gets samples_per_frame
  const int skew = (data[2] >> 3) & 3;
  const bool two_files = data[2] & 32;        // odd signals in a second file (same bytes)
  const bool expand = data[2] & 64;
  const int byte_offset = data[3] % 8;
  const int length_mode = data[4] % 4;        // absent, from the data size, 1, from data[5]
  const std::string file(reinterpret_cast<const char*>(data) + 6, size - 6);

  long long frames = (long long)file.size() * 8 / (16LL * num_signals * samples_per_frame) + 1;
  std::string header = "fuzz " + std::to_string(num_signals) + " 360";
  if (length_mode == 1) header += " " + std::to_string(frames);
  if (length_mode == 2) header += " 1";
  if (length_mode == 3) header += " " + std::to_string(data[5] * 37);
  header += "\n";
  for (int s = 0; s < num_signals; ++s) {
    header += (two_files && (s & 1)) ? "fuzz_b.dat " : "fuzz.dat ";
    header += std::to_string(format);
    if (!mixed_frames || s == 0) header += "x" + std::to_string(samples_per_frame);
    if (s == 1 && skew) header += ":" + std::to_string(skew);
    if (byte_offset) header += "+" + std::to_string(byte_offset);
    header += " 200/mV 12 0 0 0 0 S" + std::to_string(s) + "\n";
  }

  ecglite::WfdbReadOptions options;
  options.expand_frames = expand;
  options.limits = ecglite::fuzz::fuzz_limits();
  ecglite::Bytes bytes(file.begin(), file.end());
  try {
    const ecglite::WfdbRecord w = ecglite::read_wfdb(
        header, ecglite::make_memory_provider({{"fuzz.dat", bytes}, {"fuzz_b.dat", bytes}}), options);
    ecglite::fuzz::check_wfdb(w, expand, options.limits);
    if (!expand) ecglite::fuzz::check_record(w.to_record(), options.limits);
  } catch (const ecglite::Error&) {
  }
  return 0;
}
