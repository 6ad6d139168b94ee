// The Holter summary (holter.h): hourly table, longest runs, AF burden, time-domain HRV, and the
// hourly table as CSV.
#include "ecglite/holter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "beat_series.h"
#include "ecglite/error.h"

namespace ecglite {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMinuteS = 60;

// Sample standard deviation (n - 1); NaN for fewer than 2 values.
double sample_sd(const std::vector<double>& v) {
  if (v.size() < 2) return kNaN;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= v.size();
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / (v.size() - 1));
}

LongestRun longest_run(const std::vector<Beat>& beats, char cls, double fs) {
  LongestRun best;
  detail::for_each_run(beats, cls, [&](std::size_t first, std::size_t last) {
    const std::int64_t n = static_cast<std::int64_t>(last - first + 1);
    if (n <= best.beats) return;
    best.beats = n;
    best.start = beats[first].sample;
    best.end = beats[last].sample;
  });
  best.start_s = best.start / fs;
  best.duration_s = (best.end - best.start) / fs;
  best.rate_bpm = best.beats >= 2 && best.duration_s > 0 ? 60.0 * (best.beats - 1) / best.duration_s : kNaN;
  return best;
}

}  // namespace

HrvTimeDomain hrv_time_domain(const std::vector<double>& nn_s, const std::vector<double>& end_s,
                              const std::vector<bool>& successive, double duration_s) {
  HrvTimeDomain h;
  h.nn_intervals = static_cast<std::int64_t>(nn_s.size());
  h.mean_nn_ms = h.sdnn_ms = h.sdann_ms = h.rmssd_ms = h.pnn50_percent = kNaN;
  if (duration_s < kMinHrvSeconds || nn_s.size() < 2) return h;
  double sum = 0;
  for (double x : nn_s) sum += x;
  h.mean_nn_ms = 1000 * sum / nn_s.size();
  h.sdnn_ms = 1000 * sample_sd(nn_s);

  double squares = 0;
  std::int64_t over50 = 0;
  for (std::size_t i = 0; i + 1 < nn_s.size(); ++i) {
    if (!successive[i]) continue;
    const double d = nn_s[i + 1] - nn_s[i];
    squares += d * d;
    // "More than 50 ms": a difference of exactly 50 ms (18 samples at 360 Hz) is not counted.
    if (std::fabs(d) > 0.050 + 1e-9) ++over50;
    ++h.successive_differences;
  }
  if (h.successive_differences > 0) {
    h.rmssd_ms = 1000 * std::sqrt(squares / h.successive_differences);
    h.pnn50_percent = 100.0 * over50 / h.successive_differences;
  }

  const std::size_t segments = static_cast<std::size_t>(std::floor(duration_s / kSdannSegmentS + 1e-9));
  std::vector<double> seg_sum(segments, 0);
  std::vector<std::int64_t> seg_count(segments, 0);
  for (std::size_t i = 0; i < nn_s.size(); ++i) {
    const std::size_t k = static_cast<std::size_t>(std::max(0.0, end_s[i] / kSdannSegmentS));
    if (k >= segments) continue;
    seg_sum[k] += nn_s[i];
    ++seg_count[k];
  }
  std::vector<double> means;
  for (std::size_t k = 0; k < segments; ++k)
    if (seg_count[k] > 0 && seg_sum[k] >= kSdannSegmentS / 2) means.push_back(seg_sum[k] / seg_count[k]);
  h.sdann_segments = static_cast<std::int64_t>(means.size());
  h.sdann_ms = 1000 * sample_sd(means);
  return h;
}

HolterSummary summarize_holter(const std::vector<Beat>& beats, double fs, std::int64_t length,
                               const SampleIntervals& gaps, const RhythmVerdict* verdict,
                               const HolterOptions& options) {
  if (!(fs > 0)) throw Error(ErrorKind::needs_rate, "Holter summary: unknown sampling rate");
  if (!(options.hour_s >= kMinuteS)) throw Error(ErrorKind::bad_argument, "Holter summary: hours must be 60 s or longer");
  HolterSummary h;
  h.hour_s = options.hour_s;
  const double duration = length / fs;
  const std::size_t hours = static_cast<std::size_t>(std::ceil(duration / options.hour_s));
  h.hours.resize(hours);
  for (std::size_t k = 0; k < hours; ++k) {
    HolterHour& row = h.hours[k];
    row.start_s = k * options.hour_s;
    row.duration_s = std::min(options.hour_s, duration - row.start_s);
    row.partial = row.duration_s < options.hour_s;
    row.min_hr_bpm = row.mean_hr_bpm = row.max_hr_bpm = kNaN;
    row.af_s = verdict ? 0 : kNaN;
  }
  h.longest_s_run = longest_run(beats, 'S', fs);
  h.longest_v_run = longest_run(beats, 'V', fs);
  bool classified = false;
  for (const Beat& b : beats) classified = classified || b.cls != '?';
  h.hrv.nn_from_classes = classified;
  if (hours == 0) return h;

  detail::RrBins hour_rr(options.hour_s, duration), minute_rr(kMinuteS, duration);
  for (const Beat& b : beats) {
    HolterHour& row = h.hours[hour_rr.bin_of(b.sample / fs)];
    ++row.beats;
    row.s_beats += b.cls == 'S';
    row.v_beats += b.cls == 'V';
  }
  std::vector<double> nn, nn_end;
  std::vector<bool> successive;
  std::size_t last_nn = 0;
  for (std::size_t j = 0; j + 1 < beats.size(); ++j) {
    if (overlaps_any(gaps, beats[j].sample, beats[j + 1].sample)) continue;
    ++h.hrv.rr_intervals;
    const double rr = (beats[j + 1].sample - beats[j].sample) / fs;
    const double end_s = beats[j + 1].sample / fs;
    hour_rr.add(end_s, rr);
    minute_rr.add(end_s, rr);
    if (rr >= options.pause_s) ++h.hours[hour_rr.bin_of(end_s)].pauses;
    const bool normal = !classified || (beats[j].cls == 'N' && beats[j + 1].cls == 'N');
    if (!normal || rr < kMinNnS || rr > kMaxNnS) continue;
    if (!nn.empty()) successive.back() = last_nn + 1 == j;
    nn.push_back(rr);
    nn_end.push_back(end_s);
    successive.push_back(false);
    last_nn = j;
  }
  for (std::size_t k = 0; k < hours; ++k) h.hours[k].mean_hr_bpm = hour_rr.rate_bpm(k);
  for (std::size_t m = 0; m < minute_rr.size(); ++m) {
    // Whole minutes only: the recording's last, shorter minute says little about the rate.
    const double hr = minute_rr.rate_bpm(m);
    if (minute_rr.count(m) < 2 || std::isnan(hr) || (m + 1) * kMinuteS > duration) continue;
    HolterHour& row = h.hours[hour_rr.bin_of(m * kMinuteS)];
    row.min_hr_bpm = std::isnan(row.min_hr_bpm) ? hr : std::min(row.min_hr_bpm, hr);
    row.max_hr_bpm = std::isnan(row.max_hr_bpm) ? hr : std::max(row.max_hr_bpm, hr);
  }

  if (verdict) {
    h.has_af = true;
    h.af_burden = verdict->af_burden;
    h.af_episode_count = static_cast<std::int64_t>(verdict->af_episodes.size());
    for (const AfEpisode& e : verdict->af_episodes) {
      const double a = e.start / fs, b = e.end / fs;
      h.af_total_s += b - a;
      for (HolterHour& row : h.hours)
        row.af_s += std::max(0.0, std::min(b, row.start_s + row.duration_s) - std::max(a, row.start_s));
    }
  }

  const HrvTimeDomain hrv = hrv_time_domain(nn, nn_end, successive, duration);
  const std::int64_t rr_intervals = h.hrv.rr_intervals;
  h.hrv = hrv;
  h.hrv.nn_from_classes = classified;
  h.hrv.rr_intervals = rr_intervals;
  return h;
}

namespace {

void field(std::string& out, double v, const char* format) {
  out += ',';
  if (std::isnan(v)) return;
  char buf[40];
  std::snprintf(buf, sizeof buf, format, v);
  out += buf;
}

}  // namespace

std::string holter_csv(const HolterSummary& holter) {
  const std::optional<ClockTime>& clock = holter.start_time;
  std::string out = std::string("hour,start_s,") + (clock ? "start_time," : "") +
                    "duration_s,partial,beats,min_hr_bpm,mean_hr_bpm,max_hr_bpm,s_beats,v_beats,pauses,af_s\r\n";
  for (std::size_t k = 0; k < holter.hours.size(); ++k) {
    const HolterHour& r = holter.hours[k];
    out += std::to_string(k + 1);
    field(out, r.start_s, "%.3f");
    if (clock) out += "," + clock->plus(r.start_s).iso();
    field(out, r.duration_s, "%.3f");
    out += r.partial ? ",true" : ",false";
    field(out, static_cast<double>(r.beats), "%.0f");
    field(out, r.min_hr_bpm, "%.1f");
    field(out, r.mean_hr_bpm, "%.1f");
    field(out, r.max_hr_bpm, "%.1f");
    field(out, static_cast<double>(r.s_beats), "%.0f");
    field(out, static_cast<double>(r.v_beats), "%.0f");
    field(out, static_cast<double>(r.pauses), "%.0f");
    field(out, r.af_s, "%.1f");
    out += "\r\n";
  }
  return out;
}

}  // namespace ecglite
