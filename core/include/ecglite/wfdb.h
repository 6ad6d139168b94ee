// WFDB records: header parsing and signal decoding, from memory (the browser has no file system) or
// from disk (the CLI). Formats 8, 16, 24, 32, 61, 80, 160, 212, 310, 311 and, in builds with libFLAC,
// the FLAC-compressed 508, 516, 524 (WFDB 10.7); multi-file, multi-frequency,
// skewed, byte-offset (.mat) and multi-segment records. Digital values match the WFDB `rdsamp` tool.
#pragma once
#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ecglite/clock_time.h"
#include "ecglite/limits.h"
#include "ecglite/record.h"

namespace ecglite {

using Bytes = std::vector<std::uint8_t>;

// One signal line of a header.
struct WfdbSignalSpec {
  std::string file_name;          // signal file ("100.dat"), "~" for a null segment signal
  int format = 0;                 // 8, 16, 24, 32, 61, 80, 160, 212, 310, 311, 508, ...
  int samples_per_frame = 1;      // the "x" suffix
  int skew = 0;                   // the ":" suffix, in samples as written in the header
  std::int64_t byte_offset = 0;   // the "+" suffix
  double gain = 200;              // ADC units per physical unit (0 or absent in the header: 200)
  bool gain_given = false;        // a non-zero gain is written in the header
  double baseline = 0;            // digital value of physical zero (defaults to adc_zero)
  std::string units = "mV";       // "mV" when absent
  int adc_resolution = 0;         // bits; when absent, the format's default as in WFDB (12 for 16)
  int adc_zero = 0;
  std::int64_t initial_value = 0; // defaults to adc_zero
  std::optional<int> checksum;    // 16-bit checksum of all samples, when given
  int block_size = 0;
  std::string description;        // the lead name ("MLII", "V1", "I", ...), "" when absent
};

// One segment of a multi-segment record, as listed in the master header.
struct WfdbSegmentSpec {
  std::string record_name;        // "~" for a null (gap) segment
  std::int64_t length = 0;
};

struct WfdbHeader {
  std::string record_name;
  int num_signals = 0;
  double sampling_rate_hz = 250;        // frames per second ("sampling frequency" in WFDB)
  double counter_frequency = 0;         // 0 when absent
  double base_counter = 0;
  std::optional<std::int64_t> length;   // samples per signal (frames); absent in some headers
  std::string base_time;                // as written, "" when absent
  std::string base_date;                // dd/mm/yyyy as written ("12-May-2020" becomes "12/05/2020")
  // The base time (and date) as a clock time: absent without a base time, and when it is no real
  // time of day or date ("25:00:00", "31/02/2020": a warning says it was left out).
  std::optional<ClockTime> start_time;
  std::vector<WfdbSignalSpec> signals;
  std::vector<WfdbSegmentSpec> segments;  // non-empty for multi-segment records
  std::vector<std::string> comments;      // comment lines, without the leading '#'
  // Forms WFDB does not write but real headers do, read anyway and named here (the CinC Challenge
  // 2020/2021 "12-May-2020 12:33:59" base date and time, a record name "E07520.mat").
  std::vector<std::string> warnings;

  bool is_multi_segment() const { return !segments.empty(); }
  int max_samples_per_frame() const;
};

// Parses header text. Throws Error naming `source_name` and the offending line on malformed input
// (including more signals than limits.max_signals, checked before any signal is stored).
WfdbHeader parse_wfdb_header(const std::string& text, const std::string& source_name = "header",
                             const Limits& limits = default_limits());

// True for the formats read_wfdb decodes (0 = null signal, 8, 16, 24, 32, 61, 80, 160, 212, 310,
// 311; FLAC 508/516/524 when built with libFLAC, otherwise they parse but read_wfdb refuses them with
// a message saying so).
bool is_supported_wfdb_format(int format);

// Returns the bytes of a file belonging to the record (signal file or segment header), by the name the
// header uses. Throws Error when it cannot be provided.
using FileProvider = std::function<Bytes(const std::string& file_name)>;

// A FileProvider over an in-memory map (what the browser gives us). The error for a missing file
// names it and says that it must be provided together with the header.
FileProvider make_memory_provider(std::map<std::string, Bytes> files);

// A FileProvider reading from `directory` on disk (CLI). Refuses files larger than
// limits.max_file_bytes before reading them, and names that are paths rather than file names.
FileProvider make_directory_provider(const std::string& directory, const Limits& limits = default_limits());

struct WfdbReadOptions {
  // false (default): multi-frequency signals are averaged to one sample per frame, as rdsamp does.
  // true: every sample is returned (signals then have different lengths).
  bool expand_frames = false;
  // Frames [from, to) are returned; `to` absent: up to the end of the record. Samples outside the
  // range are still decoded (checksums need them) but not stored, so limits apply to the range.
  std::int64_t from = 0;
  std::optional<std::int64_t> to;
  // Indices of the signals to return, in this order (repeats allowed); empty: all signals.
  std::vector<int> signals;
  Limits limits = default_limits();
};

// Marks an invalid sample in WfdbRecord::digital (the format's sentinel value, e.g. -32768 for
// format 16, -2048 for 212, -128 for 80; format 8 has none). Its physical value is NaN.
constexpr std::int32_t kInvalidSample = INT32_MIN;

// What rdsamp prints for an invalid sample in digital mode, whatever the format (WFDB_INVALID_SAMPLE).
constexpr std::int32_t kWfdbInvalidPrinted = -32768;

struct WfdbRecord {
  WfdbHeader header;                          // for multi-segment records: the master header, with the
                                              // signal specs of the first non-null segment layout
  std::vector<WfdbSignalSpec> signals;        // the signals actually returned (one per column)
  std::vector<std::vector<std::int32_t>> digital;  // [signal][sample]
  std::vector<std::string> warnings;          // e.g. "signal 2 (V1): checksum mismatch (...)"
  // Per header signal: the 16-bit sum of its samples when the whole signal was decoded (single-
  // segment records with a length), to compare with WfdbSignalSpec::checksum.
  std::vector<std::optional<std::uint16_t>> computed_checksums;
  std::int64_t first_sample = 0;              // frame index of digital[s][0] (options.from)
  std::int64_t record_length = 0;             // frames in the whole record (known or inferred)

  std::int64_t num_samples() const { return digital.empty() ? 0 : (std::int64_t)digital[0].size(); }
  // Exact physical value (double) of one sample; NaN for kInvalidSample.
  double physical(int signal, std::int64_t sample) const;
  // Converts to the common record model (float physical values), the input of every analysis.
  // Throws Error for records read with expand_frames whose signals have different lengths, and
  // when every signal's samples contradict a (not all-zero) checksum in the header: analysing
  // another record's signal file would give a confident wrong answer. (read_wfdb itself only warns,
  // so `ecglite info`/`dump` still show such a file.)
  Record to_record() const;
};

WfdbRecord read_wfdb(const std::string& header_text, const FileProvider& files,
                     const WfdbReadOptions& options = {});

// Convenience for the CLI: `path` is a record path without extension or a path to the .hea file.
WfdbRecord read_wfdb_file(const std::string& path, const WfdbReadOptions& options = {});

// The header of a record on disk (no signal file is read): `path` as for read_wfdb_file.
WfdbHeader read_wfdb_header_file(const std::string& path, const Limits& limits = default_limits());

}  // namespace ecglite
