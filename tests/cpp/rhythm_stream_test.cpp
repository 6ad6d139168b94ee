// The streamed long-record analysis (analyze_rhythm on a RecordSource, rhythm.h): blocks with margins
// give the beats, classes, gaps, rhythm blocks and summaries of the whole-record analysis except near
// the joints (and, with margins of the beat features' 150 s context, the whole record's classes
// wherever the same beats were detected around); a record of one block is exactly the whole-record
// analysis; progress and cancel; the CLI on a record of several blocks.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "ecglite/error.h"
#include "ecglite/read.h"
#include "ecglite/record_source.h"
#include "ecglite/rhythm.h"
#include "test_support.h"

using namespace ecglite;
using ecglite::test::run_cli;
using ecglite::test::thrown_by;

namespace {

// A synthetic ECG of `leads` leads: P-QRS-T beats at a heart rate that drifts, premature wide
// (ventricular-like) beats now and then, an irregular stretch from 400 to 580 s, baseline wander and
// noise, and no signal at all for 3 s across 238.5-241.5 s (a joint of 120 s blocks).
Record synthetic_holter(double duration_s, double fs = 250, int leads = 2, unsigned seed = 11) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 0.015);
  std::uniform_real_distribution<double> u(0, 1);
  const std::size_t n = static_cast<std::size_t>(duration_s * fs);
  std::vector<double> x(n, 0.0);
  auto g = [](double t, double c, double w, double h) { return h * std::exp(-0.5 * std::pow((t - c) / w, 2)); };
  const int half = static_cast<int>(0.6 * fs);
  for (double t = 0.7; t < duration_s - 1;) {
    const bool irregular = t > 400 && t < 580;
    double rr = 60 / (68 + 10 * std::sin(2 * M_PI * t / 300) + 2 * std::sin(2 * M_PI * t / 4.5));
    const bool wide = !irregular && u(rng) < 0.03;
    if (irregular) rr *= 0.65 + 0.7 * u(rng);
    const std::int64_t c = std::llround(t * fs);
    for (int k = -half; k <= half; ++k) {
      const std::int64_t i = c + k;
      if (i < 0 || i >= static_cast<std::int64_t>(n)) continue;
      const double d = k / fs;
      x[static_cast<std::size_t>(i)] += wide ? g(d, 0, 0.035, -1.3) + g(d, 0.06, 0.03, 0.5) + g(d, 0.3, 0.07, -0.3)
                                             : (irregular ? 0 : g(d, -0.16, 0.025, 0.12)) + g(d, -0.02, 0.008, -0.12) +
                                                   g(d, 0, 0.011, 1.2) + g(d, 0.025, 0.009, -0.25) + g(d, 0.26, 0.05, 0.3);
    }
    t += wide ? rr * 0.6 : rr;
    if (wide) t += rr * 0.5;
  }
  Record r;
  r.name = "holter";
  r.sampling_rate_hz = fs;
  for (int k = 0; k < leads; ++k) {
    Lead lead;
    lead.name = k == 0 ? "MLII" : "V" + std::to_string(k);
    lead.units = "mV";
    lead.samples.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double t = i / fs;
      const bool gap = t >= 238.5 && t < 241.5;
      lead.samples[i] = gap ? NAN : static_cast<float>((k ? 0.7 : 1.0) * x[i] + 0.2 * std::sin(2 * M_PI * 0.2 * t + k) + noise(rng));
    }
    r.leads.push_back(std::move(lead));
  }
  return r;
}

std::unique_ptr<Model> shipped(const std::string& name) {
  const std::string path = test::source_dir() + "/models/" + name;
  if (!test::path_exists(path)) return nullptr;
  return std::make_unique<Model>(Model::from_file(path));
}

bool near_joint(std::int64_t sample, std::int64_t joint, std::int64_t within) {
  if (joint <= 0) return false;
  const std::int64_t r = sample % joint;
  return r <= within || joint - r <= within;
}

struct Comparison {
  std::int64_t matched = 0, unmatched_away = 0, class_differs_away = 0, away = 0;
};

// Beats of `a` and `b` paired within `tolerance` samples; differences counted more than `within`
// samples from a multiple of `joint`.
Comparison compare_beats(const std::vector<Beat>& a, const std::vector<Beat>& b, std::int64_t tolerance,
                         std::int64_t joint, std::int64_t within) {
  Comparison c;
  std::size_t j = 0;
  std::vector<bool> used(b.size(), false);
  for (const Beat& x : a) {
    while (j < b.size() && b[j].sample < x.sample - tolerance) ++j;
    const bool away = !near_joint(x.sample, joint, within);
    c.away += away;
    if (j < b.size() && std::llabs(b[j].sample - x.sample) <= tolerance) {
      used[j] = true;
      ++c.matched;
      if (away && b[j].cls != x.cls) ++c.class_differs_away;
    } else if (away) {
      ++c.unmatched_away;
    }
  }
  for (std::size_t k = 0; k < b.size(); ++k)
    if (!used[k] && !near_joint(b[k].sample, joint, within)) ++c.unmatched_away;
  return c;
}

// True when `a` and `b` hold the same beats within +-`context` samples of `sample`: as many, paired
// in order within `jitter` samples.
bool same_detections_around(const std::vector<Beat>& a, const std::vector<Beat>& b, std::int64_t sample,
                            std::int64_t context, std::int64_t jitter) {
  auto around = [&](const std::vector<Beat>& beats) {
    std::vector<std::int64_t> out;
    for (const Beat& x : beats)
      if (std::llabs(x.sample - sample) <= context) out.push_back(x.sample);
    return out;
  };
  const std::vector<std::int64_t> x = around(a), y = around(b);
  if (x.size() != y.size()) return false;
  for (std::size_t k = 0; k < x.size(); ++k)
    if (std::llabs(x[k] - y[k]) > jitter) return false;
  return true;
}

struct ContextComparison {
  std::size_t same_context = 0, same_context_class_differs = 0, same_context_probability_differs = 0,
              other_context = 0;
};

// Beats of `whole` and `streamed` whose surroundings (+-151 s: the beat features' 150 s context)
// hold the same detections (within 50 ms, the window's peak search): their inputs are the same, so
// must be their classes and probabilities.
ContextComparison compare_classes_by_context(const std::vector<Beat>& whole, const std::vector<Beat>& streamed,
                                             double fs) {
  ContextComparison c;
  const std::int64_t context = std::llround(151 * fs), jitter = std::llround(0.05 * fs);
  std::size_t j = 0;
  for (const Beat& x : whole) {
    while (j < streamed.size() && streamed[j].sample < x.sample - jitter) ++j;
    if (j >= streamed.size() || std::llabs(streamed[j].sample - x.sample) > jitter ||
        !same_detections_around(whole, streamed, x.sample, context, jitter)) {
      ++c.other_context;
      continue;
    }
    ++c.same_context;
    c.same_context_class_differs += streamed[j].cls != x.cls;
    c.same_context_probability_differs += streamed[j].probability != x.probability;
  }
  return c;
}

}  // namespace

TEST(RhythmStream, OneBlockIsExactlyTheWholeRecordAnalysis) {
  const Record record = synthetic_holter(16 * 60);
  const auto beats = shipped("beats-int8.ecgm");
  const auto rhythm = shipped("rhythm-int8.ecgm");
  const RhythmAnalysis whole = analyze_rhythm(record, beats.get(), nullptr, {}, rhythm.get());
  auto source = memory_record_source(record);
  std::vector<double> progress;
  StreamOptions stream;
  stream.progress = [&](double f) {
    progress.push_back(f);
    return true;
  };
  const RhythmAnalysis streamed = analyze_rhythm(*source, beats.get(), nullptr, {}, rhythm.get(), stream);
  EXPECT_EQ(to_json(streamed, true), to_json(whole, true));
  EXPECT_EQ(progress, std::vector<double>{1.0});
}

TEST(RhythmStream, SmallBlocksGiveTheWholeRecordsBeatsExceptNearTheJoints) {
  const Record record = synthetic_holter(16 * 60);
  const auto beats = shipped("beats-int8.ecgm");
  const auto rhythm = shipped("rhythm-int8.ecgm");
  const RhythmAnalysis whole = analyze_rhythm(record, beats.get(), nullptr, {}, rhythm.get());
  auto source = memory_record_source(record);
  StreamOptions stream;
  stream.block_s = 120;
  stream.margin_s = 60;
  std::vector<double> progress;
  stream.progress = [&](double f) {
    progress.push_back(f);
    return true;
  };
  const RhythmAnalysis streamed = analyze_rhythm(*source, beats.get(), nullptr, {}, rhythm.get(), stream);
  ASSERT_EQ(progress.size(), 8u);  // 960 s in blocks of 120 s
  for (std::size_t k = 1; k < progress.size(); ++k) EXPECT_GT(progress[k], progress[k - 1]);
  EXPECT_DOUBLE_EQ(progress.back(), 1.0);

  const std::int64_t fs = 250, joint = 120 * fs;
  const Comparison c = compare_beats(whole.beats, streamed.beats, 0, joint, 3 * fs);
  EXPECT_EQ(c.unmatched_away, 0) << "of " << c.away << " beats more than 3 s from a joint";
  if (beats) EXPECT_LE(c.class_differs_away, c.away / 100) << "of " << c.away;
  EXPECT_NEAR(static_cast<double>(streamed.beats.size()), static_cast<double>(whole.beats.size()), 3);

  // Summaries from the joined beats: within tolerance.
  const RhythmSummary& a = whole.summary;
  const RhythmSummary& b = streamed.summary;
  EXPECT_NEAR(b.mean_hr_bpm, a.mean_hr_bpm, 0.2);
  EXPECT_NEAR(b.min_hr_bpm, a.min_hr_bpm, 1);
  EXPECT_NEAR(b.max_hr_bpm, a.max_hr_bpm, 1);
  EXPECT_EQ(b.hr_trend_bpm.size(), a.hr_trend_bpm.size());
  EXPECT_EQ(b.pauses, a.pauses);
  // The gap across the joint at 240 s was seen by two blocks and is joined into one.
  EXPECT_EQ(b.signal_gaps, a.signal_gaps);
  EXPECT_EQ(b.signal_gaps, 1);
  EXPECT_NEAR(b.signal_gap_s, a.signal_gap_s, 1e-9);
  EXPECT_NEAR(static_cast<double>(b.ventricular.beats), static_cast<double>(a.ventricular.beats), 1 + a.ventricular.beats / 50.0);
  const HrvTimeDomain& ha = whole.holter.hrv;
  const HrvTimeDomain& hb = streamed.holter.hrv;
  EXPECT_NEAR(hb.sdnn_ms, ha.sdnn_ms, 0.02 * ha.sdnn_ms);
  EXPECT_NEAR(hb.rmssd_ms, ha.rmssd_ms, 0.05 * ha.rmssd_ms);  // NN: both beats N, so class changes count
  EXPECT_NEAR(hb.sdann_ms, ha.sdann_ms, 0.05 * ha.sdann_ms + 0.5);
  EXPECT_EQ(streamed.holter.hours.size(), whole.holter.hours.size());

  if (!rhythm) GTEST_SKIP() << "models/rhythm-int8.ecgm is not shipped: the rhythm blocks are not compared";
  ASSERT_TRUE(streamed.has_verdict);
  // The model's 5 s blocks tile the record exactly as in the whole-record analysis.
  ASSERT_EQ(streamed.verdict.blocks.size(), whole.verdict.blocks.size());
  std::size_t same = 0;
  for (std::size_t k = 0; k < whole.verdict.blocks.size(); ++k) {
    EXPECT_EQ(streamed.verdict.blocks[k].start, whole.verdict.blocks[k].start);
    EXPECT_EQ(streamed.verdict.blocks[k].end, whole.verdict.blocks[k].end);
    same += streamed.verdict.blocks[k].cls == whole.verdict.blocks[k].cls;
  }
  EXPECT_GE(same, whole.verdict.blocks.size() * 95 / 100);
  EXPECT_EQ(streamed.verdict.cls, whole.verdict.cls);
  EXPECT_NEAR(streamed.verdict.af_burden, whole.verdict.af_burden, 0.05);
}

// Issue 16: with margins of at least the beat features' context (150 s) plus the detector's
// settling, a beat's class does not depend on the read range it was classified in: every beat whose
// surroundings were detected alike gets the whole-record analysis' class.
TEST(RhythmStream, MarginsOfTheContextGiveTheWholeRecordsClasses) {
  const auto beats = shipped("beats-int8.ecgm");
  if (!beats) GTEST_SKIP() << "models/beats-int8.ecgm is not shipped";
  const Record record = synthetic_holter(16 * 60);
  const RhythmAnalysis whole = analyze_rhythm(record, beats.get());
  auto source = memory_record_source(record);
  StreamOptions stream;
  stream.block_s = 120;
  stream.margin_s = 180;
  const RhythmAnalysis streamed = analyze_rhythm(*source, beats.get(), nullptr, {}, nullptr, stream);
  const ContextComparison c = compare_classes_by_context(whole.beats, streamed.beats, 250);
  EXPECT_EQ(c.same_context_class_differs, 0u) << "of " << c.same_context;
  EXPECT_EQ(c.same_context_probability_differs, 0u) << "of " << c.same_context;
  EXPECT_GE(c.same_context, whole.beats.size() * 9 / 10) << c.other_context << " beats with other detections around";
  // With margins shorter than the context, beats near the joints see less of it: some classes
  // differ (the comparison can fail).
  stream.margin_s = 20;
  const RhythmAnalysis short_margins = analyze_rhythm(*source, beats.get(), nullptr, {}, nullptr, stream);
  std::size_t differ = 0, j = 0;
  for (const Beat& x : whole.beats) {
    while (j < short_margins.beats.size() && short_margins.beats[j].sample < x.sample) ++j;
    if (j < short_margins.beats.size() && short_margins.beats[j].sample == x.sample)
      differ += std::fabs(short_margins.beats[j].probability - x.probability) > 1e-6f;
  }
  EXPECT_GT(differ, 0u);
}

TEST(RhythmStream, MitdbRecordInSmallBlocks) {
  const std::string path = test::data_dir() + "/mitdb/208";
  if (!test::path_exists(path + ".hea"))
    GTEST_SKIP() << path << " not found (MIT-BIH in the shared data); the synthetic Holter tests cover streaming";
  const auto beats = shipped("beats-int8.ecgm");
  const auto rhythm = shipped("rhythm-int8.ecgm");
  const Record record = read_record_file(path);
  const RhythmAnalysis whole = analyze_rhythm(record, beats.get(), nullptr, {}, rhythm.get());
  auto source = open_record_source(path);
  StreamOptions stream;
  stream.block_s = 300;
  stream.margin_s = 300;
  const RhythmAnalysis streamed = analyze_rhythm(*source, beats.get(), nullptr, {}, rhythm.get(), stream);
  const std::int64_t fs = 360;
  const Comparison c = compare_beats(whole.beats, streamed.beats, 0, 300 * fs, 5 * fs);
  EXPECT_LE(c.unmatched_away, 2) << "of " << c.away;
  if (beats) {
    // Record 208 has ~1000 V beats. Every beat's features come from the beats within +-150 s, which
    // the 5-minute margins hold: the classes are the whole record's wherever the detector found the
    // same beats around (it restarts at each read range and may differ by a beat or a few ms).
    const ContextComparison cc = compare_classes_by_context(whole.beats, streamed.beats, fs);
    EXPECT_EQ(cc.same_context_class_differs, 0u) << "of " << cc.same_context;
    EXPECT_EQ(cc.same_context_probability_differs, 0u) << "of " << cc.same_context;
    EXPECT_GE(cc.same_context, whole.beats.size() / 2) << cc.other_context << " beats with other detections around";
    EXPECT_LE(c.class_differs_away, c.away / 100) << "of " << c.away;
  }
  EXPECT_NEAR(streamed.summary.mean_hr_bpm, whole.summary.mean_hr_bpm, 0.5);
  EXPECT_NEAR(streamed.holter.hrv.sdnn_ms, whole.holter.hrv.sdnn_ms, 0.03 * whole.holter.hrv.sdnn_ms);
}

TEST(RhythmStream, ProgressReturningFalseCancels) {
  const Record record = synthetic_holter(6 * 60, 250, 1);
  auto source = memory_record_source(record);
  StreamOptions stream;
  stream.block_s = 60;
  stream.margin_s = 20;
  int calls = 0;
  stream.progress = [&](double) { return ++calls < 2; };
  const Error e = thrown_by([&] { analyze_rhythm(*source, nullptr, nullptr, {}, nullptr, stream); });
  EXPECT_EQ(e.kind(), ErrorKind::cancelled);
  EXPECT_EQ(std::string(kind_name(e.kind())), "cancelled");
  EXPECT_EQ(calls, 2);
  stream.block_s = -1;
  EXPECT_EQ(thrown_by([&] { analyze_rhythm(*source, nullptr, nullptr, {}, nullptr, stream); }).kind(),
            ErrorKind::bad_argument);
}

TEST(RhythmStream, CliAnalysesARecordOfSeveralBlocks) {
  // 45 minutes, one lead at 200 Hz in format 16: two blocks of the CLI's 30 minutes.
  test::TestDir dir("stream_cli");
  const Record record = synthetic_holter(45 * 60, 200, 1);
  {
    std::ofstream hea(dir.path / "long.hea");
    hea << "long 1 200 " << record.length() << "\nlong.dat 16 1000/mV 16 0 0 0 0 ECG\n";
    std::ofstream dat(dir.path / "long.dat", std::ios::binary);
    for (float v : record.leads[0].samples) {
      const std::int16_t d = std::isnan(v) ? -32768 : static_cast<std::int16_t>(std::lround(v * 1000));
      dat.write(reinterpret_cast<const char*>(&d), 2);
    }
  }
  const std::string rec = (dir.path / "long").string();
  const test::CliResult r = run_cli("rhythm " + rec + " --json --beats");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "") << "no progress lines when stderr is not a terminal";
  EXPECT_NE(r.out.find("\"duration_s\": 2700.000"), std::string::npos);
  EXPECT_NE(r.out.find("\"holter\""), std::string::npos);
  const test::CliResult text = run_cli("rhythm " + rec);
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("Holter summary"), std::string::npos) << text.out;
  // The same beats as the core's streamed analysis of the record read whole.
  auto source = open_record_source(rec);
  const RhythmAnalysis a = analyze_rhythm(*source, shipped("beats-int8.ecgm").get(), nullptr, {},
                                          shipped("rhythm-int8.ecgm").get());
  EXPECT_NE(r.out.find("\"beats_detected\": " + std::to_string(a.beats.size())), std::string::npos) << r.out.substr(0, 400);

  // A header claiming 40 days is refused before anything is read, saying what to do.
  {
    std::ofstream hea(dir.path / "huge.hea");
    hea << "huge 1 200 691200000\nhuge.dat 16 1000/mV 16 0 0 0 0 ECG\n";
  }
  const test::CliResult huge = run_cli("rhythm " + (dir.path / "huge").string());
  EXPECT_EQ(huge.status, 1);
  EXPECT_NE(huge.err.find("40 days"), std::string::npos) << huge.err;
  EXPECT_NE(huge.err.find("limit of 30 days"), std::string::npos) << huge.err;
}

TEST(RhythmStream, BlocksTileTheRecordWithoutMarginsAndAShortTail) {
  // 247 s in blocks of 60 s without margins: the 7 s tail joins the last block (a rhythm verdict
  // needs 9 s); the model's 5 s blocks still tile the record.
  const Record record = synthetic_holter(247, 250, 1);
  const auto rhythm = shipped("rhythm-int8.ecgm");
  if (!rhythm) GTEST_SKIP() << "models/rhythm-int8.ecgm is not shipped";
  auto source = memory_record_source(record);
  StreamOptions stream;
  stream.block_s = 60;
  stream.margin_s = 0;
  int blocks = 0;
  stream.progress = [&](double) { return ++blocks > 0; };
  const RhythmAnalysis a = analyze_rhythm(*source, nullptr, nullptr, {}, rhythm.get(), stream);
  EXPECT_EQ(blocks, 4);
  ASSERT_TRUE(a.has_verdict);
  ASSERT_FALSE(a.verdict.blocks.empty());
  EXPECT_EQ(a.verdict.blocks.front().start, 0);
  EXPECT_EQ(a.verdict.blocks.back().end, static_cast<std::int64_t>(record.length()));
  for (std::size_t k = 1; k < a.verdict.blocks.size(); ++k) EXPECT_EQ(a.verdict.blocks[k].start, a.verdict.blocks[k - 1].end);
}
