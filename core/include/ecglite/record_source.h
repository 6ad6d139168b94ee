// Records read in ranges of frames, for recordings too long to hold whole (a 24-hour Holter, a 14-day
// patch): the long-record analysis (analyze_rhythm on a RecordSource, rhythm.h) reads one block at a
// time, so memory is bounded by the range, not by the record. Formats with a fixed number of bytes per
// frame are entered in the middle: only the bytes a range needs are read (pread on disk, Blob.slice
// in the browser). Whole-record readers (read_wfdb, read_edf, read_csv) stay as they are.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ecglite/csv.h"
#include "ecglite/edf.h"
#include "ecglite/limits.h"
#include "ecglite/record.h"
#include "ecglite/wfdb.h"

namespace ecglite {

// What a long-record analysis needs to know before reading samples.
struct RecordInfo {
  std::string name;
  double sampling_rate_hz = 0;
  std::vector<std::string> lead_names;   // as Record::leads[i].name
  std::vector<std::string> lead_units;   // as Record::leads[i].units
  std::int64_t length = 0;               // frames
  std::vector<std::string> comments;
  std::vector<std::string> warnings;
  std::optional<ClockTime> start_time;  // clock time of frame 0, as Record::start_time
  double duration_s() const { return sampling_rate_hz > 0 ? length / sampling_rate_hz : 0; }
};

// A record read in ranges of frames: memory is bounded by the range, not by the record.
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  virtual const RecordInfo& info() const = 0;
  // Frames [from, to) of every lead (same names, units and rate as a whole-record read), decoding
  // only the bytes the range needs where the format allows. Error(bad_argument) for a bad range;
  // Error(limit) when (to-from)*leads exceeds limits.max_total_samples.
  virtual Record read(std::int64_t from, std::int64_t to) = 0;
};

// Byte ranges of the files a record consists of (CLI: pread on disk; browser: Blob.slice).
struct ByteRangeProvider {
  std::function<std::uint64_t(const std::string& file_name)> size;   // Error(missing_file) when absent
  std::function<Bytes(const std::string& file_name, std::uint64_t offset, std::uint64_t length)> read;
};

// Files of `directory` on disk, by plain name (a name with a path is refused, as for
// make_directory_provider); read with pread, so a range costs only its bytes.
ByteRangeProvider make_directory_range_provider(const std::string& directory);

// WFDB record from its header text; signal files read in ranges (formats with a fixed number of bytes
// per frame: 8, 16, 24, 32, 61, 80, 160, 212, 310, 311; multi-segment records map a range onto their
// segments). Formats that cannot be entered in the middle (FLAC) fall back to decoding the whole file
// once, under the limits. Format 8 (first differences) is decoded from the start of the file, with
// checkpoints so that reading the record front to back decodes each byte about once. Ranged reads do
// not verify checksums (that needs every sample); reading the whole record, range [0, length), does,
// as read_wfdb. `header_name` names the header in messages ("" for "<record>.hea").
std::unique_ptr<RecordSource> open_wfdb_source(const std::string& header_text, const std::string& header_name,
                                               ByteRangeProvider files, const Limits& limits = default_limits());

// EDF/BDF file read in ranges of data records (EDF, EDF+C, BDF, BDF+C). An EDF+D file, whose timeline
// needs every data record's time-keeping annotation, is read whole once, under the limits.
std::unique_ptr<RecordSource> open_edf_source(const std::string& file_name, ByteRangeProvider files,
                                              const Limits& limits = default_limits());

// The annotations of an EDF+/BDF+ file (`EDF Annotations` signals), read in ranges of data records a
// few MB at a time, so a 24-hour file is never held whole: the EdfRecord read_edf returns without its
// samples (`digital` empty; header, name, annotations, record_onsets_s, warnings), for
// EdfRecord::wfdb_annotations. A plain EDF/BDF file has none (no data record is read). Errors as
// read_edf's for a malformed annotation list.
EdfRecord read_edf_annotations(const std::string& file_name, ByteRangeProvider files,
                               const Limits& limits = default_limits());

// A record already in memory (CSV, short records, tests).
std::unique_ptr<RecordSource> memory_record_source(Record record);

// CLI: a path as read_record_file takes it (WFDB and EDF ranged, CSV read whole).
std::unique_ptr<RecordSource> open_record_source(const std::string& path, const CsvOptions& csv_options = {},
                                                 const Limits& limits = default_limits());

}  // namespace ecglite
