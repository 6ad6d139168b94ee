// The single-lead rhythm path: its input (rhythm_signal), the lead it reads, the windows and per-block
// verdicts, AF episodes and burden (with a hand-set model whose answer is known: AF where successive
// RR intervals differ), the JSON and the CLI. The shipped model's accuracy is in its card.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "ecglite/model.h"
#include "ecglite/qrs.h"
#include "ecglite/rhythm.h"
#include "ecglite/rhythm_class.h"
#include "rhythm_support.h"
#include "test_support.h"

namespace ecglite {
namespace {

using namespace test;

Model rule_model() { return Model::from_file(fixture("rhythm/rr-rule-fp32.ecgm")); }

TEST(RhythmSignal, ChannelsOfRegularBeats) {
  const Record r = synthetic_record(beat_times(30), 30);
  const std::vector<std::int64_t> beats = detect_qrs(r);
  ASSERT_GE(beats.size(), 35u);
  const RhythmInputSpec spec;
  const std::vector<float> x = rhythm_signal(r, 0, beats, spec);
  const std::size_t n = 3000;  // 30 s at 100 Hz
  ASSERT_EQ(x.size(), 3 * n);
  // ECG: scaled by the median QRS amplitude, so the beats peak near 1.
  float peak = 0;
  for (std::size_t t = 0; t < n; ++t) peak = std::max(peak, std::fabs(x[t]));
  EXPECT_NEAR(peak, 1.0f, 0.1f);
  // RR: 0.8 s everywhere; RR_change: 0 (regular).
  for (std::size_t t = 0; t < n; t += 37) {
    EXPECT_NEAR(x[n + t], 0.8f, 0.01f) << t;
    EXPECT_NEAR(x[2 * n + t], 0.0f, 0.02f) << t;
  }
}

TEST(RhythmSignal, IrregularBeatsRaiseRrChange) {
  const Record r = synthetic_record(beat_times(30, 0.8, 10, 20), 30);
  const std::vector<float> x = rhythm_signal(r, 0, detect_qrs(r));
  const std::size_t n = 3000;
  double regular = 0, irregular = 0;
  for (std::size_t t = 100; t < 900; ++t) regular += x[2 * n + t];
  for (std::size_t t = 1100; t < 1900; ++t) irregular += x[2 * n + t];
  EXPECT_LT(regular / 800, 0.02);
  EXPECT_GT(irregular / 800, 0.15);
}

TEST(RhythmSignal, AmplitudeAndUnitsDoNotChangeTheEcgChannel) {
  const Record a = synthetic_record(beat_times(20), 20);
  Record b = a;  // the same recording with a third of the gain, in microvolts
  b.leads[0].units = "uV";
  for (float& v : b.leads[0].samples) v *= 1000.0f / 3;
  const std::vector<float> xa = rhythm_signal(a, 0, detect_qrs(a)), xb = rhythm_signal(b, 0, detect_qrs(b));
  ASSERT_EQ(xa.size(), xb.size());
  for (std::size_t i = 0; i < 2000; i += 11) EXPECT_NEAR(xa[i], xb[i], 1e-3) << i;
}

TEST(RhythmSignal, NoBeatsGivesZeroRrChannels) {
  Record r = synthetic_record({}, 12);
  const std::vector<float> x = rhythm_signal(r, 0, {});
  for (std::size_t i = 1200; i < x.size(); ++i) ASSERT_EQ(x[i], 0.0f);
}

TEST(RhythmSignal, RefusesALeadThatDoesNotExist) {
  const Record r = synthetic_record(beat_times(12), 12);
  EXPECT_EQ(thrown_by([&] { rhythm_signal(r, 3, {}); }).kind(), ErrorKind::bad_argument);
}

TEST(RhythmLead, LeadIElseTheFirst) {
  Record r = synthetic_record({}, 1, 300, 1, "II");
  r.leads.push_back(r.leads[0]);
  r.leads[1].name = "I";
  EXPECT_EQ(rhythm_lead(r), 1);
  r.leads[1].name = "V1";
  EXPECT_EQ(rhythm_lead(r), 0);
}

TEST(RhythmModel, RecognisedByItsClassesAndChannels) {
  const Model m = rule_model();
  EXPECT_TRUE(is_rhythm_model(m.info()));
  const RhythmInputSpec spec = rhythm_input_spec(m.info());
  EXPECT_EQ(spec.window, 1000);
  EXPECT_EQ(spec.stride, 500);
  const Model twelve_lead = Model::from_file(fixture("model/tiny-int8.ecgm"));
  EXPECT_FALSE(is_rhythm_model(twelve_lead.info()));
  EXPECT_EQ(thrown_by([&] { rhythm_input_spec(twelve_lead.info()); }).kind(), ErrorKind::wrong_model);
}

TEST(ClassifyRhythm, RegularIsSinusIrregularIsAf) {
  const Model m = rule_model();
  const Record regular = synthetic_record(beat_times(30), 30);
  RhythmVerdict v = classify_rhythm(m, regular, detect_qrs(regular));
  EXPECT_EQ(v.cls, 'N');
  EXPECT_EQ(v.lead_name, "I");
  ASSERT_EQ(v.probabilities.size(), 4u);
  EXPECT_GT(v.probability, 0.9f);
  EXPECT_TRUE(v.af_episodes.empty());
  EXPECT_EQ(v.blocks.size(), 6u);  // 30 s in 5 s blocks

  const Record af = synthetic_record(beat_times(30, 0.8, 0, 30), 30);
  v = classify_rhythm(m, af, detect_qrs(af));
  EXPECT_EQ(v.cls, 'A');
  EXPECT_NEAR(v.af_burden, 1.0, 1e-9);
  ASSERT_EQ(v.af_episodes.size(), 1u);
  EXPECT_EQ(v.af_episodes[0].start, 0);
  EXPECT_EQ(v.af_episodes[0].end, static_cast<std::int64_t>(af.length()));
}

TEST(ClassifyRhythm, LongRecordFindsTheAfEpisode) {
  // 3 minutes: sinus, then AF from 60 s to 120 s, then sinus.
  const Model m = rule_model();
  const Record r = synthetic_record(beat_times(180, 0.8, 60, 120), 180, 250);
  const RhythmVerdict v = classify_rhythm(m, r, detect_qrs(r));
  EXPECT_EQ(v.cls, 'N');  // most blocks
  ASSERT_EQ(v.af_episodes.size(), 1u);
  const double start = v.af_episodes[0].start / 250.0, end = v.af_episodes[0].end / 250.0;
  EXPECT_NEAR(start, 60, 10);
  EXPECT_NEAR(end, 120, 10);
  EXPECT_NEAR(v.af_burden, 60.0 / 180, 0.1);
  for (const RhythmBlock& b : v.blocks) {
    EXPECT_LT(b.start, b.end);
    EXPECT_LE(b.end, static_cast<std::int64_t>(r.length()));
  }
}

TEST(ClassifyRhythm, AfRunsShorterThan30SecondsAreNoEpisodes) {
  // 3 minutes of sinus rhythm with 15 s of irregular beats at 60 s: AF blocks, but no episode.
  const Model m = rule_model();
  const Record r = synthetic_record(beat_times(180, 0.8, 60, 75), 180, 250);
  const RhythmVerdict v = classify_rhythm(m, r, detect_qrs(r));
  std::string classes;
  for (const RhythmBlock& b : v.blocks) classes += b.cls;
  EXPECT_NE(classes.find('A'), std::string::npos) << classes;
  EXPECT_TRUE(v.af_episodes.empty()) << classes;
  EXPECT_EQ(v.af_burden, 0.0);
}

TEST(ClassifyRhythm, ShortRecordIsRefusedAndAnalyzeRhythmWarns) {
  const Model m = rule_model();
  const Record r = synthetic_record(beat_times(8), 8);
  EXPECT_EQ(thrown_by([&] { classify_rhythm(m, r, detect_qrs(r)); }).kind(), ErrorKind::limit);
  const RhythmAnalysis a = analyze_rhythm(r, nullptr, nullptr, {}, &m);
  EXPECT_FALSE(a.has_verdict);
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_NE(a.warnings[0].find("no rhythm verdict"), std::string::npos) << a.warnings[0];
  EXPECT_NE(to_json(a).find("\"verdict\": null"), std::string::npos);
}

TEST(ClassifyRhythm, JsonCarriesVerdictEpisodesAndBlocks) {
  const Model m = rule_model();
  const Record r = synthetic_record(beat_times(90, 0.8, 30, 60), 90, 250);
  const RhythmAnalysis a = analyze_rhythm(r, nullptr, nullptr, {}, &m);
  ASSERT_TRUE(a.has_verdict);
  const std::string json = to_json(a);
  EXPECT_NE(json.find("\"verdict\": {\"class\": \"N\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"af_episodes\": [{\"start\": "), std::string::npos) << json;
  EXPECT_NE(json.find("\"blocks\": {\"length_s\": 5.000, \"classes\": \""), std::string::npos) << json;
  EXPECT_NE(json.find("\"model\": \"rr-rule-fp32\""), std::string::npos) << json;
}

TEST(ClassifyRhythm, TwelveLeadModelRefusesARhythmModel) {
  const Model m = rule_model();
  const Record r = synthetic_record(beat_times(12), 12);
  EXPECT_EQ(thrown_by([&] { classify_rhythm(Model::from_file(fixture("model/tiny-int8.ecgm")), r, {}); }).kind(),
            ErrorKind::wrong_model);
}

TEST(RhythmCli, VerdictAndExportInput) {
  const std::string model = fixture("rhythm/rr-rule-fp32.ecgm");
  const std::string record = fixture("rhythm/irregular-30s.csv");  // irregular RR intervals throughout
  const CliResult json = run_cli("rhythm " + record + " --no-model --rhythm-model " + model + " --json");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("\"class\": \"A\""), std::string::npos) << json.out;
  const CliResult text = run_cli("rhythm " + record + " --no-model --rhythm-model " + model);
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("rhythm            atrial fibrillation (A"), std::string::npos) << text.out;
  const CliResult none = run_cli("rhythm " + record + " --no-model --no-rhythm-model");
  EXPECT_NE(none.out.find("no verdict (no rhythm model"), std::string::npos) << none.out;
  const CliResult lead = run_cli("rhythm " + record + " --no-model --rhythm-model " + model + " --rhythm-lead 4");
  EXPECT_EQ(lead.status, 2) << lead.err;
  EXPECT_NE(lead.err.find("--rhythm-lead expects one lead number below 1"), std::string::npos) << lead.err;
}

}  // namespace
}  // namespace ecglite
