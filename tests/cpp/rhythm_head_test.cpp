// The rhythm model's head (rhythm_class.h): the RR summaries it reads, computed by hand on small
// interval series, and a hand-set head (tests/fixtures/rhythm/rr-head-fp32.ecgm, make_rhythm_fixture.py)
// whose answer differs from its network's, on whole recordings, 5 s blocks and through the CLI.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "../../core/src/screen/rr_summary.h"
#include "ecglite/json.h"
#include "ecglite/model.h"
#include "ecglite/qrs.h"
#include "ecglite/rhythm_class.h"
#include "rhythm_support.h"
#include "test_support.h"

namespace ecglite {
namespace {

using namespace test;
using detail::RrInterval;

float summary(const std::vector<float>& s, const std::string& name) {
  const auto& names = rhythm_rr_summary_names();
  const auto it = std::find(names.begin(), names.end(), name);
  EXPECT_NE(it, names.end()) << name;
  return s[static_cast<std::size_t>(it - names.begin())];
}

std::vector<RrInterval> intervals(const std::vector<double>& seconds) {
  std::vector<RrInterval> out;
  for (double s : seconds) out.push_back({s, true});
  return out;
}

TEST(RrSummary, RegularIntervals) {
  const std::vector<float> s = detail::rr_summary(intervals(std::vector<double>(20, 0.8)));
  ASSERT_EQ(s.size(), rhythm_rr_summary_names().size());
  EXPECT_NEAR(summary(s, "rr_cv"), 0, 1e-6);
  EXPECT_NEAR(summary(s, "rr_rmssd"), 0, 1e-6);
  EXPECT_NEAR(summary(s, "rr_successive"), 0, 1e-6);
  EXPECT_NEAR(summary(s, "rr_regular_pairs"), 1, 1e-6);
  EXPECT_NEAR(summary(s, "rr_short"), 0, 1e-6);
  EXPECT_NEAR(summary(s, "rr_long"), 0, 1e-6);
  EXPECT_NEAR(summary(s, "rr_turning"), 0, 1e-6);
  EXPECT_NEAR(summary(s, "rr_max"), 1, 1e-6);
  EXPECT_NEAR(summary(s, "rr_min"), 1, 1e-6);
  EXPECT_NEAR(summary(s, "rate"), 0.75, 1e-6);  // 75 bpm
}

TEST(RrSummary, AlternatingIntervalsOfBigeminy) {
  std::vector<double> rr;
  for (int k = 0; k < 10; ++k) rr.insert(rr.end(), {0.6, 1.0});
  const std::vector<float> s = detail::rr_summary(intervals(rr));
  EXPECT_NEAR(summary(s, "rr_cv"), 0.2 / 0.8, 1e-6);
  EXPECT_NEAR(summary(s, "rr_rmssd"), 0.4 / 0.8, 1e-6);
  EXPECT_NEAR(summary(s, "rr_successive"), 0.4 / 0.8, 1e-6);
  EXPECT_NEAR(summary(s, "rr_regular_pairs"), 0, 1e-6);
  EXPECT_NEAR(summary(s, "rr_short"), 0.5, 1e-6);  // 0.6 < 0.85 x the median 0.8
  EXPECT_NEAR(summary(s, "rr_long"), 0.5, 1e-6);
  EXPECT_NEAR(summary(s, "rr_turning"), 1, 1e-6);
  EXPECT_NEAR(summary(s, "rr_max"), 1.25, 1e-6);
  EXPECT_NEAR(summary(s, "rr_min"), 0.75, 1e-6);
}

TEST(RrSummary, UnmeasuredIntervalsAreLeftOutAndFewIntervalsSayNothing) {
  std::vector<RrInterval> with_gap = intervals({0.8, 0.8, 0.8, 0.8, 0.8, 0.8});
  with_gap.insert(with_gap.begin() + 3, RrInterval{12.0, false});  // across 12 s without signal
  EXPECT_EQ(detail::rr_summary(with_gap), detail::rr_summary(intervals({0.8, 0.8, 0.8, 0.8, 0.8, 0.8})));
  // Differences across the gap are not taken: 6 measured intervals, 4 differences, all regular.
  EXPECT_NEAR(summary(detail::rr_summary(with_gap), "rr_regular_pairs"), 1, 1e-6);
  const std::vector<float> few = detail::rr_summary(intervals({0.5, 1.0, 0.7}));
  for (float v : few) EXPECT_EQ(v, 0.0f);
  for (float v : detail::rr_summary({})) EXPECT_EQ(v, 0.0f);
}

Model head_model() { return Model::from_file(fixture("rhythm/rr-head-fp32.ecgm")); }

TEST(RhythmHead, ReadFromTheModelFile) {
  const Model m = head_model();
  EXPECT_TRUE(is_rhythm_model(m.info()));
  EXPECT_EQ(m.info().head_inputs, (std::vector<std::string>{"rr_regular_pairs", "rate"}));
  EXPECT_EQ(m.info().head_weights.size(), 4u * 6u);
  EXPECT_EQ(m.info().head_bias.size(), 4u);
  EXPECT_NE(to_json(m.info()).find("\"head_inputs\":[\"rr_regular_pairs\",\"rate\"]"), std::string::npos)
      << to_json(m.info());
  EXPECT_TRUE(Model::from_file(fixture("rhythm/rr-rule-fp32.ecgm")).info().head_bias.empty());
}

TEST(RhythmHead, DecidesTheWholeRecording) {
  const Model head = head_model(), rule = Model::from_file(fixture("rhythm/rr-rule-fp32.ecgm"));
  const Record sinus = synthetic_record(beat_times(30, 0.8), 30);
  EXPECT_EQ(classify_rhythm(head, sinus, detect_qrs(sinus)).cls, 'N');
  const Record irregular = synthetic_record(beat_times(30, 0.8, 0, 30), 30);
  EXPECT_EQ(classify_rhythm(head, irregular, detect_qrs(irregular)).cls, 'A');
  // Regular at 171 bpm: the network alone says sinus; its head reads the rate and says other rhythm.
  const Record fast = synthetic_record(beat_times(30, 0.35), 30);
  EXPECT_EQ(classify_rhythm(rule, fast, detect_qrs(fast)).cls, 'N');
  const RhythmVerdict v = classify_rhythm(head, fast, detect_qrs(fast));
  EXPECT_EQ(v.cls, 'O');
  // O's logit 5 x (1.714 - 1.5), N's 0, A's and ~'s far below: the softmax of the head's output.
  const double o = 5 * (60 / 0.35 / 100 - 1.5);
  EXPECT_NEAR(v.probability, std::exp(o) / (std::exp(o) + 1), 0.02);
}

TEST(RhythmHead, ReadsTheStretchOfEachBlock) {
  // 3 minutes: sinus, AF from 60 s to 120 s, sinus: the blocks' windows (10 s) give the head the
  // summaries of their own stretch, so the AF episode is found where it is.
  const Model m = head_model();
  const Record r = synthetic_record(beat_times(180, 0.8, 60, 120), 180);
  const RhythmVerdict v = classify_rhythm(m, r, detect_qrs(r));
  ASSERT_EQ(v.af_episodes.size(), 1u);
  EXPECT_NEAR(v.af_episodes[0].start / 300.0, 60, 10);
  EXPECT_NEAR(v.af_episodes[0].end / 300.0, 120, 10);
  EXPECT_EQ(v.blocks.front().cls, 'N');
  EXPECT_EQ(v.blocks.back().cls, 'N');
}

TEST(RhythmHead, WholeRecordSummaryMatchesTheIntervals) {
  const std::vector<double> times = beat_times(30, 0.8, 0, 30);
  const Record r = synthetic_record(times, 30);
  const std::vector<std::int64_t> beats = detect_qrs(r);
  ASSERT_EQ(beats.size(), times.size());
  std::vector<RrInterval> rr;
  for (std::size_t j = 0; j + 1 < beats.size(); ++j) rr.push_back({(beats[j + 1] - beats[j]) / 300.0, true});
  EXPECT_EQ(rhythm_rr_summary(r, 0, beats), detail::rr_summary(rr));
  EXPECT_EQ(thrown_by([&] { rhythm_rr_summary(r, 1, beats); }).kind(), ErrorKind::bad_argument);
}

TEST(RhythmCli, ExportRrSummary) {
  const std::string record = fixture("rhythm/irregular-30s.csv");
  const std::string out = std::filesystem::temp_directory_path() / "ecglite-rr-summary-test.json";
  const CliResult r = run_cli("rhythm " + record + " --no-model --no-rhythm-model --export-rr-summary " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream f(out);
  std::stringstream text;
  text << f.rdbuf();
  for (const std::string& name : rhythm_rr_summary_names())
    EXPECT_NE(text.str().find("\"" + name + "\": "), std::string::npos) << text.str();
  const std::size_t at = text.str().find("\"rr_regular_pairs\": ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_LT(std::stod(text.str().substr(at + 20)), 0.5) << text.str();  // irregular throughout
  std::remove(out.c_str());
}

}  // namespace
}  // namespace ecglite
