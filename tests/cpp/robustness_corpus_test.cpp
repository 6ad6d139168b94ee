// Runs the real `ecglite` CLI over the malformed-input corpus tests/bad-inputs/ (manifest
// expected.tsv, written by scripts/reference/make_bad_inputs.py), plus inputs too large to commit
// that are generated here: no input may crash the CLI, each failure is one clear line on stderr.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ecglite/limits.h"
#include "robustness_support.h"
#include "test_support.h"

namespace ecglite::test {
namespace {

struct CorpusCase {
  std::string path;     // relative to tests/bad-inputs/
  std::string command;  // subcommand, then options placed after the record path
  int status = 0;
  std::vector<std::string> expected;  // substrings of the message
};

// Test names and failure reports show the case, not its bytes.
void PrintTo(const CorpusCase& c, std::ostream* os) { *os << c.command << " " << c.path; }

std::string corpus_dir() { return source_dir() + "/tests/bad-inputs"; }

std::vector<CorpusCase> load_manifest() {
  std::vector<CorpusCase> cases;
  std::ifstream in(corpus_dir() + "/expected.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, '\t')) fields.push_back(field);
    if (fields.size() < 3) continue;
    CorpusCase c;
    c.path = fields[0];
    c.command = fields[1];
    c.status = std::stoi(fields[2]);
    c.expected.assign(fields.begin() + 3, fields.end());
    cases.push_back(c);
  }
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<CorpusCase>& info) {
  std::string name = info.param.path + "_" + info.param.command;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

class BadInput : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(BadInput, FailsWithOneClearLineOrSucceeds) {
  const CorpusCase& c = GetParam();
  const std::string verb = c.command.substr(0, c.command.find(' '));
  const std::string rest = c.command.size() > verb.size() ? c.command.substr(verb.size()) : "";
  std::string args = verb + " " + shell_quote(corpus_dir() + "/" + c.path) + rest;
  if (verb == "classify") {
    const std::string model = test_model_path();
    if (model.empty()) GTEST_SKIP() << "no model file (tests/fixtures/model/ or models/) to classify with";
    args += " --model " + shell_quote(model);
  }
  const CliResult r = run_cli_limited(args);
  SCOPED_TRACE("ecglite " + args + "\nstatus " + std::to_string(r.status) + "\nstderr: " + r.err +
               "stdout (first 300 bytes): " + r.out.substr(0, 300));
  expect_clean_exit(r, verb);
  ASSERT_EQ(r.status, c.status);
  // On success the substrings may be in the output or in a warning.
  const std::string message = c.status == 0 ? r.out + r.err : r.err;
  for (const std::string& s : c.expected)
    EXPECT_NE(message.find(s), std::string::npos) << "message lacks \"" << s << "\"";
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(load_manifest()), case_name);

TEST(BadInputCorpus, ManifestCoversEveryCaseDirectory) {
  const auto cases = load_manifest();
  EXPECT_GE(cases.size(), 80u);
  // load_manifest drops a line without path, command and status: such a line (spaces for tabs) would
  // be a case that silently never runs.
  std::ifstream in(corpus_dir() + "/expected.tsv");
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) lines += !line.empty() && line[0] != '#';
  EXPECT_EQ(cases.size(), lines) << "lines of expected.tsv that are not cases";
  for (const auto& c : cases) {
    const std::string full = corpus_dir() + "/" + c.path;
    const std::string dir = full.substr(0, full.rfind('/'));
    EXPECT_TRUE(path_exists(dir)) << c.path;
  }
}

TEST(RobustnessSupport, Utf8CheckRejectsLatin1AndOverlongForms) {
  EXPECT_TRUE(is_valid_utf8("plain, \xC2\xB5V, \xE2\x80\x94, \xF0\x9F\x92\x93"));
  EXPECT_FALSE(is_valid_utf8("M\xFCller"));           // Latin-1
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));            // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));        // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE2\x80"));            // truncated
}

// --- large inputs, generated at test time ---

// An hour of 12-lead ECG at 500 Hz, format 16 (43 MB): read and classified within bounded memory.
TEST(LargeInput, OneHourTwelveLead500HzIsReadAndClassifiedInBoundedMemory) {
  TempDir dir("hour");
  const std::int64_t n = 3600LL * 500;
  write_wfdb_format16(dir.path() + "/hour", 12, 500, n);

  CliResult r = run_cli_limited("info " + shell_quote(dir.path() + "/hour"));
  expect_clean_exit(r, "info");
  ASSERT_EQ(r.status, 0) << r.err;

  const std::string model = test_model_path();
  if (model.empty()) GTEST_SKIP() << "no model file to classify with";
  const long before = children_max_rss_kb();
  r = run_cli_limited("classify " + shell_quote(dir.path() + "/hour") + " --model " + shell_quote(model));
  expect_clean_exit(r, "classify");
  ASSERT_EQ(r.status, 0) << r.err;
  const long rss_mb = children_max_rss_kb() / 1024;
  std::printf("classify of 1 h 12-lead 500 Hz: peak RSS %ld MB (before: %ld MB)\n", rss_mb, before / 1024);
  EXPECT_LT(rss_mb, kCliMemoryLimitMb) << "1 h record needs more memory than the documented bound";

  if (ECGLITE_TEST_ASAN) return;  // another minute under ASan for the same reader path
  r = run_cli_limited("rhythm " + shell_quote(dir.path() + "/hour"));
  expect_clean_exit(r, "rhythm");
  EXPECT_EQ(r.status, 0) << r.err;
}

// The same hour as a CSV export with a time column (145 MB of text). Not under ASan: it measures
// the memory bound (no RLIMIT there) and takes minutes; the WFDB hour above covers the code paths.
TEST(LargeInput, OneHourTwelveLead500HzCsvIsClassifiedInBoundedMemory) {
  if (ECGLITE_TEST_ASAN) GTEST_SKIP() << "memory bound not measurable under AddressSanitizer";
  const std::string model = test_model_path();
  if (model.empty()) GTEST_SKIP() << "no model file to classify with";
  TempDir dir("hourcsv");
  const std::string path = dir.path() + "/hour.csv";
  {
    // 400 distinct rows (one 0.8 s beat), repeated with the time column in front.
    std::vector<std::string> rows(400);
    for (int i = 0; i < 400; ++i) {
      const double phase = i / 400.0;
      const double mv = 1.2 * std::exp(-std::pow((phase - 0.3) / 0.015, 2)) +
                        0.25 * std::exp(-std::pow((phase - 0.6) / 0.05, 2));
      char cell[32];
      for (int s = 0; s < 12; ++s) {
        std::snprintf(cell, sizeof cell, ",%.3f", mv * (1 + 0.1 * s));
        rows[i] += cell;
      }
    }
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("time,I,II,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,V6\n", f);
    for (long i = 0; i < 3600L * 500; ++i)
      std::fprintf(f, "%ld.%03ld%s\n", i / 500, (i % 500) * 2, rows[i % 400].c_str());
    std::fclose(f);
  }
  const CliResult r = run_cli_limited("classify " + shell_quote(path) + " --model " + shell_quote(model));
  expect_clean_exit(r, "classify");
  EXPECT_EQ(r.status, 0) << r.err;
  std::printf("classify of a 1 h 12-lead 500 Hz CSV: peak RSS %ld MB\n", children_max_rss_kb() / 1024);
  EXPECT_LT(children_max_rss_kb() / 1024, kCliMemoryLimitMb);
}

// Length claims that exceed the sample limit are refused by the limit check even when the file
// really is that large (a sparse file here: costs no disk).
TEST(LargeInput, SignalLongerThanTheSampleLimitIsRefusedByTheLimit) {
  TempDir dir("limit");
  const std::uint64_t n = default_limits().max_total_samples / 2 + 1;  // x 2 signals: just over
  write_header(dir.path() + "/over.hea",
               "over 2 500 " + std::to_string(n) + "\nover.dat 80 200 8 0 0 0 0 I\nover.dat 80 200 8 0 0 0 0 II\n");
  make_sparse_file(dir.path() + "/over.dat", n * 2);  // format 80: one byte per sample
  // info describes the header; a short range of it can be dumped; the whole cannot be read.
  CliResult r = run_cli_limited("info " + shell_quote(dir.path() + "/over"));
  expect_clean_exit(r, "info");
  r = run_cli_limited("dump " + shell_quote(dir.path() + "/over") + " --to 10");
  expect_clean_exit(r, "dump");
  EXPECT_EQ(r.status, 0) << r.err;
  r = run_cli_limited("dump " + shell_quote(dir.path() + "/over"));
  expect_clean_exit(r, "dump");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("limit"), std::string::npos) << r.err;
}

// A file larger than max_file_bytes is refused before it is read into memory.
TEST(LargeInput, CsvLargerThanTheFileLimitIsRefusedBeforeReading) {
  TempDir dir("bigcsv");
  const std::string path = dir.path() + "/big.csv";
  make_sparse_file(path, default_limits().max_file_bytes + 1);
  const CliResult r = run_cli_limited("info " + shell_quote(path), /*limit_mb=*/256);
  expect_clean_exit(r, "info");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("big.csv"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("limit"), std::string::npos) << r.err;
}

TEST(LargeInput, SignalFileLargerThanTheFileLimitIsNotReadWhole) {
  TempDir dir("bigdat");
  write_header(dir.path() + "/big.hea", "big 1 500 1000\nbig.dat 16 200 16 0 0 0 0 II\n");
  make_sparse_file(dir.path() + "/big.dat", default_limits().max_file_bytes + 1);
  const CliResult r = run_cli_limited("dump " + shell_quote(dir.path() + "/big") + " --to 5", 256);
  expect_clean_exit(r, "dump");
  if (r.status == 1) EXPECT_NE(r.err.find("limit"), std::string::npos) << r.err;
}

// A single-lead CSV of 20 million short rows (40 MB; 20 M samples, half the sample limit): within
// the limits, so it must be read within the CLI's memory bound (a per-line index of 24 bytes per
// 2-byte row is 12x the file).
TEST(LargeInput, CsvWithManyShortRowsIsReadInBoundedMemory) {
  if (ECGLITE_TEST_ASAN) GTEST_SKIP() << "memory bound not measurable under AddressSanitizer";
  TempDir dir("rows");
  const std::string path = dir.path() + "/rows.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "Sample Rate,500 hertz\nII\n";
    std::string chunk;
    for (int i = 0; i < (1 << 19); ++i) chunk += i % 7 ? "1\n" : "2\n";
    for (int i = 0; i < 20'000'000 / (1 << 19) + 1; ++i) out << chunk;
  }
  const CliResult r = run_cli_limited("info " + shell_quote(path));
  expect_clean_exit(r, "info");
  EXPECT_EQ(r.status, 0) << r.err;
}

// 64 MB of empty lines: nothing to read, and nothing worth a gigabyte of line index.
TEST(LargeInput, CsvOfEmptyLinesFailsCleanlyInBoundedMemory) {
  if (ECGLITE_TEST_ASAN) GTEST_SKIP() << "memory bound not measurable under AddressSanitizer";
  TempDir dir("blank");
  const std::string path = dir.path() + "/blank.csv";
  {
    std::ofstream out(path, std::ios::binary);
    const std::string chunk(1 << 20, '\n');
    for (int i = 0; i < 64; ++i) out << chunk;
  }
  const CliResult r = run_cli_limited("info " + shell_quote(path));
  expect_clean_exit(r, "info");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("blank.csv"), std::string::npos) << r.err;
}

// A line with no end: one 16 MB CSV line of 8 M columns, no newline.
TEST(LargeInput, CsvWithOneEndlessLineFailsCleanly) {
  TempDir dir("line");
  const std::string path = dir.path() + "/line.csv";
  {
    std::ofstream out(path, std::ios::binary);
    std::string chunk(1 << 20, '1');
    for (std::size_t i = 0; i < chunk.size(); i += 2) chunk[i] = ',';
    for (int i = 0; i < 16; ++i) out << chunk;
  }
  const CliResult r = run_cli_limited("info " + shell_quote(path));
  expect_clean_exit(r, "info");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("line.csv"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ecglite::test
