// Preprocessing stages against scipy goldens (scripts/reference/preprocess_reference.py writes
// tests/fixtures/preprocess/*.txt) and the behaviour of the whole preprocess() path.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>

#include "ecglite/csv.h"
#include "ecglite/error.h"
#include "ecglite/preprocess.h"
#include "ecglite/read.h"
#include "test_support.h"

using ecglite::test::fixture;
using ecglite::test::error_of;

namespace {

// A golden file: '#' comments, then "NAME COUNT" lines each followed by COUNT numbers.
using Golden = std::map<std::string, std::vector<double>>;

Golden load_golden(const std::string& name) {
  std::istringstream in(ecglite::test::read_text(fixture("preprocess/" + name)));
  Golden g;
  std::string line;
  while (in >> std::ws && in.peek() != EOF) {
    if (in.peek() == '#') {
      std::getline(in, line);
      continue;
    }
    std::string key;
    std::size_t count = 0;
    in >> key >> count;
    std::vector<double>& values = g[key];
    for (std::size_t i = 0; i < count; ++i) {
      std::string token;
      in >> token;
      values.push_back(token == "nan" ? std::numeric_limits<double>::quiet_NaN() : std::stod(token));
    }
  }
  EXPECT_FALSE(g.empty()) << "golden file " << name << " missing or empty";
  return g;
}

std::vector<float> as_float(const std::vector<double>& v) { return {v.begin(), v.end()}; }

// Max |a - b| relative to max(1, max |b|): the goldens are O(1) signals.
double max_error(const std::vector<float>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double err = 0, scale = 1;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    err = std::max(err, std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return err / scale;
}

ecglite::Record make_record(double rate, std::size_t n, const std::vector<std::string>& names) {
  ecglite::Record r;
  r.name = "test";
  r.sampling_rate_hz = rate;
  for (std::size_t k = 0; k < names.size(); ++k) {
    ecglite::Lead lead{names[k], "mV", std::vector<float>(n)};
    for (std::size_t i = 0; i < n; ++i)
      lead.samples[i] = static_cast<float>(std::sin(0.01 * i * (k + 1)) + 0.1 * std::cos(0.37 * i));
    r.leads.push_back(lead);
  }
  return r;
}

const std::vector<std::string> kEightLeads = {"I", "II", "V1", "V2", "V3", "V4", "V5", "V6"};

}  // namespace

// Tolerance 1e-5 relative: float storage of inputs/outputs (~6e-8) plus summation order; the
// double computation itself agrees with scipy to ~1e-12.
TEST(Resample, MatchesScipyResamplePoly) {
  for (const char* file :
       {"resample_500_to_100.txt", "resample_360_to_100.txt", "resample_257_to_100.txt",
        "resample_250_to_100.txt", "resample_1000_to_100.txt", "resample_128_to_100.txt",
        "resample_128p5_to_100.txt", "resample_512_to_100.txt", "resample_64_to_100.txt",
        "resample_50_to_100.txt"}) {
    SCOPED_TRACE(file);
    Golden g = load_golden(file);
    auto y = ecglite::resample(as_float(g["x"]), g["from_hz"][0], g["to_hz"][0]);
    EXPECT_LT(max_error(y, g["y"]), 1e-5);
  }
}

TEST(Resample, SameRateIsACopyAndLengthIsCeil) {
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(ecglite::resample(x, 100, 100), x);
  EXPECT_EQ(ecglite::resample(x, 500, 100).size(), 2u);   // ceil(7/5)
  EXPECT_EQ(ecglite::resample(x, 360, 100).size(), 2u);   // ceil(7*5/18)
  EXPECT_EQ(ecglite::resample(x, 50, 100).size(), 14u);
  EXPECT_TRUE(ecglite::resample({}, 500, 100).empty());
  EXPECT_THROW(ecglite::resample(x, 0, 100), ecglite::Error);
}

TEST(Resample, IrrationalRateRatioIsApproximatedNotExploded) {
  // A measured rate with no small fraction must not yield a filter of millions of taps.
  std::vector<float> x(36001, 1.0f);
  auto y = ecglite::resample(x, 360.0072, 100);
  EXPECT_NEAR(static_cast<double>(y.size()), 36001 * 100 / 360.0072, 2);
  EXPECT_NEAR(y[y.size() / 2], 1.0, 1e-3);  // unit DC gain
}

TEST(Resample, ThirtyMinuteLead) {
  // 30 min at 360 Hz (an MIT-BIH lead): polyphase, not quadratic.
  std::vector<float> x(650000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(std::sin(i * 0.01));
  auto start = std::chrono::steady_clock::now();
  auto y = ecglite::resample(x, 360, 100);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(y.size(), 180556u);
  std::printf("resampled a 30-min 360 Hz lead in %.0f ms (speed is measured by scripts/bench, not asserted)\n", static_cast<double>(ms));
}

TEST(Bandpass, MatchesScipyFiltfilt) {
  for (const char* file :
       {"filtfilt_100hz_1000.txt", "filtfilt_100hz_300.txt", "filtfilt_100hz_100.txt",
        "filtfilt_100hz_28.txt", "filtfilt_100hz_20.txt", "filtfilt_100hz_5.txt",
        "filtfilt_250hz_600.txt", "filtfilt_500hz_1000.txt"}) {
    SCOPED_TRACE(file);
    Golden g = load_golden(file);
    auto y = ecglite::bandpass_filtfilt(as_float(g["x"]), g["fs"][0], 0.5, 40, 4);
    EXPECT_LT(max_error(y, g["y"]), 1e-5);
  }
}

TEST(Bandpass, RemovesBaselineAndKeepsTheBand) {
  const double fs = 100;
  std::vector<float> x(3000);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(5 + std::sin(2 * M_PI * 10 * i / fs));  // DC + 10 Hz
  auto y = ecglite::bandpass_filtfilt(x, fs, 0.5, 40, 4);
  for (std::size_t i = 500; i < 2500; ++i) EXPECT_NEAR(y[i], std::sin(2 * M_PI * 10 * i / fs), 1e-3);
  EXPECT_TRUE(ecglite::bandpass_filtfilt({}, fs, 0.5, 40, 4).empty());
  EXPECT_EQ(ecglite::bandpass_filtfilt({3.0f}, fs, 0.5, 40, 4).size(), 1u);
  EXPECT_THROW(ecglite::bandpass_filtfilt(x, 60, 0.5, 40, 4), ecglite::Error);  // 40 Hz >= 30 Hz
}

TEST(Zscore, MatchesReferenceAndFlatLeadBecomesZeros) {
  Golden g = load_golden("zscore.txt");
  auto x = as_float(g["x"]);
  ecglite::zscore(x);
  EXPECT_LT(max_error(x, g["y"]), 1e-6);
  auto flat = as_float(g["flat"]);
  ecglite::zscore(flat);
  EXPECT_LT(max_error(flat, g["flat_y"]), 1e-12);
}

TEST(FillInvalid, InterpolatesLikeNumpyInterp) {
  Golden g = load_golden("fill_invalid.txt");
  auto x = as_float(g["x"]);
  EXPECT_EQ(ecglite::fill_invalid(x), 7u);
  EXPECT_LT(max_error(x, g["y"]), 1e-7);
  std::vector<float> none(4, std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(ecglite::fill_invalid(none), 4u);
  EXPECT_EQ(none, std::vector<float>(4, 0.0f));
  std::vector<float> ok = {1, 2};
  EXPECT_EQ(ecglite::fill_invalid(ok), 0u);
}

TEST(InvalidateOutliers, MarksOnlyCorruptValues) {
  // Real ECG (MIT-BIH 205, tall ventricular beats included) has none.
  const ecglite::Record ecg = ecglite::read_record_file(fixture("mitdb/205_20s"));
  for (const auto& lead : ecg.leads) {
    std::vector<float> x = lead.samples;
    EXPECT_EQ(ecglite::invalidate_outliers(x), 0u) << lead.name;
    EXPECT_EQ(x, lead.samples);
  }
  std::vector<float> x = ecg.leads[0].samples;
  x[10] = 1e30f;
  x[20] = -3e4f;
  x[30] = std::numeric_limits<float>::quiet_NaN();  // already invalid: left as it is, not counted
  EXPECT_EQ(ecglite::invalidate_outliers(x), 2u);
  EXPECT_TRUE(std::isnan(x[10]) && std::isnan(x[20]) && std::isnan(x[30]));
  for (std::size_t i = 0; i < x.size(); ++i)
    if (i != 10 && i != 20 && i != 30) ASSERT_EQ(x[i], ecg.leads[0].samples[i]) << i;
}

TEST(InvalidateOutliers, LeavesLevelChangesAndConstantLeadsAlone) {
  // A third of the lead shifted far away is an amplifier offset, not a few corrupt values.
  std::vector<float> shifted(3000);
  for (std::size_t i = 0; i < shifted.size(); ++i)
    shifted[i] = static_cast<float>(std::sin(0.1 * i) + (i >= 2000 ? 1e5 : 0));
  const std::vector<float> before = shifted;
  EXPECT_EQ(ecglite::invalidate_outliers(shifted), 0u);
  EXPECT_EQ(shifted, before);
  // Mostly constant: no spread to judge by.
  std::vector<float> constant(1000, 2.0f);
  constant[5] = 1e30f;
  EXPECT_EQ(ecglite::invalidate_outliers(constant), 0u);
  std::vector<float> empty;
  EXPECT_EQ(ecglite::invalidate_outliers(empty), 0u);
}

static double median_of(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// The margin behind kOutlierDeviations: how far real ECG goes, in median absolute deviations.
TEST(InvalidateOutliers, NeverTouchesRealEcg) {
  ECGLITE_REQUIRE_DATA("mitdb");
  ECGLITE_REQUIRE_DATA("ptbxl");
  std::vector<std::string> records;
  for (const auto& e : std::filesystem::recursive_directory_iterator(ecglite::test::data_dir()))
    if (e.path().extension() == ".hea" && (e.path().parent_path().filename() == "mitdb" ||
                                           e.path().string().find("/ptbxl") != std::string::npos))
      records.push_back(e.path().string());
  std::sort(records.begin(), records.end());
  double farthest = 0;
  std::string where;
  std::size_t leads = 0;
  for (std::size_t r = 0; r < records.size(); r += records[r].find("/mitdb/") != std::string::npos ? 1 : 7) {
    const ecglite::Record record = ecglite::read_record_file(records[r]);
    for (const auto& lead : record.leads) {
      std::vector<double> v, deviation;
      for (float x : lead.samples)
        if (std::isfinite(x)) v.push_back(x);
      if (v.empty()) continue;
      const double centre = median_of(v);
      for (double x : v) deviation.push_back(std::fabs(x - centre));
      const double spread = median_of(deviation);
      const double ratio = spread > 0 ? *std::max_element(deviation.begin(), deviation.end()) / spread : 0;
      if (ratio > farthest) {
        farthest = ratio;
        where = records[r] + " " + lead.name;
      }
      std::vector<float> x = lead.samples;
      ASSERT_EQ(ecglite::invalidate_outliers(x), 0u) << records[r] << " " << lead.name;
      ++leads;
    }
  }
  std::printf("%zu leads; the farthest sample: %.0f median absolute deviations from its lead's median "
              "(%s; kOutlierDeviations %.0f)\n", leads, farthest, where.c_str(), ecglite::kOutlierDeviations);
  EXPECT_LT(farthest * 10, ecglite::kOutlierDeviations);
}

TEST(Leads, CanonicalNames) {
  EXPECT_EQ(ecglite::canonical_lead_name("lead ii"), "II");
  EXPECT_EQ(ecglite::canonical_lead_name("Lead I"), "I");
  EXPECT_EQ(ecglite::canonical_lead_name("lead_iii"), "III");
  EXPECT_EQ(ecglite::canonical_lead_name("AVR"), "aVR");
  EXPECT_EQ(ecglite::canonical_lead_name("avf"), "aVF");
  EXPECT_EQ(ecglite::canonical_lead_name("v1"), "V1");
  EXPECT_EQ(ecglite::canonical_lead_name("V6 (mV)"), "V6");
  EXPECT_EQ(ecglite::canonical_lead_name("ECG II"), "II");
  EXPECT_EQ(ecglite::canonical_lead_name("DII"), "II");
  EXPECT_EQ(ecglite::canonical_lead_name("Lead 2"), "II");
  EXPECT_EQ(ecglite::canonical_lead_name("MLII"), "");
  EXPECT_EQ(ecglite::canonical_lead_name("-aVR"), "");
  EXPECT_EQ(ecglite::canonical_lead_name("V7"), "");
  EXPECT_EQ(ecglite::canonical_lead_name("2"), "");
  EXPECT_EQ(ecglite::standard_lead_names().size(), 12u);
}

TEST(Leads, DerivesLimbLeadsLikeReference) {
  Golden g = load_golden("derive_limb.txt");
  ecglite::Record r;
  r.name = "derive";
  r.sampling_rate_hz = 100;
  for (const char* name : {"V1", "V2", "V3", "V4", "V5", "V6"}) r.leads.push_back({name, "mV", as_float(g["I"])});
  r.leads.push_back({"lead_ii", "mV", as_float(g["II"])});
  r.leads.push_back({"Lead I", "mV", as_float(g["I"])});
  std::vector<std::string> derived;
  auto leads = ecglite::map_to_standard_leads(r, &derived);
  ASSERT_EQ(leads.size(), 12u);
  EXPECT_EQ(derived, (std::vector<std::string>{"III", "aVR", "aVL", "aVF"}));
  EXPECT_LT(max_error(leads[0], g["I"]), 1e-7);
  EXPECT_LT(max_error(leads[1], g["II"]), 1e-7);
  EXPECT_LT(max_error(leads[2], g["III"]), 1e-6);
  EXPECT_LT(max_error(leads[3], g["aVR"]), 1e-6);
  EXPECT_LT(max_error(leads[4], g["aVL"]), 1e-6);
  EXPECT_LT(max_error(leads[5], g["aVF"]), 1e-6);
}

TEST(Leads, KeepsGivenLimbLeadsAndConvertsUnitsForDerivation) {
  auto r = make_record(100, 10, {"I", "II", "III", "V1", "V2", "V3", "V4", "V5", "V6"});
  r.leads[1].units = "uV";
  for (float& v : r.leads[1].samples) v *= 1000;
  std::vector<std::string> derived;
  auto leads = ecglite::map_to_standard_leads(r, &derived);
  EXPECT_EQ(derived, (std::vector<std::string>{"aVR", "aVL", "aVF"}));
  EXPECT_EQ(leads[2], r.leads[2].samples);  // given III kept
  EXPECT_EQ(leads[1], r.leads[1].samples);  // II stays in its own units
  // aVR = -(I + II)/2 with II converted to mV.
  EXPECT_NEAR(leads[3][5], -(r.leads[0].samples[5] + r.leads[1].samples[5] / 1000) / 2, 1e-6);
}

// The whole stage, not only the mapping: preprocess() recomputes the derived leads after filling
// invalid samples, and must convert units there too (it once derived from uV and mV as they were).
TEST(Preprocess, LimbLeadsDerivedFromIAndIIInDifferentUnitsEqualTheSameUnits) {
  auto same = make_record(100, 300, {"I", "II", "V1", "V2", "V3", "V4", "V5", "V6"});
  same.leads[0].samples[7] = std::numeric_limits<float>::quiet_NaN();  // a sample to fill
  auto mixed = same;
  mixed.leads[0].units = "uV";
  for (float& v : mixed.leads[0].samples) v *= 1000;
  const auto a = ecglite::preprocess(same), b = ecglite::preprocess(mixed);
  for (std::size_t k = 0; k < 12; ++k)
    EXPECT_LT(max_error(b.leads[k], {a.leads[k].begin(), a.leads[k].end()}), 1e-4) << "lead " << k;
}

TEST(Preprocess, FlatLeadIsNotedAndARecordWithoutSignalIsRefused) {
  auto one_flat = make_record(100, 300, kEightLeads);
  std::fill(one_flat.leads[3].samples.begin(), one_flat.leads[3].samples.end(), 0.25f);  // V2
  const auto prepared = ecglite::preprocess(one_flat);
  const auto& notes = prepared.adaptations;
  EXPECT_NE(std::find_if(notes.begin(), notes.end(), [](const std::string& n) {
              return n.rfind("lead V2 is flat (no signal", 0) == 0;
            }), notes.end());

  auto all_flat = make_record(100, 300, kEightLeads);
  for (auto& lead : all_flat.leads) std::fill(lead.samples.begin(), lead.samples.end(), 0.0f);
  all_flat.leads[5].samples.assign(300, std::numeric_limits<float>::quiet_NaN());  // invalid counts too
  const std::string message = error_of([&] { ecglite::preprocess(all_flat); });
  EXPECT_NE(message.find("record test has no ECG signal: every lead is flat or invalid"), std::string::npos)
      << message;
}

TEST(Leads, MissingLeadsErrorNamesThemAndTheNeed) {
  ecglite::Record r = make_record(360, 100, {"MLII", "V5"});
  r.name = "100";
  try {
    ecglite::map_to_standard_leads(r, nullptr);
    FAIL() << "expected an error";
  } catch (const ecglite::Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("record 100 has leads MLII, V5"), std::string::npos) << m;
    EXPECT_NE(m.find("missing I, II, V1, V2, V3, V4, V6"), std::string::npos) << m;
    EXPECT_NE(m.find("the 12-lead model needs I, II, V1-V6"), std::string::npos) << m;
    EXPECT_NE(m.find("can be derived from I and II"), std::string::npos) << m;
  }
}

TEST(Preprocess, WholePathMatchesReferenceOnFixtureRecord) {
  auto record = ecglite::read_csv_file(fixture("preprocess/record_250hz.csv"));
  EXPECT_EQ(record.sampling_rate_hz, 250);
  Golden g = load_golden("record_250hz_expected.txt");
  auto p = ecglite::preprocess(record);
  EXPECT_EQ(p.sampling_rate_hz, 100);
  EXPECT_EQ(p.num_samples, 300u);
  ASSERT_EQ(p.leads.size(), 12u);
  for (std::size_t k = 0; k < 12; ++k) {
    SCOPED_TRACE(ecglite::standard_lead_names()[k]);
    EXPECT_LT(max_error(p.leads[k], g[ecglite::standard_lead_names()[k]]), 1e-5);
  }
  EXPECT_EQ(p.window_starts, std::vector<std::size_t>{0});
  EXPECT_EQ(p.window_length, 300u);
  EXPECT_EQ(p.derived_leads, (std::vector<std::string>{"III", "aVR", "aVL", "aVF"}));
  const std::vector<std::string> expected_notes = {
      "resampled from 250 Hz to 100 Hz", "derived III, aVR, aVL, aVF from I and II",
      "filled 2 invalid samples by interpolation",
      "record of 3 s is shorter than 10 s: analysed as one 3 s window (the model was trained on 10 s)"};
  EXPECT_EQ(p.adaptations, expected_notes);
  EXPECT_TRUE(p.warnings.empty());
}

// Models trained before amplitudes were kept (no "amplitude" entry in their file) get the z-score.
TEST(Preprocess, ZscoreAmplitudeMatchesReferenceOnFixtureRecord) {
  auto record = ecglite::read_csv_file(fixture("preprocess/record_250hz.csv"));
  Golden g = load_golden("record_250hz_zscore_expected.txt");
  ecglite::PreprocessOptions options;
  options.amplitude = ecglite::Amplitude::zscore;
  auto p = ecglite::preprocess(record, options);
  for (std::size_t k = 0; k < 12; ++k) {
    SCOPED_TRACE(ecglite::standard_lead_names()[k]);
    EXPECT_LT(max_error(p.leads[k], g[ecglite::standard_lead_names()[k]]), 1e-5);
  }
}

// The same ECG written in uV reaches the network in mV: the amplitude is the heart's, not the file's.
TEST(Preprocess, MicrovoltRecordReachesTheNetworkInMillivolts) {
  ecglite::CsvOptions in_uv;
  in_uv.units = "uV";
  auto record = ecglite::read_csv_file(fixture("preprocess/record_250hz.csv"), in_uv);
  Golden g = load_golden("record_250hz_expected.txt");
  auto p = ecglite::preprocess(record);
  for (std::size_t k = 0; k < 12; ++k) {
    SCOPED_TRACE(ecglite::standard_lead_names()[k]);
    std::vector<double> expected = g[ecglite::standard_lead_names()[k]];
    for (double& v : expected) v *= 1e-3;
    EXPECT_LT(max_error(p.leads[k], expected), 1e-8);
  }
}

// A record without physical units (z-scored exports: units NU) still gets an input of typical
// size, each lead z-scored and scaled to its typical mV, with a warning about amplitudes.
TEST(Preprocess, LeadsWithoutUnitsAreScaledToTypicalSizeWithAWarning) {
  auto record = ecglite::read_csv_file(fixture("preprocess/record_250hz.csv"));
  for (auto& lead : record.leads) lead.units = "NU";
  Golden g = load_golden("record_250hz_zscore_expected.txt");
  auto p = ecglite::preprocess(record);
  for (std::size_t k = 0; k < 12; ++k) {
    SCOPED_TRACE(ecglite::standard_lead_names()[k]);
    std::vector<double> expected = g[ecglite::standard_lead_names()[k]];
    for (double& v : expected) v *= ecglite::typical_lead_std_mv()[k];
    EXPECT_LT(max_error(p.leads[k], expected), 1e-5);
  }
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_NE(p.warnings[0].find("all 12 leads carry no physical unit (NU is not mV, uV or V)"), std::string::npos)
      << p.warnings[0];
  EXPECT_NE(p.warnings[0].find("HYP above all"), std::string::npos) << p.warnings[0];
}

TEST(Preprocess, MillivoltsPerUnit) {
  EXPECT_EQ(ecglite::millivolts_per_unit("mV"), 1);
  EXPECT_EQ(ecglite::millivolts_per_unit(""), 1);  // WFDB: no unit given means mV
  EXPECT_EQ(ecglite::millivolts_per_unit("uV"), 1e-3);
  EXPECT_EQ(ecglite::millivolts_per_unit("\xC2\xB5V"), 1e-3);
  EXPECT_EQ(ecglite::millivolts_per_unit("V"), 1e3);
  EXPECT_EQ(ecglite::millivolts_per_unit("mv"), 1);  // PhysioNet/CinC Challenge 2020/2021 headers
  EXPECT_EQ(ecglite::millivolts_per_unit("uv"), 1e-3);
  EXPECT_EQ(ecglite::millivolts_per_unit("microvolts"), 1e-3);
  EXPECT_EQ(ecglite::millivolts_per_unit("NU"), 0);
  EXPECT_EQ(ecglite::millivolts_per_unit("mmHg"), 0);
}

TEST(Preprocess, WindowsCoverTheRecordWithALastOverlappingOne) {
  auto p = ecglite::preprocess(make_record(100, 2500, kEightLeads));
  EXPECT_EQ(p.window_starts, (std::vector<std::size_t>{0, 1000, 1500}));
  EXPECT_EQ(p.window_length, 1000u);
  EXPECT_EQ(p.adaptations.back(), "record of 25 s: 3 windows of 10 s, last overlapping");
  EXPECT_EQ(p.adaptations.front(), "derived III, aVR, aVL, aVF from I and II");  // no resampling at 100 Hz

  p = ecglite::preprocess(make_record(500, 5000, kEightLeads));
  EXPECT_EQ(p.window_starts, std::vector<std::size_t>{0});
  EXPECT_EQ(p.adaptations.front(), "resampled from 500 Hz to 100 Hz");
  EXPECT_EQ(p.adaptations.back(), "10 s record: 1 window");

  p = ecglite::preprocess(make_record(100, 3000, kEightLeads));
  EXPECT_EQ(p.window_starts, (std::vector<std::size_t>{0, 1000, 2000}));
  EXPECT_EQ(p.adaptations.back(), "record of 30 s: 3 windows of 10 s");
  for (const auto& lead : p.leads) ASSERT_EQ(lead.size(), 3000u);
}

TEST(Preprocess, ZscoreOptionGivesZeroMeanUnitVariancePerLead) {
  ecglite::PreprocessOptions options;
  options.amplitude = ecglite::Amplitude::zscore;
  auto p = ecglite::preprocess(make_record(257, 2570, kEightLeads), options);
  EXPECT_EQ(p.num_samples, 1000u);
  for (const auto& lead : p.leads) {
    double sum = 0, sq = 0;
    for (float v : lead) sum += v, sq += double(v) * v;
    EXPECT_NEAR(sum / lead.size(), 0, 1e-5);
    EXPECT_NEAR(sq / lead.size(), 1, 1e-4);
  }
}

TEST(Preprocess, TooShortRecordIsAnErrorSayingHowLong) {
  try {
    ecglite::preprocess(make_record(500, 1000, kEightLeads));  // 2 s
    FAIL() << "expected an error";
  } catch (const ecglite::Error& e) {
    EXPECT_NE(std::string(e.what()).find("record test is 2 s long and at least 2.5 s are needed"),
              std::string::npos)
        << e.what();
  }
  auto no_rate = make_record(0, 1000, kEightLeads);
  EXPECT_THROW(ecglite::preprocess(no_rate), ecglite::Error);
}

TEST(Preprocess, FlatAndInvalidLeadsAreReportedNotPropagated) {
  auto r = make_record(100, 1000, kEightLeads);
  for (float& v : r.leads[4].samples) v = std::numeric_limits<float>::quiet_NaN();  // V3 empty
  r.leads[0].samples[10] = std::numeric_limits<float>::quiet_NaN();
  auto p = ecglite::preprocess(r);
  for (const auto& lead : p.leads)
    for (float v : lead) ASSERT_TRUE(std::isfinite(v));
  for (float v : p.leads[8]) ASSERT_EQ(v, 0.0f);  // V3
  EXPECT_NE(std::find(p.adaptations.begin(), p.adaptations.end(),
                      "filled 1001 invalid samples by interpolation"),
            p.adaptations.end());
  EXPECT_NE(std::find(p.adaptations.begin(), p.adaptations.end(),
                      "lead V3 had no valid samples and was set to zero"),
            p.adaptations.end());
}
