// JSON rendering of the rhythm analysis (the CLI's --json and the page read the same text).
#include <cmath>
#include <cstdio>

#include "ecglite/rhythm.h"
#include "ecglite/json.h"

namespace ecglite {

namespace {

std::string number(double v, int decimals) {
  if (!std::isfinite(v)) return "null";
  char s[48];
  std::snprintf(s, sizeof s, "%.*f", decimals, v);
  return s;
}

std::string counts_json(const EctopicCounts& c) {
  return "{\"beats\": " + std::to_string(c.beats) + ", \"isolated\": " + std::to_string(c.isolated) +
         ", \"couplets\": " + std::to_string(c.couplets) + ", \"runs\": " + std::to_string(c.runs) +
         ", \"longest_run\": " + std::to_string(c.longest_run) + "}";
}

}  // namespace

std::string to_json(const RhythmAnalysis& a, bool with_beats) {
  const RhythmSummary& s = a.summary;
  std::string out = "{\n  \"record\": " + json_quote(a.record_name) +
                    ",\n  \"duration_s\": " + number(s.duration_s, 3) +
                    ",\n  \"sampling_rate_hz\": " + number(s.sampling_rate_hz, 6) +
                    ",\n  \"beats_detected\": " + std::to_string(s.beats) +
                    ",\n  \"heart_rate\": {\"mean_bpm\": " + number(s.mean_hr_bpm, 1) +
                    ", \"min_bpm\": " + number(s.min_hr_bpm, 1) + ", \"max_bpm\": " + number(s.max_hr_bpm, 1) +
                    ", \"trend_interval_s\": " + number(s.trend_interval_s, 3) + ", \"trend_bpm\": [";
  for (std::size_t k = 0; k < s.hr_trend_bpm.size(); ++k)
    out += (k ? ", " : "") + number(s.hr_trend_bpm[k], 1);
  out += "]},\n  \"classified\": " + std::string(s.classified ? "true" : "false") + ",\n  \"classes\": {";
  bool first = true;
  for (const auto& [cls, count] : s.class_counts) {
    out += (first ? "" : ", ") + json_quote(std::string(1, cls)) + ": " + std::to_string(count);
    first = false;
  }
  out += "},\n  \"supraventricular\": " + counts_json(s.supraventricular) +
         ",\n  \"ventricular\": " + counts_json(s.ventricular) +
         ",\n  \"pauses\": {\"count\": " + std::to_string(s.pauses) +
         ", \"longest_rr_s\": " + number(s.longest_rr_s, 3) + "}" +
         ",\n  \"signal_gaps\": {\"count\": " + std::to_string(s.signal_gaps) +
         ", \"total_s\": " + number(s.signal_gap_s, 3) + "},\n  \"reference_rhythms\": [";
  for (std::size_t k = 0; k < s.reference_rhythms.size(); ++k) {
    const RhythmEpisode& e = s.reference_rhythms[k];
    out += std::string(k ? "," : "") + "\n    {\"rhythm\": " + json_quote(e.rhythm) +
           ", \"start_s\": " + number(e.start_s, 3) + ", \"duration_s\": " + number(e.duration_s, 3) + "}";
  }
  out += s.reference_rhythms.empty() ? "]" : "\n  ]";
  out += ",\n  \"reference_rhythm_totals_s\": {";
  first = true;
  for (const auto& [rhythm, seconds] : rhythm_durations(s.reference_rhythms)) {
    out += (first ? "" : ", ") + json_quote(rhythm) + ": " + number(seconds, 3);
    first = false;
  }
  out += "}";
  if (with_beats) {
    out += ",\n  \"beats\": [";
    for (std::size_t i = 0; i < a.beats.size(); ++i) {
      char b[80];
      std::snprintf(b, sizeof b, "%s{\"sample\": %lld, \"class\": \"%c\"}", i ? ", " : "",
                    static_cast<long long>(a.beats[i].sample), a.beats[i].cls);
      out += b;
    }
    out += "]";
  }
  return out + "\n}\n";
}

}  // namespace ecglite
