// Long-record rhythm summary: heart rate and trend from the beat times, ectopic counts and runs from
// the beat classes, reference rhythm episodes from the annotations.
#include "ecglite/rhythm.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "beat_series.h"
#include "ecglite/error.h"

namespace ecglite {

namespace {

EctopicCounts count_runs(const std::vector<Beat>& beats, char cls) {
  EctopicCounts c;
  detail::for_each_run(beats, cls, [&](std::size_t first, std::size_t last) {
    const std::int64_t run = static_cast<std::int64_t>(last - first + 1);
    c.beats += run;
    if (run == 1) ++c.isolated;
    else if (run == 2) ++c.couplets;
    else ++c.runs;
    c.longest_run = std::max(c.longest_run, run);
  });
  return c;
}

}  // namespace

RhythmSummary summarize_rhythm(const std::vector<Beat>& beats, double sampling_rate_hz, std::int64_t length,
                               const RhythmOptions& options, const SampleIntervals& gaps) {
  if (!(sampling_rate_hz > 0)) throw Error(ErrorKind::needs_rate, "rhythm summary: unknown sampling rate");
  if (!(options.trend_interval_s > 0))
    throw Error(ErrorKind::bad_argument, "rhythm summary: the trend interval must be positive");
  RhythmSummary s;
  s.sampling_rate_hz = sampling_rate_hz;
  s.duration_s = length / sampling_rate_hz;
  s.beats = static_cast<std::int64_t>(beats.size());
  s.trend_interval_s = options.trend_interval_s;
  for (const Beat& b : beats) {
    ++s.class_counts[b.cls];
    s.classified = s.classified || b.cls != '?';
  }
  s.supraventricular = count_runs(beats, 'S');
  s.ventricular = count_runs(beats, 'V');

  detail::RrBins trend(options.trend_interval_s, s.duration_s);
  double measured_sum = 0;
  std::int64_t measured = 0;
  for (const auto& gap : gaps) {
    ++s.signal_gaps;
    s.signal_gap_s += (gap.second - gap.first + 1) / sampling_rate_hz;
  }
  for (std::size_t j = 0; j + 1 < beats.size(); ++j) {
    if (overlaps_any(gaps, beats[j].sample, beats[j + 1].sample)) continue;
    const double rr = (beats[j + 1].sample - beats[j].sample) / sampling_rate_hz;
    measured_sum += rr;
    ++measured;
    s.longest_rr_s = std::max(s.longest_rr_s, rr);
    if (rr >= options.pause_s) ++s.pauses;
    trend.add(beats[j + 1].sample / sampling_rate_hz, rr);
  }
  s.hr_trend_bpm.assign(trend.size(), std::numeric_limits<double>::quiet_NaN());
  bool any = false;
  for (std::size_t k = 0; k < trend.size(); ++k) {
    const double hr = trend.rate_bpm(k);
    if (std::isnan(hr)) continue;
    s.hr_trend_bpm[k] = hr;
    if (trend.count(k) < 2) continue;
    s.min_hr_bpm = any ? std::min(s.min_hr_bpm, hr) : hr;
    s.max_hr_bpm = any ? std::max(s.max_hr_bpm, hr) : hr;
    any = true;
  }
  if (measured > 0 && measured_sum > 0) s.mean_hr_bpm = 60.0 * measured / measured_sum;
  return s;
}

std::vector<RhythmEpisode> rhythm_episodes(const std::vector<Annotation>& annotations,
                                           double sampling_rate_hz, std::int64_t length) {
  std::vector<RhythmEpisode> out;
  for (const Annotation& a : annotations) {
    if (a.code != anncode::kRhythm || a.aux.empty()) continue;
    if (!out.empty()) out.back().end = std::max(out.back().start, a.sample);
    RhythmEpisode e;
    e.rhythm = a.aux[0] == '(' ? a.aux.substr(1) : a.aux;
    e.start = a.sample;
    e.end = std::max(a.sample, length);
    out.push_back(e);
  }
  for (RhythmEpisode& e : out) {
    e.start_s = e.start / sampling_rate_hz;
    e.duration_s = (e.end - e.start) / sampling_rate_hz;
  }
  return out;
}

std::map<std::string, double> rhythm_durations(const std::vector<RhythmEpisode>& episodes) {
  std::map<std::string, double> out;
  for (const RhythmEpisode& e : episodes) out[e.rhythm] += e.duration_s;
  return out;
}

}  // namespace ecglite
