// How the commands read the records named on their command line: one place for --rate (what a CSV
// file without a time column needs) and for the path conventions the core's file layer does not
// know: a header with an upper-case extension (100.HEA), a directory given as a record.
#pragma once
#include <memory>
#include <set>
#include <string>

#include "args.h"
#include "ecglite/csv.h"
#include "ecglite/edf.h"
#include "ecglite/record.h"
#include "ecglite/record_source.h"
#include "ecglite/wfdb.h"

namespace ecglite::cli {

// The valued options of a command that reads records: its own `valued` plus --rate.
std::set<std::string> with_record_options(std::set<std::string> valued);

class RecordReader {
 public:
  // Takes --rate from `args`; UsageError when its value is not a sampling rate.
  explicit RecordReader(const Args& args);

  // A CSV file, EDF/BDF file or WFDB record, as read_record_file reads it. --rate applies to CSV files
  // only: with another record (and in the functions below) it is an Error, not silently ignored.
  Record read(const std::string& path) const;
  EdfRecord read_edf(const std::string& path) const;
  WfdbRecord read_wfdb(const std::string& path, const WfdbReadOptions& options = {}) const;
  WfdbHeader read_wfdb_header(const std::string& path) const;
  // The record as a RecordSource (record_source.h): WFDB and EDF/BDF read in ranges, CSV whole. The
  // same paths and errors as read().
  std::unique_ptr<RecordSource> open_source(const std::string& path) const;

 private:
  void check_rate_applies(const std::string& path) const;
  CsvOptions csv_;
};

// The .hea file of a WFDB record path ("data/100" -> "data/100.hea"; "data/100.HEA" as given).
std::string header_path(const std::string& path);

// A WFDB record path without its header extension, whatever its case ("data/100.HEA" -> "data/100"):
// what its annotation files are named after. Other paths are returned as given.
std::string record_base(const std::string& path);

// `message` about the record `path`, starting with the path unless it starts with one of the
// record's files already, as reader messages usually do ("data/100.dat: cannot open ...").
std::string about_record(const std::string& path, const std::string& message);

}  // namespace ecglite::cli
