// `ecglite info` and `ecglite dump` on WFDB records, run as users run them: output forms other tools
// depend on, and one-line errors with a non-zero status.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using ecglite::test::run_cli;

std::string fixture(const std::string& name) { return ecglite::test::fixture("wfdb/" + name); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "in: " << (haystack)

TEST(WfdbCli, DumpDigitalPrintsWhatRdsampPrints) {
  std::vector<std::string> names = {"mitdb100_1s", "formats", "frames_skew", "msvar"};
#ifdef ECGLITE_HAVE_FLAC
  names.push_back("flac");
  const auto info = run_cli("info " + fixture("flac"));
  EXPECT_EQ(info.status, 0) << info.err;
  EXPECT_CONTAINS(info.out, "516 (16-bit, FLAC-compressed)");
  EXPECT_CONTAINS(info.out, "(verified)");
#endif
  for (const std::string& name : names) {
    const auto r = run_cli("dump " + fixture(name) + " --digital");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, ecglite::test::read_text(fixture(name + ".expected"))) << name;
  }
}

TEST(WfdbCli, DumpPhysicalRangeAndSignals) {
  auto r = run_cli("dump " + fixture("mitdb100_1s.hea") + " --from 0 --to 2");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "-0.145\t-0.065\n-0.145\t-0.065\n");
  r = run_cli("dump " + fixture("mitdb100_1s") + " --from 358 --to 360 --signals 1,0,1 --digital");
  const auto expected = lines_of(ecglite::test::read_text(fixture("mitdb100_1s.expected")));
  std::istringstream last(expected[359]);
  int a, b;
  last >> a >> b;
  EXPECT_EQ(lines_of(r.out).size(), 2u);
  EXPECT_EQ(lines_of(r.out)[1], std::to_string(b) + "\t" + std::to_string(a) + "\t" + std::to_string(b));
  // An invalid sample: "-" in physical mode, -32768 in digital mode (as rdsamp).
  r = run_cli("dump " + fixture("formats") + " --from 5 --to 6 --signals 0,7");
  EXPECT_EQ(r.out, "0.4\t-\n");
  r = run_cli("dump " + fixture("formats") + " --from 5 --to 6 --signals 7 --digital");
  EXPECT_EQ(r.out, "-32768\n");
}

TEST(WfdbCli, DumpPhysicalHasAtLeastEightSignificantDigits) {
  // Gain 3: thirds need every digit; 10 significant digits are printed.
  const std::string base = ::testing::TempDir() + "third_" + std::to_string(::getpid());
  std::ofstream(base + ".hea") << "third 1 100 2\n" << fs::path(base).filename().string() << ".dat 16 3/mV\n";
  std::ofstream(base + ".dat", std::ios::binary).write("\x01\x00\xff\x7f", 4);
  const auto r = run_cli("dump " + base);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "0.3333333333\n10922.33333\n");
  fs::remove(base + ".hea");
  fs::remove(base + ".dat");
}

TEST(WfdbCli, DumpErrorsAreOneLineNamingTheFile) {
  auto r = run_cli("dump " + fixture("no_such_record"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines_of(r.err).size(), 1u);
  EXPECT_CONTAINS(r.err, "ecglite dump: " + fixture("no_such_record.hea") + ": cannot open");
  r = run_cli("dump " + fixture("mitdb100_1s") + " --to 400");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.err, "samples 0 to 400 are outside the record, which has 360 samples");
  r = run_cli("dump " + fixture("mitdb100_1s") + " --signals 0,x");
  EXPECT_EQ(r.status, 2);  // usage errors
  EXPECT_CONTAINS(r.err, "--signals expects signal numbers separated by commas");
  r = run_cli("dump");
  EXPECT_EQ(r.status, 2);
  EXPECT_CONTAINS(r.err, "usage: ecglite dump RECORD");

  // A truncated copy of a record.
  const fs::path dir = fs::path(::testing::TempDir()) / ("wfdb_cli_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(fixture("mitdb100_1s.hea"), dir / "mitdb100_1s.hea", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "mitdb100_1s.dat", std::ios::binary) << std::string(300, '\0');
  r = run_cli("dump " + (dir / "mitdb100_1s").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines_of(r.err).size(), 1u);
  EXPECT_CONTAINS(r.err, "mitdb100_1s.dat: file is too short: 300 bytes hold 100 samples per signal, but the header");
  r = run_cli("info " + (dir / "mitdb100_1s").string());
  EXPECT_EQ(r.status, 1);  // the header is printed, then the error
  EXPECT_CONTAINS(r.out, "record          mitdb100_1s");
  EXPECT_CONTAINS(r.err, "file is too short");
  fs::remove_all(dir);
}

TEST(WfdbCli, InfoDescribesHeaderSignalsAndChecksums) {
  const auto r = run_cli("info " + fixture("mitdb100_1s"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_CONTAINS(r.out, "record          mitdb100_1s\n");
  EXPECT_CONTAINS(r.out, "signals         2\n");
  EXPECT_CONTAINS(r.out, "frequency       360 Hz");
  EXPECT_CONTAINS(r.out, "length          360 samples (1.000 s = 0:00:01.000)");
  EXPECT_CONTAINS(r.out, "signal 1        V5\n");
  EXPECT_CONTAINS(r.out, "  format          212 (12-bit, 2 samples packed in 3 bytes)\n");
  EXPECT_CONTAINS(r.out, "  gain            200 adu/mV\n");
  EXPECT_CONTAINS(r.out, "  baseline        1024\n");
  EXPECT_CONTAINS(r.out, "  initial value   1011\n");
  EXPECT_CONTAINS(r.out, "(verified)");
  EXPECT_CONTAINS(r.out, "comments        3\n  First second of MIT-BIH");

  const auto mat = run_cli("info " + fixture("HR06001_0s1.hea"));
  EXPECT_CONTAINS(mat.out, "  byte offset     24\n");
  EXPECT_CONTAINS(mat.out, "  Dx: 426783006,55930002\n");

  const auto ms = run_cli("info " + fixture("msvar"));
  EXPECT_EQ(ms.status, 0) << ms.err;
  EXPECT_CONTAINS(ms.out, "segments        4 (variable layout)\n");
  EXPECT_CONTAINS(ms.out, "  1    ~                        2 samples from sample 0 (null segment: no signals)\n");
  EXPECT_CONTAINS(ms.out, "signal 2        ABP\n");
  EXPECT_CONTAINS(ms.out, "(not verified: multi-segment record)");
}

TEST(WfdbCli, InfoReportsAChecksumMismatchAsAWarning) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("wfdb_ck_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string header = ecglite::test::read_text(fixture("mitdb100_1s.hea"));
  header.replace(header.find(" 0 V5"), 0, "1");
  std::ofstream(dir / "mitdb100_1s.hea") << header;
  fs::copy_file(fixture("mitdb100_1s.dat"), dir / "mitdb100_1s.dat", fs::copy_options::overwrite_existing);
  const auto r = run_cli("info " + (dir / "mitdb100_1s").string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_CONTAINS(r.out, "(MISMATCH: the samples give");
  EXPECT_CONTAINS(r.out, "warnings        1\n");
  EXPECT_CONTAINS(r.out, "checksum mismatch");
  fs::remove_all(dir);
}

TEST(WfdbCli, DumpOfACsvRecordPrintsItsLeads) {
  const std::string path = ::testing::TempDir() + "dump_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(path) << "time,I,II\n0,0.1,0.2\n0.004,0.15,-0.25\n";
  auto r = run_cli("dump " + path + " --signals 1,0");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "0.2\t0.1\n-0.25\t0.15\n");
  r = run_cli("dump " + path + " --digital");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.err, path + ": --digital needs a WFDB record");
  fs::remove(path);
}

// The CLI's physical output agrees with rdsamp -P (record-2c: all of 100_3chan).
TEST(WfdbCli, DumpMatchesRdsampPhysicalTarget) {
  ECGLITE_REQUIRE_DATA("wfdb-samples");
  const std::string root = ecglite::test::data_dir() + "/wfdb-samples/";
  const auto r = run_cli("dump " + root + "sample-data/100_3chan");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto got = lines_of(r.out);
  const auto want = lines_of(ecglite::test::read_text(root + "target-output/record-2c"));
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    std::istringstream g(got[i]), w(want[i]);
    double a, b;
    int n = 0;
    while (w >> b) {
      ASSERT_TRUE(g >> a) << "line " << i;
      EXPECT_NEAR(a, b, 1e-8) << "line " << i;
      ++n;
    }
    EXPECT_EQ(n, 3);
  }
}

// A record in the CinC Challenge 2020/2021 layout opens from the command line like any other: the
// unusual header forms are named as warnings, on `info` and on `classify`.
TEST(WfdbCli, CincChallengeHeaderLayoutsOpenWithAWarning) {
  auto r = run_cli("info " + fixture("cinc_ext.hea"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_CONTAINS(r.out, "record          cinc_ext\n");
  EXPECT_CONTAINS(r.out, "base time       09:49:17\nbase date       05/05/2020\n");
  EXPECT_CONTAINS(r.out, "warnings        2\n");
  EXPECT_CONTAINS(r.out, "cinc_ext.hea: line 1: record name 'cinc_ext.mat' ends in a file extension: read as "
                         "'cinc_ext'");
  EXPECT_CONTAINS(r.out, "(date first, month name, as in the PhysioNet/CinC Challenge 2020/2021 headers): read as "
                         "09:49:17 05/05/2020");
  r = run_cli("classify " + fixture("cinc_date") + " --model " + ecglite::test::fixture("model/tiny-int8.ecgm"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_CONTAINS(r.out, "(2.6 s at 500 Hz)");
  EXPECT_CONTAINS(r.out, "warning: " + fixture("cinc_date.hea") + ": line 1: base time and date written as "
                         "'12-May-2020 12:33:59'");
  r = run_cli("classify " + fixture("cinc_date") + " --model " + ecglite::test::fixture("model/tiny-int8.ecgm") +
              " --json");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_CONTAINS(r.out, "base time and date written as '12-May-2020 12:33:59'");
}

}  // namespace
