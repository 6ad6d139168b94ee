#include "record_input.h"

#include <sys/stat.h>

#include <cmath>

#include "../core/src/common/text.h"
#include "ecglite/edf.h"
#include "ecglite/error.h"
#include "ecglite/read.h"

namespace ecglite::cli {

namespace {

bool is_regular_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The file name's extension as written ("HEA" for data/100.HEA), "" when it has none.
std::string extension(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  return path.substr(dot + 1);
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

// The core reads a record path without extension or with ".hea"; other forms are mapped to those
// here. `header` is set instead when the header file has an extension the core does not take
// ("100.HEA", as copied from a case-insensitive file system): the CLI reads that file itself.
struct WfdbPath {
  std::string core_path;
  std::string header;
};

WfdbPath locate_wfdb(const std::string& path) {
  const std::string ext = extension(path);
  if (ext == "hea") return {path, ""};
  if (text::lower(ext) == "hea") {
    if (is_regular_file(path)) return {"", path};
    return {path.substr(0, path.size() - 4) + ".hea", ""};  // "100.HEA" typed for 100.hea
  }
  const bool has_header = is_regular_file(path + ".hea");
  if (has_header && is_regular_file(path)) return {path + ".hea", ""};  // another file next to rec.hea
  if (!has_header && is_directory(path)) {
    const std::string dir = path.back() == '/' ? path : path + "/";
    throw Error(ErrorKind::bad_argument, path + ": is a directory, not a record (give a record in it, e.g. " + dir +
                                             "NAME for " + dir + "NAME.hea, or a .csv file)");
  }
  return {path, ""};
}

std::string read_header_text(const std::string& header, const Limits& limits) {
  const std::string file_name = header.substr(header.find_last_of('/') + 1);  // npos + 1 == 0
  const Bytes bytes = make_directory_provider(directory_of(header), limits)(file_name);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

std::set<std::string> with_record_options(std::set<std::string> valued) {
  valued.insert("--rate");
  return valued;
}

RecordReader::RecordReader(const Args& args) {
  if (!args.has("--rate")) return;
  csv_.sampling_rate_hz = args.get_double("--rate", 0);
  if (!(csv_.sampling_rate_hz > 0 && std::isfinite(csv_.sampling_rate_hz)))
    throw UsageError("--rate expects a sampling rate in Hz greater than 0 (e.g. --rate 500)");
}

void RecordReader::check_rate_applies(const std::string& path) const {
  if (csv_.sampling_rate_hz > 0)
    throw Error(ErrorKind::bad_argument,
                path + ": --rate applies to CSV files; " +
                    (is_edf_path(path) ? "EDF/BDF headers" : "WFDB headers") +
                    " state their rate (leave --rate out for this record)");
}

Record RecordReader::read(const std::string& path) const {
  if (is_edf_path(path)) return read_edf(path).to_record();
  if (!is_csv_path(path)) return read_wfdb(path).to_record();
  if (is_directory(path))
    throw Error(ErrorKind::bad_argument, path + ": is a directory, not a CSV file (give a file in it)");
  return read_csv_file(path, csv_);
}

EdfRecord RecordReader::read_edf(const std::string& path) const {
  check_rate_applies(path);
  if (is_directory(path)) throw Error(ErrorKind::bad_argument, path + ": is a directory, not an EDF file");
  return read_edf_file(path);
}

WfdbRecord RecordReader::read_wfdb(const std::string& path, const WfdbReadOptions& options) const {
  check_rate_applies(path);
  const WfdbPath p = locate_wfdb(path);
  if (p.header.empty()) return read_wfdb_file(p.core_path, options);
  const std::string text = read_header_text(p.header, options.limits);
  parse_wfdb_header(text, p.header, options.limits);  // header errors then name the file
  return ecglite::read_wfdb(text, make_directory_provider(directory_of(p.header), options.limits), options);
}

WfdbHeader RecordReader::read_wfdb_header(const std::string& path) const {
  check_rate_applies(path);
  const WfdbPath p = locate_wfdb(path);
  if (p.header.empty()) return read_wfdb_header_file(p.core_path);
  return parse_wfdb_header(read_header_text(p.header, default_limits()), p.header);
}

std::unique_ptr<RecordSource> RecordReader::open_source(const std::string& path) const {
  if (is_csv_path(path)) return memory_record_source(read(path));
  check_rate_applies(path);
  if (is_edf_path(path)) {
    if (is_directory(path)) throw Error(ErrorKind::bad_argument, path + ": is a directory, not an EDF file");
    return open_edf_source(path.substr(path.find_last_of('/') + 1), make_directory_range_provider(directory_of(path)));
  }
  const WfdbPath p = locate_wfdb(path);
  std::string header = p.header;
  if (header.empty()) {
    read_wfdb_header_file(p.core_path);  // the core's path conventions, with their errors
    header = extension(p.core_path) == "hea" ? p.core_path : p.core_path + ".hea";
  }
  return open_wfdb_source(read_header_text(header, default_limits()), header,
                          make_directory_range_provider(directory_of(header)));
}

std::string header_path(const std::string& path) {
  const WfdbPath p = locate_wfdb(path);
  if (!p.header.empty()) return p.header;
  return extension(p.core_path) == "hea" ? p.core_path : p.core_path + ".hea";
}

std::string record_base(const std::string& path) {
  return text::lower(extension(path)) == "hea" ? path.substr(0, path.size() - 4) : path;
}

std::string about_record(const std::string& path, const std::string& message) {
  // Reader messages start with the file at fault, one of the record's ("./100.dat: cannot open ...").
  const std::size_t colon = message.find(": ");
  const bool named =
      colon != std::string::npos && message.substr(0, colon).find(record_base(path)) != std::string::npos;
  return named ? message : path + ": " + message;
}

}  // namespace ecglite::cli
