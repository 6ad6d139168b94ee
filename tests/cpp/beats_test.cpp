// Beat classifier input (beat_inputs) on constructed records, model validation, and the shipped
// models/beats-int8.ecgm on the committed MIT-BIH excerpt (two runs of ventricular tachycardia).
#include <algorithm>
#include <cmath>
#include <random>

#include "ecglite/annotations.h"
#include "ecglite/beats.h"
#include "ecglite/error.h"
#include "ecglite/qrs.h"
#include "ecglite/qrs_eval.h"
#include "ecglite/read.h"
#include "ecglite/rhythm.h"
#include "test_support.h"

using namespace ecglite;
using ecglite::test::fixture;
using ecglite::test::read_text;
using ecglite::test::run_cli;
using ecglite::test::source_dir;

namespace {

// Narrow spikes (QRS-like) at the given sample indices of a 128 Hz single-lead record, so that no
// resampling is involved and the window content is predictable.
Record spikes(const std::vector<std::int64_t>& beats, std::size_t n, double fs = 128) {
  Record r;
  r.name = "spikes";
  r.sampling_rate_hz = fs;
  Lead lead;
  lead.name = "MLII";
  lead.samples.assign(n, 0.0f);
  for (auto b : beats)
    for (int d = -3; d <= 3; ++d)
      if (b + d >= 0 && b + d < static_cast<std::int64_t>(n)) lead.samples[b + d] = static_cast<float>(std::exp(-d * d / 2.0));
  r.leads.push_back(lead);
  return r;
}

std::string models_dir() { return source_dir() + "/models/"; }

// A single-lead ECG of `seconds` at `fs` with its beat samples: P-QRS-T beats whose rate, QRS height
// and width drift (so that every normaliser of the beat input changes along the record), with a
// premature wide beat now and then, baseline wander and noise.
struct Ecg {
  std::vector<float> samples;
  std::vector<std::int64_t> beats;
};
Ecg drifting_ecg(double seconds, double fs, unsigned seed, double bpm, double height) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 0.01);
  std::uniform_real_distribution<double> u(0, 1);
  Ecg e;
  const std::size_t n = static_cast<std::size_t>(seconds * fs);
  std::vector<double> x(n, 0.0);
  auto g = [](double t, double c, double w, double h) { return h * std::exp(-0.5 * std::pow((t - c) / w, 2)); };
  for (double t = 0.8; t < seconds - 0.8;) {
    const double drift = std::sin(2 * M_PI * t / 200);
    const bool wide = u(rng) < 0.05;
    const double rr = 60 / (bpm + 12 * drift);
    const double h = height * (1 + 0.3 * drift), w = 0.010 * (1 + 0.2 * std::cos(2 * M_PI * t / 170));
    const std::int64_t c = std::llround(t * fs);
    e.beats.push_back(c);
    for (std::int64_t i = std::max<std::int64_t>(0, c - std::llround(0.6 * fs));
         i < std::min<std::int64_t>(static_cast<std::int64_t>(n), c + std::llround(0.6 * fs)); ++i) {
      const double d = (i - c) / fs;
      x[static_cast<std::size_t>(i)] += wide ? g(d, 0, 0.04, -1.1 * h) + g(d, 0.3, 0.07, -0.3 * h)
                                             : g(d, -0.16, 0.025, 0.1 * h) + g(d, 0, w, h) + g(d, 0.26, 0.05, 0.25 * h);
    }
    t += wide ? 0.6 * rr : rr;
  }
  e.samples.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    e.samples[i] = static_cast<float>(x[i] + 0.15 * std::sin(2 * M_PI * 0.25 * i / fs) + noise(rng));
  return e;
}

Record single_lead(std::vector<float> samples, double fs) {
  Record r;
  r.name = "ecg";
  r.sampling_rate_hz = fs;
  r.leads.push_back(Lead{"MLII", "mV", std::move(samples)});
  return r;
}

}  // namespace

// Issue 16: a beat's input depends only on the signal and the beats within +-150 s of it. The same
// 9 minutes alone and after 4 minutes of another patient's ECG (other rate, amplitude, morphology; a
// number of samples that is no whole number of 128 Hz samples) give bit-identical inputs to every
// beat more than 160 s after the joint (150 s, and 10 s for the band-pass to forget, to float
// precision, where its input starts), and other inputs to beats near it (where the other patient's
// beats are context).
TEST(Beats, InputsDependOnlyOnTheBeatsWithin150Seconds) {
  const double fs = 360;
  const Ecg own = drifting_ecg(540, fs, 3, 70, 1.0);
  const Ecg other = drifting_ecg(240.1, fs, 4, 95, 2.5);  // 86436 samples: not a multiple of 360/128
  std::vector<float> joined = other.samples;
  joined.insert(joined.end(), own.samples.begin(), own.samples.end());
  const std::int64_t offset = static_cast<std::int64_t>(other.samples.size());
  ASSERT_NE(offset % 45, 0) << "the joint must not fall on the 128 Hz grid";
  std::vector<std::int64_t> joined_beats = other.beats;
  for (std::int64_t b : own.beats) joined_beats.push_back(b + offset);

  BeatInputSpec spec;
  spec.channels = beat_channel_names();
  const std::vector<float> alone = beat_inputs(single_lead(own.samples, fs), own.beats, spec);
  const std::vector<float> after = beat_inputs(single_lead(joined, fs), joined_beats, spec);
  const std::size_t per = spec.channels.size() * static_cast<std::size_t>(spec.window);
  std::size_t far = 0, near_differ = 0, near = 0;
  for (std::size_t i = 0; i < own.beats.size(); ++i) {
    const float* a = &alone[i * per];
    const float* b = &after[(other.beats.size() + i) * per];
    const bool same = std::equal(a, a + per, b);
    if (own.beats[i] > std::llround(160 * fs)) {
      ++far;
      EXPECT_TRUE(same) << "beat " << i << " at " << own.beats[i] / fs << " s";
    } else if (own.beats[i] < std::llround(120 * fs)) {
      ++near;
      near_differ += !same;
    }
  }
  EXPECT_GT(far, 400u);
  EXPECT_EQ(near_differ, near) << "beats within the context of the joint see the other ECG";

  // The shipped network on those inputs: the same classes.
  if (!test::path_exists(models_dir() + "beats-int8.ecgm")) return;
  const Model model = Model::from_file(models_dir() + "beats-int8.ecgm");
  const std::vector<Beat> c_alone = classify_beats(model, single_lead(own.samples, fs), own.beats);
  const std::vector<Beat> c_after = classify_beats(model, single_lead(joined, fs), joined_beats);
  for (std::size_t i = 0; i < own.beats.size(); ++i)
    if (own.beats[i] > std::llround(160 * fs)) {
      EXPECT_EQ(c_alone[i].cls, c_after[other.beats.size() + i].cls) << "beat " << i;
      EXPECT_EQ(c_alone[i].probability, c_after[other.beats.size() + i].probability) << "beat " << i;
    }
}

// The window follows the beat's own time, not a grid of the signal: the same signal delayed by a
// fraction of a 128 Hz sample (one sample at 360 Hz) gives the same window, and the window is
// centred on the QRS peak near the beat given (a beat given a few samples off still reads the same).
TEST(Beats, WindowIsCentredOnTheBeatsPeakAtItsOwnTime) {
  const double fs = 360;
  const Ecg e = drifting_ecg(60, fs, 5, 72, 1.0);
  std::vector<float> delayed(1, 0.0f);
  delayed.insert(delayed.end(), e.samples.begin(), e.samples.end());
  std::vector<std::int64_t> shifted, off;
  for (std::int64_t b : e.beats) shifted.push_back(b + 1), off.push_back(b + 3);
  BeatInputSpec spec;
  spec.channels = {"ECG", "ECG_dev"};
  const std::vector<float> a = beat_inputs(single_lead(e.samples, fs), e.beats, spec);
  const std::vector<float> b = beat_inputs(single_lead(delayed, fs), shifted, spec);
  const std::vector<float> c = beat_inputs(single_lead(e.samples, fs), off, spec);
  ASSERT_EQ(a.size(), b.size());
  const std::size_t per = 2 * 96;
  for (std::size_t i = 3; i + 3 < e.beats.size(); ++i) {  // away from the filter's edges
    for (std::size_t k = 0; k < per; ++k) {
      ASSERT_NEAR(a[i * per + k], b[i * per + k], 1e-4) << "beat " << i << " value " << k;
      ASSERT_EQ(a[i * per + k], c[i * per + k]) << "beat " << i << " value " << k;
    }
    // The QRS peak (largest |ECG|, negative in the wide beats) is the window's centre.
    std::size_t peak = 0;
    for (std::size_t k = 0; k < 96; ++k)
      if (std::fabs(a[i * per + k]) > std::fabs(a[i * per + peak])) peak = k;
    EXPECT_EQ(peak, 48u) << "beat " << i;
  }
}

TEST(Beats, InputChannelsOnARegularRhythmWithOnePrematureBeat) {
  std::vector<std::int64_t> beats;
  for (int i = 0; i < 40; ++i) beats.push_back(200 + 128 * i);  // RR 1 s
  beats[20] -= 40;  // premature: RR before 88 samples, after 168
  const Record r = spikes(beats, 200 + 128 * 41);
  BeatInputSpec spec;
  spec.channels = beat_channel_names();
  const std::vector<float> x = beat_inputs(r, beats, spec);
  const std::size_t w = 96, c = spec.channels.size(), per = c * w;
  ASSERT_EQ(x.size(), beats.size() * per);
  auto at = [&](std::size_t beat, const char* channel, std::size_t t) {
    const std::size_t k = std::find(spec.channels.begin(), spec.channels.end(), channel) - spec.channels.begin();
    return x[beat * per + k * w + t];
  };
  // ECG: the QRS is at the window centre, scaled to the median QRS amplitude (1).
  const std::size_t b = 10;
  std::size_t peak = 0;
  for (std::size_t t = 0; t < w; ++t)
    if (at(b, "ECG", t) > at(b, "ECG", peak)) peak = t;
  EXPECT_NEAR(static_cast<double>(peak), 48, 1);
  EXPECT_NEAR(at(b, "ECG", peak), 1.0, 0.05);
  // ECG_dev: identical beats do not differ from the median beat.
  for (std::size_t t = 0; t < w; ++t) EXPECT_NEAR(at(b, "ECG_dev", t), 0, 1e-4);
  // RR channels are constant over the window.
  for (std::size_t t = 1; t < w; ++t) EXPECT_EQ(at(b, "RR_pre", t), at(b, "RR_pre", 0));
  EXPECT_NEAR(at(b, "RR_pre", 0), 1.0, 0.02);
  EXPECT_NEAR(at(b, "RR_post", 0), 1.0, 0.02);
  EXPECT_NEAR(at(b, "RR_local", 0), 1.0, 0.02);
  EXPECT_NEAR(at(b, "RR_pre_local", 0), 1.0, 1e-6);
  EXPECT_NEAR(at(b, "RR_irregular", 0), 0.0, 1e-6);
  EXPECT_NEAR(at(b, "RR_abs", 0), 1.0, 1e-6);
  // The premature beat: short RR before, long after.
  EXPECT_NEAR(at(20, "RR_pre", 0), 88.0 / 128, 0.02);
  EXPECT_NEAR(at(20, "RR_post", 0), 168.0 / 128, 0.02);
  EXPECT_LT(at(20, "RR_pre_local", 0), 0.75);
  // A beat near the start: its window is zero-padded, not read out of range.
  const std::vector<float> edge = beat_inputs(r, {10, 200}, spec);
  EXPECT_EQ(edge[0], 0.0f);
}

// The RR interval across a signal gap was not measured: the beats next to it take the local mean,
// instead of looking premature (before the gap) or late (after it).
TEST(Beats, RrFeaturesIgnoreTheIntervalAcrossASignalGap) {
  std::vector<std::int64_t> beats;
  for (int i = 0; i < 20; ++i) beats.push_back(200 + 128 * i);
  for (int i = 0; i < 20; ++i) beats.push_back(200 + 128 * (i + 40));  // 20 s later
  Record r = spikes(beats, 200 + 128 * 61);
  for (std::int64_t t = beats[19] + 64; t < beats[20] - 64; ++t) r.leads[0].samples[t] = NAN;
  BeatInputSpec spec;
  spec.channels = {"RR_pre", "RR_post", "RR_pre_local", "RR_irregular"};
  const std::vector<float> x = beat_inputs(r, beats, spec);
  const std::size_t per = spec.channels.size() * 96;
  auto at = [&](std::size_t beat, std::size_t channel) { return x[beat * per + channel * 96]; };
  for (std::size_t b : {18, 19, 20, 21}) {
    EXPECT_NEAR(at(b, 0), 1.0, 0.02) << "RR_pre of beat " << b;
    EXPECT_NEAR(at(b, 1), 1.0, 0.02) << "RR_post of beat " << b;
    EXPECT_NEAR(at(b, 2), 1.0, 1e-6) << "RR_pre_local of beat " << b;
    EXPECT_NEAR(at(b, 3), 0.0, 1e-6) << "RR_irregular of beat " << b;
  }
}

TEST(Beats, ResampledRecordsGiveTheSameWindows) {
  std::vector<std::int64_t> at128;
  for (int i = 0; i < 30; ++i) at128.push_back(150 + 110 * i);
  const Record r = spikes(at128, 150 + 110 * 31);
  BeatInputSpec spec;
  spec.channels = {"RR_pre", "RR_local"};
  const std::vector<float> a = beat_inputs(r, at128, spec);
  // The same beat times at 360 Hz: RR features depend on time, not on sample counts.
  Record r360 = r;
  r360.sampling_rate_hz = 360;
  r360.leads[0].samples.assign(static_cast<std::size_t>((150 + 110 * 31) * 360 / 128), 0.0f);
  std::vector<std::int64_t> at360;
  for (auto s : at128) at360.push_back(std::llround(s * 360.0 / 128));
  const std::vector<float> b = beat_inputs(r360, at360, spec);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); i += 96) EXPECT_NEAR(a[i], b[i], 0.01);
}

TEST(Beats, LeadChoiceAndModelValidation) {
  Record r;
  r.sampling_rate_hz = 360;
  for (const char* name : {"V1", "ML II", "II"}) r.leads.push_back(Lead{name, "mV", {}});
  EXPECT_EQ(beat_lead(r), 1);
  r.leads[1].name = "V5";
  EXPECT_EQ(beat_lead(r), 2);
  r.leads[2].name = "aVF";
  EXPECT_EQ(beat_lead(r), 0);

  const Model superclass = Model::from_file(fixture("model/tiny-int8.ecgm"));
  EXPECT_FALSE(is_beat_model(superclass.info()));
  EXPECT_THROW(beat_input_spec(superclass.info()), Error);
  const Record excerpt = read_record_file(fixture("mitdb/205_20s"));
  EXPECT_THROW(classify_beats(superclass, excerpt, {100, 400}), Error);
  BeatInputSpec bad;
  bad.channels = {"ECG", "nonsense"};
  EXPECT_THROW(beat_inputs(excerpt, {100, 400}, bad), Error);
  EXPECT_TRUE(beat_inputs(excerpt, {}, BeatInputSpec{}).empty());
  EXPECT_EQ(test::thrown_by([&] { beat_inputs(excerpt, {400, 100}, BeatInputSpec{}); }).kind(), ErrorKind::bad_argument);
  // A slow lead is upsampled by a whole factor for the 40 Hz band-pass (50 Hz: 200 Hz); one too slow
  // for that is refused.
  const Ecg slow = drifting_ecg(30, 50, 6, 70, 1.0);
  EXPECT_EQ(beat_inputs(single_lead(slow.samples, 50), slow.beats, BeatInputSpec{}).size(), slow.beats.size() * 7 * 96);
  EXPECT_EQ(test::thrown_by([&] { beat_inputs(single_lead(std::vector<float>(100, 0.0f), 4), {50}, BeatInputSpec{}); }).kind(),
            ErrorKind::limit);
}

TEST(Beats, ShippedModelOnMitdbExcerpt) {
  if (!test::path_exists(models_dir() + "beats-int8.ecgm"))
    GTEST_SKIP() << "models/beats-int8.ecgm is not shipped (the beat classifier has not been trained yet)";
  const Model model = Model::from_file(models_dir() + "beats-int8.ecgm");
  ASSERT_TRUE(is_beat_model(model.info()));
  EXPECT_EQ(model.info().precision, "int8");
  const Record r = read_record_file(fixture("mitdb/205_20s"));
  const AnnotationFile ann = read_annotations_file(fixture("mitdb/205_20s"), "atr");
  std::vector<Annotation> ref_beats;
  std::vector<std::int64_t> ref;
  for (const auto& a : ann.annotations)
    if (is_beat_code(a.code)) ref_beats.push_back(a), ref.push_back(a.sample);
  const std::vector<std::int64_t> det = detect_qrs(r);
  const std::vector<Beat> beats = classify_beats(model, r, det);
  ASSERT_EQ(beats.size(), det.size());
  const std::vector<std::int64_t> match = match_beats(ref, det, 54);
  int v_ref = 0, v_hit = 0, n_ref = 0, n_hit = 0;
  for (std::size_t i = 0; i < beats.size(); ++i) {
    EXPECT_NE(std::string("NSVFQ").find(beats[i].cls), std::string::npos);
    EXPECT_GT(beats[i].probability, 0.2f);
    EXPECT_LE(beats[i].probability, 1.0f);
    if (match[i] < 0) continue;
    const char truth = aami_class(ref_beats[static_cast<std::size_t>(match[i])].code);
    if (truth == 'V') v_ref++, v_hit += beats[i].cls == 'V';
    if (truth == 'N') n_ref++, n_hit += beats[i].cls == 'N';
  }
  EXPECT_EQ(v_ref, 18);   // two runs of ventricular tachycardia and an isolated PVC
  EXPECT_GE(v_hit, 16);
  EXPECT_GE(n_hit, n_ref * 3 / 4);

  const RhythmAnalysis a = analyze_rhythm(r, &model);
  EXPECT_TRUE(a.summary.classified);
  EXPECT_GE(a.summary.ventricular.runs, 2);
  EXPECT_GE(a.summary.ventricular.longest_run, 8);
}

TEST(Beats, CliClassifiesAndExportsWindows) {
  if (!test::path_exists(models_dir() + "beats-int8.ecgm"))
    GTEST_SKIP() << "models/beats-int8.ecgm is not shipped (the beat classifier has not been trained yet)";
  const std::string model = models_dir() + "beats-int8.ecgm";
  auto r = run_cli("beats " + fixture("mitdb/205_20s") + " --json --model " + model);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"model\": \"beats-int8\""), std::string::npos);
  EXPECT_NE(r.out.find("\"class\": \"V\""), std::string::npos);
  EXPECT_EQ(r.out.find("\"class\": \"?\""), std::string::npos);

  const std::string npy = ::testing::TempDir() + "beats_windows.npy";
  auto e = run_cli("beats " + fixture("mitdb/205_20s") + " --no-model --export-windows " + npy);
  ASSERT_EQ(e.status, 0) << e.err;
  const std::string bytes = read_text(npy);
  ASSERT_GT(bytes.size(), 128u);
  EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
  EXPECT_NE(bytes.find("'shape': (40, 8, 96)"), std::string::npos);
  const std::size_t header = 10 + (static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ(header % 64, 0u);
  EXPECT_EQ(bytes.size(), header + 40u * 8 * 96 * 4);
  std::remove(npy.c_str());

  auto rhythm = run_cli("rhythm " + fixture("mitdb/205_20s") + " --json --model " + model);
  ASSERT_EQ(rhythm.status, 0) << rhythm.err;
  EXPECT_NE(rhythm.out.find("\"classified\": true"), std::string::npos);
  auto wrong = run_cli("beats " + fixture("mitdb/205_20s") + " --model " + fixture("model/tiny-int8.ecgm"));
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.err.find("not a beat classification model"), std::string::npos);
}
