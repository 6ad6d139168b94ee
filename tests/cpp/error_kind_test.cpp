// Typed errors: representative failures of every part of the core carry the kind a front-end acts on
// (the page opens its CSV options for needs_rate, the CLI and the JS module add their own advice for
// needs_rate and wrong_model), and the core's words name no command-line flag and no JS option.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "ecglite/annotations.h"
#include "ecglite/beats.h"
#include "ecglite/classify.h"
#include "ecglite/csv.h"
#include "ecglite/error.h"
#include "ecglite/model.h"
#include "ecglite/preprocess.h"
#include "ecglite/qrs.h"
#include "ecglite/read.h"
#include "ecglite/rhythm.h"
#include "ecglite/wfdb.h"
#include "test_support.h"

namespace ecglite {
namespace {

using test::fixture;
using test::run_cli;
using test::thrown_by;

const std::string kEcgHeader = "r 1 100 3\nr.dat 16 200/mV 16 0 0 0 0 II\n";
const Bytes kThreeSamples = {1, 0, 2, 0, 3, 0};

// The front-ends add these for the kinds that need them; the core must not say them itself.
void expect_neutral(const Error& e) {
  const std::string m = e.what();
  for (const char* word : {"--", "samplingRate", "in JS", "command line", "ecglite "})
    EXPECT_EQ(m.find(word), std::string::npos) << "'" << word << "' in: " << m;
}

TEST(ErrorKind, EveryKindHasItsOwnName) {
  std::set<std::string> names;
  const int last = static_cast<int>(ErrorKind::cancelled);
  for (int k = 0; k <= last; ++k) names.insert(kind_name(static_cast<ErrorKind>(k)));
  EXPECT_EQ(names.size(), static_cast<std::size_t>(last + 1));
  EXPECT_EQ(std::string(kind_name(ErrorKind::needs_rate)), "needs_rate");
  EXPECT_EQ(Error("no kind given").kind(), ErrorKind::other);
}

TEST(ErrorKind, CsvReader) {
  const Error no_rate = thrown_by([] { read_csv("I,II\n1,2\n3,4\n", {}, "x.csv"); });
  EXPECT_EQ(no_rate.kind(), ErrorKind::needs_rate);
  EXPECT_EQ(std::string(no_rate.what()), "x.csv: cannot tell the sampling rate: no time column and no 'Sample Rate' line");
  const Error bad_rate_line = thrown_by([] { read_csv("Sample Rate,0 hertz\nI,II\n1,2\n", {}, "z.csv"); });
  EXPECT_EQ(bad_rate_line.kind(), ErrorKind::needs_rate);
  expect_neutral(bad_rate_line);
  const Error bad_time = thrown_by([] { read_csv("time,I\n0,1\nnoon,2\n", {}, "t.csv"); });
  EXPECT_EQ(bad_time.kind(), ErrorKind::bad_data);
  expect_neutral(bad_time);

  EXPECT_EQ(thrown_by([] { read_csv(std::string("\x89PNG\r\n\x1a\n\0\0", 10), {}, "p.csv"); }).kind(),
            ErrorKind::unsupported_format);
  EXPECT_EQ(thrown_by([] { read_csv("time,I,II\n0,1,2\n0.01,1\n", {}, "r.csv"); }).kind(), ErrorKind::bad_data);
  CsvOptions small;
  small.limits.max_file_bytes = 8;
  EXPECT_EQ(thrown_by([&] { read_csv("time,I\n0,1\n0.01,2\n", small, "big.csv"); }).kind(), ErrorKind::limit);
  EXPECT_EQ(thrown_by([] { read_csv_file("/nonexistent/x.csv", {}); }).kind(), ErrorKind::missing_file);
}

TEST(ErrorKind, WfdbReader) {
  EXPECT_EQ(thrown_by([] { parse_wfdb_header("not a header at all\n", "h.hea"); }).kind(), ErrorKind::bad_header);
  EXPECT_EQ(thrown_by([] { parse_wfdb_header("r 1 100 3\nr.dat 999 200 16 0 0 0 0 II\n", "f.hea"); }).kind(),
            ErrorKind::unsupported_format);
  std::string many = "r 65 100 3\n";
  for (int s = 0; s < 65; ++s) many += "r.dat 16 200 16 0 0 0 0 s\n";
  EXPECT_EQ(thrown_by([&] { parse_wfdb_header(many, "m.hea"); }).kind(), ErrorKind::limit);
  const std::string flac = "r 1 100 3\nr.dat 516 200/mV 16 0 0 0 0 II\n";
  // Not a FLAC stream: bad data where libFLAC decodes, unsupported where the build has none.
  EXPECT_EQ(thrown_by([&] { read_wfdb(flac, make_memory_provider({{"r.dat", kThreeSamples}})); }).kind(),
            ecglite::is_supported_wfdb_format(516) ? ErrorKind::bad_data : ErrorKind::unsupported_format);

  const Error absent = thrown_by([] { read_wfdb(kEcgHeader, make_memory_provider({})); });
  EXPECT_EQ(absent.kind(), ErrorKind::missing_file);
  expect_neutral(absent);
  EXPECT_EQ(thrown_by([] { read_wfdb_file(fixture("wfdb/no-such-record")); }).kind(), ErrorKind::missing_file);
  EXPECT_EQ(thrown_by([] { read_wfdb(kEcgHeader, make_memory_provider({{"r.dat", {1, 0}}})); }).kind(),
            ErrorKind::bad_data);
  WfdbReadOptions signal_5;
  signal_5.signals = {5};
  EXPECT_EQ(thrown_by([&] { read_wfdb(kEcgHeader, make_memory_provider({{"r.dat", kThreeSamples}}), signal_5); })
                .kind(),
            ErrorKind::bad_argument);
  Limits tiny;
  tiny.max_total_samples = 2;
  WfdbReadOptions limited;
  limited.limits = tiny;
  const Error too_many = thrown_by([&] { read_wfdb(kEcgHeader, make_memory_provider({{"r.dat", kThreeSamples}}), limited); });
  EXPECT_EQ(too_many.kind(), ErrorKind::limit);
  expect_neutral(too_many);  // it used to suggest `ecglite dump --from/--to`
}

TEST(ErrorKind, Annotations) {
  const Bytes cut_skip = {0, 0xEC, 0, 0};  // SKIP without its interval
  EXPECT_EQ(thrown_by([&] { parse_annotations(cut_skip, "x.atr"); }).kind(), ErrorKind::bad_data);
  EXPECT_EQ(thrown_by([] { read_annotations_file(fixture("mitdb/205_20s"), "nope"); }).kind(), ErrorKind::missing_file);
}

TEST(ErrorKind, Models) {
  const Error not_a_model = thrown_by([] { Model::from_bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}); });
  EXPECT_EQ(not_a_model.kind(), ErrorKind::bad_model);
  expect_neutral(not_a_model);
  const std::string bytes = test::read_text(fixture("model/tiny-int8.ecgm"));
  std::vector<std::uint8_t> truncated(bytes.begin(), bytes.begin() + 100);
  EXPECT_EQ(thrown_by([&] { Model::from_bytes(truncated); }).kind(), ErrorKind::bad_model);
  std::vector<std::uint8_t> newer(bytes.begin(), bytes.end());
  newer[4] = 99;  // the format version
  const Error version = thrown_by([&] { Model::from_bytes(newer); });
  EXPECT_EQ(version.kind(), ErrorKind::bad_model);
  expect_neutral(version);
  const Error absent = thrown_by([] { Model::from_file("/nonexistent/model.ecgm"); });
  EXPECT_EQ(absent.kind(), ErrorKind::missing_file);
  expect_neutral(absent);  // it used to say "pass --model FILE"
  // from_file names the path and keeps the kind of what from_bytes found.
  const Error garbage = thrown_by([] { Model::from_file(fixture("wfdb/formats.hea")); });
  EXPECT_EQ(garbage.kind(), ErrorKind::bad_model);
  EXPECT_EQ(std::string(garbage.what()).rfind(fixture("wfdb/formats.hea") + ": not an EcgLite model file", 0), 0u)
      << garbage.what();
}

TEST(ErrorKind, AModelOfTheOtherTaskIsAWrongModel) {
  const Model twelve_lead = Model::from_file(fixture("model/tiny-int8.ecgm"));
  const Error not_beats = thrown_by([&] { beat_input_spec(twelve_lead.info()); });
  EXPECT_EQ(not_beats.kind(), ErrorKind::wrong_model);
  expect_neutral(not_beats);
  const std::string beats_path = test::source_dir() + "/models/beats-int8.ecgm";
  if (!test::path_exists(beats_path)) GTEST_SKIP() << "models/beats-int8.ecgm is not shipped";
  const Model beats = Model::from_file(beats_path);
  const Error not_twelve = thrown_by([&] { classify(beats, read_record_file(fixture("wfdb/HR06001_0s1"))); });
  EXPECT_EQ(not_twelve.kind(), ErrorKind::wrong_model);
  expect_neutral(not_twelve);  // it used to name `ecglite beats/rhythm --model` and rhythm() in JS
}

TEST(ErrorKind, RecordsThatCannotBeAnalysed) {
  const Model model = Model::from_file(fixture("model/tiny-int8.ecgm"));
  Record missing = read_record_file(fixture("wfdb/HR06001_0s1"));
  for (Lead& lead : missing.leads) std::fill(lead.samples.begin(), lead.samples.end(), std::nanf(""));
  EXPECT_EQ(thrown_by([&] { classify(model, missing); }).kind(), ErrorKind::no_signal);

  Record half_second;
  half_second.name = "short";
  half_second.sampling_rate_hz = 360;
  half_second.leads.push_back(Lead{"II", "mV", std::vector<float>(180, 0.0f)});
  EXPECT_EQ(thrown_by([&] { analyze_rhythm(half_second); }).kind(), ErrorKind::limit);
}

// Preprocessing and QRS detection (core/src/dsp): the record, not the file, is what cannot be used.
TEST(ErrorKind, PreprocessingAndQrsDetection) {
  const Model model = Model::from_file(fixture("model/tiny-int8.ecgm"));
  const Record two_lead = read_record_file(fixture("mitdb/205_20s"));
  EXPECT_EQ(thrown_by([&] { classify(model, two_lead); }).kind(), ErrorKind::missing_leads);
  QrsOptions lead_5;
  lead_5.leads = {5};
  EXPECT_EQ(thrown_by([&] { detect_qrs(two_lead, lead_5); }).kind(), ErrorKind::bad_argument);

  const Record tenth_of_a_second = read_record_file(fixture("wfdb/HR06001_0s1"));
  EXPECT_EQ(thrown_by([&] { preprocess(tenth_of_a_second); }).kind(), ErrorKind::limit);
  Record no_rate = tenth_of_a_second;
  no_rate.sampling_rate_hz = 0;
  const Error rate = thrown_by([&] { preprocess(no_rate); });
  EXPECT_EQ(rate.kind(), ErrorKind::needs_rate);
  expect_neutral(rate);
  Record slow = two_lead;
  slow.sampling_rate_hz = 20;
  EXPECT_EQ(thrown_by([&] { preprocess(slow); }).kind(), ErrorKind::limit);
  EXPECT_EQ(thrown_by([&] { detect_qrs(slow); }).kind(), ErrorKind::limit);

  Record flat;
  flat.name = "flat";
  flat.sampling_rate_hz = 100;
  for (const std::string& name : standard_lead_names()) flat.leads.push_back(Lead{name, "mV", std::vector<float>(1000, 0.0f)});
  EXPECT_EQ(thrown_by([&] { preprocess(flat); }).kind(), ErrorKind::no_signal);
}

// The command line adds its flag to the core's words, by kind, on the one line it prints.
TEST(ErrorKind, TheCliAddsItsFlagsByKind) {
  const std::string csv = ::testing::TempDir() + "ecglite_kind_no_rate.csv";
  {
    std::ofstream f(csv);
    f << "I,II\n";
    for (int i = 0; i < 500; ++i) f << std::sin(0.05 * i) << "," << std::cos(0.05 * i) << "\n";
  }
  const auto info = run_cli("info " + csv);
  EXPECT_EQ(info.status, 1);
  EXPECT_EQ(info.err, "ecglite info: " + csv +
                          ": cannot tell the sampling rate: no time column and no 'Sample Rate' line (give the "
                          "sampling rate with --rate HZ)\n");
  // classify --json reports the kind of a record's failure next to its message.
  const auto json = run_cli("classify --json --model " + fixture("model/tiny-int8.ecgm") + " " + csv);
  EXPECT_EQ(json.status, 1);
  EXPECT_NE(json.out.find("\"kind\":\"needs_rate\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("(give the sampling rate with --rate HZ)"), std::string::npos) << json.out;
  std::remove(csv.c_str());

  const auto wrong = run_cli("beats " + fixture("mitdb/205_20s") + " --model " + fixture("model/tiny-int8.ecgm"));
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.err.find("not a beat classification model"), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("each with --model FILE; rhythm's verdict takes a rhythm model with --rhythm-model FILE)\n"),
            std::string::npos)
      << wrong.err;
  const auto not_rhythm = run_cli("rhythm " + fixture("mitdb/205_20s") + " --no-model --rhythm-model " +
                                  fixture("model/tiny-int8.ecgm"));
  EXPECT_EQ(not_rhythm.status, 1);
  EXPECT_NE(not_rhythm.err.find("not a rhythm model"), std::string::npos) << not_rhythm.err;
  EXPECT_NE(not_rhythm.err.find("--rhythm-model FILE)\n"), std::string::npos) << not_rhythm.err;
  // Other kinds get no advice of the command line's: the core's message says what to do.
  const auto header = run_cli("info " + fixture("wfdb/no-such-record"));
  EXPECT_EQ(header.status, 1);
  EXPECT_EQ(header.err.find("--rate"), std::string::npos) << header.err;
}

}  // namespace
}  // namespace ecglite
