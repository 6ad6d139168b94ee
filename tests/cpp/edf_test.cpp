// The EDF/EDF+/BDF reader: the committed fixtures (made by edf_writer.h), malformed headers and
// annotation lists, the conformance files of the shared WFDB sample corpus, and the CLI.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include "ecglite/edf.h"
#include "ecglite/read.h"
#include "ecglite/wfdb.h"
#include "edf_writer.h"
#include "test_support.h"

namespace ecglite::test {
namespace {

const char* const kFixtures[] = {"two-rates.edf", "gaps.edf", "bdf24.bdf"};

std::string edf_fixture_path(const std::string& name) { return fixture("edf/" + name); }

// The physical value of a digital one by the EDF definition (linear map of the digital range onto the
// physical range), computed independently of the reader's formula.
double expected_physical(const EdfTestSignal& s, std::int32_t d) {
  const double pmin = std::atof(s.physical_min.c_str()), pmax = std::atof(s.physical_max.c_str());
  const double dmin = std::atof(s.digital_min.c_str()), dmax = std::atof(s.digital_max.c_str());
  return pmin + (d - dmin) * (pmax - pmin) / (dmax - dmin);
}

// The committed files are the generator's output: regenerate them with ECGLITE_WRITE_FIXTURES=1.
TEST(EdfFixtures, CommittedFilesAreTheGeneratorsOutput) {
  const bool write = std::getenv("ECGLITE_WRITE_FIXTURES") != nullptr;
  for (const char* name : kFixtures) {
    const Bytes bytes = edf_fixture(name).bytes();
    if (write) {
      std::ofstream(edf_fixture_path(name), std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      continue;
    }
    EXPECT_EQ(read_file(edf_fixture_path(name)), bytes) << name << " differs from edf_writer.h's (ECGLITE_WRITE_FIXTURES=1 rewrites it)";
  }
}

TEST(Edf, TwoRatesHeaderSamplesAndAnnotations) {
  const EdfTestFile f = edf_fixture("two-rates.edf");
  const EdfRecord e = read_edf_file(edf_fixture_path("two-rates.edf"));
  EXPECT_EQ(e.name, "two-rates");
  EXPECT_EQ(e.header.format_name(), "EDF+C");
  ASSERT_EQ(e.header.signals.size(), 4u);
  EXPECT_TRUE(e.header.signals[3].annotations);
  EXPECT_DOUBLE_EQ(e.header.sampling_rate_hz(0), 250);
  EXPECT_DOUBLE_EQ(e.header.sampling_rate_hz(1), 125);
  EXPECT_DOUBLE_EQ(e.header.sampling_rate_hz(2), 25);
  for (std::size_t s = 0; s < 3; ++s) {
    ASSERT_EQ(e.digital[s].size(), f.signals[s].samples.size());
    for (std::size_t i = 0; i < e.digital[s].size(); ++i) {
      ASSERT_EQ(e.digital[s][i], f.signals[s].samples[i]) << "signal " << s << " sample " << i;
      ASSERT_NEAR(e.physical(s, i), expected_physical(f.signals[s], f.signals[s].samples[i]), 1e-9);
    }
  }
  EXPECT_TRUE(e.digital[3].empty());
  ASSERT_EQ(e.annotations.size(), 4u);
  EXPECT_EQ(e.annotations[0].text, "Recording starts");
  EXPECT_DOUBLE_EQ(e.annotations[0].onset_s, 0.5);
  EXPECT_FALSE(e.annotations[0].duration_s);
  EXPECT_EQ(e.annotations[1].text, "Arousal");
  EXPECT_EQ(e.annotations[2].text, "Movement");
  EXPECT_DOUBLE_EQ(e.annotations[2].onset_s, 2.5);
  EXPECT_DOUBLE_EQ(e.annotations[2].duration_s.value_or(-1), 1.25);
  EXPECT_EQ(e.annotations[3].text, "Lights off \xC2\xB5");
  EXPECT_DOUBLE_EQ(e.annotations[3].duration_s.value_or(-1), 0);

  // As WFDB shows notes: code NOTE, the text as aux, at the sample of the record's rate.
  const std::vector<Annotation> w = e.wfdb_annotations(250);
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[1].sample, 625);
  EXPECT_EQ(w[1].code, anncode::kNote);
  EXPECT_EQ(w[1].symbol, "\"");
  EXPECT_EQ(w[1].aux, "Arousal");
  EXPECT_EQ(w[3].sample, 1760);
}

TEST(Edf, RecordHasTheEcgLeadsAtTheFastestRate) {
  const Record r = read_record_file(edf_fixture_path("two-rates.edf"));
  EXPECT_EQ(r.name, "two-rates");
  EXPECT_DOUBLE_EQ(r.sampling_rate_hz, 250);
  ASSERT_EQ(r.leads.size(), 2u);  // the respiration signal is not a lead
  EXPECT_EQ(r.leads[0].name, "ECG II");
  EXPECT_EQ(r.leads[0].units, "uV");
  EXPECT_EQ(r.leads[1].name, "ECG V1");
  EXPECT_EQ(r.leads[1].units, "mV");
  ASSERT_EQ(r.length(), 2500u);
  ASSERT_EQ(r.leads[1].samples.size(), 2500u);
  // V1 at 125 Hz: every other sample is a source sample, the ones between are midpoints.
  const EdfTestSignal v1 = edf_fixture("two-rates.edf").signals[1];
  for (std::size_t i = 0; i + 2 < 2500; i += 2) {
    const double a = expected_physical(v1, v1.samples[i / 2]), b = expected_physical(v1, v1.samples[i / 2 + 1]);
    ASSERT_NEAR(r.leads[1].samples[i], a, 1e-6);
    ASSERT_NEAR(r.leads[1].samples[i + 1], (a + b) / 2, 1e-6);
  }
  bool said_left_out = false, said_interpolated = false;
  for (const std::string& w : r.warnings) {
    said_left_out = said_left_out || w.find("Resp chest") != std::string::npos;
    said_interpolated = said_interpolated || (w.find("ECG V1 (125 Hz)") != std::string::npos);
  }
  EXPECT_TRUE(said_left_out);
  EXPECT_TRUE(said_interpolated);
}

TEST(Edf, DiscontinuousGapsAreInvalidSamples) {
  const EdfTestFile f = edf_fixture("gaps.edf");
  const EdfRecord e = read_edf_file(edf_fixture_path("gaps.edf"));
  EXPECT_EQ(e.header.format_name(), "EDF+D");
  ASSERT_EQ(e.record_onsets_s.size(), 4u);
  EXPECT_DOUBLE_EQ(e.record_onsets_s[2], 3.5);
  const Record r = e.to_record();
  ASSERT_EQ(r.length(), 550u);  // 5.5 s at 100 Hz
  for (std::size_t i = 0; i < 550; ++i) {
    const float v = r.leads[0].samples[i];
    if (i >= 200 && i < 350) {
      ASSERT_TRUE(std::isnan(v)) << i;
    } else {
      const std::size_t source = i < 200 ? i : i - 150;
      ASSERT_NEAR(v, expected_physical(f.signals[0], f.signals[0].samples[source]), 1e-5) << i;
    }
  }
  bool said_gap = false;
  for (const std::string& w : r.warnings) said_gap = said_gap || w.find("1 gap between data records") != std::string::npos;
  EXPECT_TRUE(said_gap);
  ASSERT_EQ(e.annotations.size(), 1u);
  EXPECT_EQ(e.wfdb_annotations(100)[0].sample, 360);
}

TEST(Edf, Bdf24BitSamples) {
  const EdfTestFile f = edf_fixture("bdf24.bdf");
  const EdfRecord e = read_edf_file(edf_fixture_path("bdf24.bdf"));
  EXPECT_EQ(e.header.format_name(), "BDF");
  EXPECT_DOUBLE_EQ(e.header.sampling_rate_hz(0), 256);
  ASSERT_EQ(e.digital[0].size(), 1024u);
  EXPECT_EQ(e.digital[0][0], -8388608);
  EXPECT_EQ(e.digital[0][1], 8388607);
  for (std::size_t s = 0; s < 2; ++s)
    for (std::size_t i = 0; i < 1024; ++i) {
      ASSERT_EQ(e.digital[s][i], f.signals[s].samples[i]);
      ASSERT_NEAR(e.physical(s, i), expected_physical(f.signals[s], f.signals[s].samples[i]), 1e-6);
    }
  const Record r = e.to_record();
  EXPECT_EQ(r.leads.size(), 2u);
  EXPECT_TRUE(e.annotations.empty());
}

TEST(Edf, NoEcgSignalIsMissingLeads) {
  EdfTestFile f = edf_fixture("two-rates.edf");
  f.signals.erase(f.signals.begin(), f.signals.begin() + 2);  // only the respiration signal
  const Error e = thrown_by([&] { read_edf(f.bytes(), "resp.edf").to_record(); });
  EXPECT_EQ(e.kind(), ErrorKind::missing_leads);
  EXPECT_NE(std::string(e.what()).find("no ECG signal among its 1 signals (Resp chest)"), std::string::npos) << e.what();
}

// One malformed file per case: the kind and the words of its one-line error.
struct BadEdf {
  const char* name;
  void (*edit)(EdfTestFile&);
  ErrorKind kind;
  const char* words;
};

const BadEdf kBadEdfs[] = {
    {"header size", [](EdfTestFile& f) { f.header_bytes = "512"; }, ErrorKind::bad_header,
     "header size 512 does not match its 3 signals (256 + 256 per signal = 1024 bytes)"},
    {"bad number", [](EdfTestFile& f) { f.signals[0].physical_max = "1.0e"; }, ErrorKind::bad_header,
     "signal 0 (ECG II): physical maximum '1.0e' is not a number"},
    {"digital min == max", [](EdfTestFile& f) { f.signals[0].digital_min = "32767"; }, ErrorKind::bad_header,
     "signal 0 (ECG II): digital minimum 32767 equals the digital maximum 32767"},
    {"physical min == max", [](EdfTestFile& f) { f.signals[0].physical_min = "3276.7"; }, ErrorKind::bad_header,
     "physical minimum equals the physical maximum"},
    {"digital range beyond 16 bits", [](EdfTestFile& f) { f.signals[0].digital_max = "40000"; }, ErrorKind::bad_header,
     "digital range -32768 to 40000 exceeds the 16-bit samples of EDF"},
    {"no samples", [](EdfTestFile& f) { f.signals[0].samples_per_record = 0; }, ErrorKind::bad_header,
     "0 samples per data record"},
    {"duration", [](EdfTestFile& f) { f.record_duration = "abc"; }, ErrorKind::bad_header,
     "data record duration 'abc' is not a number"},
    {"zero duration", [](EdfTestFile& f) { f.record_duration = "0"; }, ErrorKind::bad_header,
     "data record duration 0 s in a file with signals"},
    {"records", [](EdfTestFile& f) { f.num_records_text = "-5"; }, ErrorKind::bad_header,
     "number of data records -5 is negative"},
    {"truncated", [](EdfTestFile& f) { f.num_records_text = "4"; }, ErrorKind::bad_data,
     "the file ends in data record 4 of 4"},
    {"EDF+ without annotations", [](EdfTestFile& f) { f.annotation_bytes = 0; }, ErrorKind::bad_header,
     "an EDF+ file without an 'EDF Annotations' signal"},
    {"overlapping records", [](EdfTestFile& f) { f.record_onsets = {0, 1, 1.5}; }, ErrorKind::bad_data,
     "data record 2 starts at 1.5 s, before data record 1 ends (2 s)"},
    {"unterminated TAL", [](EdfTestFile& f) { f.tals[1].push_back({1.5, std::nullopt, {"x"}}); f.annotation_bytes = 8; },
     ErrorKind::bad_data, "data record 1, annotation signal 2, byte 5: an annotation list (TAL) is not terminated by 0x14"},
    {"huge gap", [](EdfTestFile& f) { f.record_onsets = {0, 1, 1e7}; }, ErrorKind::limit,
     "(gaps included) exceed the limit of 40000000 samples"},
};

EdfTestFile small_edf_plus_d() {
  EdfTestFile f;
  f.reserved = "EDF+D";
  f.num_records = 3;
  f.annotation_bytes = 40;
  f.signals = {{"ECG II", "uV", "-3276.8", "3276.7", "-32768", "32767", 10, std::vector<std::int32_t>(30, 5)},
               {"ECG V1", "uV", "-3276.8", "3276.7", "-32768", "32767", 10, std::vector<std::int32_t>(30, 7)}};
  f.tals.resize(3);
  return f;
}

TEST(EdfMalformed, EachHasItsKindAndOneLine) {
  // The valid base file reads.
  EXPECT_NO_THROW(read_edf(small_edf_plus_d().bytes(), "base.edf").to_record());
  for (const BadEdf& c : kBadEdfs) {
    EdfTestFile f = small_edf_plus_d();
    c.edit(f);
    const Bytes bytes = f.bytes();
    const Error e = thrown_by([&] { read_edf(bytes, "bad.edf"); });
    const std::string message = e.what();
    EXPECT_EQ(e.kind(), c.kind) << c.name << ": " << message;
    EXPECT_NE(message.find(c.words), std::string::npos) << c.name << ": " << message;
    EXPECT_EQ(message.rfind("bad.edf: ", 0), 0u) << c.name << ": " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << c.name;
  }
}

TEST(EdfMalformed, NotEdfAndLimits) {
  const Error text = thrown_by([] { read_edf(Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}, "x.edf"); });
  EXPECT_EQ(text.kind(), ErrorKind::unsupported_format);
  EXPECT_NE(std::string(text.what()).find("not an EDF or BDF file"), std::string::npos);

  EdfTestFile f = small_edf_plus_d();
  Limits limits;
  limits.max_signals = 2;  // two leads + the annotation signal
  const Error signals = thrown_by([&] { read_edf(f.bytes(), "x.edf", limits); });
  EXPECT_EQ(signals.kind(), ErrorKind::limit);
  EXPECT_NE(std::string(signals.what()).find("3 signals, more than the limit of 2"), std::string::npos);
  limits = Limits{};
  limits.max_total_samples = 59;
  EXPECT_EQ(thrown_by([&] { read_edf(f.bytes(), "x.edf", limits); }).kind(), ErrorKind::limit);
  limits.max_total_samples = 60;
  EXPECT_NO_THROW(read_edf(f.bytes(), "x.edf", limits));
}

TEST(Edf, UnknownRecordCountIsCountedFromTheFileSize) {
  EdfTestFile f = small_edf_plus_d();
  f.reserved = "EDF+C";
  f.num_records_text = "-1";
  const EdfRecord e = read_edf(f.bytes(), "open.edf");
  EXPECT_EQ(e.num_records, 3);
  ASSERT_FALSE(e.warnings.empty());
  EXPECT_NE(e.warnings[0].find("3 read"), std::string::npos);
}

// Conformance with the shared WFDB sample corpus: test_generator_2.edf and the WFDB record edf2mit
// made of it (frames of 200 samples at 1 Hz: read with expand_frames to see every sample).
TEST(EdfConformance, TestGeneratorMatchesItsWfdbTwin) {
  ECGLITE_REQUIRE_DATA("wfdb-samples/sample-data/test_generator_2.edf");
  const std::string dir = data_dir() + "/wfdb-samples/sample-data/";
  const EdfRecord e = read_edf_file(dir + "test_generator_2.edf");
  WfdbReadOptions options;
  options.expand_frames = true;
  const WfdbRecord w = read_wfdb_file(dir + "test_generator_2", options);
  ASSERT_EQ(e.header.signals.size(), 12u);
  ASSERT_EQ(w.digital.size(), 12u);  // the 12th is edf2mit's copy of the annotation signal
  for (std::size_t s = 0; s < 11; ++s) {
    EXPECT_DOUBLE_EQ(e.header.sampling_rate_hz(s), 200);
    ASSERT_EQ(e.digital[s].size(), w.digital[s].size()) << s;
    for (std::size_t i = 0; i < e.digital[s].size(); ++i) {
      ASSERT_EQ(e.digital[s][i], w.digital[s][i]) << "signal " << s << " sample " << i;
      // The EDF range -1000..1000 over -32768..32767 puts physical 0 at digital -0.5; a WFDB baseline is
      // an integer, so edf2mit wrote 0 and the twin's values sit half a step lower (0.015 uV).
      const double half_step = 0.5 / w.signals[s].gain;
      ASSERT_NEAR(e.physical(s, i), w.physical(static_cast<int>(s), i), half_step + 1e-9) << "signal " << s << " sample " << i;
    }
  }
  // The two signals in degrees ('\xB0' in the header) are decoded but are not ECG leads.
  EXPECT_EQ(e.header.signals[8].physical_dimension, "\xC2\xB0");
  EXPECT_FALSE(e.is_ecg_lead(8));
  const Record r = e.to_record();
  EXPECT_EQ(r.leads.size(), 9u);
  EXPECT_DOUBLE_EQ(r.sampling_rate_hz, 200);
}

TEST(EdfConformance, TestEdfannAnnotations) {
  ECGLITE_REQUIRE_DATA("wfdb-samples/sample-data/test_edfann.edf");
  const EdfRecord e = read_edf_file(data_dir() + "/wfdb-samples/sample-data/test_edfann.edf");
  ASSERT_GT(e.annotations.size(), 800u);
  EXPECT_DOUBLE_EQ(e.annotations[0].onset_s, 0);
  EXPECT_DOUBLE_EQ(e.annotations[0].duration_s.value_or(-1), 30);
  EXPECT_EQ(e.annotations[0].text, "Sleep stage W");
  EXPECT_DOUBLE_EQ(e.annotations[2].onset_s, 33.43);
  EXPECT_EQ(e.annotations[2].text, "Lights off@@EEG F4-A1");
  EXPECT_EQ(thrown_by([&] { e.to_record(); }).kind(), ErrorKind::no_signal);
}

TEST(EdfCli, InfoAnnDumpAndRhythm) {
  const std::string path = edf_fixture_path("two-rates.edf");
  const CliResult info = run_cli("info " + path);
  EXPECT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("EDF+C"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("left out (not an ECG)"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("125 Hz (125 samples per data record)"), std::string::npos) << info.out;

  const CliResult ann = run_cli("ann " + path);
  EXPECT_EQ(ann.status, 0) << ann.err;
  EXPECT_EQ(ann.out, "0.5\t-\tRecording starts\n2.5\t1.25\tArousal\n2.5\t1.25\tMovement\n7.04\t0\tLights off \xC2\xB5\n");

  const CliResult dump = run_cli("dump " + edf_fixture_path("gaps.edf") + " --from 199 --to 201");
  EXPECT_EQ(dump.status, 0) << dump.err;
  EXPECT_EQ(dump.out.substr(dump.out.find('\n') + 1), "-\n");

  const CliResult rhythm = run_cli("rhythm " + path + " --no-model");
  EXPECT_EQ(rhythm.status, 0) << rhythm.err;
  EXPECT_NE(rhythm.out.find("mean 75 bpm"), std::string::npos) << rhythm.out;

  const CliResult rate = run_cli("info " + path + " --rate 500");
  EXPECT_EQ(rate.status, 1);
  EXPECT_NE(rate.err.find("EDF/BDF headers state their rate"), std::string::npos) << rate.err;
}

}  // namespace
}  // namespace ecglite::test
