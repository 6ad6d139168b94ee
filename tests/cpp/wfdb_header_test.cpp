// WFDB header parsing: every field of record, signal and segment lines, the layouts real headers use,
// and malformed headers rejected with the line that is wrong.
#include <string>

#include "ecglite/error.h"
#include "ecglite/wfdb.h"
#include "test_support.h"

namespace {

using ecglite::parse_wfdb_header;
using ecglite::WfdbHeader;

std::string error_of(const std::string& text, const ecglite::Limits& limits = ecglite::default_limits()) {
  try {
    parse_wfdb_header(text, "x.hea", limits);
  } catch (const ecglite::Error& e) {
    return e.what();
  }
  return "";
}

TEST(WfdbHeader, OddButLegalLayoutOfSample100) {
  // wfdb-samples/sample-data/100.hea: a comment before the record line, a blank line between signal
  // lines, mixed CRLF and LF line ends.
  const WfdbHeader h = parse_wfdb_header(
      "# unnecessary comment\n100 2 360 650000\r\n100.dat 212 200 11 1024 995 -22131 0 MLII\n\r\n"
      "100.dat 212 200 11 1024 1011 20052 0 V5\r\n# 69 M 1085 1629 x1\r\n# Aldomet, Inderal\r\n");
  EXPECT_EQ(h.record_name, "100");
  EXPECT_EQ(h.num_signals, 2);
  EXPECT_EQ(h.sampling_rate_hz, 360);
  ASSERT_TRUE(h.length);
  EXPECT_EQ(*h.length, 650000);
  ASSERT_EQ(h.signals.size(), 2u);
  const auto& s = h.signals[1];
  EXPECT_EQ(s.file_name, "100.dat");
  EXPECT_EQ(s.format, 212);
  EXPECT_EQ(s.gain, 200);
  EXPECT_TRUE(s.gain_given);
  EXPECT_EQ(s.baseline, 1024);  // no "(baseline)": the ADC zero
  EXPECT_EQ(s.units, "mV");
  EXPECT_EQ(s.adc_resolution, 11);
  EXPECT_EQ(s.adc_zero, 1024);
  EXPECT_EQ(s.initial_value, 1011);
  ASSERT_TRUE(s.checksum);
  EXPECT_EQ(*s.checksum, 20052);
  EXPECT_EQ(s.description, "V5");
  ASSERT_EQ(h.comments.size(), 3u);
  EXPECT_EQ(h.comments[0], "unnecessary comment");
  EXPECT_EQ(h.comments[2], "Aldomet, Inderal");
  EXPECT_FALSE(h.is_multi_segment());
}

TEST(WfdbHeader, RecordLineVariants) {
  WfdbHeader h = parse_wfdb_header("12726 0 250/24000 825000 15:08:24 \n");
  EXPECT_EQ(h.sampling_rate_hz, 250);
  EXPECT_EQ(h.counter_frequency, 24000);
  EXPECT_EQ(h.base_time, "15:08:24");
  EXPECT_EQ(h.base_date, "");

  h = parse_wfdb_header("n 0 0.0166666666667/125(-7.5) 1    31:25.894 10/10/2896\n");
  EXPECT_NEAR(h.sampling_rate_hz, 1 / 60.0, 1e-12);
  EXPECT_EQ(h.counter_frequency, 125);
  EXPECT_EQ(h.base_counter, -7.5);
  EXPECT_EQ(h.base_time, "31:25.894");
  EXPECT_EQ(h.base_date, "10/10/2896");

  h = parse_wfdb_header("drive02-no-len 0 15.5\n");
  EXPECT_EQ(h.sampling_rate_hz, 15.5);
  EXPECT_FALSE(h.length);

  h = parse_wfdb_header("bare 0\n");
  EXPECT_EQ(h.sampling_rate_hz, 250);  // WFDB's default frame rate
  EXPECT_EQ(h.counter_frequency, 0);
}

TEST(WfdbHeader, SignalLineFields) {
  const WfdbHeader h = parse_wfdb_header(
      "r 6 250\n"
      "a103l.mat 16+24 1.052e+04/mV 16 0 9127 -301 0 V\n"
      "03700181.dat 212x4:8 2963.77/mV 12 0 67 -11266 0 MCL1 \n"
      "w.dat 16 1(1) 15 0 32766 -29151 0 Marker\n"
      "t.dat 16 -19.3447902992(3064)/degC 11 2048 2461 27731 0 DEV Temperature probe\n"
      "z.dat 80 0\n"
      "m.dat 212\n");
  const auto& s = h.signals;
  EXPECT_EQ(s[0].byte_offset, 24);
  EXPECT_EQ(s[0].gain, 10520);
  EXPECT_EQ(s[0].baseline, 0);
  EXPECT_EQ(s[1].samples_per_frame, 4);
  EXPECT_EQ(s[1].skew, 8);
  EXPECT_EQ(s[1].description, "MCL1");  // trailing blank dropped
  EXPECT_EQ(s[2].baseline, 1);
  EXPECT_EQ(s[2].units, "mV");         // no "/units": millivolts
  EXPECT_EQ(s[3].gain, -19.3447902992);
  EXPECT_EQ(s[3].baseline, 3064);
  EXPECT_EQ(s[3].units, "degC");
  EXPECT_EQ(s[3].description, "DEV Temperature probe");
  EXPECT_EQ(s[4].gain, 200);           // gain 0: uncalibrated, WFDB's default gain
  EXPECT_FALSE(s[4].gain_given);
  EXPECT_EQ(s[4].adc_resolution, 8);   // format 80's default
  EXPECT_FALSE(s[4].checksum);
  EXPECT_EQ(s[5].adc_resolution, 12);
  EXPECT_EQ(s[5].initial_value, 0);
  EXPECT_EQ(s[5].description, "");
  EXPECT_EQ(h.max_samples_per_frame(), 4);
}

TEST(WfdbHeader, MultiSegmentMasterHeader) {
  const WfdbHeader h = parse_wfdb_header(
      "p000878/4 4 125 7750 16:57:09.000 26/10/2137\r\n3269321_layout 0\r\n~ 3750\r\n"
      "# a comment between segments\n3269321_0001 2000\r\n3269321_0002 2000\r\n# <age>: 60\n");
  EXPECT_EQ(h.record_name, "p000878");
  EXPECT_TRUE(h.is_multi_segment());
  ASSERT_EQ(h.segments.size(), 4u);
  EXPECT_EQ(h.segments[0].record_name, "3269321_layout");
  EXPECT_EQ(h.segments[0].length, 0);
  EXPECT_EQ(h.segments[1].record_name, "~");
  EXPECT_EQ(h.segments[1].length, 3750);
  EXPECT_EQ(h.comments.size(), 2u);
  EXPECT_TRUE(h.signals.empty());
}

TEST(WfdbHeader, FlacFormatsParse) {
  const WfdbHeader h = parse_wfdb_header("f 1 200 499\nf.d0 508 200/mV 8 0 -127 -484 0 sig 0\n");
  EXPECT_EQ(h.signals[0].format, 508);
  EXPECT_EQ(h.signals[0].adc_resolution, 8);
  EXPECT_TRUE(ecglite::is_supported_wfdb_format(311));
  EXPECT_TRUE(ecglite::is_supported_wfdb_format(8));
}

TEST(WfdbHeader, MalformedHeadersNameTheLine) {
  EXPECT_EQ(error_of(""), "x.hea: no record line found (empty file or not a WFDB header)");
  EXPECT_NE(error_of("# only a comment\n\n").find("no record line"), std::string::npos);
  EXPECT_NE(error_of("r\n").find("line 1: the record line has no number of signals"), std::string::npos);
  EXPECT_NE(error_of("r two 250\n").find("line 1: number of signals 'two' is not an integer"), std::string::npos);
  EXPECT_NE(error_of("r 1 -250\n").find("sampling frequency '-250' must be positive"), std::string::npos);
  EXPECT_NE(error_of("r 1 250 -5\n").find("record length '-5' is negative"), std::string::npos);
  EXPECT_NE(error_of("r 1 250 1e3\n").find("record length '1e3' is not an integer"), std::string::npos);
  EXPECT_NE(error_of("r 1 250 10\nr.dat 999 200\n").find("line 2: unknown signal format 999 (supported: 8, 16"),
            std::string::npos);
  EXPECT_NE(error_of("r 1 250 10\nr.dat 16q 200\n").find("line 2: unexpected 'q' in signal format '16q'"),
            std::string::npos);
  EXPECT_NE(error_of("r 1 250 10\nr.dat 16x0 200\n").find("samples per frame '0' must be between 1 and 1000000"), std::string::npos);
  EXPECT_NE(error_of("r 1 250 10\nr.dat 16 abc/mV\n").find("line 2: gain 'abc' is not a number"), std::string::npos);
  EXPECT_NE(error_of("r 1 250 10\nr.dat 16 200(5/mV\n").find("lacks a closing ')'"), std::string::npos);
  EXPECT_NE(error_of("r 1 250 10\nr.dat 16 200 12 0 x\n").find("initial value 'x' is not an integer"),
            std::string::npos);
  EXPECT_NE(error_of("r 1 250 10\nr.dat\n").find("line 2: signal line has no format"), std::string::npos);
}

TEST(WfdbHeader, SignalCountMustMatchTheRecordLine) {
  EXPECT_EQ(error_of("r 3 250 10\nr.dat 16\nr.dat 16\n# comment\n"),
            "x.hea: the record line announces 3 signals but the header has 2 signal lines "
            "(the header is truncated or the count is wrong)");
  EXPECT_NE(error_of("r 1 250 10\nr.dat 16\nr.dat 16\n").find("line 3: unexpected line 'r.dat 16' after the 1 signal lines"),
            std::string::npos);
  EXPECT_NE(error_of("m/3 2 250 10\na 5\nb 5\n").find("announces 3 segments but the header lists 2"), std::string::npos);
  EXPECT_NE(error_of("m/1 2 250 10\na\n").find("segment 'a' has no length"), std::string::npos);
  EXPECT_NE(error_of("m/0 2 250 10\n").find("number of segments 0"), std::string::npos);
}

TEST(WfdbHeader, BaseTimeAndDateAreChecked) {
  EXPECT_NO_THROW(parse_wfdb_header("r 0 250 10 0:00 01/01/2001\n"));
  EXPECT_NO_THROW(parse_wfdb_header("r 0 250 10 19:46:25.757\n"));
  EXPECT_NE(error_of("r 0 250 10 25:99:xx\n").find("line 1: base time '25:99:xx' is not a time of day"),
            std::string::npos);
  EXPECT_NE(error_of("r 0 250 10 10:00:00 32/01/2001\n").find("base date '32/01/2001' is not a date"),
            std::string::npos);
  EXPECT_NE(error_of("r 0 250 10 10:00:00 01/01/2001 extra\n").find("unexpected field 'extra'"), std::string::npos);
}

TEST(WfdbHeader, TextIsCleanedForDisplay) {
  // Latin-1 bytes become UTF-8, a NUL ends the line (as in WFDB), control characters become '?'.
  const WfdbHeader h = parse_wfdb_header(std::string("r 1 250 10\0garbage\nr.dat 16 32.7675/\xb5V 15 0 0 0 0 sine\x1b 1\n# 37\xb0" "C\n", 65));
  EXPECT_EQ(*h.length, 10);
  EXPECT_EQ(h.signals[0].units, "\xc2\xb5V");
  EXPECT_EQ(h.signals[0].description, "sine? 1");
  EXPECT_EQ(h.comments[0], "37\xc2\xb0" "C");
  // Quoted header text in a message is short and printable.
  const std::string err = error_of("r " + std::string(300, 'x') + "\x01 250\n");
  EXPECT_NE(err.find("number of signals 'xxxxxxxx"), std::string::npos) << err;
  EXPECT_LT(err.size(), 150u) << err;
}

TEST(WfdbHeader, SignalLimitCheckedBeforeReadingSignalLines) {
  ecglite::Limits limits;
  limits.max_signals = 4;
  EXPECT_NE(error_of("r 5 250 10\n", limits).find("the record has 5 signals, more than the limit of 4"),
            std::string::npos);
  EXPECT_NE(error_of("r 2000000000 250 10\n").find("more than the limit of 64"), std::string::npos);
}

TEST(WfdbHeader, CommittedFixturesParse) {
  for (const char* name : {"mitdb100_1s", "HR06001_0s1", "formats", "frames_skew", "msfixed", "msvar"}) {
    const std::string path = ecglite::test::fixture(std::string("wfdb/") + name + ".hea");
    EXPECT_NO_THROW(parse_wfdb_header(ecglite::test::read_text(path), path)) << path;
  }
  const WfdbHeader h = ecglite::read_wfdb_header_file(ecglite::test::fixture("wfdb/HR06001_0s1.hea"));
  EXPECT_EQ(h.signals.size(), 12u);
  EXPECT_EQ(h.signals[3].description, "aVR");
  EXPECT_EQ(h.signals[3].units, "mv");  // as written by the CinC 2021 challenge
  EXPECT_EQ(h.comments[2], "Dx: 426783006,55930002");
}

// The PhysioNet/CinC Challenge 2020/2021 headers: "12-May-2020 12:33:59" (date first, month name) and
// a record named after its signal file. Read, normalised, and named in a warning.
TEST(WfdbHeader, CincChallengeBaseDateAndRecordNameAreReadWithAWarning) {
  std::string signal_lines;
  for (int i = 0; i < 12; ++i) signal_lines += "A0689.mat 16+24 1000/mV 16 0 0 0 0 I\n";
  WfdbHeader h = parse_wfdb_header("A0689 12 500 5000 12-May-2020 12:33:59\n" + signal_lines, "A0689.hea");
  EXPECT_EQ(h.record_name, "A0689");
  EXPECT_EQ(h.base_time, "12:33:59");
  EXPECT_EQ(h.base_date, "12/05/2020");
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0],
            "A0689.hea: line 1: base time and date written as '12-May-2020 12:33:59' (date first, month name, as "
            "in the PhysioNet/CinC Challenge 2020/2021 headers): read as 12:33:59 12/05/2020");

  h = parse_wfdb_header("E07520.mat 1 500 5000 05-May-2020 09:49:17\nE07520.mat 16+24 1000/mV 16 0 -254 21756 0 I\n",
                        "E07520.hea");
  EXPECT_EQ(h.record_name, "E07520");
  EXPECT_EQ(h.base_date, "05/05/2020");
  EXPECT_EQ(h.signals[0].file_name, "E07520.mat");
  EXPECT_EQ(h.signals[0].byte_offset, 24);
  ASSERT_EQ(h.warnings.size(), 2u);
  EXPECT_EQ(h.warnings[0], "E07520.hea: line 1: record name 'E07520.mat' ends in a file extension: read as 'E07520'");

  // Any month, in any case; a month-name date after the time is only "month name".
  h = parse_wfdb_header("r 0 500 10 23:59:59.5 31-DEC-1999\n");
  EXPECT_EQ(h.base_date, "31/12/1999");
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_NE(h.warnings[0].find("(month name, as in"), std::string::npos) << h.warnings[0];
  // A WFDB date before the time: read as before, and now said to be unusual.
  h = parse_wfdb_header("r 0 500 10 12/05/2020 12:33:59\n");
  EXPECT_EQ(h.base_time, "12:33:59");
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_NE(h.warnings[0].find("(date first)"), std::string::npos) << h.warnings[0];

  // The WFDB forms stay silent.
  for (const char* text : {"r 0 250 10 0:00 01/01/2001\n", "r 0 250 10 19:46:25.757\n", "r.d 0 250 10\n",
                           "100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n"
                           "100.dat 212 200 11 1024 1011 20052 0 V5\n"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(parse_wfdb_header(text).warnings.empty());
  }
  EXPECT_EQ(parse_wfdb_header("r.d 0 250 10\n").record_name, "r.d");  // only signal-file extensions
}

TEST(WfdbHeader, CincLikeDatesThatAreNoDatesAreRefused) {
  for (const char* date : {"32-May-2020", "00-May-2020", "12-Mai-2020", "12-May-20x0", "12-May", "May-12-2020",
                           "12-05-2020", "12-Mayo-2020", "12--2020", "-12-May-2020"}) {
    SCOPED_TRACE(date);
    EXPECT_EQ(error_of(std::string("r 0 500 5000 ") + date + " 12:33:59\n"),
              std::string("x.hea: line 1: base date '") + date + "' is not a date (expected dd/mm/yyyy or dd-Mon-yyyy)");
  }
  EXPECT_NE(error_of("r 0 500 5000 12-May-2020 12:77:59\n").find("base time '12:77:59' is not a time of day"),
            std::string::npos);
  EXPECT_NE(error_of("r 0 500 5000 12-May-2020 12-May-2020\n").find("unexpected field '12-May-2020'"),
            std::string::npos);
  EXPECT_NE(error_of("r 0 500 5000 12-May-2020 12:33:59 x\n").find("unexpected field 'x'"), std::string::npos);
}

}  // namespace
