// The file-system layer of the core, for the CLI, the eval library and tests (the browser hands the
// core bytes, never paths): whole files read with the size limit, and records opened by path.
#pragma once
#include <string>

#include "ecglite/csv.h"
#include "ecglite/limits.h"
#include "ecglite/record.h"
#include "ecglite/wfdb.h"

namespace ecglite {

// The words of read_file's errors that depend on what the file is. Every message starts "PATH: ".
struct FileWords {
  // Ends the message for a file that cannot be opened: "cannot open (<the system's reason>; <advice>)".
  std::string advice;
  // The message for a file that does not exist, when it wants other words than "cannot open (...)".
  std::string missing;
  // A file larger than the limit: "<N> bytes<over_limit> <M> bytes per file".
  std::string over_limit = " exceeds the limit of";
};

// The whole of the file at `path`. Its size is checked against limits.max_file_bytes before anything
// is allocated. Throws Error: missing_file when the file does not exist, is not a regular file, or
// cannot be opened or read to its end; limit when it is larger than the limit.
Bytes read_file(const std::string& path, const Limits& limits = default_limits(), const FileWords& words = {});
// The same, as text (bytes as they are: no encoding is checked or converted).
std::string read_text_file(const std::string& path, const Limits& limits = default_limits(),
                           const FileWords& words = {});

// `path` is a .csv file, an .edf/.bdf file (EDF+ annotations are not returned: read_edf_file), a .hea
// file, or a WFDB record path without extension (as `rdsamp -r`).
Record read_record_file(const std::string& path, const CsvOptions& csv_options = {});

bool is_csv_path(const std::string& path);

}  // namespace ecglite
