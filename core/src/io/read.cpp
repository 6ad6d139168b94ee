#include "ecglite/read.h"

#include <algorithm>
#include <cctype>

#include "ecglite/wfdb.h"

namespace ecglite {

static std::string lower_extension(const std::string& path) {
  auto slash = path.find_last_of("/\\");
  auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

bool is_csv_path(const std::string& path) {
  const std::string ext = lower_extension(path);
  return ext == "csv" || ext == "tsv" || ext == "txt";
}

Record read_record_file(const std::string& path, const CsvOptions& csv_options) {
  if (is_csv_path(path)) return read_csv_file(path, csv_options);
  return read_wfdb_file(path).to_record();
}

}  // namespace ecglite
