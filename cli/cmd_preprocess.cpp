// ecglite preprocess RECORD... [--list FILE] --out FILE.npy [--skipped FILE] [--rate HZ]
//
// The training pipeline's bridge to the core: writes the model input of each record (the first
// 10 s window of preprocess(), 12 standard leads x 1000 samples at 100 Hz, in mV) as one row of a float32
// .npy array [N, 12, 1000], rows in the order the records were given. Without --skipped a record
// that cannot be used fails the command; with it, its row is all zeros and the file gets a line
// "index<TAB>path<TAB>message". Rows are streamed to disk, so memory does not grow with N.
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "ecglite/error.h"
#include "ecglite/preprocess.h"
#include "ecglite/read.h"
#include "npy.h"
#include "output.h"
#include "record_input.h"

namespace ecglite::cli {
namespace {

constexpr std::size_t kLeads = 12;
constexpr std::size_t kWindow = 1000;
constexpr std::size_t kProgressEvery = 500;

std::vector<std::string> read_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::missing_file, path + ": cannot open the record list (check the --list path)");
  std::vector<std::string> paths;
  std::string line;
  while (std::getline(in, line)) {
    const auto begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos) continue;
    const auto end = line.find_last_not_of(" \t\r");
    paths.push_back(line.substr(begin, end - begin + 1));
  }
  return paths;
}

void append_le(std::string& out, float value) {
  std::uint32_t bits;
  static_assert(sizeof bits == sizeof value, "float must be 32-bit");
  std::memcpy(&bits, &value, sizeof bits);
  for (int b = 0; b < 4; ++b) out += static_cast<char>((bits >> (8 * b)) & 0xff);
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

int cmd_preprocess(int argc, char** argv, int first) {
  const Args args = parse_args(argc, argv, first, {}, with_record_options({"--list", "--out", "--skipped"}));
  std::string out_path = args.get("--out");
  if (out_path.empty()) throw UsageError("--out FILE.npy is required (where to write the array)");
  const RecordReader reader(args);
  std::vector<std::string> records = args.positional;
  if (args.has("--list")) {
    for (auto& path : read_list(args.get("--list"))) records.push_back(std::move(path));
  }
  if (records.empty()) throw UsageError("no records given");

  PreprocessOptions options;
  options.min_samples = options.window_samples;  // training uses full 10 s windows only

  // Written to a temporary name and renamed at the end: a failed run leaves no truncated array. The
  // rename replaces what is at the path, so only a regular file (or nothing) may be there; a link is
  // followed, so that its target is what gets replaced.
  struct stat st;
  if (::lstat(out_path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char* target = ::realpath(out_path.c_str(), nullptr);
    if (!target) throw Error(out_path + ": a link to nowhere (give a plain file path with --out)");
    out_path = target;
    std::free(target);
  }
  if (::stat(out_path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw Error(out_path + ": not a regular file (--out names the .npy file to write)");
  const std::string tmp_path = out_path + ".part";
  std::FILE* out = std::fopen(tmp_path.c_str(), "wb");
  if (!out) throw Error(out_path + ": cannot create the output file (check the directory exists)");
  std::FILE* skipped_file = nullptr;
  auto cleanup = [&] {
    if (out) std::fclose(out);
    if (skipped_file) std::fclose(skipped_file);
    out = skipped_file = nullptr;
  };
  if (args.has("--skipped")) {
    skipped_file = std::fopen(args.get("--skipped").c_str(), "w");
    if (!skipped_file) {
      cleanup();
      std::remove(tmp_path.c_str());
      throw Error(args.get("--skipped") + ": cannot create the skipped-records file");
    }
  }

  std::size_t skipped = 0;
  try {
    const std::string header = npy_float32_header({records.size(), kLeads, kWindow});
    std::string row;
    row.reserve(kLeads * kWindow * 4);
    bool ok = std::fwrite(header.data(), 1, header.size(), out) == header.size();
    for (std::size_t i = 0; i < records.size() && ok; ++i) {
      row.clear();
      try {
        const Prepared p = preprocess(reader.read(records[i]), options);
        for (std::size_t k = 0; k < kLeads; ++k)
          for (std::size_t t = 0; t < kWindow; ++t) append_le(row, p.leads[k][p.window_starts[0] + t]);
      } catch (const Error& e) {
        if (!skipped_file) throw Error(e.kind(), about_record(records[i], e.what()));
        std::fprintf(skipped_file, "%zu\t%s\t%s\n", i, one_line(records[i]).c_str(), one_line(explain(e)).c_str());
        ++skipped;
        row.assign(kLeads * kWindow * 4, '\0');  // +0.0f is all zero bytes
      }
      ok = std::fwrite(row.data(), 1, row.size(), out) == row.size();
      if ((i + 1) % kProgressEvery == 0)
        std::fprintf(stderr, "preprocess: %zu/%zu records (%zu skipped)\n", i + 1, records.size(), skipped);
    }
    ok = ok && std::fflush(out) == 0;
    const bool closed = std::fclose(out) == 0;
    out = nullptr;
    if (!ok || !closed) throw Error(out_path + ": write failed (disk full?)");
    if (std::rename(tmp_path.c_str(), out_path.c_str()) != 0)
      throw Error(out_path + ": cannot move the finished output into place");
  } catch (...) {
    cleanup();
    std::remove(tmp_path.c_str());
    throw;
  }
  cleanup();
  std::fprintf(stderr, "preprocess: wrote %zu x %zu x %zu float32 to %s (%zu skipped)\n",
               records.size(), kLeads, kWindow, out_path.c_str(), skipped);
  return 0;
}

}  // namespace ecglite::cli
