// Where a record's files come from: an in-memory map (the browser hands us the dropped files) or a
// directory on disk (the CLI), and the CLI's record path conventions ("data/100" or "data/100.hea").
#include <sys/stat.h>

#include <memory>
#include <string>

#include "../common/text.h"
#include "ecglite/error.h"
#include "ecglite/read.h"
#include "ecglite/wfdb.h"
#include "wfdb_internal.h"

namespace ecglite {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}


// A record's own files: what to do when one is missing.
Bytes read_wfdb_part(const std::string& path, const Limits& limits) {
  FileWords words;
  words.advice = "a WFDB record needs its .hea and all its signal files side by side";
  return read_file(path, limits, words);
}

struct RecordPath {
  std::string directory;  // "." when the path has none
  std::string record;     // file stem of the header
  std::string header;     // path of the .hea file
};

bool is_regular_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Why a file that is not a header cannot be read as a record, and what to give instead.
Error not_a_header(const std::string& path) {
  const std::size_t slash = path.find_last_of('/'), dot = path.find_last_of('.');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash + 1)) {
    const std::string stem = path.substr(0, dot);
    const std::string ext = text::lower(path.substr(dot + 1));
    if (is_regular_file(stem + ".hea"))
      return Error(ErrorKind::bad_argument, path + ": a file of the WFDB record " + stem + ", not its header (give " +
                                                stem + " or " + stem + ".hea)");
    if (ext == "edf" || ext == "bdf")
      return Error(ErrorKind::bad_argument, path + ": an EDF/BDF file, not a WFDB record (read it as an EDF file)");
    if (ext == "xml" || ext == "scp" || ext == "pdf")
      return Error(ErrorKind::unsupported_format, path + ": ." + ext +
                                                      " ECG files are not read (EcgLite reads WFDB records and "
                                                      "CSV files: export the samples as CSV)");
  }
  return Error(ErrorKind::unsupported_format, path +
                                                  ": not a WFDB header (give the record name without "
                                                  "extension, e.g. data/100, or its .hea file)");
}

RecordPath split_record_path(const std::string& path) {
  if (!ends_with(path, ".hea") && is_regular_file(path)) throw not_a_header(path);
  RecordPath r;
  const std::string base = ends_with(path, ".hea") ? path.substr(0, path.size() - 4) : path;
  const std::size_t slash = base.find_last_of('/');
  r.directory = slash == std::string::npos ? "." : base.substr(0, slash == 0 ? 1 : slash);
  r.record = slash == std::string::npos ? base : base.substr(slash + 1);
  if (r.record.empty())
    throw Error(ErrorKind::bad_argument, path + ": no record name (give e.g. data/100 or data/100.hea)");
  r.header = base + ".hea";
  return r;
}

}  // namespace

FileProvider make_memory_provider(std::map<std::string, Bytes> files) {
  auto shared = std::make_shared<const std::map<std::string, Bytes>>(std::move(files));
  return [shared](const std::string& name) -> Bytes {
    auto it = shared->find(name);
    if (it == shared->end())
      throw Error(ErrorKind::missing_file,
                  name +
                      ": file not provided (select it together with the .hea header: a WFDB record "
                      "needs the header and every file it names)");
    return it->second;
  };
}

FileProvider make_directory_provider(const std::string& directory, const Limits& limits) {
  return [directory, limits](const std::string& name) -> Bytes {
    wfdb::check_plain_name(name);
    return read_wfdb_part(directory + "/" + name, limits);
  };
}

WfdbRecord read_wfdb_file(const std::string& path, const WfdbReadOptions& options) {
  const RecordPath rp = split_record_path(path);
  const Bytes header = read_wfdb_part(rp.header, options.limits);
  return wfdb::read_wfdb_named(std::string(header.begin(), header.end()), rp.header,
                               make_directory_provider(rp.directory, options.limits), options);
}

WfdbHeader read_wfdb_header_file(const std::string& path, const Limits& limits) {
  const RecordPath rp = split_record_path(path);
  const Bytes header = read_wfdb_part(rp.header, limits);
  return parse_wfdb_header(std::string(header.begin(), header.end()), rp.header, limits);
}

namespace wfdb {

// A header names files relative to its record; a path there could read anything on disk.
void check_plain_name(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find_first_of("/\\") != std::string::npos ||
      name.find('\0') != std::string::npos)
    throw Error(ErrorKind::bad_header, "'" + name +
                                           "': not a plain file name (a WFDB header must name files in its own "
                                           "directory, without a path)");
}

}  // namespace wfdb

}  // namespace ecglite
