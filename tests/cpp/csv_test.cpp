// CSV reader: the export variants in tests/fixtures/csv/ and the errors, from inline text.
#include <algorithm>
#include <cmath>
#include <cstdio>

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

// --- Time stamps: taken as time, never as leads (tests/fixtures/csv: scripts/reference/make_csv_fixtures.py) ---

// Polar H10 through the Polar Sensor Logger app: three clocks, one ECG lead in µV at 130 Hz. The phone
// timestamp repeats within a Bluetooth packet, so the rate comes from the sensor's nanosecond clock.
TEST(Csv, PolarSensorLoggerReadsAsOneLeadInMicrovoltsAt130Hz) {
  const auto r = read_fixture("polar_h10_ecg.txt");
  EXPECT_EQ(lead_names(r), std::vector<std::string>{"ecg"});
  EXPECT_EQ(r.leads[0].units, "uV");
  EXPECT_EQ(r.sampling_rate_hz, 130);
  EXPECT_EQ(r.length(), 1300u);
  EXPECT_EQ(r.leads[0].samples[0], 0.0f);
  EXPECT_EQ(*std::max_element(r.leads[0].samples.begin(), r.leads[0].samples.end()), 1043.0f);  // R peaks
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
  EXPECT_TRUE(ecglite::is_csv_path("Polar_H10_02849638_20240301101502_ECG.txt"));
}

// The layout with Unix-epoch milliseconds in "timestamp [ms]" and a phone clock stamping every sample.
TEST(Csv, PolarLayoutWithEpochMillisecondsAndPerSamplePhoneTimes) {
  std::string text = "Phone timestamp;sensor timestamp [ns];timestamp [ms];ecg [uV]\n";
  char row[160];
  for (int i = 0; i < 400; ++i) {
    const long long ms_x10 = 17092881021230LL + (i * 10000LL + 65) / 130;  // 0.1 ms resolution
    const double phone_ms = 123 + i * 1000.0 / 130;
    std::snprintf(row, sizeof row, "2024-03-01T10:15:%02d.%03d;%lld;%lld.%lld;%d\n", 2 + (int)(phone_ms / 1000),
                  (int)std::fmod(phone_ms, 1000.0), 599618523184386304LL + std::llround(i * 1e9 / 130), ms_x10 / 10,
                  ms_x10 % 10, (int)std::lround(800 * std::sin(i * 0.05)) - 312);
    text += row;
  }
  const auto r = ecglite::read_csv(text, {}, "Polar_H10_ECG.txt");
  EXPECT_EQ(lead_names(r), std::vector<std::string>{"ecg"});
  EXPECT_EQ(r.leads[0].units, "uV");
  EXPECT_EQ(r.sampling_rate_hz, 130);
  EXPECT_EQ(r.leads[0].samples[0], -312.0f);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
}

// A time column known only by its unit ("Zeit [s]"), and one of epoch milliseconds: the rate comes
// from them, and neither is a lead.
TEST(Csv, TimeColumnsInSecondsAndMillisecondsGiveTheRate) {
  for (const char* name : {"seconds_time_column.csv", "ms_time_column.csv"}) {
    SCOPED_TRACE(name);
    const auto r = read_fixture(name);
    EXPECT_EQ(lead_names(r), (std::vector<std::string>{"I", "II", "V1"}));
    EXPECT_EQ(r.sampling_rate_hz, 250);
    EXPECT_EQ(r.length(), 500u);
    EXPECT_EQ(r.leads[1].units, "mV");
    EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
  }
  // Every time unit in brackets, under any name.
  for (const auto& [header, step] : std::vector<std::pair<std::string, double>>{
           {"Zeit [s]", 0.004}, {"t_rel [ms]", 4}, {"clock (us)", 4000}, {"sensor timestamp [ns]", 4e6},
           {"Elapsed Time", 0.004}, {"Recording timestamp", 0.004}, {"date time", 0.004}}) {
    SCOPED_TRACE(header);
    std::string text = header + ",II\n";
    for (int i = 0; i < 20; ++i) text += std::to_string(1000 + i * step) + "," + std::to_string(i % 3) + "\n";
    const auto r = ecglite::read_csv(text);
    EXPECT_EQ(lead_names(r), std::vector<std::string>{"II"});
    EXPECT_EQ(r.sampling_rate_hz, 250);
  }
}

// A column of clock values under a name that does not say so (or no name) is time, never a lead;
// a standard lead name, a voltage unit, or too few rows to tell keep a column a lead.
TEST(Csv, ClockValuesAreTimeWhateverTheColumnIsCalled) {
  auto table = [](const std::string& header, double first, double step, int rows) {
    std::string text = header.empty() ? "" : header + "\n";
    char row[96];
    for (int i = 0; i < rows; ++i) {
      std::snprintf(row, sizeof row, "%.0f,%.3f,%.3f\n", first + i * step, std::sin(i * 0.3), std::cos(i * 0.3));
      text += row;
    }
    return text;
  };
  // Epoch nanoseconds at 500 Hz, no header: nanoseconds inferred from the step.
  auto r = ecglite::read_csv(table("", 599618523184386304.0, 2e6, 100));
  EXPECT_EQ(lead_names(r), (std::vector<std::string>{"column 2", "column 3"}));
  EXPECT_EQ(r.sampling_rate_hz, 500);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_EQ(r.warnings[0], "column 'column 1' increases on every row like a clock: taken as time, not a lead");
  EXPECT_EQ(r.warnings[1], "time column 'column 1' has no unit: read as nanoseconds");
  // Epoch milliseconds at 250 Hz under a name of no known language.
  r = ecglite::read_csv(table("Zeitstempel,I,II", 1709288102000, 4, 100));
  EXPECT_EQ(lead_names(r), (std::vector<std::string>{"I", "II"}));
  EXPECT_EQ(r.sampling_rate_hz, 250);
  // A counter 1, 2, 3 is a row index: no rate from it.
  EXPECT_EQ(error_of([&] { ecglite::read_csv(table("k,I,II", 1, 1, 100), {}, "k.csv"); }),
            "k.csv: cannot tell the sampling rate: no time column and no 'Sample Rate' line");
  // Kept as leads: a standard lead name, a voltage unit, too few rows to tell a clock from an upstroke.
  ecglite::CsvOptions rate;
  rate.sampling_rate_hz = 250;
  EXPECT_EQ(lead_names(ecglite::read_csv(table("V1,I,II", 1000, 4, 100), rate)),
            (std::vector<std::string>{"V1", "I", "II"}));
  EXPECT_EQ(lead_names(ecglite::read_csv(table("drift (mV),I,II", 1000, 4, 100), rate)),
            (std::vector<std::string>{"drift", "I", "II"}));
  EXPECT_EQ(lead_names(ecglite::read_csv(table("ECG1,I,II", 1000, 4, 63), rate)),
            (std::vector<std::string>{"ECG1", "I", "II"}));
}

TEST(Csv, ClockTimesWithADateMayPassMidnight) {
  std::string text = "Phone timestamp,I\n";
  for (int i = 0; i < 10; ++i) {
    long long ms = 86399980 + i * 4;  // from 23:59:59.980 on 2024-02-29, 4 ms apart
    const bool next_day = ms >= 86400000;
    ms %= 86400000;
    char row[64];
    std::snprintf(row, sizeof row, "2024-%s %02lld:%02lld:%02lld.%03lld,%d\n", next_day ? "03-01" : "02-29",
                  ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000, i);
    text += row;
  }
  EXPECT_EQ(ecglite::read_csv(text).sampling_rate_hz, 250);
}

// Time stamps that give no rate are one-line errors naming the column and the row; with several time
// columns, the first that increases evenly gives the rate, and a disagreement is a warning.
TEST(Csv, TimeStampsThatGiveNoRateAreErrors) {
  const std::string header = "Phone timestamp;sensor timestamp [ns];ecg [uV]\n";
  auto polar = [&](auto ns_of_row) {
    std::string text = header;
    for (int i = 0; i < 100; ++i)
      text += "2024-03-01T10:15:02.123;" + std::to_string(ns_of_row(i)) + ";" + std::to_string(i % 7) + "\n";
    return text;
  };
  ecglite::Error e = thrown_by([&] {
    ecglite::read_csv(polar([](int i) { return 7692308LL * i + (i == 40 ? 3000000 : 0); }), {}, "irregular.txt");
  });
  EXPECT_EQ(e.kind(), ecglite::ErrorKind::needs_rate);
  // The phone's times repeat from row 2: the sensor clock's problem is the one told.
  EXPECT_EQ(std::string(e.what()),
            "irregular.txt: the time column 'sensor timestamp [ns]' is not evenly spaced (step 10692308 at row 41 "
            "of the data, average step 7692308), so the sampling rate is unknown");
  e = thrown_by([&] { ecglite::read_csv(polar([](int i) { return 7692308LL * (i == 60 ? 50 : i); }), {}, "back.txt"); });
  EXPECT_EQ(std::string(e.what()),
            "back.txt: the time column 'sensor timestamp [ns]' does not increase ('453846172' then '384615400' at "
            "row 61 of the data), so the sampling rate is unknown");
  // Only the phone's times: theirs.
  std::string phone_only = "Phone timestamp;ecg [uV]\n";
  for (int i = 0; i < 10; ++i) phone_only += "2024-03-01T10:15:02.123;1\n";
  EXPECT_EQ(error_of([&] { ecglite::read_csv(phone_only, {}, "phone.txt"); }),
            "phone.txt: the time column 'Phone timestamp' does not increase ('2024-03-01T10:15:02.123' then "
            "'2024-03-01T10:15:02.123' at row 2 of the data), so the sampling rate is unknown");

  std::string irregular = "sensor timestamp [ns];ecg [uV]\n", decreasing = irregular;
  for (int i = 0; i < 100; ++i) {
    irregular += std::to_string(7692308LL * i + (i >= 40 ? 3000000 : 0)) + ";1\n";
    decreasing += std::to_string(7692308LL * (i == 60 ? 50 : i)) + ";1\n";
  }
  e = thrown_by([&] { ecglite::read_csv(irregular, {}, "irregular.txt"); });
  EXPECT_EQ(std::string(e.what()),
            "irregular.txt: the time column 'sensor timestamp [ns]' is not evenly spaced (step 10692308 at row 41 "
            "of the data, average step 7722611.03), so the sampling rate is unknown");
  e = thrown_by([&] { ecglite::read_csv(decreasing, {}, "decreasing.txt"); });
  EXPECT_EQ(std::string(e.what()),
            "decreasing.txt: the time column 'sensor timestamp [ns]' does not increase ('453846172' then "
            "'384615400' at row 61 of the data), so the sampling rate is unknown");
  ecglite::CsvOptions rate;
  rate.sampling_rate_hz = 130;  // a given rate needs no time stamps
  EXPECT_EQ(lead_names(ecglite::read_csv(decreasing, rate)), std::vector<std::string>{"ecg"});

  // Two usable clocks that disagree: the first is used, and the difference said.
  std::string two = "t [s],ms,I\n";
  for (int i = 0; i < 10; ++i) two += std::to_string(i * 0.01) + "," + std::to_string(i * 4) + ",1\n";
  const auto r = ecglite::read_csv(two);
  EXPECT_EQ(r.sampling_rate_hz, 100);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], "the time columns 't [s]' and 'ms' imply 100 Hz and 250 Hz: using 100 Hz");
  // A second time column's cells need not be times (the first one's must).
  EXPECT_EQ(ecglite::read_csv("t [s],time of day,I\n0,10:15 AM,1\n0.01,10:15 AM,2\n").sampling_rate_hz, 100);
  EXPECT_EQ(error_of([] { ecglite::read_csv("time of day,t [s],I\n10:15 AM,0,1\n10:15 AM,0.01,2\n", {}, "d.csv"); }),
            "d.csv: line 2: time '10:15 AM' in column 'time of day' is not a number (fix the cell, or remove the time "
            "column and give the sampling rate instead)");
}
