// Helpers of the robustness tests (tests/cpp/robustness_*_test.cpp): running the CLI under an
// address-space limit, checking that it exited cleanly, and writing large inputs at test time.
#pragma once
#include <ftw.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "test_support.h"

#if defined(__SANITIZE_ADDRESS__)
#define ECGLITE_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ECGLITE_TEST_ASAN 1
#endif
#endif
#ifndef ECGLITE_TEST_ASAN
#define ECGLITE_TEST_ASAN 0
#endif

namespace ecglite::test {

// Address space the CLI gets in these tests (docs/LIMITS.md): the default limits must hold within it,
// so a reader that allocates what a header claims before checking fails with "out of memory".
constexpr long kCliMemoryLimitMb = 1024;

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The model the CLI classifies with in tests: the small fixture when the engine's tests ship one,
// else the shipped student; "" when neither exists.
inline std::string test_model_path() {
  for (const std::string p : {source_dir() + "/tests/fixtures/model/tiny-int8.ecgm",
                              source_dir() + "/models/student-int8.ecgm"})
    if (path_exists(p)) return p;
  return "";
}

// run_cli with RLIMIT_AS lowered to `limit_mb` for the child (the limit is inherited through
// system(); restored afterwards). AddressSanitizer reserves terabytes of shadow memory, so under ASan
// no limit is set (ASan itself reports allocations it cannot satisfy).
inline CliResult run_cli_limited(const std::string& args, long limit_mb = kCliMemoryLimitMb) {
  if (ECGLITE_TEST_ASAN) return run_cli(args);
  rlimit old{};
  ::getrlimit(RLIMIT_AS, &old);
  rlimit lowered = old;
  lowered.rlim_cur = static_cast<rlim_t>(limit_mb) << 20;
  if (old.rlim_max != RLIM_INFINITY && lowered.rlim_cur > old.rlim_max) lowered.rlim_cur = old.rlim_max;
  ::setrlimit(RLIMIT_AS, &lowered);
  CliResult r = run_cli(args);
  ::setrlimit(RLIMIT_AS, &old);
  return r;
}

// Strict UTF-8 (no overlong forms, no surrogates): the CLI's output is text, the page shows the same
// strings, and `classify --json` must stay valid JSON whatever bytes the input file held.
inline bool is_valid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = p[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!len || i + len > n) return false;
    unsigned cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

// Longest error message we accept: enough to say what is wrong and what to do, not a dump of the
// offending bytes.
constexpr std::size_t kMaxMessageBytes = 500;

// The contract for any input: exit 0, or exit 1 with exactly one line "ecglite <cmd>: <message>";
// never a signal, an abort, the internal-error status 3, an allocation failure or a sanitizer report.
inline void expect_clean_exit(const CliResult& r, const std::string& command) {
  EXPECT_TRUE(r.status == 0 || r.status == 1) << "exit status " << r.status << " (signal, abort or internal error)\n"
                                              << r.err;
  EXPECT_EQ(r.err.find("Sanitizer"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("runtime error:"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("out of memory"), std::string::npos)
      << "allocation failed instead of a limit check: " << r.err;
  EXPECT_TRUE(is_valid_utf8(r.out)) << "stdout is not valid UTF-8";
  EXPECT_TRUE(is_valid_utf8(r.err)) << "stderr is not valid UTF-8: " << r.err;
  if (r.status == 1) {
    EXPECT_LE(r.err.size(), kMaxMessageBytes) << "message too long: " << r.err;
    const bool control = std::any_of(r.err.begin(), r.err.end(), [](char ch) {
      return static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\t';
    });
    EXPECT_FALSE(control) << "control character in the message: " << r.err;
    const std::string prefix = "ecglite " + command + ": ";
    EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << r.err;
    EXPECT_GT(r.err.size(), prefix.size() + 10) << "message too short to say what is wrong: " << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.back(), '\n');
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "message is not one line:\n" << r.err;
  }
}

// Peak RSS of the largest child process waited for so far (getrusage RUSAGE_CHILDREN), in KB.
inline long children_max_rss_kb() {
  rusage ru{};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  return ru.ru_maxrss;
}

// A fresh directory under the test temp dir, removed with its contents at the end of the scope.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    std::string tmpl = ::testing::TempDir() + "ecglite_" + tag + "_XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data())) path_ = buf.data();
  }
  ~TempDir() {
    if (!path_.empty())
      ::nftw(path_.c_str(), [](const char* p, const struct stat*, int, FTW*) { return ::remove(p); }, 16,
             FTW_DEPTH | FTW_PHYS);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_header(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A file of `bytes` zero bytes that takes no disk space.
inline void make_sparse_file(const std::string& path, std::uint64_t bytes) {
  std::ofstream(path, std::ios::binary).close();
  ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(bytes)), 0) << path;
}

// `base`.hea + `base`.dat: `num_signals` leads named as the standard 12 (then S13...), format 16,
// gain 200/mV, an ECG-like beat every 0.8 s (so preprocessing sees a plausible signal). Streams the
// samples: no buffer of the whole record.
inline void write_wfdb_format16(const std::string& base, int num_signals, int fs, std::int64_t n) {
  static const char* const kNames[] = {"I", "II", "III", "aVR", "aVL", "aVF",
                                       "V1", "V2", "V3", "V4", "V5", "V6"};
  const std::string name = base.substr(base.rfind('/') + 1);
  std::string hea = name + " " + std::to_string(num_signals) + " " + std::to_string(fs) + " " +
                    std::to_string(n) + "\n";
  for (int s = 0; s < num_signals; ++s)
    hea += name + ".dat 16 200/mV 16 0 0 0 0 " +
           (s < 12 ? std::string(kNames[s]) : "S" + std::to_string(s + 1)) + "\n";
  write_header(base + ".hea", hea);

  const int beat = static_cast<int>(std::lround(0.8 * fs));
  std::vector<std::int16_t> one_beat(beat);
  for (int i = 0; i < beat; ++i) {
    const double phase = static_cast<double>(i) / beat;
    const double mv = 1.2 * std::exp(-std::pow((phase - 0.3) / 0.015, 2)) +
                      0.25 * std::exp(-std::pow((phase - 0.6) / 0.05, 2));
    one_beat[i] = static_cast<std::int16_t>(std::lround(200 * mv));
  }
  std::FILE* f = std::fopen((base + ".dat").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::vector<std::int16_t> buf;
  buf.reserve(1 << 20);
  for (std::int64_t i = 0; i < n; ++i) {
    for (int s = 0; s < num_signals; ++s)
      buf.push_back(static_cast<std::int16_t>(one_beat[i % beat] * (1 + 0.1 * s)));  // little-endian host
    if (buf.size() >= (1u << 20) - num_signals) {
      std::fwrite(buf.data(), sizeof(std::int16_t), buf.size(), f);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), sizeof(std::int16_t), buf.size(), f);
  std::fclose(f);
}

}  // namespace ecglite::test
