#include "ecglite/read.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "ecglite/edf.h"
#include "ecglite/error.h"

namespace ecglite {

namespace {

// The one whole-file reader: Bytes and std::string alike.
template <class Buffer>
Buffer read_whole_file(const std::string& path, const Limits& limits, const FileWords& words) {
  auto cannot_open = [&](int err) {
    if (err == ENOENT && !words.missing.empty()) return Error(ErrorKind::missing_file, path + ": " + words.missing);
    return Error(ErrorKind::missing_file, path + ": cannot open (" + std::strerror(err) +
                                              (words.advice.empty() ? "" : "; " + words.advice) + ")");
  };
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) throw cannot_open(errno);
  if (!S_ISREG(st.st_mode)) throw Error(ErrorKind::missing_file, path + ": not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > limits.max_file_bytes)
    throw Error(ErrorKind::limit, path + ": " + std::to_string(st.st_size) + " bytes" + words.over_limit + " " +
                                      std::to_string(limits.max_file_bytes) + " bytes per file");
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw cannot_open(errno);
  Buffer buffer(static_cast<std::size_t>(st.st_size), 0);
  // A file that shrank or cannot be read to its end is an error, not a shorter input.
  if (!buffer.empty() && std::fread(&buffer[0], 1, buffer.size(), f.get()) != buffer.size())
    throw Error(ErrorKind::missing_file,
                path + ": read error (" + (std::ferror(f.get()) ? std::strerror(errno) : "the file ended early") + ")");
  return buffer;
}

std::string lower_extension(const std::string& path) {
  auto slash = path.find_last_of("/\\");
  auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

}  // namespace

Bytes read_file(const std::string& path, const Limits& limits, const FileWords& words) {
  return read_whole_file<Bytes>(path, limits, words);
}

std::string read_text_file(const std::string& path, const Limits& limits, const FileWords& words) {
  return read_whole_file<std::string>(path, limits, words);
}

bool is_csv_path(const std::string& path) {
  const std::string ext = lower_extension(path);
  return ext == "csv" || ext == "tsv" || ext == "txt";
}

Record read_record_file(const std::string& path, const CsvOptions& csv_options) {
  if (is_csv_path(path)) return read_csv_file(path, csv_options);
  if (is_edf_path(path)) return read_edf_file(path, csv_options.limits).to_record();
  return read_wfdb_file(path).to_record();
}

}  // namespace ecglite
