// RecordSource (record_source.h): WFDB and EDF records read in ranges equal the same frames of a
// whole-record read, for every format, skew, multi-frame and multi-segment record; the limits of
// ranged reading (duration cap before anything is read, samples held at once); memory sources.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ecglite/edf.h"
#include "ecglite/error.h"
#include "ecglite/read.h"
#include "ecglite/record_source.h"
#include "ecglite/wfdb.h"
#include "edf_writer.h"
#include "test_support.h"

using namespace ecglite;
using ecglite::test::fixture;
using ecglite::test::thrown_by;

namespace {

std::string directory_of(const std::string& path) { return path.substr(0, path.find_last_of('/')); }
std::string file_name_of(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// Byte ranges of files in memory, counting the bytes handed out (what a range costs).
struct MemoryRanges {
  std::map<std::string, Bytes> files;
  std::shared_ptr<std::uint64_t> bytes_read = std::make_shared<std::uint64_t>(0);
  ByteRangeProvider provider() const {
    auto shared = std::make_shared<std::map<std::string, Bytes>>(files);
    auto counter = bytes_read;
    ByteRangeProvider p;
    p.size = [shared](const std::string& name) -> std::uint64_t {
      auto it = shared->find(name);
      if (it == shared->end()) throw Error(ErrorKind::missing_file, name + ": not provided");
      return it->second.size();
    };
    p.read = [shared, counter](const std::string& name, std::uint64_t offset, std::uint64_t length) {
      const Bytes& b = shared->at(name);
      const std::uint64_t end = std::min<std::uint64_t>(b.size(), offset + length);
      *counter += end - std::min(end, offset);
      return Bytes(b.begin() + std::min<std::uint64_t>(offset, end), b.begin() + end);
    };
    return p;
  }
};

// Bitwise sample equality (NaN equals NaN) of `part` and frames [from, to) of `whole`.
void expect_slice(const Record& whole, const Record& part, std::int64_t from, std::int64_t to, const std::string& what) {
  ASSERT_EQ(part.leads.size(), whole.leads.size()) << what;
  EXPECT_EQ(part.sampling_rate_hz, whole.sampling_rate_hz) << what;
  for (std::size_t k = 0; k < whole.leads.size(); ++k) {
    const std::vector<float>& a = whole.leads[k].samples;
    const std::vector<float>& b = part.leads[k].samples;
    EXPECT_EQ(part.leads[k].name, whole.leads[k].name) << what;
    EXPECT_EQ(part.leads[k].units, whole.leads[k].units) << what;
    ASSERT_EQ(static_cast<std::int64_t>(b.size()), to - from) << what << " lead " << k;
    for (std::int64_t i = from; i < to; ++i) {
      const float x = a[static_cast<std::size_t>(i)], y = b[static_cast<std::size_t>(i - from)];
      if (std::isnan(x) && std::isnan(y)) continue;
      ASSERT_EQ(x, y) << what << " lead " << k << " frame " << i << " of range " << from << "-" << to;
    }
  }
}

void expect_info(const RecordSource& source, const Record& whole) {
  const RecordInfo& info = source.info();
  EXPECT_EQ(info.name, whole.name);
  EXPECT_EQ(info.sampling_rate_hz, whole.sampling_rate_hz);
  EXPECT_EQ(info.length, static_cast<std::int64_t>(whole.length()));
  ASSERT_EQ(info.lead_names.size(), whole.leads.size());
  for (std::size_t k = 0; k < whole.leads.size(); ++k) {
    EXPECT_EQ(info.lead_names[k], whole.leads[k].name);
    EXPECT_EQ(info.lead_units[k], whole.leads[k].units);
  }
}

// Every range of a short record (forwards, then backwards: format 8 must seek back), or `samples`
// random ranges of a long one, equals the whole read.
void expect_ranges_equal_whole(RecordSource& source, const Record& whole, const std::string& what, int samples = 0) {
  expect_info(source, whole);
  const std::int64_t n = static_cast<std::int64_t>(whole.length());
  if (samples == 0) {
    for (std::int64_t from = 0; from <= n; ++from)
      for (std::int64_t to = from; to <= n; ++to) expect_slice(whole, source.read(from, to), from, to, what);
    for (std::int64_t from = n; from-- > 0;) expect_slice(whole, source.read(from, n), from, n, what);
    return;
  }
  std::mt19937 rng(5);
  std::uniform_int_distribution<std::int64_t> at(0, n), length(0, std::min<std::int64_t>(n, 20000));
  for (int k = 0; k < samples; ++k) {
    const std::int64_t a = at(rng);
    // Short ranges at odd offsets (packs of 212/310/311), longer ones, and the end of the record.
    const std::int64_t b = k % 4 == 0 ? std::min(n, a + 7) : k % 4 == 1 ? n : std::min(n, a + length(rng));
    expect_slice(whole, source.read(a, b), a, b, what);
  }
}

void check_wfdb(const std::string& record_path, int samples = 0) {
  SCOPED_TRACE(record_path);
  const Record whole = read_wfdb_file(record_path).to_record();
  const std::string hea = record_path + ".hea";
  auto source = open_wfdb_source(test::read_text(hea), hea, make_directory_range_provider(directory_of(hea)));
  expect_ranges_equal_whole(*source, whole, record_path, samples);
}

}  // namespace

TEST(RecordSource, WfdbRangesEqualWholeReadsForEveryFormat) {
  // formats: 8, 16, 24, 32, 61, 80, 160, 212, 310, 311 (one file each), invalid sentinels.
  for (const char* name : {"formats", "mitdb100_1s", "frames_skew", "HR06001_0s1", "msfixed", "msvar"})
    check_wfdb(fixture(std::string("wfdb/") + name));
}

#ifdef ECGLITE_HAVE_FLAC
TEST(RecordSource, FlacRecordsAreDecodedWholeOnceAndGiveTheSameRanges) {
  check_wfdb(fixture("wfdb/flac"));
}
#endif

TEST(RecordSource, LongFormat8And212FilesAreReadInRangesOnly) {
  // Format 8 (first differences) over several checkpoint chunks, and format 212 sharing a frame.
  const std::int64_t n = 600'000;
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> step(-9, 9), value(-2000, 2000);
  Bytes d8(static_cast<std::size_t>(n)), d212(static_cast<std::size_t>(3 * n));
  for (std::int64_t i = 0; i < n; ++i) d8[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(static_cast<std::int8_t>(step(rng)));
  for (std::int64_t i = 0; i < n; ++i) {  // two signals per frame: 3 bytes
    const int a = value(rng) & 0xfff, b = value(rng) & 0xfff;
    d212[3 * i] = a & 0xff;
    d212[3 * i + 1] = static_cast<std::uint8_t>(((a >> 8) & 0x0f) | ((b >> 4) & 0xf0));
    d212[3 * i + 2] = b & 0xff;
  }
  MemoryRanges files;
  files.files["long.d8"] = d8;
  files.files["long.d212"] = d212;
  const std::string header =
      "long 3 250 600000\nlong.d8 8 200/mV 12 0 5 0 0 difference\nlong.d212 212 200/mV 12 0 0 0 0 a\n"
      "long.d212 212 200/mV 12 0 0 0 0 b\n";
  const Record whole = read_wfdb(header, make_memory_provider(files.files)).to_record();
  auto source = open_wfdb_source(header, "long.hea", files.provider());
  expect_ranges_equal_whole(*source, whole, "long", 40);
  // Front to back in blocks, as the analysis reads: each byte about once (format 8 from checkpoints).
  *files.bytes_read = 0;
  auto fresh = open_wfdb_source(header, "long.hea", files.provider());
  for (std::int64_t b = 0; b < n; b += 60'000) expect_slice(whole, fresh->read(b, std::min(n, b + 70'000)), b, std::min(n, b + 70'000), "blocks");
  EXPECT_LT(*files.bytes_read, 2 * (d8.size() + d212.size())) << "ranged reading re-read the files";
  // A short range in the middle reads little of the 212 file.
  *files.bytes_read = 0;
  source->read(300'000, 300'100);
  EXPECT_LT(*files.bytes_read, d8.size() / 2 + 1000) << "a range read more than its bytes";
}

TEST(RecordSource, SharedWfdbSamplesRangesEqualWholeReads) {
  const std::string dir = test::data_dir() + "/wfdb-samples/sample-data";
  if (!test::path_exists(dir + "/binformats.hea"))
    GTEST_SKIP() << dir << " not found (the shared WFDB samples); tests/fixtures/wfdb covers every format on its own";
  check_wfdb(dir + "/binformats", 400);
  check_wfdb(dir + "/multi-segment/fixed1/v102s", 30);
  check_wfdb(dir + "/multi-segment/041s/041s", 30);
  check_wfdb(dir + "/100skew", 30);
}

TEST(RecordSource, EdfRangesEqualWholeReads) {
  for (const char* name : {"two-rates.edf", "bdf24.bdf", "gaps.edf"}) {
    SCOPED_TRACE(name);
    const std::string path = fixture(std::string("edf/") + name);
    const Record whole = read_edf_file(path).to_record();
    auto source = open_edf_source(file_name_of(path), make_directory_range_provider(directory_of(path)));
    expect_ranges_equal_whole(*source, whole, name, whole.length() > 400 ? 300 : 0);
  }
  // Many data records, a lead at half the rate (interpolated across data records).
  test::EdfTestFile f;
  f.reserved = "EDF+C";
  f.annotation_bytes = 60;
  f.num_records = 50;
  test::EdfTestSignal fast, slow;
  fast.label = "ECG I";
  fast.samples_per_record = 10;
  slow.label = "ECG II";
  slow.samples_per_record = 4;
  for (int i = 0; i < 500; ++i) fast.samples.push_back((i * 37) % 2001 - 1000);
  for (int i = 0; i < 200; ++i) slow.samples.push_back((i * 91) % 3001 - 1500);
  f.signals = {fast, slow};
  MemoryRanges files;
  files.files["many.edf"] = f.bytes();
  const Record whole = read_edf(files.files["many.edf"], "many.edf").to_record();
  auto source = open_edf_source("many.edf", files.provider());
  expect_ranges_equal_whole(*source, whole, "many.edf", 400);
}

TEST(RecordSource, DurationCapIsCheckedFromTheHeaderBeforeAnyFile) {
  // 35 days at 200 Hz: refused before the (absent) signal file is looked at.
  MemoryRanges none;
  const Error e = thrown_by([&] {
    open_wfdb_source("patch 1 200 604800000\npatch.dat 16 200/mV 16 0 0 0 0 ECG\n", "patch.hea", none.provider());
  });
  EXPECT_EQ(e.kind(), ErrorKind::limit);
  const std::string m = e.what();
  EXPECT_NE(m.find("35 days"), std::string::npos) << m;
  EXPECT_NE(m.find("limit of 30 days"), std::string::npos) << m;
  EXPECT_NE(m.find("split the recording"), std::string::npos) << m;
  Limits two_days;
  two_days.max_duration_s = 2 * 86400;
  EXPECT_EQ(thrown_by([&] {
              open_wfdb_source("rec 1 100 20000000\nrec.dat 16 200/mV 16 0 0 0 0 ECG\n", "rec.hea", none.provider(), two_days);
            }).kind(),
            ErrorKind::limit);
}

TEST(RecordSource, RangesAreCheckedAndTheSampleLimitAppliesToWhatIsHeld) {
  MemoryRanges files;
  files.files["r.dat"] = Bytes(2 * 2 * 1000, 0);
  const std::string header = "r 2 100 1000\nr.dat 16 200/mV 16 0 0 0 0 I\nr.dat 16 200/mV 16 0 0 0 0 II\n";
  Limits small;
  small.max_total_samples = 1000;  // 500 frames of 2 leads at once; the record has 1000
  auto source = open_wfdb_source(header, "r.hea", files.provider(), small);
  EXPECT_EQ(source->info().length, 1000);
  EXPECT_EQ(source->read(0, 500).length(), 500u);
  EXPECT_EQ(source->read(500, 1000).length(), 500u);
  EXPECT_EQ(thrown_by([&] { source->read(0, 501); }).kind(), ErrorKind::limit);
  EXPECT_EQ(thrown_by([&] { source->read(10, 5); }).kind(), ErrorKind::bad_argument);
  EXPECT_EQ(thrown_by([&] { source->read(0, 1001); }).kind(), ErrorKind::bad_argument);
  EXPECT_EQ(thrown_by([&] { source->read(-1, 3); }).kind(), ErrorKind::bad_argument);
}

TEST(RecordSource, MemorySourceAndOpenRecordSource) {
  const Record whole = read_record_file(fixture("csv/watch_single_lead.csv"));
  auto memory = memory_record_source(whole);
  expect_ranges_equal_whole(*memory, whole, "memory", 50);
  auto csv = open_record_source(fixture("csv/watch_single_lead.csv"));
  expect_ranges_equal_whole(*csv, whole, "csv", 20);
  const std::string wfdb = fixture("wfdb/mitdb100_1s");
  auto w = open_record_source(wfdb);
  expect_ranges_equal_whole(*w, read_record_file(wfdb), "wfdb", 20);
  auto hea = open_record_source(wfdb + ".hea");
  EXPECT_EQ(hea->info().length, 360);
  auto edf = open_record_source(fixture("edf/two-rates.edf"));
  expect_ranges_equal_whole(*edf, read_record_file(fixture("edf/two-rates.edf")), "edf", 20);
  EXPECT_EQ(thrown_by([] { open_record_source(fixture("wfdb/no-such-record")); }).kind(), ErrorKind::missing_file);
}

TEST(RecordSource, WholeRangeOfAWfdbRecordVerifiesChecksums) {
  // Another record's signal file: every checksum fails. A whole read refuses it, as read_wfdb does.
  MemoryRanges files;
  const std::string dir = fixture("wfdb");
  files.files["mitdb100_1s.dat"] = read_file(dir + "/mitdb100_1s.dat");
  std::string bad = test::read_text(dir + "/mitdb100_1s.hea");
  for (const char* checksum : {" 20844 ", " 28153 "}) {
    const std::size_t at = bad.find(checksum);
    ASSERT_NE(at, std::string::npos) << checksum;
    bad.replace(at, std::string(checksum).size(), " 1234 ");
  }
  auto source = open_wfdb_source(bad, "mitdb100_1s.hea", files.provider());
  EXPECT_EQ(thrown_by([&] { source->read(0, source->info().length); }).kind(), ErrorKind::bad_data);
  EXPECT_EQ(source->read(0, 100).length(), 100u);  // ranges cannot verify checksums
}
