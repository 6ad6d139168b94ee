// Clock times of recordings (clock_time.h): the calendar arithmetic, the WFDB base time and date and
// the EDF start date and time (2-digit year rule, EDF+ "Startdate" with its 4-digit year, the first
// data record's sub-second onset) as Record / RecordInfo start times, malformed ones left out with a
// warning (never a wrong time), EDF+ annotations read in ranges, and the Holter summary's clock times
// in `ecglite rhythm` (text, JSON, --holter-csv) on a WFDB record that crosses midnight.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ecglite/clock_time.h"
#include "ecglite/edf.h"
#include "ecglite/holter.h"
#include "ecglite/record_source.h"
#include "ecglite/wfdb.h"
#include "edf_writer.h"
#include "test_support.h"

using namespace ecglite;
using ecglite::test::EdfTestFile;
using ecglite::test::EdfTestSignal;
using ecglite::test::fixture;
using ecglite::test::read_text;
using ecglite::test::run_cli;

namespace {

std::string iso(const std::optional<ClockTime>& t) { return t ? t->iso() : "(none)"; }

bool mentions(const std::vector<std::string>& warnings, const std::string& part) {
  for (const std::string& w : warnings)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

// Files in memory as byte ranges (what the browser hands a source).
ByteRangeProvider memory_ranges(const std::string& name, const Bytes& bytes) {
  auto shared = std::make_shared<Bytes>(bytes);
  ByteRangeProvider p;
  p.size = [shared, name](const std::string& n) -> std::uint64_t {
    if (n != name) throw Error(ErrorKind::missing_file, n + ": not provided");
    return shared->size();
  };
  p.read = [shared](const std::string&, std::uint64_t offset, std::uint64_t length) {
    const std::uint64_t end = std::min<std::uint64_t>(shared->size(), offset + length);
    return Bytes(shared->begin() + std::min(offset, end), shared->begin() + end);
  };
  return p;
}

// A 3 s EDF(+) file of one 100 Hz lead with the given start fields.
EdfTestFile edf_with_start(const std::string& date, const std::string& time, const std::string& recording,
                           bool plus = true) {
  EdfTestFile f;
  f.reserved = plus ? "EDF+C" : "";
  f.annotation_bytes = plus ? 60 : 0;
  f.recording = recording;
  f.start_date = date;
  f.start_time = time;
  f.num_records = 3;
  EdfTestSignal ii{"ECG II", "mV", "-10", "10", "-32768", "32767", 100, {}};
  for (int i = 0; i < 300; ++i) ii.samples.push_back((i * 37) % 2001 - 1000);
  f.signals = {ii};
  return f;
}

struct EdfStart {
  std::string iso;
  std::vector<std::string> warnings;
};

EdfStart edf_start(const EdfTestFile& f) {
  const Record r = read_edf(f.bytes(), "t.edf").to_record();
  return {iso(r.start_time), r.warnings};
}

}  // namespace

TEST(ClockTime, CalendarArithmeticAndFormats) {
  const auto t = make_clock_time(2020, 2, 29, 23, 59, 30);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->iso(), "2020-02-29T23:59:30");
  EXPECT_EQ(t->plus(30).iso(), "2020-03-01T00:00:00");
  EXPECT_EQ(t->plus(0.25).iso(), "2020-02-29T23:59:30.250");
  EXPECT_EQ(t->plus(366 * 86400.0).iso(), "2021-03-01T23:59:30");
  EXPECT_EQ(t->plus(3600).time_of_day(), "00:59:30");
  EXPECT_EQ(t->plus(3600).day_offset(*t), 1);
  EXPECT_EQ(t->plus(29).day_offset(*t), 0);
  EXPECT_EQ(make_clock_time(1999, 12, 31, 0, 0, 0)->plus(86400).iso(), "2000-01-01T00:00:00");
  EXPECT_EQ(make_clock_time(1970, 1, 1, 0, 0, 0)->seconds, 0);
  EXPECT_EQ(make_clock_time(1969, 12, 31, 23, 0, 0)->iso(), "1969-12-31T23:00:00");
  // A time of day alone passes midnight into the next day.
  const auto day = make_clock_time(0, 0, 0, 22, 30, 0);
  ASSERT_TRUE(day);
  EXPECT_FALSE(day->has_date);
  EXPECT_EQ(day->iso(), "22:30:00");
  EXPECT_EQ(day->plus(7200).iso(), "00:30:00");
  EXPECT_EQ(day->plus(7200).day_offset(*day), 1);
  // Not a real date or time of day: nothing.
  EXPECT_FALSE(make_clock_time(2021, 2, 29, 0, 0, 0));
  EXPECT_FALSE(make_clock_time(1900, 2, 29, 0, 0, 0));
  EXPECT_TRUE(make_clock_time(2000, 2, 29, 0, 0, 0));
  EXPECT_FALSE(make_clock_time(2020, 4, 31, 0, 0, 0));
  EXPECT_FALSE(make_clock_time(2020, 13, 1, 0, 0, 0));
  EXPECT_FALSE(make_clock_time(2020, 1, 1, 24, 0, 0));
  EXPECT_FALSE(make_clock_time(2020, 1, 1, 0, 60, 0));
  EXPECT_FALSE(make_clock_time(2020, 1, 1, 0, 0, 60));
  EXPECT_FALSE(make_clock_time(2020, 1, 1, 0, 0, std::nan("")));
  EXPECT_FALSE(make_clock_time(0, 5, 1, 0, 0, 0));
  EXPECT_FALSE(make_clock_time(10000, 1, 1, 0, 0, 0));
}

TEST(ClockTime, WfdbBaseTimeAndDate) {
  auto start = [](const std::string& fields) { return iso(parse_wfdb_header("r 0 250 10 " + fields + "\n", "r.hea").start_time); };
  EXPECT_EQ(start("10:20:30 12/05/2020"), "2020-05-12T10:20:30");
  EXPECT_EQ(start("8:26:04"), "08:26:04");
  EXPECT_EQ(start("8:26:04.5 1/1/2001"), "2001-01-01T08:26:04.500");
  EXPECT_EQ(start("31:51.982"), "00:31:51.982");  // WFDB: fewer fields are minutes and seconds
  EXPECT_EQ(start("45"), "00:00:45");
  EXPECT_EQ(start("0:00 01/01/2001"), "2001-01-01T00:00:00");
  EXPECT_EQ(start("12-May-2020 12:33:59"), "2020-05-12T12:33:59");  // the CinC form
  EXPECT_EQ(iso(parse_wfdb_header("r 0 250 10\n").start_time), "(none)");
  EXPECT_TRUE(parse_wfdb_header("r 0 250 10\n").warnings.empty());
  EXPECT_TRUE(parse_wfdb_header("r 0 250 10 10:20:30 12/05/2020\n").warnings.empty());

  // Forms the header accepts but that are no clock time: left out (or the date alone), with a warning.
  struct Case {
    const char* fields;
    const char* start;
    const char* warning;
  };
  for (const Case& c : {Case{"25:00:00", "(none)", "base time '25:00:00' is not a time of day"},
                        Case{"123:00:00 01/01/2001", "(none)", "base time '123:00:00' is not a time of day"},
                        Case{"75:10", "(none)", "base time '75:10' is not a time of day"},
                        Case{"10:00:00 31/02/2020", "10:00:00", "base date '31/02/2020' is not a date in the calendar"},
                        Case{"10:00:00 01/01/20201", "10:00:00", "is not a date in the calendar"},
                        Case{"10:00:00 01/01/0", "10:00:00", "is not a date in the calendar"},
                        Case{"01/01/2001", "(none)", "base date '01/01/2001' without a base time"}}) {
    const WfdbHeader h = parse_wfdb_header(std::string("r 0 250 10 ") + c.fields + "\n", "r.hea");
    EXPECT_EQ(iso(h.start_time), c.start) << c.fields;
    EXPECT_TRUE(mentions(h.warnings, c.warning)) << c.fields << ": " << (h.warnings.empty() ? "" : h.warnings[0]);
    EXPECT_TRUE(mentions(h.warnings, "r.hea: line 1: ")) << c.fields;
  }
}

TEST(ClockTime, WfdbRecordsAndSourcesStartAtTheirFirstFrame) {
  // A00004.hea: "A00004 1 300 9000 11:05:48 1/05/2000"
  const std::string path = fixture("rhythm/A00004");
  const Record whole = read_wfdb_file(path).to_record();
  EXPECT_EQ(iso(whole.start_time), "2000-05-01T11:05:48");
  WfdbReadOptions from;
  from.from = 150;  // 0.5 s at 300 Hz
  EXPECT_EQ(iso(read_wfdb_file(path, from).to_record().start_time), "2000-05-01T11:05:48.500");
  const std::unique_ptr<RecordSource> source = open_record_source(path + ".hea");
  EXPECT_EQ(iso(source->info().start_time), "2000-05-01T11:05:48");
  EXPECT_EQ(iso(source->read(3000, 3300).start_time), "2000-05-01T11:05:58");
  EXPECT_EQ(iso(memory_record_source(whole)->read(600, 900).start_time), "2000-05-01T11:05:50");
  // A record without a base time has none.
  EXPECT_FALSE(read_wfdb_file(fixture("mitdb/205_20s")).to_record().start_time);
}

TEST(ClockTime, EdfStartDateAndTime) {
  // The 2-digit year: 85-99 are 19xx, 00-84 are 20xx (plain EDF: no recording field to ask).
  EXPECT_EQ(edf_start(edf_with_start("12.05.99", "13.14.15", "X", false)).iso, "1999-05-12T13:14:15");
  EXPECT_EQ(edf_start(edf_with_start("01.01.85", "00.00.00", "X", false)).iso, "1985-01-01T00:00:00");
  EXPECT_EQ(edf_start(edf_with_start("31.12.84", "23.59.59", "X", false)).iso, "2084-12-31T23:59:59");
  EXPECT_EQ(edf_start(edf_with_start("29.02.00", "06.00.00", "X", false)).iso, "2000-02-29T06:00:00");
  // EDF+: the recording field's Startdate gives the 4-digit year ("yy" in the header after 2084).
  EXPECT_EQ(edf_start(edf_with_start("12.05.20", "13.14.15", "Startdate 12-MAY-2020 X X X")).iso, "2020-05-12T13:14:15");
  EXPECT_EQ(edf_start(edf_with_start("12.05.yy", "13.14.15", "Startdate 12-may-2090 X X X")).iso, "2090-05-12T13:14:15");
  EXPECT_EQ(edf_start(edf_with_start("12.05.90", "13.14.15", "Startdate 12-MAY-1890 X X X")).iso, "1890-05-12T13:14:15");
  const EdfStart unknown = edf_start(edf_with_start("01.01.85", "13.14.15", "Startdate X X X X"));
  EXPECT_EQ(unknown.iso, "13:14:15");  // the date is not known: the time of day only
  EXPECT_FALSE(mentions(unknown.warnings, "start"));
  // The committed fixtures' start (01.01.24 10.00.00, Startdate 01-JAN-2024).
  EXPECT_EQ(edf_start(test::edf_fixture("two-rates.edf")).iso, "2024-01-01T10:00:00");
  EXPECT_EQ(edf_start(test::edf_fixture("bdf24.bdf")).iso, "2024-01-01T10:00:00");

  // Malformed: no time, or the time of day without its date; a warning says which; never a wrong time.
  struct Case {
    EdfTestFile file;
    const char* start;
    const char* warning;
  };
  for (const Case& c : {
           Case{edf_with_start("12.05.20", "25.00.00", "Startdate 12-MAY-2020"), "(none)", "start time '25.00.00' is not a time of day"},
           Case{edf_with_start("12.05.20", "10:00:00", "Startdate 12-MAY-2020"), "(none)", "start time '10:00:00' is not a time of day"},
           Case{edf_with_start("12.05.20", "", "Startdate 12-MAY-2020"), "(none)", "start time '' is not a time of day"},
           Case{edf_with_start("31.02.20", "10.00.00", "X", false), "10:00:00", "start date '31.02.20' is not a date"},
           Case{edf_with_start("1.5.2020", "10.00.00", "X", false), "10:00:00", "start date '1.5.2020' is not a date"},
           Case{edf_with_start("12.05.yy", "10.00.00", "X", false), "10:00:00", "start date '12.05.yy' is not a date"},
           Case{edf_with_start("12.05.20", "10.00.00", "Startdate 13-MAY-2020 X"), "10:00:00", "disagrees with the recording field"},
           Case{edf_with_start("12.05.20", "10.00.00", "Startdate 12-MAY-2021 X"), "10:00:00", "disagrees with the recording field"},
           Case{edf_with_start("31.02.20", "10.00.00", "Startdate 31-FEB-2020 X"), "10:00:00", "is not a date"},
       }) {
    const EdfStart s = edf_start(c.file);
    EXPECT_EQ(s.iso, c.start) << c.file.start_date << " " << c.file.start_time << " " << c.file.recording;
    EXPECT_TRUE(mentions(s.warnings, c.warning)) << c.file.start_date << " " << c.file.start_time;
  }
}

TEST(ClockTime, EdfPlusFirstRecordOnsetAndRangedReading) {
  // EDF+C whose first data record starts 0.25 s after the header's second: sample 0 is at 13:14:15.250.
  EdfTestFile f = edf_with_start("12.05.20", "13.14.15", "Startdate 12-MAY-2020 X X X");
  f.record_onsets = {0.25, 1.25, 2.25};
  f.tals.resize(3);
  f.tals[1].push_back({1.75, 0.5, {"Event A"}});
  f.tals[2].push_back({2.5, std::nullopt, {"Event B"}});
  const Bytes bytes = f.bytes();
  const EdfRecord whole = read_edf(bytes, "t.edf");
  EXPECT_EQ(iso(whole.to_record().start_time), "2020-05-12T13:14:15.250");
  const std::unique_ptr<RecordSource> source = open_edf_source("t.edf", memory_ranges("t.edf", bytes));
  EXPECT_EQ(iso(source->info().start_time), "2020-05-12T13:14:15.250");
  EXPECT_EQ(iso(source->read(150, 250).start_time), "2020-05-12T13:14:16.750");

  // The annotations read in ranges equal read_edf's, placed on the same samples.
  const EdfRecord notes = read_edf_annotations("t.edf", memory_ranges("t.edf", bytes));
  EXPECT_TRUE(notes.digital.empty());
  ASSERT_EQ(notes.annotations.size(), whole.annotations.size());
  ASSERT_EQ(notes.annotations.size(), 2u);
  const std::vector<Annotation> a = notes.wfdb_annotations(100), b = whole.wfdb_annotations(100);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(notes.annotations[i].text, whole.annotations[i].text);
    EXPECT_EQ(notes.annotations[i].onset_s, whole.annotations[i].onset_s);
    EXPECT_EQ(notes.annotations[i].duration_s, whole.annotations[i].duration_s);
    EXPECT_EQ(a[i].sample, b[i].sample);
  }
  EXPECT_EQ(a[0].sample, 150);  // 1.75 s - 0.25 s
  // The discontinuous fixture (read whole) and a plain EDF (no annotation signal: nothing read).
  const Bytes gaps = test::edf_fixture("gaps.edf").bytes();
  EXPECT_EQ(read_edf_annotations("g.edf", memory_ranges("g.edf", gaps)).annotations.size(),
            read_edf(gaps, "g.edf").annotations.size());
  EXPECT_TRUE(read_edf_annotations("p.edf", memory_ranges("p.edf", edf_with_start("12.05.99", "13.14.15", "X", false).bytes()))
                  .annotations.empty());
  // A malformed annotation list: read_edf's error, naming the data record.
  EdfTestFile bad = f;
  bad.tals[2] = {{2.5, std::nullopt, {std::string(80, 'x')}}};  // overfills the 60 bytes: truncated list
  const std::string message =
      ecglite::test::error_of([&] { read_edf_annotations("b.edf", memory_ranges("b.edf", bad.bytes())); });
  EXPECT_NE(message.find("b.edf: data record 2"), std::string::npos) << message;
}

TEST(ClockTime, HolterCsvGainsAClockColumn) {
  HolterSummary h = summarize_holter({}, 100, 5400 * 100);
  const std::string plain = holter_csv(h);
  EXPECT_EQ(plain.rfind("hour,start_s,duration_s,", 0), 0u);
  h.start_time = make_clock_time(2023, 12, 31, 23, 30, 0);
  const std::string clock = holter_csv(h);
  EXPECT_EQ(clock.rfind("hour,start_s,start_time,duration_s,", 0), 0u) << clock;
  EXPECT_NE(clock.find("\r\n1,0.000,2023-12-31T23:30:00,3600.000,false,0,"), std::string::npos) << clock;
  EXPECT_NE(clock.find("\r\n2,3600.000,2024-01-01T00:30:00,1800.000,true,0,"), std::string::npos) << clock;
}

TEST(ClockTime, CliRhythmShowsClockTimesAcrossMidnight) {
  // 72 minutes of one lead at 250 Hz (spikes 0.8 s apart), started at 23:30:00 on 31/12/2023.
  const ecglite::test::TestDir dir("clock");
  const std::string base = (dir.path / "clk").string();
  const int fs = 250, seconds = 72 * 60;
  {
    std::ofstream hea(base + ".hea");
    hea << "clk 1 " << fs << " " << fs * seconds << " 23:30:00 31/12/2023\n"
        << "clk.dat 16 1000/mV 16 0 0 0 0 II\n";
    std::ofstream dat(base + ".dat", std::ios::binary);
    for (int i = 0; i < fs * seconds; ++i) {
      const double d = std::fmod(i / static_cast<double>(fs), 0.8) - 0.4;
      const auto v = static_cast<std::int16_t>(std::lround(1000 * std::exp(-std::pow(d / 0.012, 2)) + 10 * std::sin(7.0 * i)));
      dat.put(static_cast<char>(v & 0xFF)).put(static_cast<char>((v >> 8) & 0xFF));
    }
  }
  const std::string csv = base + "-hours.csv";
  const auto text = run_cli("rhythm " + base + " --no-model --no-rhythm-model --holter-csv " + csv);
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("start time        2023-12-31 23:30:00 (from the file"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  hour     start  clock           beats"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("     1      0:00  23:30:00         "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("     2   1:00:00  00:30:00 (+1 d)   900"), std::string::npos) << text.out;
  const std::string hours = read_text(csv);
  EXPECT_NE(hours.find("\r\n2,3600.000,2024-01-01T00:30:00,720.000,true,"), std::string::npos) << hours;
  const auto json = run_cli("rhythm " + base + " --no-model --no-rhythm-model --json");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("\"holter\": {\"start_time\": \"2023-12-31T23:30:00\", \"hour_s\": 3600.000"), std::string::npos)
      << json.out.substr(0, 2000);
  // A record without a start time: no start_time field, no clock column.
  const auto none = run_cli("rhythm " + fixture("mitdb/205_20s") + " --no-model --no-rhythm-model --json");
  ASSERT_EQ(none.status, 0) << none.err;
  EXPECT_EQ(none.out.find("start_time"), std::string::npos);
  EXPECT_NE(none.out.find("\"holter\": {\"hour_s\": "), std::string::npos);
}
