// CSV reader: the export variants in tests/fixtures/csv/ and the errors, from inline text.
#include <cmath>

#include "ecglite/csv.h"
#include "ecglite/error.h"
#include "ecglite/preprocess.h"
#include "ecglite/read.h"
#include "test_support.h"

using ecglite::test::error_of;
using ecglite::test::fixture;
using ecglite::test::thrown_by;

namespace {

ecglite::Record read_fixture(const std::string& name, const ecglite::CsvOptions& options = {}) {
  return ecglite::read_csv_file(fixture("csv/" + name), options);
}

std::vector<std::string> lead_names(const ecglite::Record& r) {
  std::vector<std::string> names;
  for (const auto& lead : r.leads) names.push_back(lead.name);
  return names;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST(Csv, TwelveLeadCommaWithTimeInSeconds) {
  auto r = read_fixture("twelve_lead_500hz.csv");
  EXPECT_EQ(r.name, "twelve_lead_500hz");
  EXPECT_EQ(r.sampling_rate_hz, 500);
  EXPECT_EQ(lead_names(r), ecglite::standard_lead_names());
  EXPECT_EQ(r.length(), 25u);
  EXPECT_FLOAT_EQ(r.leads[0].samples[0], 0.085f);
  EXPECT_FLOAT_EQ(r.leads[11].samples[24], -0.333f);
  EXPECT_EQ(r.leads[0].units, "mV");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Csv, SemicolonsDecimalCommasMillisecondsAndCrlf) {
  auto r = read_fixture("semicolon_decimal_comma.csv");
  EXPECT_EQ(r.sampling_rate_hz, 250);
  EXPECT_EQ(lead_names(r), (std::vector<std::string>{"Lead I", "Lead II", "V1", "V2", "V3", "V4", "V5", "V6"}));
  EXPECT_EQ(r.length(), 20u);
  EXPECT_FLOAT_EQ(r.leads[0].samples[0], 0.016f);
  EXPECT_FLOAT_EQ(r.leads[4].samples[0], -0.332f);
  std::vector<std::string> derived;
  auto leads = ecglite::map_to_standard_leads(r, &derived);
  EXPECT_EQ(derived.size(), 4u);  // "Lead I"/"Lead II" recognised
  EXPECT_EQ(leads[0], r.leads[0].samples);
}

TEST(Csv, TabUnitsInHeaderIndexColumnAndMissingRate) {
  const ecglite::Error e = thrown_by([] { read_fixture("tab_units_no_rate.tsv"); });
  const std::string message = e.what();
  EXPECT_TRUE(contains(message, "tab_units_no_rate.tsv: cannot tell the sampling rate")) << message;
  // How to give the rate is the front-end's to say (--rate, samplingRate): the kind tells it to.
  EXPECT_EQ(e.kind(), ecglite::ErrorKind::needs_rate);
  EXPECT_FALSE(contains(message, "--rate") || contains(message, "samplingRate")) << message;

  ecglite::CsvOptions options;
  options.sampling_rate_hz = 360;
  auto r = read_fixture("tab_units_no_rate.tsv", options);
  EXPECT_EQ(r.sampling_rate_hz, 360);
  EXPECT_EQ(lead_names(r), (std::vector<std::string>{"II", "I", "V1"}));  // "Sample" is an index
  EXPECT_EQ(r.leads[0].units, "mV");
  EXPECT_EQ(r.leads[1].units, "uV");
  EXPECT_EQ(r.leads[2].units, "mV");  // not stated: mV
  EXPECT_EQ(r.length(), 15u);

  options.units = "\xC2\xB5V";  // the option overrides the header
  r = read_fixture("tab_units_no_rate.tsv", options);
  for (const auto& lead : r.leads) EXPECT_EQ(lead.units, "uV");
  options.units = "furlongs";
  EXPECT_TRUE(contains(error_of([&] { read_fixture("tab_units_no_rate.tsv", options); }), "unknown units"));
}

TEST(Csv, SingleLeadDeviceExportWithKeyValuePreamble) {
  auto r = read_fixture("watch_single_lead.csv");
  EXPECT_EQ(r.sampling_rate_hz, 512);
  ASSERT_EQ(r.leads.size(), 1u);
  EXPECT_EQ(r.leads[0].name, "Lead I");
  EXPECT_EQ(r.leads[0].units, "uV");
  EXPECT_EQ(r.length(), 40u);
  ASSERT_EQ(r.comments.size(), 10u);
  EXPECT_EQ(r.comments[0], "Name,Jane Doe");
  EXPECT_EQ(r.comments[7], "Sample Rate,512 hertz");
}

TEST(Csv, PhysioNetRdsampExportWithUnitsRowAndClockTimes) {
  auto r = read_fixture("rdsamp_export.csv");
  EXPECT_EQ(lead_names(r), (std::vector<std::string>{"MLII", "V5"}));
  EXPECT_EQ(r.sampling_rate_hz, 360);  // from millisecond clock stamps, snapped
  EXPECT_EQ(r.leads[0].units, "mV");
  EXPECT_FLOAT_EQ(r.leads[0].samples[0], 0.017f);
  EXPECT_EQ(r.length(), 20u);
}

// A named lead without one valid sample stays a lead (all invalid), as in WFDB, so that it is
// reported as empty rather than as missing; a trailing delimiter's unnamed column is not a lead.
TEST(Csv, NamedEmptyLeadIsKeptAndATrailingDelimiterIsNot) {
  const auto r = ecglite::read_csv("time,I,V2,\n0,0.1,,\n0.01,0.2,nan,\n0.02,0.3,,\n");
  ASSERT_EQ(lead_names(r), (std::vector<std::string>{"I", "V2"}));
  EXPECT_TRUE(std::isnan(r.leads[1].samples[0]) && std::isnan(r.leads[1].samples[1]));
}

TEST(Csv, EmptyNanAndInfiniteCellsBecomeInvalidSamplesWithAWarning) {
  auto r = read_fixture("invalid_cells.csv");
  EXPECT_EQ(r.sampling_rate_hz, 100);
  EXPECT_TRUE(std::isnan(r.leads[0].samples[2]));
  EXPECT_TRUE(std::isnan(r.leads[1].samples[5]));
  EXPECT_TRUE(std::isnan(r.leads[2].samples[7]));
  EXPECT_TRUE(std::isnan(r.leads[0].samples[9]));
  EXPECT_FALSE(std::isnan(r.leads[0].samples[3]));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(contains(r.warnings[0], "4 empty, NaN or infinite cells")) << r.warnings[0];
  EXPECT_TRUE(contains(r.warnings[0], "line 4, column I")) << r.warnings[0];
}

TEST(Csv, CommentsRatePreambleAndUnnamedIndexColumn) {
  auto r = read_fixture("preamble_pandas_index.csv");
  EXPECT_EQ(r.sampling_rate_hz, 250);
  EXPECT_EQ(lead_names(r), (std::vector<std::string>{"I", "II", "AVR"}));
  EXPECT_EQ(r.comments, (std::vector<std::string>{"exported by a test script", "Sampling rate: 250 Hz"}));
  EXPECT_EQ(ecglite::canonical_lead_name(r.leads[2].name), "aVR");
  r = ecglite::read_csv("# a\nt,I\n0,1\n# b\n0.01,2\n");
  EXPECT_EQ(r.comments, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.length(), 2u);
}

TEST(Csv, Latin1FileWithMicrovolts) {
  auto r = read_fixture("latin1_microvolts.csv");
  EXPECT_EQ(r.sampling_rate_hz, 200);
  EXPECT_EQ(lead_names(r), (std::vector<std::string>{"I", "II"}));
  EXPECT_EQ(r.leads[0].units, "uV");
  EXPECT_FLOAT_EQ(r.leads[0].samples[0], 65.2f);
}

TEST(Csv, UnknownNamedLeadsKeptTextColumnIgnored) {
  auto r = read_fixture("unknown_columns.csv");
  EXPECT_EQ(r.sampling_rate_hz, 1000);
  EXPECT_EQ(lead_names(r), (std::vector<std::string>{"ECG1", "ECG2"}));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(contains(r.warnings[0], "column 'Marker' holds text")) << r.warnings[0];
}

TEST(Csv, ReadRecordFileOpensCsv) {
  EXPECT_TRUE(ecglite::is_csv_path("x/y.CSV"));
  auto r = ecglite::read_record_file(fixture("csv/twelve_lead_500hz.csv"));
  EXPECT_EQ(r.leads.size(), 12u);
  EXPECT_EQ(r.sampling_rate_hz, 500);
  ecglite::CsvOptions options;
  options.sampling_rate_hz = 250;
  EXPECT_EQ(ecglite::read_record_file(fixture("csv/tab_units_no_rate.tsv"), options).sampling_rate_hz, 250);
}

TEST(Csv, RateFromTimeColumns) {
  auto with_times = [](const std::string& header, double rate, double scale, const char* fmt) {
    std::string text = header + ",I\n";
    char buf[64];
    for (int i = 0; i < 200; ++i) {
      std::snprintf(buf, sizeof buf, fmt, i / rate * scale);
      text += std::string(buf) + "," + std::to_string(std::sin(i * 0.1)) + "\n";
    }
    return ecglite::read_csv(text);
  };
  EXPECT_EQ(with_times("time_ms", 360, 1000, "%.0f").sampling_rate_hz, 360);  // integer ms, jittery
  EXPECT_EQ(with_times("Time (s)", 128.5, 1, "%.6f").sampling_rate_hz, 128.5);
  EXPECT_EQ(with_times("t", 257, 1, "%.5f").sampling_rate_hz, 257);
  auto ms = with_times("time", 500, 1000, "%.0f");  // no unit, steps of 2: milliseconds
  EXPECT_EQ(ms.sampling_rate_hz, 500);
  EXPECT_TRUE(contains(ms.warnings.at(0), "read as milliseconds"));
}

TEST(Csv, ByteOrderMarkAndLoneColumnWithoutHeader) {
  auto r = ecglite::read_csv("\xEF\xBB\xBFtime,I\n0,1\n0.01,2\n");
  EXPECT_EQ(lead_names(r), std::vector<std::string>{"I"});
  EXPECT_EQ(r.sampling_rate_hz, 100);
  ecglite::CsvOptions options;
  options.sampling_rate_hz = 250;
  r = ecglite::read_csv("0.1\n0.2\n0.3\n", options, "dir/plain.txt");
  EXPECT_EQ(r.name, "plain");
  EXPECT_EQ(lead_names(r), std::vector<std::string>{"column 1"});
  EXPECT_EQ(r.length(), 3u);
}

TEST(Csv, ErrorsSayWhatIsWrong) {
  using ecglite::read_csv;
  std::string m = error_of([] { read_csv("time,I,II\n0,1,2\n0.01,1\n0.02,1,2\n", {}, "r.csv"); });
  EXPECT_TRUE(contains(m, "r.csv: line 3 has 2 fields")) << m;

  m = error_of([] { read_csv(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), {}, "img.csv"); });
  EXPECT_TRUE(contains(m, "img.csv: not a CSV text file")) << m;
  m = error_of([] { read_csv("\xFF\xFEI\0,\0", {}, "u16.csv"); });
  EXPECT_TRUE(contains(m, "UTF-16")) << m;
  m = error_of([] { read_csv("time,I\n0,\x81\x82\n", {}, "bad.csv"); });
  EXPECT_TRUE(contains(m, "not a CSV text file")) << m;

  m = error_of([] { read_csv("time,Note\n0,abc\n0.01,def\n", {}, "n.csv"); });
  EXPECT_TRUE(contains(m, "no numeric lead columns")) << m;
  m = error_of([] { read_csv("hello\nworld\n", {}, "w.csv"); });
  EXPECT_TRUE(contains(m, "no data rows")) << m;
  m = error_of([] { read_csv("\n \n", {}, "e.csv"); });
  EXPECT_TRUE(contains(m, "empty file")) << m;

  const ecglite::Error gap = thrown_by([] { read_csv("t,I\n0,1\n0.01,1\n0.05,1\n0.06,1\n", {}, "gap.csv"); });
  EXPECT_TRUE(contains(gap.what(), "not evenly spaced")) << gap.what();
  EXPECT_EQ(gap.kind(), ecglite::ErrorKind::needs_rate);  // a given rate overrides the time column
  ecglite::CsvOptions rate;
  rate.sampling_rate_hz = 100;
  EXPECT_EQ(read_csv("t,I\n0,1\n0.01,1\n0.05,1\n0.06,1\n", rate).length(), 4u);

  m = error_of([] { read_csv("t,I\n0,1\n0,1\n", {}, "c.csv"); });
  EXPECT_TRUE(contains(m, "the time column 't' does not increase")) << m;
  m = error_of([] { read_csv("Sample Rate,-500 hertz\nI,II\n0,1\n1,2\n", {}, "neg.csv"); });
  EXPECT_TRUE(contains(m, "neg.csv: the line 'Sample Rate,-500 hertz' does not give a usable sampling rate")) << m;
  m = error_of([] { read_csv("\"time,I\n0,1\n0.01,2\n", {}, "q.csv"); });
  EXPECT_TRUE(contains(m, "q.csv: line 1 has an unterminated quote")) << m;

  m = error_of([] { read_csv("t,I\n0,1\n0.01,abc\n0.02,2\n", {}, "x.csv"); });
  EXPECT_TRUE(contains(m, "x.csv: line 3: 'abc' in column 'I' is not a number")) << m;
}

TEST(Csv, LimitsAreCheckedBeforeAllocating) {
  ecglite::CsvOptions options;
  options.limits.max_total_samples = 100;
  std::string m = error_of([&] { read_fixture("twelve_lead_500hz.csv", options); });
  EXPECT_TRUE(contains(m, "exceed the limit of 100 samples")) << m;
  options = {};
  options.limits.max_signals = 4;
  m = error_of([&] { read_fixture("twelve_lead_500hz.csv", options); });
  EXPECT_TRUE(contains(m, "more than the limit of 4 signals")) << m;
  options = {};
  options.limits.max_file_bytes = 100;
  m = error_of([&] { read_fixture("twelve_lead_500hz.csv", options); });
  EXPECT_TRUE(contains(m, "more than the limit of 100 bytes")) << m;
  m = error_of([] { ecglite::read_csv_file(fixture("csv/does_not_exist.csv")); });
  EXPECT_TRUE(contains(m, "no such file")) << m;
}
