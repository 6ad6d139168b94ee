// The one whole-file reader (read.h): every file the core and the eval library read from disk (WFDB
// records, CSV files, model files, the PTB-XL index) goes through it, so its size limit and its
// errors are the same everywhere.
#include <filesystem>
#include <fstream>
#include <string>

#include "ecglite/error.h"
#include "ecglite/ptbxl_eval.h"
#include "ecglite/read.h"
#include "test_support.h"

using ecglite::ErrorKind;
using ecglite::test::TestDir;
using ecglite::test::thrown_by;
namespace fs = std::filesystem;

namespace {

// Writes `bytes` to the file `name` of `dir`; returns its path.
std::string write_file(const TestDir& dir, const std::string& name, const std::string& bytes) {
  std::ofstream(dir / name, std::ios::binary) << bytes;
  return dir / name;
}

}  // namespace

TEST(ReadFile, ReturnsEveryByte) {
  TestDir dir("read_bytes");
  const std::string bytes("a\0b\r\n\xff", 6);
  const std::string path = write_file(dir, "x.bin", bytes);
  EXPECT_EQ(ecglite::read_text_file(path), bytes);
  EXPECT_EQ(ecglite::read_file(path), ecglite::Bytes(bytes.begin(), bytes.end()));
  EXPECT_TRUE(ecglite::read_file(write_file(dir, "empty", "")).empty());
}

TEST(ReadFile, MissingFileSaysWhyAndWhatTheFileIs) {
  TestDir dir("read_missing");
  const std::string path = dir / "absent.dat";
  ecglite::Error e = thrown_by([&] { ecglite::read_file(path); });
  EXPECT_EQ(e.kind(), ErrorKind::missing_file);
  EXPECT_EQ(std::string(e.what()), path + ": cannot open (No such file or directory)");

  ecglite::FileWords words;
  words.advice = "give the directory that holds it";
  e = thrown_by([&] { ecglite::read_file(path, ecglite::default_limits(), words); });
  EXPECT_EQ(std::string(e.what()), path + ": cannot open (No such file or directory; give the directory that holds it)");

  words.missing = "no such file (check the path)";
  e = thrown_by([&] { ecglite::read_text_file(path, ecglite::default_limits(), words); });
  EXPECT_EQ(e.kind(), ErrorKind::missing_file);
  EXPECT_EQ(std::string(e.what()), path + ": no such file (check the path)");
}

TEST(ReadFile, DirectoryIsNotAFile) {
  TestDir dir("read_directory");
  const ecglite::Error e = thrown_by([&] { ecglite::read_text_file(dir.path.string()); });
  EXPECT_EQ(e.kind(), ErrorKind::missing_file);
  EXPECT_EQ(std::string(e.what()), dir.path.string() + ": not a regular file");
}

TEST(ReadFile, LargerThanTheLimitIsRefusedBeforeReading) {
  TestDir dir("read_limit");
  const std::string path = write_file(dir, "big.csv", std::string(101, 'x'));
  ecglite::Limits limits;
  limits.max_file_bytes = 100;
  EXPECT_EQ(ecglite::read_file(write_file(dir, "fits.csv", std::string(100, 'x')), limits).size(), 100u);
  ecglite::Error e = thrown_by([&] { ecglite::read_file(path, limits); });
  EXPECT_EQ(e.kind(), ErrorKind::limit);
  EXPECT_EQ(std::string(e.what()), path + ": 101 bytes exceeds the limit of 100 bytes per file");
}

// PTB-XL's index used to be read without checking the read: an unreadable file now fails with its name.
TEST(ReadFile, PtbxlIndexThatCannotBeReadIsAnError) {
  TestDir dir("read_ptbxl");
  fs::create_directories(dir.path / "scp_statements.csv");
  const ecglite::Error e = thrown_by([&] { ecglite::read_ptbxl_index(dir.path.string(), {"NORM", "MI"}); });
  EXPECT_EQ(e.kind(), ErrorKind::missing_file);
  EXPECT_EQ(std::string(e.what()), dir / "scp_statements.csv" + ": not a regular file");
}
