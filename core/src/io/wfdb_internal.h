// Internal interfaces shared by the wfdb_*.cpp files (not part of the public API).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ecglite/record_source.h"
#include "ecglite/wfdb.h"

namespace ecglite::wfdb {

// --- wfdb_decode.cpp: per-format sample decoding, pure functions over a byte span ---

// Number of whole samples that `num_bytes` bytes of a format-`format` stream hold (a sample counts
// once every byte rdsamp reads for it is present, so 2 bytes of format 212 hold 1 sample).
std::int64_t samples_in_bytes(int format, std::int64_t num_bytes);

// Bytes a stream of `num_samples` samples occupies (rounded up), for messages.
std::int64_t bytes_for_samples(int format, std::int64_t num_samples);

// Decodes stream samples [first, first + count) of `data` into `out`, as stored: first differences
// for format 8, and the format's invalid sentinel (see invalid_sentinel) left as is. The caller
// guarantees first + count <= samples_in_bytes(format, size).
void decode_samples(int format, const std::uint8_t* data, std::size_t size, std::int64_t first,
                    std::int64_t count, std::int32_t* out);

// The raw value that marks an invalid sample in this format; none for format 8 (and 0).
std::optional<std::int32_t> invalid_sentinel(int format);

// --- wfdb_flac.cpp: FLAC-compressed signal files (formats 508, 516, 524), decoded with libFLAC ---

bool is_flac_format(int format);  // 508, 516, 524
bool flac_supported();            // this build has libFLAC

// A FLAC signal file: one channel per signal of the file; all its signals have the same samples per
// frame (a WFDB rule for FLAC files).
struct FlacLayout {
  int channels = 1;
  int samples_per_frame = 1;
  int bits = 16;  // format - 500: the widest sample the stream may hold
};

// Decodes the FLAC stream of a signal file into WFDB frame order (frame f: the spf samples of the
// file's first signal, then of its second, ...), whole frames only. Stops once `want_frames` frames
// are decoded (all of the stream when negative). Throws bad_data for a corrupt stream or one whose
// channels or sample width disagree with `layout`, limit before storing more than `max_values`
// values, unsupported_format in a build without libFLAC. `file_name` prefixes messages.
std::vector<std::int32_t> decode_flac(const std::uint8_t* data, std::size_t size, const FlacLayout& layout,
                                      std::int64_t want_frames, std::uint64_t max_values,
                                      const std::string& file_name);

// --- wfdb_signals.cpp: one single-segment record (groups, frames, skew, checksums) ---

// Where a record's files come from: whole files (read_wfdb: every sample decoded, checksums verified),
// or byte ranges (a RecordSource: only the bytes a range of frames needs; no checksums).
struct SignalFiles {
  FileProvider whole;
  std::shared_ptr<const ByteRangeProvider> ranged;  // set: ranged reading
  // A file read whole (headers, FLAC streams), at most limits.max_file_bytes when ranged.
  Bytes file(const std::string& name, const Limits& limits) const;
};

// Linear re-scaling of a segment's samples to the layout's gain and baseline, as WFDB's sigmap does
// for variable-layout records: out = floor(in * scale + offset), invalid stays invalid.
struct SampleMap {
  int source = -1;       // signal of the segment feeding this output; -1: not present (invalid)
  bool identity = true;
  double scale = 1;
  double offset = 0;
};

class SegmentReader {
 public:
  // Loads and checks the signal files of a single-segment header. `name` is the header's file name
  // for messages. `pad_skew`: frames past the end of a skewed signal are invalid and the length is
  // kept (segments of a multi-segment record); otherwise, as rdsamp, the last `max skew` frames are
  // dropped.
  SegmentReader(const WfdbHeader& header, std::string name, const SignalFiles& files,
                const Limits& limits, bool pad_skew);

  // Frames this record yields (header length, or inferred from the file sizes).
  std::int64_t num_frames() const { return num_frames_; }

  // Appends frames [from, to) of the signals `maps` describe to `out` (one vector per map; spf
  // samples per frame when `expand`, else the frame average as rdsamp). Also verifies checksums when
  // the whole length is decoded, storing the sums in `checksums` (per header signal).
  void read(const std::vector<SampleMap>& maps, const std::vector<int>& out_spf, std::int64_t from,
            std::int64_t to, bool expand, std::vector<std::vector<std::int32_t>>& out,
            std::vector<std::optional<std::uint16_t>>& checksums, std::vector<std::string>& warnings) const;

 private:
  struct Group {
    int first_signal = 0;
    int num_signals = 0;
    int format = 0;
    int frame_size = 0;         // samples per frame, all signals of the group
    std::int64_t offset = 0;    // byte offset of sample 0
    std::string file_name;
    Bytes bytes;                // whole reading: the file
    std::int64_t size = 0;      // bytes in the file
    // Format 8 when ranged: the running value of each signal at the start of raw frames 0,
    // chunk, 2 chunk, ... decoded so far, so that the next range starts from the nearest one.
    mutable std::map<std::int64_t, std::vector<std::int64_t>> checkpoints;
    std::vector<std::int32_t> flac_values;  // FLAC formats: the decoded stream, in frame order
    std::int64_t frames = 0;    // whole frames in the file
  };
  // Throws when the file holds fewer frames than the header's `length` (0: unknown).
  void check_length(const Group& g, std::int64_t length, std::int64_t size) const;
  void load_flac(Group& g, std::int64_t length, const Limits& limits, std::uint64_t& decoded_values);
  // Stream samples [first, first + count) of a ranged group: only their bytes are read.
  void decode_range(const Group& g, std::int64_t first, std::int64_t count, std::int32_t* out) const;

  const WfdbHeader& header_;
  std::string name_;
  std::vector<Group> groups_;
  std::vector<int> skew_frames_;  // per header signal
  int max_skew_ = 0;
  std::int64_t num_frames_ = 0;
  std::int64_t decode_frames_ = 0;  // raw frames decoded (>= num_frames_ + skews as available)
  bool verify_checksums_ = false;
  bool pad_skew_ = false;
  std::shared_ptr<const ByteRangeProvider> ranged_;  // set: groups are read in byte ranges
};

// --- wfdb_record.cpp ---

// read_wfdb with the header's file name (or path) for messages; "" for "<record name>.hea".
WfdbRecord read_wfdb_named(const std::string& header_text, const std::string& header_name,
                           const FileProvider& files, const WfdbReadOptions& options);
// The same with files whole or ranged (see SignalFiles).
WfdbRecord read_wfdb_named(const std::string& header_text, const std::string& header_name,
                           const SignalFiles& files, const WfdbReadOptions& options);

// --- wfdb_header.cpp ---

std::string format_list();  // "8, 16, 24, ..." for messages

// Header text in messages: at most `max_bytes` (whole UTF-8 characters), then "...".
std::string short_text(const std::string& s, std::size_t max_bytes = 40);
std::string quoted(const std::string& s);  // 'short_text(s)'

// Text from a file made safe to store and show: ends at a NUL, non-UTF-8 bytes read as Latin-1,
// control characters other than tab and CR replaced by '?'. Header lines and annotation aux text.
std::string clean_text_line(const std::string& raw);

// "signal 2 (V1)" for messages.
std::string signal_label(const WfdbSignalSpec& s, int index);

// Error(bad_header) unless `name` is a plain file name: the files a header names must lie in the
// record's own directory (a path there could read anything on disk).
void check_plain_name(const std::string& name);

// Error text for FLAC formats 508/516/524 in a build without libFLAC, naming `what`.
std::string unsupported_format_message(const std::string& what, int format);

}  // namespace ecglite::wfdb
