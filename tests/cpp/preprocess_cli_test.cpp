// `ecglite preprocess`: the .npy contract the training pipeline relies on.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "ecglite/preprocess.h"
#include "ecglite/read.h"
#include "test_support.h"

using ecglite::test::fixture;
using ecglite::test::read_text;
using ecglite::test::run_cli;

namespace {

struct Npy {
  std::string dict;           // the header's Python dict literal
  std::size_t data_offset = 0;
  std::vector<float> data;
};

Npy read_npy(const std::string& path) {
  const std::string bytes = read_text(path);
  Npy npy;
  EXPECT_GE(bytes.size(), 10u);
  if (bytes.size() < 10) return npy;
  EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
  EXPECT_EQ(bytes[6], 1);  // version 1.0
  EXPECT_EQ(bytes[7], 0);
  const std::size_t len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  npy.dict = bytes.substr(10, len);
  npy.data_offset = 10 + len;
  EXPECT_EQ(npy.data_offset % 64, 0u);
  EXPECT_EQ(npy.dict.back(), '\n');
  const std::size_t count = (bytes.size() - npy.data_offset) / 4;
  npy.data.resize(count);
  if (count) std::memcpy(npy.data.data(), bytes.data() + npy.data_offset, count * 4);  // x86/wasm: little-endian
  return npy;
}

// A 10 s, 100 Hz, 8-lead CSV written by the test.
std::string write_ten_second_csv(const std::string& name) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream out(path);
  out << "time,I,II,V1,V2,V3,V4,V5,V6\n";
  for (int i = 0; i < 1000; ++i) {
    out << i / 100.0;
    for (int k = 0; k < 8; ++k) out << "," << std::sin(0.05 * i * (k + 1)) + 0.3 * std::sin(0.7 * i + k);
    out << "\n";
  }
  return path;
}

}  // namespace

TEST(PreprocessCli, WritesNpyRowsAndSkipsUnusableRecords) {
  const std::string good = write_ten_second_csv("ecglite_pp_good.csv");
  const std::string short_record = fixture("preprocess/record_250hz.csv");  // 3 s
  const std::string out = ::testing::TempDir() + "ecglite_pp.npy";
  const std::string skipped = ::testing::TempDir() + "ecglite_pp_skipped.tsv";
  const std::string list = ::testing::TempDir() + "ecglite_pp_list.txt";
  std::ofstream(list) << "\n" << good << "\r\n";  // blank line and CRLF tolerated
  std::remove(out.c_str());

  auto r = run_cli("preprocess " + good + " " + short_record + " --list " + list + " --out " + out +
                   " --skipped " + skipped);
  ASSERT_EQ(r.status, 0) << r.err;
  Npy npy = read_npy(out);
  EXPECT_NE(npy.dict.find("'descr': '<f4'"), std::string::npos) << npy.dict;
  EXPECT_NE(npy.dict.find("'fortran_order': False"), std::string::npos) << npy.dict;
  EXPECT_NE(npy.dict.find("'shape': (3, 12, 1000)"), std::string::npos) << npy.dict;
  ASSERT_EQ(npy.data.size(), 3u * 12 * 1000);

  // Row 0 (and row 2, the same file from the list) is exactly what the library computes.
  const ecglite::Prepared p = ecglite::preprocess(ecglite::read_record_file(good));
  for (std::size_t k : {0u, 2u, 5u, 11u})
    for (std::size_t t : {0u, 1u, 500u, 999u}) {
      EXPECT_EQ(npy.data[k * 1000 + t], p.leads[k][t]) << "lead " << k << " t " << t;
      EXPECT_EQ(npy.data[2 * 12000 + k * 1000 + t], p.leads[k][t]);
    }
  // Row 1: too short for a 10 s window -> zeros, and a line in the skipped file.
  for (std::size_t i = 12000; i < 24000; ++i) ASSERT_EQ(npy.data[i], 0.0f);
  const std::string skipped_text = read_text(skipped);
  EXPECT_EQ(skipped_text.rfind("1\t" + short_record + "\t", 0), 0u) << skipped_text;
  EXPECT_NE(skipped_text.find("is 3 s long and at least 10 s are needed"), std::string::npos) << skipped_text;
  EXPECT_EQ(std::count(skipped_text.begin(), skipped_text.end(), '\n'), 1);
}

TEST(PreprocessCli, FailsOnAnUnusableRecordWithoutSkipped) {
  const std::string good = write_ten_second_csv("ecglite_pp_good2.csv");
  const std::string out = ::testing::TempDir() + "ecglite_pp_fail.npy";
  std::remove(out.c_str());
  auto r = run_cli("preprocess " + good + " " + fixture("preprocess/record_250hz.csv") + " --out " + out);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("ecglite preprocess: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("record_250hz.csv"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at least 10 s are needed"), std::string::npos) << r.err;
  EXPECT_FALSE(ecglite::test::path_exists(out));  // no truncated array left behind
  EXPECT_FALSE(ecglite::test::path_exists(out + ".part"));

  r = run_cli("preprocess " + good);
  EXPECT_EQ(r.status, 2);  // usage errors
  EXPECT_NE(r.err.find("--out FILE.npy is required"), std::string::npos) << r.err;
  r = run_cli("preprocess --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no records given"), std::string::npos) << r.err;
}

// --out is replaced by a rename when done: through a link its target is replaced (the link stays),
// and what is not a regular file (a directory, a device) is refused, never replaced.
TEST(PreprocessCli, OutputThroughALinkAndNotOverADirectory) {
  const std::string good = write_ten_second_csv("ecglite_pp_good3.csv");
  const std::string target = ::testing::TempDir() + "ecglite_pp_target.npy";
  const std::string link = ::testing::TempDir() + "ecglite_pp_link.npy";
  std::remove(link.c_str());
  std::ofstream(target) << "old";
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  auto r = run_cli("preprocess " + good + " --out " + link);
  ASSERT_EQ(r.status, 0) << r.err;
  struct stat st;
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  const Npy npy = read_npy(target);
  EXPECT_NE(npy.dict.find("'shape': (1, 12, 1000)"), std::string::npos) << npy.dict;
  std::remove(link.c_str());

  r = run_cli("preprocess " + good + " --out " + ::testing::TempDir());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
}

TEST(PreprocessCli, RateOptionForCsvWithoutTimeColumn) {
  const std::string path = ::testing::TempDir() + "ecglite_pp_norate.csv";
  {
    std::ofstream f(path);
    f << "I,II,V1,V2,V3,V4,V5,V6\n";
    for (int i = 0; i < 5000; ++i) {
      for (int k = 0; k < 8; ++k) f << (k ? "," : "") << std::sin(0.01 * i * (k + 1));
      f << "\n";
    }
  }
  const std::string out = ::testing::TempDir() + "ecglite_pp_rate.npy";
  auto r = run_cli("preprocess " + path + " --out " + out);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--rate HZ"), std::string::npos) << r.err;
  r = run_cli("preprocess " + path + " --rate 500 --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_npy(out).data.size(), 12000u);
}

TEST(PreprocessCli, PtbxlRecordsMatchTheLibrary) {
  ECGLITE_REQUIRE_DATA("ptbxl/records100/00000");
  const std::string a = ecglite::test::data_dir() + "/ptbxl/records100/00000/00024_lr";
  const std::string b = ecglite::test::data_dir() + "/ptbxl/records100/00000/00043_lr";
  if (!ecglite::test::path_exists(a + ".hea") || !ecglite::test::path_exists(b + ".hea"))
    GTEST_SKIP() << "records 00024/00043 not in the shared data";
  const std::string out = ::testing::TempDir() + "ecglite_pp_ptbxl.npy";
  auto r = run_cli("preprocess " + a + " " + b + " --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  Npy npy = read_npy(out);
  EXPECT_NE(npy.dict.find("'shape': (2, 12, 1000)"), std::string::npos);
  ASSERT_EQ(npy.data.size(), 24000u);
  const ecglite::Prepared p = ecglite::preprocess(ecglite::read_record_file(b));
  EXPECT_EQ(npy.data[12000 + 7 * 1000 + 123], p.leads[7][123]);
}
