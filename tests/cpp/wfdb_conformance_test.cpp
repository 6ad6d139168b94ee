// Conformance of the WFDB reader with the reference decoder: every rdsamp output in
// wfdb-samples/target-output (record-*) is reproduced, digital values exactly and physical values to
// 1e-8 (rdsamp -P prints 8 decimals). The rdsamp command behind each target is documented in the
// wfdb-python test suite (tests/test_record.py); it is quoted next to each case below. Also: every
// record of the shared datasets reads without error or warning.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ecglite/error.h"
#include "ecglite/wfdb.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using ecglite::test::data_dir;
using ecglite::test::path_exists;

struct Target {
  std::string name;                 // file in target-output
  std::string command;              // how rdsamp made it
  std::string record;               // relative to sample-data
  std::int64_t from = 0;
  std::optional<std::int64_t> to;
  std::vector<int> signals;
  bool physical = false;
  bool highres = false;             // rdsamp -H
  std::vector<std::int64_t> invalid_aliases;  // values the target's sed/perl put for -32768
  std::vector<std::string> sources; // files the target needs (checked against sample-data/.missing)
  std::string error;                // expected reader error instead of values
};

void PrintTo(const Target& t, std::ostream* os) { *os << t.name; }

std::vector<Target> targets() {
  return {
      {"record-1a", "rdsamp -r sample-data/test01_00s", "test01_00s", 0, {}, {}, false, false, {},
       {"test01_00s.hea", "test01_00s.dat"}, ""},
      {"record-1b", "rdsamp -r sample-data/a103l -f 50 -t 160 -s 2 0 -P", "a103l", 12500, 40000, {2, 0}, true,
       false, {}, {"a103l.hea", "a103l.mat"}, ""},
      {"record-1c", "rdsamp -r sample-data/a103l -f 80 -s 0 1", "a103l", 20000, {}, {0, 1}, false, false, {},
       {"a103l.hea", "a103l.mat"}, ""},
      {"record-1d", "rdsamp -r sample-data/3000003_0003 -f 1 -t 8 -s 1 -P", "3000003_0003", 125, 1000, {1}, true,
       false, {}, {"3000003_0003.hea", "3000003_0003.dat"}, ""},
      {"record-1e.gz", "rdsamp -r sample-data/n8_evoked_raw_95_F1_R9", "n8_evoked_raw_95_F1_R9", 0, {}, {}, false,
       false, {}, {"n8_evoked_raw_95_F1_R9.hea", "n8_evoked_raw_95_F1_R9.dat"}, ""},
      {"record-1f.gz", "rdsamp -r sample-data/binformats", "binformats", 0, {}, {}, false, false, {},
       {"binformats.hea"}, ""},
      {"record-2a", "rdsamp -r sample-data/100 -P", "100", 0, {}, {}, true, false, {}, {"100.hea", "100.dat"}, ""},
      {"record-2b", "rdsamp -r sample-data/100 -f 0.002 -t 30 -s 1", "100", 1, 10800, {1}, false, false, {},
       {"100.hea", "100.dat"}, ""},
      {"record-2c", "rdsamp -r sample-data/100_3chan -P", "100_3chan", 0, {}, {}, true, false, {},
       {"100_3chan.hea", "100_3chan.dat"}, ""},
      {"record-2d", "rdsamp -r 310derive -f 0.007", "310derive", 2, {}, {}, false, false, {},
       {"310derive.hea", "310derive.dat"}, ""},
      {"record-2e", "rdsamp -r 311derive -f 0.005 -t 3.91 -P", "311derive", 1, 978, {}, true, false, {},
       {"311derive.hea", "311derive.dat"}, ""},
      {"record-3a", "rdsamp -r sample-data/s0010_re", "s0010_re", 0, {}, {}, false, false, {}, {"s0010_re.hea"}, ""},
      {"record-3b", "rdsamp -r sample-data/s0010_re -f 5 -t 38 -P -s 13 0 4 8 3", "s0010_re", 5000, 38000,
       {13, 0, 4, 8, 3}, true, false, {}, {"s0010_re.hea"}, ""},
      {"record-4a", "rdsamp -r sample-data/test01_00s_skewframe", "test01_00s_skewframe", 0, {}, {}, false, false,
       {}, {"test01_00s_skewframe.hea", "test01_00s.dat"}, ""},
      {"record-4b", "rdsamp -r sample-data/03700181", "03700181", 0, {}, {}, false, false, {},
       {"03700181.hea", "03700181.dat"}, ""},
      {"record-4c", "rdsamp -r sample-data/03700181 -f 8 -t 128 -s 0 2 -P", "03700181", 1000, 16000, {0, 2}, true,
       false, {}, {"03700181.hea", "03700181.dat"}, ""},
      {"record-4d", "rdsamp -r sample-data/test01_00s_skewframe -P -H", "test01_00s_skewframe", 0, {}, {}, true,
       true, {}, {"test01_00s_skewframe.hea", "test01_00s.dat"}, ""},
      {"record-flac.gz", "rdsamp -r sample-data/flacformats", "flacformats", 0, {}, {}, false, false, {},
       {"flacformats.hea"},
#ifdef ECGLITE_HAVE_FLAC
       ""},
#else
       "unsupported format 508 (FLAC-compressed WFDB signals: this build of EcgLite has no FLAC decoder"},
#endif
      {"record-multi-fixed-a", "rdsamp -r sample-data/multi-segment/fixed1/v102s -P", "multi-segment/fixed1/v102s",
       0, {}, {}, true, false, {}, {"multi-segment/fixed1/v102s.hea"}, ""},
      {"record-multi-fixed-b", "rdsamp -r sample-data/multi-segment/fixed1/v102s -t s75000 -P",
       "multi-segment/fixed1/v102s", 0, 75000, {}, true, false, {}, {"multi-segment/fixed1/v102s.hea"}, ""},
      {"record-multi-fixed-c", "rdsamp -r sample-data/multi-segment/fixed1/v102s -f s70000 -t s80000 -s 1 0 3 -P",
       "multi-segment/fixed1/v102s", 70000, 80000, {1, 0, 3}, true, false, {}, {"multi-segment/fixed1/v102s.hea"},
       ""},
      {"record-multi-fixed-d.gz", "rdsamp -r sample-data/multi-segment/041s/ -s 3 2 1 -H | sed s/-32768/-2048/",
       "multi-segment/041s/041s", 0, {}, {3, 2, 1}, false, true, {-2048},
       {"multi-segment/041s/041s01.dat", "multi-segment/041s/041s02.dat"}, ""},
      {"record-multi-variable-a",
       "rdsamp -r sample-data/multi-segment/s00001/s00001-2896-10-10-00-31 -f s14428365 -t s14428375 -P",
       "multi-segment/s00001/s00001-2896-10-10-00-31", 14428365, 14428375, {}, true, false, {},
       {"multi-segment/s00001/3975656_0012.dat"}, ""},
      {"record-multi-variable-b",
       "rdsamp -r sample-data/multi-segment/s00001/s00001-2896-10-10-00-31 -f s14428364 -t s14428375 -P",
       "multi-segment/s00001/s00001-2896-10-10-00-31", 14428364, 14428375, {}, true, false, {},
       {"multi-segment/s00001/3975656_0011.dat", "multi-segment/s00001/3975656_0012.dat"}, ""},
      {"record-multi-variable-c", "rdsamp of each segment of s25047 -P (not a single rdsamp run)",
       "multi-segment/s25047/s25047-2704-05-04-10-44", 0, {}, {}, true, false, {}, {}, ""},
      {"record-multi-variable-d",
       "rdsamp -r sample-data/multi-segment/p000878/p000878-2137-10-26-16-57 -f s3550 -t s7500 -s 0 1 | perl -p -e "
       "'s/-32768/  -128/g;'",
       "multi-segment/p000878/p000878-2137-10-26-16-57", 3550, 7500, {0, 1}, false, false, {-128},
       {"multi-segment/p000878/3269321_0001.dat", "multi-segment/p000878/3269321_0002.dat"}, ""},
  };
}

std::string samples_dir() { return data_dir() + "/wfdb-samples"; }

std::set<std::string> missing_files(const std::string& list) {
  std::set<std::string> missing;
  std::istringstream in(ecglite::test::read_text(list));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) missing.insert(line);
  return missing;
}

// Target rows as numbers; "-" (an invalid physical sample) is NaN.
std::vector<std::vector<double>> read_target(const std::string& path) {
  std::string text;
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(("gzip -dc '" + path + "'").c_str(), "r"), &pclose);
    char buf[1 << 16];
    for (std::size_t n; p && (n = std::fread(buf, 1, sizeof buf, p.get())) > 0;) text.append(buf, n);
  } else {
    text = ecglite::test::read_text(path);
  }
  std::vector<std::vector<double>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<double> row;
    std::istringstream fields(line);
    for (std::string f; fields >> f;) row.push_back(f == "-" ? NAN : std::stod(f));
    rows.push_back(std::move(row));
  }
  return rows;
}

// rdsamp -H: each frame becomes max-spf rows; a slower signal repeats its sample (getvec's
// zero-order interpolation: sample (spf * g) / max_spf of the frame for row g).
struct HighRes {
  const ecglite::WfdbRecord& rec;
  int max_spf;
  std::int64_t rows() const { return rec.digital.empty() ? 0 : (std::int64_t)rec.digital[0].size() / rec.signals[0].samples_per_frame * max_spf; }
  std::int64_t index(std::size_t c, std::int64_t row) const {
    const int spf = rec.signals[c].samples_per_frame;
    return row / max_spf * spf + (spf * (row % max_spf)) / max_spf;
  }
};

class WfdbTarget : public ::testing::TestWithParam<Target> {};

TEST_P(WfdbTarget, MatchesRdsamp) {
  ECGLITE_REQUIRE_DATA("wfdb-samples");
  const Target& t = GetParam();
  const std::string target_path = samples_dir() + "/target-output/" + t.name;
  if (!path_exists(target_path))
    GTEST_SKIP() << t.name << " is not available in target-output"
                 << (missing_files(samples_dir() + "/target-output/.missing").count("tests/target-output/" + t.name)
                         ? " (listed in target-output/.missing)"
                         : "")
                 << "; nothing to compare";
  const std::set<std::string> missing = missing_files(samples_dir() + "/sample-data/.missing");
  for (const auto& s : t.sources)
    if (missing.count("sample-data/" + s))
      GTEST_SKIP() << t.name << " needs sample-data/" << s << ", listed in sample-data/.missing (over 4 MiB)";

  ecglite::WfdbReadOptions o;
  o.from = t.from;
  o.to = t.to;
  o.signals = t.signals;
  o.expand_frames = t.highres;
  const std::string record = samples_dir() + "/sample-data/" + t.record;
  if (!t.error.empty()) {
    try {
      ecglite::read_wfdb_file(record, o);
      FAIL() << t.name << ": expected an error containing '" << t.error << "'";
    } catch (const ecglite::Error& e) {
      EXPECT_NE(std::string(e.what()).find(t.error), std::string::npos) << e.what();
    }
    return;
  }
  const ecglite::WfdbRecord rec = ecglite::read_wfdb_file(record, o);
  const auto expected = read_target(target_path);
  const HighRes hr{rec, rec.header.max_samples_per_frame()};
  const std::int64_t rows = t.highres ? hr.rows() : rec.num_samples();
  ASSERT_EQ(rows, (std::int64_t)expected.size()) << t.command;
  int reported = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    ASSERT_EQ(expected[r].size(), rec.digital.size()) << t.command << " row " << r;
    for (std::size_t c = 0; c < rec.digital.size(); ++c) {
      const std::int64_t i = t.highres ? hr.index(c, r) : r;
      double want = expected[r][c];
      if (t.physical) {
        const double got = rec.physical(static_cast<int>(c), i);
        const bool ok = std::isnan(want) ? std::isnan(got) : std::abs(got - want) <= 1e-8;
        if (!ok && reported++ < 5) ADD_FAILURE() << t.command << ": row " << r << " col " << c << ": " << got << " != " << want;
      } else {
        for (auto alias : t.invalid_aliases)
          if (want == alias) want = ecglite::kWfdbInvalidPrinted;
        const std::int32_t d = rec.digital[c][i];
        const std::int32_t got = d == ecglite::kInvalidSample ? ecglite::kWfdbInvalidPrinted : d;
        if (got != want && reported++ < 5) ADD_FAILURE() << t.command << ": row " << r << " col " << c << ": " << got << " != " << want;
      }
    }
  }
  EXPECT_EQ(reported, 0) << t.name << ": " << reported << " mismatches";
}

INSTANTIATE_TEST_SUITE_P(Rdsamp, WfdbTarget, ::testing::ValuesIn(targets()),
                         [](const ::testing::TestParamInfo<Target>& info) {
                           std::string n = info.param.name;
                           for (char& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

TEST(WfdbConformance, EveryAvailableTargetHasATest) {
  ECGLITE_REQUIRE_DATA("wfdb-samples/target-output");
  std::set<std::string> known;
  for (const auto& t : targets()) known.insert(t.name);
  int count = 0;
  for (const auto& entry : fs::directory_iterator(samples_dir() + "/target-output")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("record-", 0) != 0) continue;
    ++count;
    EXPECT_TRUE(known.count(name)) << name << " has no conformance case";
  }
  EXPECT_GT(count, 10);
}

ecglite::WfdbRecord read_sample(const std::string& record, ecglite::WfdbReadOptions o = {}) {
  return ecglite::read_wfdb_file(samples_dir() + "/sample-data/" + record, o);
}

// The sources of targets 2d/2e (not in target-output here) were written by rdsamp | wrsamp from
// 3000003_0003: the 310/311 decoders must give back the format 80 values, invalid samples included.
TEST(WfdbConformance, Formats310And311ReproduceTheirFormat80Origin) {
  ECGLITE_REQUIRE_DATA("wfdb-samples/sample-data");
  ecglite::WfdbReadOptions o;
  o.to = 1026;
  const auto origin = read_sample("3000003_0003", o);
  const auto r310 = read_sample("310derive");
  const auto r311 = read_sample("311derive");
  EXPECT_EQ(r310.digital, origin.digital);
  ASSERT_EQ(r311.digital.size(), 1u);
  EXPECT_EQ(r311.digital[0], origin.digital[1]);
  // Odd lengths whose last samples end inside a 4-byte group (signal 0 of the origin).
  for (const auto& [name, length] : std::vector<std::pair<std::string, int>>{
           {"310derive_2", 1020}, {"310derive_3", 1018}, {"311derive_2", 1020}, {"311derive_3", 1019}, {"311derive_4", 1018}}) {
    const auto rec = read_sample(name);
    EXPECT_EQ(rec.num_samples(), length) << name;
    EXPECT_TRUE(rec.warnings.empty()) << name;  // checksum verified
    EXPECT_EQ(std::vector<std::int32_t>(rec.digital[0].begin(), rec.digital[0].begin() + 1000),
              std::vector<std::int32_t>(origin.digital[0].begin(), origin.digital[0].begin() + 1000))
        << name;
  }
}

#ifdef ECGLITE_HAVE_FLAC
// 5.6 million frames of 3 constant format-508 signals in a 20 KB FLAC file (one FLAC stream,
// 3 channels): every sample is the initial value, and the header's checksums agree.
TEST(WfdbConformance, LongConstantFlacRecord) {
  ECGLITE_REQUIRE_DATA("wfdb-samples/sample-data");
  const auto rec = read_sample("flac_3_constant");
  ASSERT_EQ(rec.num_samples(), 5600000);
  ASSERT_EQ(rec.digital.size(), 3u);
  for (int s = 0; s < 3; ++s) {
    EXPECT_EQ(std::count(rec.digital[s].begin(), rec.digital[s].end(), 25 * (s + 1)), 5600000) << s;
    ASSERT_TRUE(rec.computed_checksums[s].has_value());
    EXPECT_EQ(*rec.computed_checksums[s], static_cast<std::uint16_t>(*rec.header.signals[s].checksum));
  }
  EXPECT_TRUE(rec.warnings.empty());
}
#endif

// Headers without a length read like their complete versions; a skewed header shifts its signal.
TEST(WfdbConformance, NoLengthAndSkewedVariants) {
  ECGLITE_REQUIRE_DATA("wfdb-samples/sample-data");
  EXPECT_EQ(read_sample("100-no-len").digital, read_sample("100").digital);
  EXPECT_EQ(read_sample("a103l-no-len").digital, read_sample("a103l").digital);
  const auto plain = read_sample("test01_00s");
  const auto skewed = read_sample("test01_00s_skew");  // 16:3 on signal 1
  ASSERT_EQ(skewed.num_samples(), plain.num_samples() - 3);
  for (std::int64_t i = 0; i < skewed.num_samples(); i += 97) {
    EXPECT_EQ(skewed.digital[0][i], plain.digital[0][i]);
    EXPECT_EQ(skewed.digital[1][i], plain.digital[1][i + 3]);
  }
}

// Every record of the shared datasets: reads completely, the length the header states, checksums
// verified, no warning.
TEST(WfdbConformance, EverySharedRecordReads) {
  struct Set {
    std::string dir;
    int expected_count;
    int num_signals;
  };
  const std::vector<Set> sets = {{"ptbxl/records100", 1625, 12},
                                 {"ptbxl-raw", -1, 12},
                                 {"mitdb", 48, 2}};
  int read = 0;
  for (const Set& set : sets) {
    const std::string dir = data_dir() + "/" + set.dir;
    if (!path_exists(dir)) continue;
    int count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.path().extension() != ".hea") continue;
      const std::string path = entry.path().string();
      SCOPED_TRACE(path);
      ecglite::WfdbRecord rec;
      ASSERT_NO_THROW(rec = ecglite::read_wfdb_file(path)) << path;
      EXPECT_EQ(rec.digital.size(), (std::size_t)set.num_signals);
      ASSERT_TRUE(rec.header.length.has_value());
      EXPECT_EQ(rec.num_samples(), *rec.header.length);
      EXPECT_TRUE(rec.warnings.empty()) << rec.warnings[0];
      for (std::size_t s = 0; s < rec.computed_checksums.size(); ++s)
        EXPECT_TRUE(rec.computed_checksums[s].has_value());
      ++count;
    }
    if (set.expected_count >= 0) EXPECT_EQ(count, set.expected_count) << set.dir;
    read += count;
  }
  if (read == 0) GTEST_SKIP() << "no shared dataset under " << data_dir();
}

}  // namespace
