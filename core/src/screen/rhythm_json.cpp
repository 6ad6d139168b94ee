// JSON rendering of the rhythm analysis: the one schema of `ecglite rhythm --json` and of the JS
// module's rhythm() (which parses this text and adds the beats as typed arrays).
#include "ecglite/rhythm.h"
#include "ecglite/json.h"
#include "json_text.h"

#include <limits>

namespace ecglite {

using json_text::Fixed;
using json_text::Number;
using json_text::Quoted;
using json_text::Strings;

namespace {

void counts_json(json_text::Out& o, const EctopicCounts& c) {
  o << "{\"beats\": " << c.beats << ", \"isolated\": " << c.isolated
    << ", \"couplets\": " << c.couplets << ", \"runs\": " << c.runs
    << ", \"longest_run\": " << c.longest_run << "}";
}

// The verdict of the whole recording, its AF episodes and burden, and the per-block classes (as one
// string of class letters, with the block length: a 24 h record has 17,280 blocks).
void verdict_json(json_text::Out& o, const RhythmVerdict& v, double fs) {
  const auto& names = rhythm_class_names();
  o << "{\"class\": " << Quoted{std::string(1, v.cls)} << ", \"probability\": " << Number{v.probability}
    << ", \"probabilities\": {";
  for (std::size_t k = 0; k < names.size() && k < v.probabilities.size(); ++k)
    o << (k ? ", " : "") << Quoted{names[k]} << ": " << Number{v.probabilities[k]};
  o << "}, \"lead\": " << v.lead << ", \"lead_name\": " << Quoted{v.lead_name} << ", \"model\": " << Quoted{v.model}
    << ",\n    \"af_burden\": " << Fixed{v.af_burden, 4} << ", \"af_episodes\": [";
  for (std::size_t k = 0; k < v.af_episodes.size(); ++k) {
    const AfEpisode& e = v.af_episodes[k];
    o << (k ? ", " : "") << "{\"start\": " << e.start << ", \"end\": " << e.end
      << ", \"start_s\": " << Fixed{e.start / fs, 3} << ", \"duration_s\": " << Fixed{(e.end - e.start) / fs, 3} << "}";
  }
  std::string classes;
  for (const RhythmBlock& b : v.blocks) classes += b.cls;
  const double block_s = v.blocks.empty() ? 0 : (v.blocks[0].end - v.blocks[0].start) / fs;
  o << "],\n    \"blocks\": {\"length_s\": " << Fixed{block_s, 3} << ", \"classes\": " << Quoted{classes}
    << ", \"probabilities\": [";
  for (std::size_t k = 0; k < v.blocks.size(); ++k) o << (k ? ", " : "") << Number{v.blocks[k].probability};
  o << "]}}";
}

void run_json(json_text::Out& o, const LongestRun& r) {
  o << "{\"beats\": " << r.beats << ", \"start\": " << r.start << ", \"end\": " << r.end
    << ", \"start_s\": " << Fixed{r.start_s, 3} << ", \"duration_s\": " << Fixed{r.duration_s, 3}
    << ", \"rate_bpm\": " << Fixed{r.rate_bpm, 1} << "}";
}

// The Holter summary (holter.h): NaN (not enough data, no rhythm verdict) is null.
void holter_json(json_text::Out& o, const HolterSummary& h) {
  const double none = std::numeric_limits<double>::quiet_NaN();
  o << "{";
  // The clock time of the recording's start, only when the file states one.
  if (h.start_time) o << "\"start_time\": " << Quoted{h.start_time->iso()} << ", ";
  o << "\"hour_s\": " << Fixed{h.hour_s, 3} << ", \"hours\": [";
  for (std::size_t k = 0; k < h.hours.size(); ++k) {
    const HolterHour& r = h.hours[k];
    o << (k ? "," : "") << "\n    {\"start_s\": " << Fixed{r.start_s, 3} << ", \"duration_s\": " << Fixed{r.duration_s, 3}
      << ", \"partial\": " << (r.partial ? "true" : "false") << ", \"beats\": " << r.beats
      << ", \"min_hr_bpm\": " << Fixed{r.min_hr_bpm, 1} << ", \"mean_hr_bpm\": " << Fixed{r.mean_hr_bpm, 1}
      << ", \"max_hr_bpm\": " << Fixed{r.max_hr_bpm, 1} << ", \"s_beats\": " << r.s_beats
      << ", \"v_beats\": " << r.v_beats << ", \"pauses\": " << r.pauses << ", \"af_s\": " << Fixed{r.af_s, 1} << "}";
  }
  o << (h.hours.empty() ? "]" : "\n    ]") << ",\n    \"longest_s_run\": ";
  run_json(o, h.longest_s_run);
  o << ", \"longest_v_run\": ";
  run_json(o, h.longest_v_run);
  o << ",\n    \"af_burden\": " << Fixed{h.has_af ? h.af_burden : none, 4} << ", \"af_episode_count\": ";
  if (h.has_af) o << h.af_episode_count;
  else o << "null";
  o << ", \"af_total_s\": " << Fixed{h.has_af ? h.af_total_s : none, 3};
  const HrvTimeDomain& v = h.hrv;
  o << ",\n    \"hrv\": {\"nn_from_classes\": " << (v.nn_from_classes ? "true" : "false")
    << ", \"rr_intervals\": " << v.rr_intervals << ", \"nn_intervals\": " << v.nn_intervals
    << ", \"mean_nn_ms\": " << Fixed{v.mean_nn_ms, 1} << ", \"sdnn_ms\": " << Fixed{v.sdnn_ms, 1}
    << ", \"sdann_ms\": " << Fixed{v.sdann_ms, 1} << ", \"sdann_segments\": " << v.sdann_segments
    << ", \"rmssd_ms\": " << Fixed{v.rmssd_ms, 1} << ", \"pnn50_percent\": " << Fixed{v.pnn50_percent, 2}
    << ", \"successive_differences\": " << v.successive_differences << "}}";
}

}  // namespace

std::string to_json(const RhythmAnalysis& a, bool with_beats) {
  const RhythmSummary& s = a.summary;
  json_text::Out o;
  o << "{\n  \"record\": " << Quoted{a.record_name} << ",\n  \"duration_s\": " << Fixed{s.duration_s, 3}
    << ",\n  \"sampling_rate_hz\": " << Fixed{s.sampling_rate_hz, 6}
    << ",\n  \"beats_detected\": " << s.beats
    << ",\n  \"heart_rate\": {\"mean_bpm\": " << Fixed{s.mean_hr_bpm, 1} << ", \"min_bpm\": " << Fixed{s.min_hr_bpm, 1}
    << ", \"max_bpm\": " << Fixed{s.max_hr_bpm, 1} << ", \"trend_interval_s\": " << Fixed{s.trend_interval_s, 3}
    << ", \"trend_bpm\": [";
  for (std::size_t k = 0; k < s.hr_trend_bpm.size(); ++k) o << (k ? ", " : "") << Fixed{s.hr_trend_bpm[k], 1};
  o << "]},\n  \"classified\": " << (s.classified ? "true" : "false") << ",\n  \"classes\": {";
  bool first = true;
  for (const auto& [cls, count] : s.class_counts) {
    o << (first ? "" : ", ") << Quoted{std::string(1, cls)} << ": " << count;
    first = false;
  }
  o << "},\n  \"supraventricular\": ";
  counts_json(o, s.supraventricular);
  o << ",\n  \"ventricular\": ";
  counts_json(o, s.ventricular);
  o << ",\n  \"pauses\": {\"count\": " << s.pauses << ", \"longest_rr_s\": " << Fixed{s.longest_rr_s, 3}
    << "},\n  \"signal_gaps\": {\"count\": " << s.signal_gaps
    << ", \"total_s\": " << Fixed{s.signal_gap_s, 3} << "},\n  \"reference_rhythms\": [";
  for (std::size_t k = 0; k < s.reference_rhythms.size(); ++k) {
    const RhythmEpisode& e = s.reference_rhythms[k];
    o << (k ? "," : "") << "\n    {\"rhythm\": " << Quoted{e.rhythm} << ", \"start\": " << e.start
      << ", \"end\": " << e.end << ", \"start_s\": " << Fixed{e.start_s, 3}
      << ", \"duration_s\": " << Fixed{e.duration_s, 3} << "}";
  }
  o << (s.reference_rhythms.empty() ? "]" : "\n  ]") << ",\n  \"reference_rhythm_totals_s\": {";
  first = true;
  for (const auto& [rhythm, seconds] : rhythm_durations(s.reference_rhythms)) {
    o << (first ? "" : ", ") << Quoted{rhythm} << ": " << Fixed{seconds, 3};
    first = false;
  }
  o << "},\n  \"verdict\": ";
  if (a.has_verdict) verdict_json(o, a.verdict, s.sampling_rate_hz);
  else o << "null";
  o << ",\n  \"holter\": ";
  holter_json(o, a.holter);
  o << ",\n  \"warnings\": " << Strings{a.warnings};
  if (with_beats) {
    // Columns, as the JS module hands them out (typed arrays there): sample indices, one class letter
    // per beat, the probability of each beat's class.
    std::string classes;
    for (const Beat& b : a.beats) classes += b.cls;
    o << ",\n  \"beats\": {\"samples\": [";
    for (std::size_t i = 0; i < a.beats.size(); ++i) o << (i ? ", " : "") << a.beats[i].sample;
    o << "], \"classes\": " << Quoted{classes} << ", \"probabilities\": [";
    for (std::size_t i = 0; i < a.beats.size(); ++i) o << (i ? ", " : "") << Number{a.beats[i].probability};
    o << "]}";
  }
  o << "\n}\n";
  return o.text;
}

}  // namespace ecglite
