// Shared helpers for the GoogleTest suite: where the shared data and fixtures are, and running the
// real `ecglite` binary the way users do.
#pragma once
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "ecglite/error.h"

namespace ecglite {
// GoogleTest prints an ErrorKind by name ("needs_rate"), not as a number.
inline void PrintTo(ErrorKind kind, std::ostream* os) { *os << kind_name(kind); }
}  // namespace ecglite

namespace ecglite::test {

// The ecglite::Error that `f` throws; a test failure, and an empty Error of kind other, when it
// throws none.
template <typename F>
ecglite::Error thrown_by(F f) {
  try {
    f();
  } catch (const ecglite::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no ecglite::Error was thrown";
  return ecglite::Error(ecglite::ErrorKind::other, "");
}

// The message of the ecglite::Error that `f` throws ("" when it does not throw).
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const ecglite::Error& e) {
    return e.what();
  }
  return "";
}

// ../shared/data, or $ECGLITE_DATA_DIR when set.
inline std::string data_dir() {
  const char* env = std::getenv("ECGLITE_DATA_DIR");
  return env && *env ? env : ECGLITE_DATA_DIR;
}

inline std::string source_dir() { return ECGLITE_SOURCE_DIR; }
inline std::string fixture(const std::string& relative) {
  return source_dir() + "/tests/fixtures/" + relative;
}

inline bool path_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh directory for one test, removed at the end.
struct TestDir {
  std::filesystem::path path;
  explicit TestDir(const std::string& tag)
      : path(std::filesystem::path(::testing::TempDir()) / ("ecglite_" + tag + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TestDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// Skips the current test when a shared dataset is absent (CI clones without ../shared/data).
#define ECGLITE_REQUIRE_DATA(subdir)                                                          \
  do {                                                                                        \
    if (!::ecglite::test::path_exists(::ecglite::test::data_dir() + "/" + (subdir)))          \
      GTEST_SKIP() << "shared data " << (subdir) << " not found under "                       \
                   << ::ecglite::test::data_dir() << " (set ECGLITE_DATA_DIR); skipping";     \
  } while (0)

struct CliResult {
  int status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `ecglite <args>` (args are passed through the shell: quote paths with spaces). `stdout_to`,
// when given, is where stdout goes instead of CliResult::out (e.g. /dev/full).
inline CliResult run_cli(const std::string& args, const std::string& stdout_to = "") {
  static int counter = 0;
  const std::string base = ::testing::TempDir() + "ecglite_cli_" + std::to_string(::getpid()) +
                           "_" + std::to_string(counter++);
  const std::string cmd = std::string(ECGLITE_CLI_PATH) + " " + args + " >" +
                          (stdout_to.empty() ? base + ".out" : stdout_to) + " 2>" + base + ".err";
  int raw = std::system(cmd.c_str());
  CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_text(base + ".out");
  r.err = read_text(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

}  // namespace ecglite::test
