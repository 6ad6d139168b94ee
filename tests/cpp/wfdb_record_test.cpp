// WFDB record reading on the committed fixtures (tests/fixtures/wfdb, made by
// scripts/reference/make_wfdb_fixtures.py), from disk and from memory: every format, byte offsets,
// frames, skew, multi-segment layouts, ranges, physical values, limits and malformed input.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ecglite/error.h"
#include "ecglite/read.h"
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

const std::vector<std::string> kFixtures = {"mitdb100_1s", "HR06001_0s1", "formats", "frames_skew", "msfixed", "msvar",
#ifdef ECGLITE_HAVE_FLAC
                                             "flac"
#endif
};

TEST(WfdbRecord, FixturesDecodeToTheReferenceValues) {
  for (const std::string& name : kFixtures) {
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
  for (const std::string& name : kFixtures) {
    SCOPED_TRACE(name);
    const WfdbRecord mem = ecglite::read_wfdb(ecglite::test::read_text(fixture(name + ".hea")), provider);
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
                  "holter.EDF: an EDF/BDF file, not a WFDB record (read it as an EDF file)");
  EXPECT_CONTAINS(error_of([&] { ecglite::read_record_file((dir / "holter.EDF").string()); }),
                  "holter.EDF: the file ends inside its header (15 bytes, an EDF header has at least 256)");

  // A header may only name files next to it.
  std::ofstream(dir / "evil.hea") << "evil 1 250 1\n../evil.dat 16\n";
  EXPECT_CONTAINS(error_of([&] { ecglite::read_wfdb_file((dir / "evil").string()); }),
                  "'../evil.dat': not a plain file name");
  fs::remove_all(dir);
}

// --- FLAC formats 508/516/524 (tests/fixtures/wfdb/flac: 3 files, 4 signals, 3 samples per frame in
// the 516 file, 64-sample FLAC blocks that end mid-frame) ---

#ifdef ECGLITE_HAVE_FLAC

// The flac fixture's header with its signal lines replaced by `signals`.
std::string flac_header(const std::string& record_line, const std::string& signals) {
  return record_line + "\n" + signals;
}

TEST(WfdbFlac, FramesRangesAndExpandedSamples) {
  const auto files = all_fixture_files();
  const std::string hea = ecglite::test::read_text(fixture("flac.hea"));
  const auto expected = read_expected("flac");
  WfdbReadOptions o;
  o.from = 40;
  o.to = 47;
  o.signals = {3, 1};
  const WfdbRecord part = from_memory(hea, files, o);
  for (std::int64_t i = 0; i < 7; ++i) {
    EXPECT_EQ(part.digital[0][i], expected[40 + i][3]);
    EXPECT_EQ(part.digital[1][i], expected[40 + i][1]);
  }
  // Every sample of a 3-samples-per-frame signal; their frame means are what rdsamp prints.
  o = {};
  o.expand_frames = true;
  const WfdbRecord all = from_memory(hea, files, o);
  ASSERT_EQ(all.digital[1].size(), 450u);
  for (std::size_t f = 6; f < 150; ++f) {  // frame 5 holds the invalid sample
    std::int64_t sum = 0;
    for (int j = 0; j < 3; ++j) sum += all.digital[1][3 * f + j];
    EXPECT_EQ(sum / 3, expected[f][1]) << f;
  }
  // No length in the header: the stream's length.
  const WfdbRecord unsized = from_memory("flac 1 100\nflac.d2 524 200/mV 24 0 710280 0 0 s\n", files);
  EXPECT_EQ(unsized.num_samples(), 150);
  EXPECT_EQ(unsized.digital[0][149], expected[149][3]);
  // Physical values: the 24-bit extreme.
  EXPECT_DOUBLE_EQ(part.physical(0, 0), expected[40][3] / 200.0);
}

TEST(WfdbFlac, MalformedStreamsAreOneLineErrors) {
  auto files = all_fixture_files();
  const Bytes d1 = files["flac.d1"];
  const auto kind_and_text = [&](const std::string& hea) {
    const ecglite::Error e = ecglite::test::thrown_by([&] { from_memory(hea, files); });
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    return std::make_pair(e.kind(), std::string(e.what()));
  };
  using ecglite::ErrorKind;
  // Channels: the 2-channel file listed with one signal, the 1-channel file with two.
  auto [kind, text] = kind_and_text("r 1 100 150\nflac.d1 516x3\n");
  EXPECT_EQ(kind, ErrorKind::bad_data);
  EXPECT_EQ(text, "flac.d1: the FLAC stream has 2 channels but the header lists 1 signal in this file (the header "
                  "and the signal file do not belong together)");
  std::tie(kind, text) = kind_and_text("r 2 100 150\nflac.d0 508\nflac.d0 508\n");
  EXPECT_CONTAINS(text, "flac.d0: the FLAC stream has 1 channel but the header lists 2 signals");
  // Sample width: 16-bit samples where format 508 holds 8 bits.
  std::tie(kind, text) = kind_and_text("r 2 100 150\nflac.d1 508x3\nflac.d1 508x3\n");
  EXPECT_EQ(kind, ErrorKind::bad_data);
  EXPECT_CONTAINS(text, "16-bit samples but format 508 holds at most 8 bits");
  // Truncated: half the stream (ends inside a frame); a whole frame fewer than the header says.
  files["cut.d1"] = Bytes(d1.begin(), d1.begin() + d1.size() / 2);
  std::tie(kind, text) = kind_and_text("r 2 100 150\ncut.d1 516x3\ncut.d1 516x3\n");
  EXPECT_EQ(kind, ErrorKind::bad_data);
  EXPECT_CONTAINS(text, "cut.d1: the FLAC stream is truncated: it ends inside a frame, after 192 samples per signal");
  std::tie(kind, text) = kind_and_text("r 1 100 151\nflac.d0 508\n");
  EXPECT_EQ(kind, ErrorKind::bad_data);
  EXPECT_EQ(text, "flac.d0: the FLAC stream is too short: it holds 150 samples per signal, but the header r.hea "
                  "says 151; the file is truncated or belongs to another record");
  // Cut inside the metadata; damaged frames (a CRC mismatch or lost sync); not FLAC at all.
  files["stub.d1"] = Bytes(d1.begin(), d1.begin() + 20);
  std::tie(kind, text) = kind_and_text("r 2 100 150\nstub.d1 516x3\nstub.d1 516x3\n");
  EXPECT_EQ(kind, ErrorKind::bad_data);
  EXPECT_CONTAINS(text, "stub.d1: ");
  Bytes damaged = d1;
  for (std::size_t i = d1.size() / 2; i < d1.size() / 2 + 8; ++i) damaged[i] ^= 0x5a;
  files["bad.d1"] = damaged;
  std::tie(kind, text) = kind_and_text("r 2 100 150\nbad.d1 516x3\nbad.d1 516x3\n");
  EXPECT_EQ(kind, ErrorKind::bad_data);
  EXPECT_CONTAINS(text, "bad.d1: the FLAC stream is corrupt (");
  std::tie(kind, text) = kind_and_text("r 1 100 21\nformats.d1 516\n");
  EXPECT_EQ(text, "formats.d1: not a FLAC stream (it does not begin with 'fLaC'), but the header says format 516");
  // What WFDB's FLAC files cannot be: signals with different samples per frame, more than 8
  // channels, a byte offset.
  std::tie(kind, text) = kind_and_text("r 2 100 150\nflac.d1 516x3\nflac.d1 516x2\n");
  EXPECT_EQ(kind, ErrorKind::bad_header);
  EXPECT_CONTAINS(text, "must have the same samples per frame");
  std::string nine = "r 9 100 150\n";
  for (int s = 0; s < 9; ++s) nine += "flac.d0 508\n";
  std::tie(kind, text) = kind_and_text(nine);
  EXPECT_CONTAINS(text, "9 signals share this FLAC file, but FLAC holds at most 8 channels");
  std::tie(kind, text) = kind_and_text("r 1 100 150\nflac.d0 508+4\n");
  EXPECT_EQ(kind, ErrorKind::unsupported_format);
}

TEST(WfdbFlac, DecodedSamplesCountAgainstTheLimitBeforeTheyAreStored) {
  // No length in the header, so nothing to check up front: the decoder stops at the limit, counting
  // all FLAC files of the record together.
  WfdbReadOptions o;
  o.limits.max_total_samples = 400;
  const auto files = all_fixture_files();
  const ecglite::Error e = ecglite::test::thrown_by(
      [&] { from_memory("r 3 100\nflac.d0 508\nflac.d1 516x3\nflac.d1 516x3\n", files, o); });
  EXPECT_EQ(e.kind(), ecglite::ErrorKind::limit);
  EXPECT_CONTAINS(e.what(), "flac.d1: the FLAC stream decodes to more than 250 samples");
  o.limits.max_total_samples = 150 + 900;
  EXPECT_EQ(from_memory("r 3 100\nflac.d0 508\nflac.d1 516x3\nflac.d1 516x3\n", files, o).num_samples(), 150);
}

TEST(WfdbFlac, FormatsAreSupported) {
  EXPECT_TRUE(ecglite::is_supported_wfdb_format(508));
  EXPECT_TRUE(ecglite::is_supported_wfdb_format(516));
  EXPECT_TRUE(ecglite::is_supported_wfdb_format(524));
}

#else  // a build without libFLAC

TEST(WfdbFlac, WithoutLibflacTheFormatsAreRefusedClearly) {
  EXPECT_FALSE(ecglite::is_supported_wfdb_format(516));
  const ecglite::Error e = ecglite::test::thrown_by([] { ecglite::read_wfdb_file(fixture("flac")); });
  EXPECT_EQ(e.kind(), ecglite::ErrorKind::unsupported_format);
  EXPECT_CONTAINS(e.what(), "flac.d0 (signal 0 (sig 0, fmt 508) of flac.hea): unsupported format 508 "
                            "(FLAC-compressed WFDB signals: this build of EcgLite has no FLAC decoder");
}

#endif

// Records in the PhysioNet/CinC Challenge 2020/2021 header layout (tests/fixtures/wfdb/cinc_date,
// cinc_ext): decoded like any record, the header's warnings carried to the record and to Record.
TEST(WfdbRecord, CincChallengeHeaderLayoutsDecodeWithTheirWarnings) {
  const auto provider = ecglite::make_memory_provider(all_fixture_files());
  for (const std::string name : {"cinc_date", "cinc_ext"}) {
    SCOPED_TRACE(name);
    const WfdbRecord rec = ecglite::read_wfdb_file(fixture(name));
    EXPECT_EQ(rows_of(rec), read_expected(name));
    EXPECT_EQ(rec.header.record_name, name);
    ASSERT_EQ(rec.warnings.size(), name == "cinc_ext" ? 2u : 1u);
    EXPECT_CONTAINS(rec.warnings.back(), name + ".hea: line 1: base time and date written as");
    for (std::size_t s = 0; s < rec.header.signals.size(); ++s)
      EXPECT_EQ(*rec.computed_checksums[s], static_cast<std::uint16_t>(*rec.header.signals[s].checksum));
    const ecglite::Record r = rec.to_record();
    EXPECT_EQ(r.name, name);
    EXPECT_EQ(r.warnings, rec.warnings);
    // From memory (the page): the header's own name, without the extension, names the record.
    const WfdbRecord mem = ecglite::read_wfdb(ecglite::test::read_text(fixture(name + ".hea")), provider);
    EXPECT_EQ(rows_of(mem), read_expected(name));
    ASSERT_EQ(mem.warnings.size(), rec.warnings.size());
    EXPECT_EQ(mem.warnings.back().rfind(name + ".hea: line 1: base time and date written as", 0), 0u)
        << mem.warnings.back();
  }
}

}  // namespace
