// File-system convenience for the CLI and tests: opens a record by path, whatever its kind.
#pragma once
#include <string>

#include "ecglite/csv.h"
#include "ecglite/record.h"

namespace ecglite {

// `path` is a .csv file, a .hea file, or a WFDB record path without extension (as `rdsamp -r`).
Record read_record_file(const std::string& path, const CsvOptions& csv_options = {});

bool is_csv_path(const std::string& path);

}  // namespace ecglite
