// Long-record rhythm summary (Holter style) on 1-12 leads: beats, heart rate and its trend, ectopic
// beats and their runs, pauses, and the reference rhythm episodes when annotations are present.
// analyze_rhythm() is the whole path the CLI and the wasm module call: detect_qrs, classify_beats
// when a beat model is given, summarize_rhythm. It reads the record from a RecordSource in blocks
// (StreamOptions), so a 24-hour or 14-day recording needs memory for one block plus a few bytes per
// beat; a record no longer than one block (with its margins) is analysed whole, in one piece.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ecglite/annotations.h"
#include "ecglite/beats.h"
#include "ecglite/holter.h"
#include "ecglite/model.h"
#include "ecglite/qrs.h"
#include "ecglite/record.h"
#include "ecglite/record_source.h"
#include "ecglite/rhythm_class.h"

namespace ecglite {

struct RhythmOptions {
  double trend_interval_s = 10;  // heart-rate trend resolution (10 s; 60 for a per-minute trend)
  double pause_s = 2.0;          // an RR interval at least this long is a pause
  int rhythm_lead = -1;          // the lead the rhythm model reads; negative: rhythm_lead()
  QrsOptions qrs;
};

// Isolated ectopic beats, couplets (2 in a row) and runs (3 or more in a row) of one class.
struct EctopicCounts {
  std::int64_t beats = 0;
  std::int64_t isolated = 0;
  std::int64_t couplets = 0;
  std::int64_t runs = 0;
  std::int64_t longest_run = 0;  // beats in the longest sequence (0 when none)
};

// An interval of one rhythm from the reference annotations ("AFIB", "N", "VT", ...).
struct RhythmEpisode {
  std::string rhythm;      // the aux text without its "(" ("(AFIB" -> "AFIB")
  std::int64_t start = 0;  // samples
  std::int64_t end = 0;    // exclusive
  double start_s = 0;
  double duration_s = 0;
};

struct RhythmSummary {
  double duration_s = 0;
  double sampling_rate_hz = 0;
  std::int64_t beats = 0;
  double mean_hr_bpm = 0;            // 60 / mean RR over the measured RR intervals; 0 if none
  double min_hr_bpm = 0, max_hr_bpm = 0;  // over the trend intervals holding at least 2 RR intervals
  double trend_interval_s = 0;
  std::vector<double> hr_trend_bpm;  // per interval: 60 / mean RR of the RR intervals ending in it; NaN if none
  bool classified = false;           // beat classes come from a beat model
  std::map<char, std::int64_t> class_counts;  // 'N','S','V','F','Q' (or '?' when unclassified)
  EctopicCounts supraventricular;    // S beats
  EctopicCounts ventricular;         // V beats
  std::int64_t pauses = 0;
  double longest_rr_s = 0;
  // Stretches without signal (signal_gaps): the RR intervals across them count for nothing above.
  std::int64_t signal_gaps = 0;
  double signal_gap_s = 0;
  std::vector<RhythmEpisode> reference_rhythms;  // from the annotations, when given
};

// Summarises classified (or unclassified, cls '?') beats of a record of `length` samples at
// `sampling_rate_hz`. RR intervals that overlap a stretch of `gaps` (signal_gaps) are not heart-rate
// data or pauses.
RhythmSummary summarize_rhythm(const std::vector<Beat>& beats, double sampling_rate_hz, std::int64_t length,
                               const RhythmOptions& options = {}, const SampleIntervals& gaps = {});

// The rhythm episodes of an annotation list: each rhythm-change annotation (code 28, aux "(X")
// starts an episode that lasts until the next one or the end of the record.
std::vector<RhythmEpisode> rhythm_episodes(const std::vector<Annotation>& annotations,
                                           double sampling_rate_hz, std::int64_t length);

// Total seconds per rhythm over the episodes (as the MIT-BIH "Table of rhythms").
std::map<std::string, double> rhythm_durations(const std::vector<RhythmEpisode>& episodes);

struct RhythmAnalysis {
  std::string record_name;
  std::vector<Beat> beats;
  RhythmSummary summary;
  bool has_verdict = false;           // a rhythm model ran (and the record is long enough)
  RhythmVerdict verdict;
  HolterSummary holter;               // hourly table, longest runs, AF burden, HRV (holter.h)
  std::vector<std::string> warnings;  // non-fatal findings (the annotation file's are added by the caller that read it)
};

// How a long record is read: blocks of block_s, each with margin_s of context on both sides.
struct StreamOptions {
  double block_s = 1800;     // frames analysed per block (one MIT-BIH record)
  double margin_s = 300;     // context read on each side of a block (every input of a beat uses the beats within +-150 s)
  // Called after each block with the fraction of the record done (0..1]; return false to cancel: analyze_rhythm then throws Error(ErrorKind::cancelled).
  std::function<bool(double fraction_done)> progress;
};

// Detects beats, classifies them when `beat_model` is given (see beats.h), summarises, adds the
// reference rhythm episodes of `reference` when given, and the rhythm verdict with AF episodes when
// `rhythm_model` is given (see rhythm_class.h; a record shorter than kRhythmMinSeconds gets a
// warning instead), and the Holter summary of all that (summarize_holter).
//
// A record longer than block_s + 2 margin_s is read block by block: each block [b0, b1) is read with
// its margins, QRS detection, beat classification (with every beat of the read range, so the
// features see context), stretches without signal and the rhythm model run on the read range, and
// only the results inside [b0, b1) are kept (blocks are aligned to the rhythm model's 5 s stride, so
// its blocks tile the record exactly). The summaries and the whole recording's verdict are then
// made once from the joined per-beat and per-block results. What the analysis normalises over "the
// record" (the median QRS amplitude of the beat and rhythm inputs, the median RR of the rhythm
// model's RR_change) is then normalised over each read range: results equal a whole-record analysis
// except near the joints of blocks and where these medians differ (docs/LIMITS.md). Memory: one read
// range (two at once in native builds when a range holds at most 4 M samples) plus ~16 bytes per beat
// and ~24 per 5 s block. `progress` is called on the calling thread.
RhythmAnalysis analyze_rhythm(RecordSource& source, const Model* beat_model = nullptr,
                              const std::vector<Annotation>* reference = nullptr,
                              const RhythmOptions& options = {}, const Model* rhythm_model = nullptr,
                              const StreamOptions& stream = {});

// The same for a record in memory (one block for records up to block_s + 2 margin_s: 40 minutes).
RhythmAnalysis analyze_rhythm(const Record& record, const Model* beat_model = nullptr,
                              const std::vector<Annotation>* reference = nullptr,
                              const RhythmOptions& options = {}, const Model* rhythm_model = nullptr);

// JSON rendering, the one schema of `ecglite rhythm --json` and the wasm module's rhythm() (field
// names in wasm/index.d.ts, RhythmResult): the summary, the warnings, and with `with_beats` a "beats"
// object of columns {"samples": [...], "classes": "NNV...", "probabilities": [...]}. NaN trend points
// and Holter values without enough data are null.
std::string to_json(const RhythmAnalysis& analysis, bool with_beats = false);

}  // namespace ecglite
