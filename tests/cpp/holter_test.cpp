// Holter summary (holter.h) on constructed beat lists whose answers are worked out by hand: the
// hourly table (beats, heart rate per minute and hour, S/V, pauses, AF per hour, partial hours), the
// longest runs, HRV (SDNN, SDANN, RMSSD, pNN50 and which intervals are NN), the CSV text, and the
// CLI's --holter-csv and text output on a synthetic 12-minute recording.
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "ecglite/holter.h"
#include "ecglite/rhythm.h"
#include "test_support.h"

using namespace ecglite;
using ecglite::test::read_text;
using ecglite::test::run_cli;

namespace {

constexpr double kFs = 100;

void add(std::vector<Beat>& beats, double t, char cls = 'N') {
  Beat b;
  b.sample = std::llround(t * kFs);
  b.cls = cls;
  beats.push_back(b);
}

// 90 minutes: hour 1 at 60 bpm (one beat missing at 1000 s: a 2 s pause; S at 100 s, V run at
// 200-202 s), hour 2 (partial, 30 min) at 120 bpm (an S couplet at 4000 s).
std::vector<Beat> ninety_minutes() {
  std::vector<Beat> beats;
  for (int t = 0; t < 3600; ++t) {
    if (t == 1000) continue;
    add(beats, t, t == 100 ? 'S' : t >= 200 && t <= 202 ? 'V' : 'N');
  }
  for (int k = 0; k < 3600; ++k) {
    const double t = 3600 + 0.5 * k;
    add(beats, t, t == 4000 || t == 4000.5 ? 'S' : 'N');
  }
  return beats;
}

}  // namespace

TEST(Holter, HourlyTableRunsAndAfByHand) {
  RhythmVerdict verdict;
  verdict.af_burden = 0.25;
  verdict.af_episodes.push_back({static_cast<std::int64_t>(3500 * kFs), static_cast<std::int64_t>(3700 * kFs)});
  const HolterSummary h = summarize_holter(ninety_minutes(), kFs, static_cast<std::int64_t>(5400 * kFs), {}, &verdict);
  ASSERT_EQ(h.hours.size(), 2u);
  const HolterHour& a = h.hours[0];
  EXPECT_FALSE(a.partial);
  EXPECT_EQ(a.beats, 3599);
  EXPECT_DOUBLE_EQ(a.min_hr_bpm, 59.0);   // minute 16: 59 intervals over 60 s (the pause)
  EXPECT_DOUBLE_EQ(a.max_hr_bpm, 60.0);
  EXPECT_NEAR(a.mean_hr_bpm, 60.0 * 3598 / 3599, 1e-9);  // 3598 intervals over 3599 s
  EXPECT_EQ(a.s_beats, 1);
  EXPECT_EQ(a.v_beats, 3);
  EXPECT_EQ(a.pauses, 1);
  EXPECT_NEAR(a.af_s, 100, 1e-9);
  const HolterHour& b = h.hours[1];
  EXPECT_TRUE(b.partial);
  EXPECT_DOUBLE_EQ(b.start_s, 3600);
  EXPECT_DOUBLE_EQ(b.duration_s, 1800);
  EXPECT_EQ(b.beats, 3600);
  EXPECT_NEAR(b.min_hr_bpm, 60.0 * 120 / 60.5, 1e-9);  // its first minute holds the 1 s interval
  EXPECT_NEAR(b.max_hr_bpm, 120.0, 1e-9);
  EXPECT_NEAR(b.mean_hr_bpm, 60.0 * 3600 / 1800.5, 1e-9);
  EXPECT_EQ(b.s_beats, 2);
  EXPECT_EQ(b.pauses, 0);
  EXPECT_NEAR(b.af_s, 100, 1e-9);
  EXPECT_TRUE(h.has_af);
  EXPECT_EQ(h.af_episode_count, 1);
  EXPECT_NEAR(h.af_total_s, 200, 1e-9);
  EXPECT_DOUBLE_EQ(h.af_burden, 0.25);

  EXPECT_EQ(h.longest_v_run.beats, 3);
  EXPECT_DOUBLE_EQ(h.longest_v_run.start_s, 200);
  EXPECT_DOUBLE_EQ(h.longest_v_run.duration_s, 2);
  EXPECT_DOUBLE_EQ(h.longest_v_run.rate_bpm, 60);
  EXPECT_EQ(h.longest_s_run.beats, 2);
  EXPECT_DOUBLE_EQ(h.longest_s_run.start_s, 4000);
  EXPECT_DOUBLE_EQ(h.longest_s_run.rate_bpm, 120);

  EXPECT_EQ(holter_csv(h),
            "hour,start_s,duration_s,partial,beats,min_hr_bpm,mean_hr_bpm,max_hr_bpm,s_beats,v_beats,pauses,af_s\r\n"
            "1,0.000,3600.000,false,3599,59.0,60.0,60.0,1,3,1,100.0\r\n"
            "2,3600.000,1800.000,true,3600,119.0,120.0,120.0,2,0,0,100.0\r\n");
  // Without a rhythm verdict the AF fields are empty, not 0.
  const HolterSummary no_af = summarize_holter(ninety_minutes(), kFs, static_cast<std::int64_t>(5400 * kFs));
  EXPECT_FALSE(no_af.has_af);
  EXPECT_TRUE(std::isnan(no_af.hours[0].af_s));
  EXPECT_NE(holter_csv(no_af).find("1,0.000,3600.000,false,3599,59.0,60.0,60.0,1,3,1,\r\n"), std::string::npos);
}

TEST(Holter, RmssdPnn50SdnnOnAShortListByHand) {
  // NN 800, 840, 900, 800 ms, all successive: differences 40, 60, -100 ms.
  const std::vector<double> nn = {0.80, 0.84, 0.90, 0.80};
  const std::vector<double> end = {1, 2, 3, 4};
  HrvTimeDomain h = hrv_time_domain(nn, end, {true, true, true, false}, 600);
  EXPECT_NEAR(h.mean_nn_ms, 835, 1e-9);
  EXPECT_NEAR(h.sdnn_ms, 1000 * std::sqrt(0.0067 / 3), 1e-9);  // squares 35^2+5^2+65^2+35^2 ms^2, n - 1
  EXPECT_NEAR(h.rmssd_ms, 1000 * std::sqrt(0.0152 / 3), 1e-9);
  EXPECT_NEAR(h.pnn50_percent, 200.0 / 3, 1e-9);  // 60 and 100 ms, not 40
  EXPECT_EQ(h.successive_differences, 3);
  // The middle pair does not share a beat (an ectopic beat between): only 40 and -100 ms.
  h = hrv_time_domain(nn, end, {true, false, true, false}, 600);
  EXPECT_NEAR(h.rmssd_ms, 1000 * std::sqrt((0.0016 + 0.01) / 2), 1e-9);
  EXPECT_NEAR(h.pnn50_percent, 50, 1e-9);
  // Exactly 50 ms is not "more than 50 ms".
  h = hrv_time_domain({0.80, 0.85}, {1, 2}, {true, false}, 600);
  EXPECT_EQ(h.pnn50_percent, 0);
  // Under 5 minutes: not enough data.
  h = hrv_time_domain(nn, end, {true, true, true, false}, 299);
  EXPECT_TRUE(std::isnan(h.sdnn_ms) && std::isnan(h.rmssd_ms) && std::isnan(h.pnn50_percent) && std::isnan(h.sdann_ms));
  EXPECT_EQ(h.nn_intervals, 4);
}

TEST(Holter, SdannOverFiveMinuteSegmentsAndNnRules) {
  // 15 min: segments at RR 1.0, 0.8 and 0.75 s, separated by V beats at 300 s and 600 s (whose
  // intervals are not NN), so each segment's NN intervals have exactly that mean.
  std::vector<Beat> beats;
  for (int t = 0; t < 300; ++t) add(beats, t);
  add(beats, 300, 'V');
  for (int k = 1; k <= 374; ++k) add(beats, 300 + 0.8 * k);
  add(beats, 600, 'V');
  for (int k = 1; k <= 399; ++k) add(beats, 600 + 0.75 * k);
  const HolterSummary h = summarize_holter(beats, kFs, static_cast<std::int64_t>(900 * kFs));
  const HrvTimeDomain& v = h.hrv;
  EXPECT_TRUE(v.nn_from_classes);
  EXPECT_EQ(v.rr_intervals, static_cast<std::int64_t>(beats.size()) - 1);
  EXPECT_EQ(v.nn_intervals, 299 + 373 + 398);
  EXPECT_EQ(v.sdann_segments, 3);
  EXPECT_NEAR(v.sdann_ms, 1000 * std::sqrt(0.035 / 2), 1e-6);  // means 1.0, 0.8, 0.75 s
  EXPECT_NEAR(v.rmssd_ms, 0, 1e-6);  // constant within segments; no pair across a V beat
  EXPECT_EQ(v.pnn50_percent, 0);
  EXPECT_EQ(v.successive_differences, 298 + 372 + 397);
  const double m = (299 * 1.0 + 373 * 0.8 + 398 * 0.75) / 1070;
  const double ss = 299 * (1 - m) * (1 - m) + 373 * (0.8 - m) * (0.8 - m) + 398 * (0.75 - m) * (0.75 - m);
  EXPECT_NEAR(v.sdnn_ms, 1000 * std::sqrt(ss / 1069), 1e-6);
  EXPECT_EQ(h.longest_v_run.beats, 1);
  EXPECT_TRUE(std::isnan(h.longest_v_run.rate_bpm));
  EXPECT_EQ(h.longest_s_run.beats, 0);

  // Without classes every beat is normal; implausible intervals (0.25 s, 2.5 s) and intervals across a
  // stretch without signal are still not NN.
  std::vector<Beat> plain;
  for (double t : {0.0, 1.0, 2.0, 2.25, 3.25, 5.75, 6.75, 7.75, 8.75}) add(plain, t, '?');
  const SampleIntervals gap = {{static_cast<std::int64_t>(7 * kFs), static_cast<std::int64_t>(7.5 * kFs)}};
  const HolterSummary u = summarize_holter(plain, kFs, static_cast<std::int64_t>(600 * kFs), gap);
  EXPECT_FALSE(u.hrv.nn_from_classes);
  EXPECT_EQ(u.hrv.rr_intervals, 7);  // 8 intervals, one across the gap
  EXPECT_EQ(u.hrv.nn_intervals, 5);  // 0-1, 1-2, 2.25-3.25, 5.75-6.75, 7.75-8.75 s
  EXPECT_EQ(u.hrv.successive_differences, 1);
  EXPECT_EQ(u.hours[0].pauses, 1);  // 2.5 s
  EXPECT_TRUE(std::isnan(u.hrv.sdann_ms));  // 2 segments but too little NN time in them
}

TEST(Holter, ShortAndEmptyRecordings) {
  const HolterSummary none = summarize_holter({}, kFs, 0);
  EXPECT_TRUE(none.hours.empty());
  EXPECT_EQ(holter_csv(none), "hour,start_s,duration_s,partial,beats,min_hr_bpm,mean_hr_bpm,max_hr_bpm,s_beats,v_beats,pauses,af_s\r\n");
  std::vector<Beat> beats;
  add(beats, 1);
  const HolterSummary one = summarize_holter(beats, kFs, static_cast<std::int64_t>(30 * kFs));
  ASSERT_EQ(one.hours.size(), 1u);
  EXPECT_TRUE(one.hours[0].partial);
  EXPECT_TRUE(std::isnan(one.hours[0].mean_hr_bpm) && std::isnan(one.hours[0].min_hr_bpm));
  EXPECT_NE(holter_csv(one).find("\r\n1,0.000,30.000,true,1,,,,0,0,0,\r\n"), std::string::npos);
  EXPECT_THROW(summarize_holter(beats, 0, 100), Error);
}

TEST(Holter, CliTextJsonAndCsvOnASyntheticTwelveMinuteRecording) {
  // QRS-like spikes alternating 0.76 s and 0.84 s apart for 12 minutes: mean NN 800 ms, successive
  // differences of 80 ms (the detector's sample of the peak moves them by a few ms), pNN50 100 %.
  const std::string base = ::testing::TempDir() + "ecglite_holter_" + std::to_string(::getpid());
  const std::string csv = base + ".csv", out = base + "-hours.csv";
  {
    std::ofstream f(csv);
    f << "time,II\n";
    const double fs = 250;
    std::vector<double> beat_times;
    for (int i = 125; i < 720 * 250; i += beat_times.size() % 2 ? 210 : 190) beat_times.push_back(i / fs);
    std::size_t next = 0;
    for (int i = 0; i < 720 * 250; ++i) {
      const double time = i / fs;
      while (next + 1 < beat_times.size() && beat_times[next + 1] - time < time - beat_times[next]) ++next;
      const double d = time - beat_times[next];
      f << time << "," << std::exp(-std::pow(d / 0.012, 2)) + 0.01 * std::sin(7.0 * i) << "\n";
    }
  }
  const auto text = run_cli("rhythm " + csv + " --no-model --no-rhythm-model --holter-csv " + out);
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("Holter summary"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(partial hour: 12:00)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("pNN50 100.0 %"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("beats not classified: every beat taken as normal"), std::string::npos) << text.out;
  const std::string hours = read_text(out);
  EXPECT_EQ(hours.rfind("hour,start_s,duration_s,partial,beats,", 0), 0u) << hours;
  EXPECT_NE(hours.find("\r\n1,0.000,720.000,true,900,"), std::string::npos) << hours;
  const auto json = run_cli("rhythm " + csv + " --no-model --no-rhythm-model --json");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("\"mean_nn_ms\": 800.0, "), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"pnn50_percent\": 100.00"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"af_burden\": null, \"af_episode_count\": null"), std::string::npos) << json.out;
  // A short recording: the JSON says "not enough data" (null), the text leaves the summary out.
  const auto short_text = run_cli("rhythm " + ecglite::test::fixture("mitdb/205_20s") + " --no-model --no-rhythm-model");
  EXPECT_EQ(short_text.out.find("Holter summary"), std::string::npos);
  const auto short_json = run_cli("rhythm " + ecglite::test::fixture("mitdb/205_20s") + " --no-model --json");
  EXPECT_NE(short_json.out.find("\"sdnn_ms\": null, \"sdann_ms\": null"), std::string::npos) << short_json.out;
  std::remove(csv.c_str());
  std::remove(out.c_str());
}
