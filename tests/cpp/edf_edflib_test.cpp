// EcgLite's EDF reader against EDFlib (Teunis van Beelen; Debian libedf-dev), the reference: files
// EDFlib writes (EDF+ and BDF+, several signals at different rates, different scalings, annotations),
// the committed fixtures and the shared conformance files, read by both; digital values, physical
// values and annotations must agree. EDFlib is the reference and not the reader because the core
// must also build for WebAssembly, where there is no libedf (README, "EDF"). Built with EDFlib when
// CMake finds it (ECGLITE_HAVE_EDFLIB); otherwise these tests skip, saying so.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "ecglite/edf.h"
#include "ecglite/read.h"
#include "test_support.h"

#if ECGLITE_HAVE_EDFLIB
#include <edflib.h>
#endif

namespace ecglite::test {
namespace {

#if ECGLITE_HAVE_EDFLIB
#define ECGLITE_REQUIRE_EDFLIB() (void)0
#else
#define ECGLITE_REQUIRE_EDFLIB() \
  GTEST_SKIP() << "EDFlib (Debian libedf-dev) not found when this build was configured; skipping the comparison"
#endif

#if ECGLITE_HAVE_EDFLIB

// Reads `path` with EDFlib and with EcgLite and compares everything both report.
void expect_agreement(const std::string& path) {
  SCOPED_TRACE(path);
  edf_hdr_struct hdr{};
  ASSERT_EQ(edfopen_file_readonly(path.c_str(), &hdr, EDFLIB_READ_ALL_ANNOTATIONS), 0)
      << "EDFlib cannot open it (error " << hdr.filetype << ")";
  const EdfRecord e = read_edf_file(path);
  std::vector<std::size_t> ours;  // EDFlib hides annotation signals: its signal k is our ours[k]
  for (std::size_t s = 0; s < e.header.signals.size(); ++s)
    if (!e.header.signals[s].annotations) ours.push_back(s);
  ASSERT_EQ(static_cast<std::size_t>(hdr.edfsignals), ours.size());
  EXPECT_EQ(hdr.datarecords_in_file, e.num_records);
  for (int k = 0; k < hdr.edfsignals; ++k) {
    const std::size_t s = ours[k];
    const edf_param_struct& p = hdr.signalparam[k];
    EXPECT_EQ(std::string(p.label).substr(0, e.header.signals[s].label.size()), e.header.signals[s].label);
    EXPECT_EQ(p.smp_in_datarecord, e.header.signals[s].samples_per_record);
    EXPECT_EQ(p.dig_min, e.header.signals[s].digital_min);
    EXPECT_EQ(p.dig_max, e.header.signals[s].digital_max);
    // EDFlib reads an EDF+D file's samples back to back; ours keep the gaps as invalid samples.
    std::vector<std::size_t> valid;
    for (std::size_t i = 0; i < e.digital[s].size(); ++i)
      if (e.digital[s][i] != kInvalidSample) valid.push_back(i);
    ASSERT_EQ(static_cast<std::size_t>(p.smp_in_file), valid.size()) << "signal " << s;
    std::vector<int> digital(valid.size());
    std::vector<double> physical(valid.size());
    ASSERT_EQ(edfread_digital_samples(hdr.handle, k, static_cast<int>(valid.size()), digital.data()),
              static_cast<int>(valid.size()));
    edfrewind(hdr.handle, k);
    ASSERT_EQ(edfread_physical_samples(hdr.handle, k, static_cast<int>(valid.size()), physical.data()),
              static_cast<int>(valid.size()));
    for (std::size_t j = 0; j < valid.size(); ++j) {
      ASSERT_EQ(e.digital[s][valid[j]], digital[j]) << "signal " << s << " sample " << valid[j];
      ASSERT_EQ(e.physical(s, static_cast<std::int64_t>(valid[j])), physical[j]) << "signal " << s << " sample " << valid[j];
    }
  }
  ASSERT_EQ(static_cast<std::size_t>(hdr.annotations_in_file), e.annotations.size());
  for (long long n = 0; n < hdr.annotations_in_file; ++n) {
    edf_annotation_struct a{};
    ASSERT_EQ(edf_get_annotation(hdr.handle, static_cast<int>(n), &a), 0);
    const EdfAnnotation& ours_a = e.annotations[static_cast<std::size_t>(n)];
    EXPECT_NEAR(ours_a.onset_s, a.onset / static_cast<double>(EDFLIB_TIME_DIMENSION), 1e-7) << "annotation " << n;
    if (a.duration[0] == '\0') {
      EXPECT_FALSE(ours_a.duration_s) << "annotation " << n;
    } else {
      EXPECT_NEAR(ours_a.duration_s.value_or(-1), std::atof(a.duration), 1e-9) << "annotation " << n;
    }
    EXPECT_EQ(ours_a.text, std::string(a.annotation)) << "annotation " << n;
  }
  edfclose_file(hdr.handle);
}

struct Written {
  std::string label, dimension;
  int rate;
  double physical_min, physical_max;
  int digital_min, digital_max;
};

// Writes 12 s of every signal with EDFlib: each sample a different value over the whole digital
// range, so that scaling and byte order errors cannot hide.
void write_with_edflib(const std::string& path, int filetype, const std::vector<Written>& signals) {
  const int h = edfopen_file_writeonly(path.c_str(), filetype, static_cast<int>(signals.size()));
  ASSERT_GE(h, 0) << "EDFlib cannot write " << path;
  for (std::size_t k = 0; k < signals.size(); ++k) {
    const Written& s = signals[k];
    const int i = static_cast<int>(k);
    ASSERT_EQ(edf_set_samplefrequency(h, i, s.rate), 0);
    ASSERT_EQ(edf_set_physical_minimum(h, i, s.physical_min), 0);
    ASSERT_EQ(edf_set_physical_maximum(h, i, s.physical_max), 0);
    ASSERT_EQ(edf_set_digital_minimum(h, i, s.digital_min), 0);
    ASSERT_EQ(edf_set_digital_maximum(h, i, s.digital_max), 0);
    ASSERT_EQ(edf_set_label(h, i, s.label.c_str()), 0);
    ASSERT_EQ(edf_set_physical_dimension(h, i, s.dimension.c_str()), 0);
  }
  for (int second = 0; second < 12; ++second)
    for (std::size_t k = 0; k < signals.size(); ++k) {
      const Written& s = signals[k];
      std::vector<int> buf(s.rate);
      const long long span = static_cast<long long>(s.digital_max) - s.digital_min + 1;
      for (int j = 0; j < s.rate; ++j)
        buf[j] = static_cast<int>(s.digital_min + (static_cast<long long>(second * s.rate + j) * 7919 + k * 104729) % span);
      ASSERT_EQ(edfwrite_digital_samples(h, buf.data()), 0);
    }
  ASSERT_EQ(edfwrite_annotation_utf8(h, 0, -1, "Recording starts"), 0);
  ASSERT_EQ(edfwrite_annotation_utf8(h, 25000, 12500, "Arousal"), 0);          // 2.5 s, 1.25 s
  ASSERT_EQ(edfwrite_annotation_utf8(h, 70400, 0, "Lights off \xC2\xB5V"), 0);  // 7.04 s
  ASSERT_EQ(edfwrite_annotation_utf8(h, 110001, 300, "late"), 0);
  ASSERT_EQ(edfclose_file(h), 0);
}

#endif  // ECGLITE_HAVE_EDFLIB

TEST(EdfAgainstEdflib, FilesEdflibWrites) {
  ECGLITE_REQUIRE_EDFLIB();
#if ECGLITE_HAVE_EDFLIB
  TestDir dir("edflib");
  const std::vector<Written> edf_signals = {
      {"ECG II", "uV", 500, -3276.8, 3276.7, -32768, 32767},
      {"ECG V1", "mV", 250, -5, 5, -2048, 2047},
      {"Resp", "", 25, -1, 1, -100, 100},
      {"ECG I inverted", "uV", 128, 1000, -1000, -32768, 32767},
  };
  write_with_edflib(dir / "edflib.edf", EDFLIB_FILETYPE_EDFPLUS, edf_signals);
  expect_agreement(dir / "edflib.edf");
  const EdfRecord e = read_edf_file(dir / "edflib.edf");
  EXPECT_EQ(e.header.format_name(), "EDF+C");
  EXPECT_EQ(e.annotations.size(), 4u);

  const std::vector<Written> bdf_signals = {
      {"ECG II", "uV", 512, -262144, 262143, -8388608, 8388607},
      {"ECG V2", "uV", 256, -400000, 400000, -1000000, 1000000},
  };
  write_with_edflib(dir / "edflib.bdf", EDFLIB_FILETYPE_BDFPLUS, bdf_signals);
  expect_agreement(dir / "edflib.bdf");
  EXPECT_EQ(read_edf_file(dir / "edflib.bdf").header.format_name(), "BDF+C");
#endif
}

TEST(EdfAgainstEdflib, CommittedFixtures) {
  ECGLITE_REQUIRE_EDFLIB();
#if ECGLITE_HAVE_EDFLIB
  for (const char* name : {"two-rates.edf", "bdf24.bdf"}) expect_agreement(fixture(std::string("edf/") + name));
  // EDFlib does not read discontinuous files: EDF+D is checked by edf_test.cpp alone.
  edf_hdr_struct hdr{};
  EXPECT_NE(edfopen_file_readonly(fixture("edf/gaps.edf").c_str(), &hdr, EDFLIB_READ_ALL_ANNOTATIONS), 0);
  EXPECT_EQ(hdr.filetype, EDFLIB_FILE_IS_DISCONTINUOUS);
#endif
}

TEST(EdfAgainstEdflib, SharedConformanceFiles) {
  ECGLITE_REQUIRE_DATA("wfdb-samples/sample-data/test_generator_2.edf");
  ECGLITE_REQUIRE_EDFLIB();
#if ECGLITE_HAVE_EDFLIB
  const std::string dir = data_dir() + "/wfdb-samples/sample-data/";
  expect_agreement(dir + "test_edfann.edf");
  // EDFlib refuses test_generator_2.edf for the Latin-1 degree signs (0xB0) in two dimension fields
  // (EDF headers are ASCII by the letter of the specification; EcgLite reads them as Latin-1): an
  // ASCII copy is compared.
  Bytes bytes = read_file(dir + "test_generator_2.edf");
  std::size_t replaced = 0;
  for (std::size_t i = 0; i < 256 * 13; ++i)
    if (bytes[i] >= 0x80) bytes[i] = 'd', ++replaced;
  EXPECT_EQ(replaced, 2u);
  TestDir tmp("edflib_tg2");
  std::ofstream(tmp / "test_generator_2.edf", std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  expect_agreement(tmp / "test_generator_2.edf");
#endif
}

}  // namespace
}  // namespace ecglite::test
