// WFDB record reading on the committed fixtures (tests/fixtures/wfdb, made by
// scripts/reference/make_wfdb_fixtures.py), from disk and from memory: every format, byte offsets,
// frames, skew, multi-segment layouts, ranges, physical values, limits and malformed input.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ecglite/error.h"
#include "ecglite/wfdb.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using ecglite::Bytes;
using ecglite::WfdbReadOptions;
using ecglite::WfdbRecord;
using ecglite::test::error_of;

std::string fixture(const std::string& name) { return ecglite::test::fixture("wfdb/" + name); }

Bytes bytes_of(const std::string& text) { return Bytes(text.begin(), text.end()); }
Bytes file_bytes(const std::string& path) { return bytes_of(ecglite::test::read_text(path)); }

std::vector<std::vector<std::int64_t>> read_expected(const std::string& name) {
  std::vector<std::vector<std::int64_t>> rows;
  std::istringstream in(ecglite::test::read_text(fixture(name + ".expected")));
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::vector<std::int64_t> row;
    for (std::int64_t v; f >> v;) row.push_back(v);
    rows.push_back(row);
  }
  return rows;
}

// Rows as rdsamp prints them (invalid -> -32768).
std::vector<std::vector<std::int64_t>> rows_of(const WfdbRecord& rec) {
  std::vector<std::vector<std::int64_t>> rows(rec.num_samples());
  for (std::int64_t i = 0; i < rec.num_samples(); ++i)
    for (const auto& sig : rec.digital)
      rows[i].push_back(sig[i] == ecglite::kInvalidSample ? ecglite::kWfdbInvalidPrinted : sig[i]);
  return rows;
}

// Every fixture file, by name: what the browser would hand to make_memory_provider.
std::map<std::string, Bytes> all_fixture_files() {
  std::map<std::string, Bytes> files;
  for (const auto& e : fs::directory_iterator(ecglite::test::fixture("wfdb")))
    files[e.path().filename().string()] = file_bytes(e.path().string());
  return files;
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "in: " << (haystack)

const char* kFixtures[] = {"mitdb100_1s", "HR06001_0s1", "formats", "frames_skew", "msfixed", "msvar"};

TEST(WfdbRecord, FixturesDecodeToTheReferenceValues) {
  for (const char* name : kFixtures) {
    SCOPED_TRACE(name);
    const WfdbRecord rec = ecglite::read_wfdb_file(fixture(name));
    EXPECT_EQ(rows_of(rec), read_expected(name));
    EXPECT_TRUE(rec.warnings.empty()) << rec.warnings[0];
    if (rec.header.is_multi_segment()) continue;
    ASSERT_EQ(rec.computed_checksums.size(), rec.header.signals.size());
    for (std::size_t s = 0; s < rec.header.signals.size(); ++s) {
      ASSERT_TRUE(rec.computed_checksums[s]);
      EXPECT_EQ(*rec.computed_checksums[s], static_cast<std::uint16_t>(*rec.header.signals[s].checksum));
    }
  }
}

TEST(WfdbRecord, MemoryProviderReadsLikeTheDisk) {
  const auto provider = ecglite::make_memory_provider(all_fixture_files());
  for (const char* name : kFixtures) {
    SCOPED_TRACE(name);
    const WfdbRecord mem = ecglite::read_wfdb(ecglite::test::read_text(fixture(std::string(name) + ".hea")), provider);
    EXPECT_EQ(rows_of(mem), read_expected(name));
  }
}

TEST(WfdbRecord, MissingFileInMemoryIsNamed) {
  auto files = all_fixture_files();
  files.erase("msvar_2.hea");
  const std::string err = error_of([&] {
    ecglite::read_wfdb(ecglite::test::read_text(fixture("msvar.hea")), ecglite::make_memory_provider(files));
  });
  EXPECT_EQ(err, "msvar_2.hea: file not provided (select it together with the .hea header: a WFDB record needs "
                 "the header and every file it names)");
}

WfdbRecord from_memory(const std::string& header, const std::map<std::string, Bytes>& files,
                       const WfdbReadOptions& options = {}) {
  return ecglite::read_wfdb(header, ecglite::make_memory_provider(files), options);
}

TEST(WfdbRecord, BitPackedTailsAndFirstDifferences) {
  // Format 212: samples 1 and -2 in 3 bytes, then a 2-byte tail holding one more sample (no length:
  // inferred from the 5 bytes, as rdsamp reads them).
  WfdbRecord r = from_memory("p 1 100\np.dat 212\n", {{"p.dat", {0x01, 0xf0, 0xfe, 0x05, 0x00}}});
  EXPECT_EQ(r.digital[0], (std::vector<std::int32_t>{1, -2, 5}));
  r = from_memory("p 1 100\np.dat 212\n", {{"p.dat", {0x00, 0x08, 0xff, 0xff, 0x0f}}});  // -2048: invalid
  EXPECT_EQ(r.digital[0], (std::vector<std::int32_t>{ecglite::kInvalidSample, 255, -1}));
  // Format 310: words (1 << 1 | 0b00001 << 11), (-1 << 1 | 0b11111 << 11): samples 1, -1, 0b1111100001;
  // then a 2-byte tail: one more sample.
  r = from_memory("p 1 100\np.dat 310\n", {{"p.dat", {0x02, 0x08, 0xfe, 0xff, 0x06, 0x00}}});
  EXPECT_EQ(r.digital[0], (std::vector<std::int32_t>{1, -1, -31, 3}));
  // Format 311: 10-bit fields 5, -5, 511 in one word, then a 3-byte tail holding 2 samples.
  const std::uint32_t w = 5u | ((-5u & 0x3ff) << 10) | (511u << 20);
  r = from_memory("p 1 100\np.dat 311\n",
                  {{"p.dat", {Bytes::value_type(w), Bytes::value_type(w >> 8), Bytes::value_type(w >> 16),
                              Bytes::value_type(w >> 24), 0x07, 0x0c, 0x00}}});
  EXPECT_EQ(r.digital[0], (std::vector<std::int32_t>{5, -5, 511, 7, 3}));
  // Format 8: first differences from the initial value; -128 is an ordinary difference.
  r = from_memory("p 1 100\np.dat 8 200 12 0 10\n", {{"p.dat", {0x01, 0xff, 0x7f, 0x80}}});
  EXPECT_EQ(r.digital[0], (std::vector<std::int32_t>{11, 10, 137, 9}));
  // Format 61 is big-endian, 160 offset binary, 80 offset binary with -128 invalid.
  r = from_memory("p 1 100\np.dat 61\n", {{"p.dat", {0x01, 0x02, 0x80, 0x00}}});
  EXPECT_EQ(r.digital[0], (std::vector<std::int32_t>{258, ecglite::kInvalidSample}));
  r = from_memory("p 1 100\np.dat 160\n", {{"p.dat", {0x00, 0x80, 0xff, 0xff}}});
  EXPECT_EQ(r.digital[0], (std::vector<std::int32_t>{0, 32767}));
  r = from_memory("p 1 100\np.dat 80\n", {{"p.dat", {0x00, 0x81, 0xff}}});
  EXPECT_EQ(r.digital[0], (std::vector<std::int32_t>{ecglite::kInvalidSample, 1, 127}));
}

TEST(WfdbRecord, PhysicalValuesAndCommonRecord) {
  const WfdbRecord rec = ecglite::read_wfdb_file(fixture("mitdb100_1s"));
  EXPECT_DOUBLE_EQ(rec.physical(0, 0), (995 - 1024) / 200.0);
  const ecglite::Record r = rec.to_record();
  EXPECT_EQ(r.name, "mitdb100_1s");
  EXPECT_EQ(r.sampling_rate_hz, 360);
  ASSERT_EQ(r.leads.size(), 2u);
  EXPECT_EQ(r.leads[0].name, "MLII");
  EXPECT_EQ(r.leads[1].name, "V5");
  EXPECT_EQ(r.leads[0].units, "mV");
  EXPECT_EQ(r.length(), 360u);
  EXPECT_FLOAT_EQ(r.leads[1].samples[0], (1011 - 1024) / 200.0f);
  ASSERT_EQ(r.comments.size(), 3u);
  EXPECT_EQ(r.comments[1], "69 M 1085 1629 x1");

  const WfdbRecord formats = ecglite::read_wfdb_file(fixture("formats"));
  EXPECT_TRUE(std::isnan(formats.physical(1, 5)));      // format 16's -32768
  EXPECT_TRUE(std::isnan(formats.to_record().leads[7].samples[5]));
  EXPECT_DOUBLE_EQ(formats.physical(7, 3), 2047 / 200.0);

  // Gain 0 (uncalibrated) reads as WFDB's default gain 200; an absent description names the signal.
  const WfdbRecord g = from_memory("g 1 100 2\ng.dat 16 0(10)\n", {{"g.dat", {30, 0, 10, 0}}});
  EXPECT_DOUBLE_EQ(g.physical(0, 0), 0.1);
  EXPECT_EQ(g.to_record().leads[0].name, "signal 0");
}

TEST(WfdbRecord, FramesAndSkewFollowRdsamp) {
  WfdbRecord rec = ecglite::read_wfdb_file(fixture("frames_skew"));
  EXPECT_EQ(rec.num_samples(), 10);  // 12 frames, the last 2 lost to the skew as in rdsamp
  EXPECT_EQ(rec.record_length, 10);

  WfdbReadOptions o;
  o.expand_frames = true;
  rec = ecglite::read_wfdb_file(fixture("frames_skew"), o);
  ASSERT_EQ(rec.digital.size(), 3u);
  EXPECT_EQ(rec.digital[0].size(), 10u);
  EXPECT_EQ(rec.digital[1].size(), 20u);
  EXPECT_EQ(rec.digital[0][0], 21);  // frame 2 of the skewed signal
  EXPECT_EQ(rec.digital[1][0], 1);   // (-1)^k (3k + 1)
  EXPECT_EQ(rec.digital[1][1], -4);
  EXPECT_EQ(rec.digital[1][7], ecglite::kInvalidSample);
  EXPECT_CONTAINS(error_of([&] { rec.to_record(); }), "different numbers of samples");
}

TEST(WfdbRecord, RangeAndSignalSelection) {
  const auto expected = read_expected("mitdb100_1s");
  WfdbReadOptions o;
  o.from = 100;
  o.to = 110;
  o.signals = {1, 0, 1};
  const WfdbRecord rec = ecglite::read_wfdb_file(fixture("mitdb100_1s"), o);
  ASSERT_EQ(rec.num_samples(), 10);
  EXPECT_EQ(rec.first_sample, 100);
  EXPECT_EQ(rec.record_length, 360);
  EXPECT_EQ(rec.signals[0].description, "V5");
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(rec.digital[0][i], expected[100 + i][1]);
    EXPECT_EQ(rec.digital[1][i], expected[100 + i][0]);
    EXPECT_EQ(rec.digital[2][i], expected[100 + i][1]);
  }
  EXPECT_TRUE(rec.computed_checksums[0].has_value());  // the whole signal was still checked

  o = {};
  o.to = 361;
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file(fixture("mitdb100_1s"), o); }),
                  "samples 0 to 361 are outside the record, which has 360 samples");
  o = {};
  o.signals = {2};
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file(fixture("mitdb100_1s"), o); }),
                  "there is no signal 2 (the record has 2 signals, numbered from 0)");
}

TEST(WfdbRecord, MultiSegmentLayouts) {
  const auto expected = read_expected("msvar");
  WfdbReadOptions o;
  o.from = 1;
  o.to = 7;  // null segment, the whole first segment, one sample of the second
  const WfdbRecord rec = ecglite::read_wfdb_file(fixture("msvar"), o);
  EXPECT_EQ(rows_of(rec), std::vector<std::vector<std::int64_t>>(expected.begin() + 1, expected.begin() + 7));
  ASSERT_EQ(rec.header.signals.size(), 3u);  // the layout's signals
  EXPECT_EQ(rec.header.signals[2].description, "ABP");
  EXPECT_EQ(rec.record_length, 9);
  // ABP is stored with gain 2, baseline 5 in msvar_1 and returned in the layout's gain 1: same mmHg.
  EXPECT_DOUBLE_EQ(rec.physical(2, 1), (7 - 5) / 2.0);
  // V is absent from msvar_1: invalid.
  EXPECT_TRUE(std::isnan(rec.physical(1, 1)));

  const WfdbRecord fixed = ecglite::read_wfdb_file(fixture("msfixed"));
  EXPECT_EQ(fixed.header.signals[0].format, 16);  // the first segment's signals
  EXPECT_EQ(fixed.num_samples(), 12);
  EXPECT_EQ(fixed.digital[0][5], ecglite::kInvalidSample);  // the null segment

  // An empty range reads only the layout: the info command's way to list the signals.
  auto files = all_fixture_files();
  files.erase("msvar_1.dat");
  files.erase("msvar_2.hea");
  o = {};
  o.to = 0;
  const WfdbRecord layout = from_memory(ecglite::test::read_text(fixture("msvar.hea")), files, o);
  EXPECT_EQ(layout.header.signals.size(), 3u);
  EXPECT_EQ(layout.num_samples(), 0);
}

TEST(WfdbRecord, LengthInferredFromTheFileSize) {
  const std::string header = "mitdb100_1s 2 360\nmitdb100_1s.dat 212 200 11 1024 995\nmitdb100_1s.dat 212 200 11 1024 1011\n";
  auto files = all_fixture_files();
  files["mitdb100_1s.dat"].push_back(0x12);  // a partial frame at the end is not a sample
  const WfdbRecord rec = from_memory(header, files);
  EXPECT_EQ(rows_of(rec), read_expected("mitdb100_1s"));
  EXPECT_FALSE(rec.computed_checksums[0].has_value());  // no length, no checksum (as WFDB)
}

TEST(WfdbRecord, ChecksumMismatchIsAWarning) {
  std::string header = ecglite::test::read_text(fixture("mitdb100_1s.hea"));
  header.replace(header.find(" 0 V5"), 0, "1");  // "... 1011 <checksum>1 0 V5"
  const WfdbRecord rec = from_memory(header, all_fixture_files());
  ASSERT_EQ(rec.warnings.size(), 1u);
  EXPECT_CONTAINS(rec.warnings[0], "mitdb100_1s.hea: signal 1 (V5): checksum mismatch (header says");
  EXPECT_EQ(rec.num_samples(), 360);
}

// The header of one record with a longer signal file of another (here: the same file shifted by
// one frame): every checksum fails. Reading still works (info, dump show it); analysing does not.
TEST(WfdbRecord, SignalFileOfAnotherRecordIsRefusedForAnalysis) {
  auto files = all_fixture_files();
  Bytes& dat = files["mitdb100_1s.dat"];
  dat.insert(dat.begin(), {0x00, 0x00, 0x00});  // one 212 frame (2 samples) in front
  const std::string header = ecglite::test::read_text(fixture("mitdb100_1s.hea"));
  const WfdbRecord rec = from_memory(header, files);
  EXPECT_EQ(rec.warnings.size(), 2u);
  EXPECT_CONTAINS(error_of([&] { rec.to_record(); }),
                  "mitdb100_1s: the samples of all 2 signals disagree with the checksums in the header");

  // One signal's checksum changed: a damaged file, still analysed (with the warning).
  std::string one_off = header;
  one_off.replace(one_off.find(" 0 V5"), 0, "1");
  EXPECT_EQ(from_memory(one_off, all_fixture_files()).to_record().warnings.size(), 1u);

  // All checksums 0: a writer that does not compute them; a warning per signal, no refusal.
  std::string zeros = header;
  zeros.replace(zeros.find("20844"), 5, "0");
  zeros.replace(zeros.find("28153"), 5, "0");
  EXPECT_EQ(from_memory(zeros, all_fixture_files()).to_record().warnings.size(), 2u);
}

TEST(WfdbRecord, TruncatedSignalFileNamesTheFileAndBothLengths) {
  auto files = all_fixture_files();
  files["mitdb100_1s.dat"].resize(500);
  EXPECT_EQ(error_of([&] { from_memory(ecglite::test::read_text(fixture("mitdb100_1s.hea")), files); }),
            "mitdb100_1s.dat: file is too short: 500 bytes hold 166 samples per signal, but the header "
            "mitdb100_1s.hea says 360 (1080 bytes); the file is truncated or belongs to another record");
  files["HR06001_0s1.mat"].resize(10);
  EXPECT_CONTAINS(error_of([&] { from_memory(ecglite::test::read_text(fixture("HR06001_0s1.hea")), files); }),
                  "HR06001_0s1.mat: the header HR06001_0s1.hea says the samples start at byte 24 but the file "
                  "has only 10 bytes");
}

TEST(WfdbRecord, MalformedAndUnsupportedInput) {
  const std::map<std::string, Bytes> files = {{"r.dat", Bytes(12, 0)}};
  EXPECT_CONTAINS(error_of([&] { from_memory("r 1 250 3\nr.dat 999\n", files); }),
                  "header: line 2: unknown signal format 999");
  EXPECT_CONTAINS(error_of([&] { from_memory("r 2 250 3\nr.dat 16\nr.dat 212\n", files); }),
                  "signals 0 and 1 share file r.dat but differ in format or block size");
  EXPECT_CONTAINS(error_of([&] { from_memory("r 3 250 3\nr.dat 16\n", files); }),
                  "announces 3 signals but the header has 1 signal lines");
  EXPECT_EQ(error_of([&] { from_memory("r 1 250 3\nr.dat 516\n", files); }),
            "r.dat (signal 0 of r.hea): unsupported format 516 (FLAC-compressed WFDB signals are not supported; convert the record "
            "to format 16 with WFDB `xform -O 16` or wfdb-python `wrsamp(..., fmt=['16', ...])`)");
  const WfdbRecord empty = from_memory("e 0 250 0\n", {});
  EXPECT_EQ(empty.num_samples(), 0);
}

TEST(WfdbRecord, LimitsAreCheckedBeforeLoading) {
  // A header claiming 10^12 samples: rejected before the signal file is even asked for.
  const auto never = [](const std::string& name) -> Bytes {
    ADD_FAILURE() << "asked for " << name;
    return {};
  };
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb("h 2 250 1000000000000\nh.dat 16\nh.dat 16\n", never); }),
                  "h.hea: 1000000000000 samples x 2 signal values per sample exceeds the limit of 40000000 samples");

  WfdbReadOptions o;
  o.limits.max_total_samples = 100;
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file(fixture("mitdb100_1s"), o); }),
                  "360 samples x 2 signal values per sample exceeds the limit of 100 samples (read a shorter range");
  o.to = 50;
  EXPECT_EQ(ecglite::read_wfdb_file(fixture("mitdb100_1s"), o).num_samples(), 50);

  o = {};
  o.limits.max_file_bytes = 1000;
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file(fixture("mitdb100_1s"), o); }),
                  "mitdb100_1s.dat: 1080 bytes exceeds the limit of 1000 bytes per file");
  EXPECT_CONTAINS(error_of([&] {
                    from_memory(ecglite::test::read_text(fixture("mitdb100_1s.hea")), all_fixture_files(), o);
                  }),
                  "mitdb100_1s.dat: 1080 bytes exceeds the limit of 1000 bytes per file");

  // Even when nothing is stored (an empty range), a length the file cannot hold is an error.
  o = {};
  o.to = 0;
  EXPECT_CONTAINS(error_of([&] { from_memory("h 1 250 9223372036854775807\nh.dat 16\n", {{"h.dat", Bytes(4)}}, o); }),
                  "h.dat: file is too short: 4 bytes hold 2 samples per signal, but the header h.hea says "
                  "9223372036854775807; the file is truncated");
  o = {};
  o.from = -5;
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file(fixture("mitdb100_1s"), o); }),
                  "mitdb100_1s.hea: sample range -5 to end is not a range");

  std::string many = "m 65 250 1\n";
  for (int s = 0; s < 65; ++s) many += "m.dat 16\n";
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb(many, never); }), "65 signals, more than the limit of 64");
}

TEST(WfdbRecord, RecordPathsOnDisk) {
  const WfdbRecord by_hea = ecglite::read_wfdb_file(fixture("mitdb100_1s.hea"));
  EXPECT_EQ(by_hea.num_samples(), 360);
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file(fixture("nothing_here")); }),
                  "nothing_here.hea: cannot open (No such file or directory; a WFDB record needs its .hea and all "
                  "its signal files side by side)");
  // A file other than the header: what to give instead.
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file(fixture("mitdb100_1s.dat")); }),
                  "mitdb100_1s.dat: a file of the WFDB record " + fixture("mitdb100_1s") + ", not its header (give " +
                      fixture("mitdb100_1s") + " or " + fixture("mitdb100_1s") + ".hea)");
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file(fixture("README.md")); }),
                  "README.md: not a WFDB header (give the record name without extension");

  const fs::path dir = fs::path(::testing::TempDir()) / ("wfdb_paths_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream((dir / "holter.EDF").string()) << "0       patient";
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file((dir / "holter.EDF").string()); }),
                  "holter.EDF: European Data Format (EDF/BDF) is not read (EcgLite reads WFDB records and CSV "
                  "files: convert it with the WFDB tool edf2mit, or export the samples as CSV)");

  // A header may only name files next to it.
  std::ofstream(dir / "evil.hea") << "evil 1 250 1\n../evil.dat 16\n";
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file((dir / "evil").string()); }),
                  "'../evil.dat': not a plain file name");
  fs::remove_all(dir);
}

}  // namespace
