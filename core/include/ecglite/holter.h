// The Holter summary of a long recording, from the per-beat results the rhythm summary has (beat
// times and classes, stretches without signal, the rhythm verdict): an hourly table, the longest S
// and V runs with their times, the AF burden, and time-domain heart-rate variability.
//
// Hours are counted from the start of the recording, the last one is partial when the recording does
// not end on a whole hour. When the file states its start time (WFDB base time, EDF start date and
// time: Record::start_time), start_time holds it and an hour's clock time is start_time + start_s. An RR interval belongs to the hour
// (and 1-minute bin, and 5-minute segment) in which its second beat lies, as in the heart-rate trend.
//
// HRV (Task Force of the ESC and NASPE, Circulation 1996;93:1043-65) on normal-to-normal (NN)
// intervals. An RR interval is NN when
//   - both its beats are normal: class 'N' with a beat model; without one all beats are taken as
//     normal (nn_from_classes false: ectopic beats are then not excluded, the page and CLI say so),
//   - it is physiologically plausible: kMinNnS <= RR <= kMaxNnS (300-2000 ms, 30-200 bpm),
//   - it does not overlap a stretch without signal.
// So the intervals before and after an ectopic beat (N-V, V-N) are never NN.
//   SDNN   sample standard deviation (n - 1) of all NN intervals, ms
//   SDANN  sample standard deviation of the mean NN interval of the 5-minute segments from the start;
//          a segment counts when it lies wholly in the recording and its NN intervals add up to at
//          least half of it; needs 2 such segments
//   RMSSD  root mean square of the differences of successive NN intervals (two NN intervals sharing a
//          beat: three normal beats in a row), ms
//   pNN50  share of those differences larger than 50 ms, %
// Recordings shorter than kMinHrvSeconds (5 min) get none of them ("not enough data": NaN, JSON null).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ecglite/beats.h"
#include "ecglite/clock_time.h"
#include "ecglite/qrs.h"
#include "ecglite/rhythm_class.h"

namespace ecglite {

constexpr double kMinNnS = 0.3;
constexpr double kMaxNnS = 2.0;
constexpr double kMinHrvSeconds = 300;
constexpr double kSdannSegmentS = 300;
// `ecglite rhythm` prints the Holter summary for recordings at least this long (the JSON always has it).
constexpr double kHolterMinSeconds = 600;

struct HolterOptions {
  double hour_s = 3600;   // the table's row length
  double pause_s = 2.0;   // an RR interval at least this long is a pause (as RhythmOptions::pause_s)
};

struct HolterHour {
  double start_s = 0, duration_s = 0;  // duration_s < hour_s: a partial hour (the recording's last)
  bool partial = false;
  std::int64_t beats = 0;
  // Heart rate: mean over the hour's RR intervals (60 / mean RR); min and max over its whole minutes
  // (60 / mean RR of the minute's RR intervals, minutes with 2 or more). NaN when there are none.
  double min_hr_bpm = 0, mean_hr_bpm = 0, max_hr_bpm = 0;
  std::int64_t s_beats = 0, v_beats = 0;
  std::int64_t pauses = 0;
  double af_s = 0;  // seconds of AF episodes in the hour (NaN without a rhythm verdict)
};

// The longest run (consecutive beats) of one class; beats 0 when there is none.
struct LongestRun {
  std::int64_t beats = 0;
  std::int64_t start = 0, end = 0;  // samples of its first and last beat
  double start_s = 0, duration_s = 0;
  double rate_bpm = 0;  // 60 (beats - 1) / duration; NaN for a single beat
};

struct HrvTimeDomain {
  bool nn_from_classes = false;  // NN from beat classes ('N'); false: all beats taken as normal
  std::int64_t rr_intervals = 0;  // RR intervals measured (not across a stretch without signal)
  std::int64_t nn_intervals = 0;
  double mean_nn_ms = 0, sdnn_ms = 0, sdann_ms = 0, rmssd_ms = 0, pnn50_percent = 0;  // NaN: not enough data
  std::int64_t sdann_segments = 0;  // 5-minute segments SDANN used
  std::int64_t successive_differences = 0;  // for RMSSD and pNN50
};

struct HolterSummary {
  std::optional<ClockTime> start_time;  // the recording's first sample (analyze_rhythm: from the record)
  double hour_s = 3600;
  std::vector<HolterHour> hours;
  LongestRun longest_s_run, longest_v_run;
  bool has_af = false;  // a rhythm verdict was given: the AF fields below hold
  double af_burden = 0;
  std::int64_t af_episode_count = 0;
  double af_total_s = 0;
  HrvTimeDomain hrv;
};

// The Holter summary of `beats` (ascending samples; cls '?' when unclassified) of a record of
// `length` samples. RR intervals overlapping `gaps` are neither heart rate, pauses nor NN intervals.
// `verdict` (may be null) gives the AF burden and episodes.
HolterSummary summarize_holter(const std::vector<Beat>& beats, double sampling_rate_hz, std::int64_t length,
                               const SampleIntervals& gaps = {}, const RhythmVerdict* verdict = nullptr,
                               const HolterOptions& options = {});

// Time-domain HRV of NN intervals, in seconds, in recording order; `successive[i]` says whether
// nn_s[i] and nn_s[i+1] share a beat, `end_s[i]` is the time of nn_s[i]'s second beat.
// (summarize_holter's HRV part, on its own for tests and references.)
HrvTimeDomain hrv_time_domain(const std::vector<double>& nn_s, const std::vector<double>& end_s,
                              const std::vector<bool>& successive, double duration_s);

// The hourly table as CSV (RFC 4180, CRLF): a header row, one row per hour; empty fields where a
// value is missing. With a start_time, a `start_time` column after `start_s` holds each hour's clock
// time (ClockTime::iso). The one text `ecglite rhythm --holter-csv` writes and the page's "Export CSV" saves.
std::string holter_csv(const HolterSummary& holter);

}  // namespace ecglite
