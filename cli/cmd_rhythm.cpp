// `ecglite rhythm RECORD [--json] [--beats] [--model FILE | --no-model] [--rhythm-model FILE |
//  --no-rhythm-model] [--rhythm-lead N] [--trend SECONDS] [--annotator NAME | --no-annotations]
//  [--leads i,j] [--export-input FILE.npy] [--export-rr-summary FILE.json] [--holter-csv FILE] [--rate HZ]`: the rhythm verdict (rhythm model: N, A, O, ~)
// with per-block classes, AF episodes and AF burden; the long-record summary (duration, beats,
// mean/min/max heart rate and its trend, S and V beats with couplets and runs, pauses) and, when the
// record has reference annotations (RECORD.atr, or --annotator), their rhythm episodes. The beat
// model is found as for `ecglite beats`; without one, beats are not classified. --export-input
// writes the rhythm model's input (rhythm_signal, float32 [1][channels][samples]) for training,
// --export-rr-summary the whole record's RR summaries a model's head reads (rhythm_rr_summary, JSON).
// Recordings of kHolterMinSeconds (10 min) or more also get the Holter summary (holter.h): hourly
// table, longest runs, HRV; --holter-csv writes the hourly table (holter_csv) of any recording.
// The record is read in blocks (open_source, analyze_rhythm on a RecordSource): a 24-hour or 14-day
// recording is analysed in bounded memory, with progress on stderr when it is a terminal.
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "args.h"
#include "commands.h"
#include "model_path.h"
#include "npy.h"
#include "output.h"
#include "record_input.h"
#include "ecglite/annotations.h"
#include "ecglite/clock_time.h"
#include "ecglite/error.h"
#include "ecglite/read.h"
#include "ecglite/record_source.h"
#include "ecglite/rhythm.h"

namespace ecglite::cli {

namespace {

std::string clock(double seconds) {
  const long long s = std::llround(seconds);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

// The clock time `seconds` into a recording that started at `start` ("14:03:59", "+1 d" on the next
// day); "" when the file gives no start time.
std::string clock_at(const std::optional<ClockTime>& start, double seconds) {
  if (!start) return "";
  const ClockTime t = start->plus(seconds);
  const long long day = t.day_offset(*start);
  return t.time_of_day() + (day > 0 ? " (+" + std::to_string(day) + " d)" : "");
}

void print_counts(const char* name, const EctopicCounts& c) {
  std::printf("%-18s%lld beats: %lld isolated, %lld couplets, %lld runs of 3 or more (longest %lld)\n", name,
              (long long)c.beats, (long long)c.isolated, (long long)c.couplets, (long long)c.runs,
              (long long)c.longest_run);
}

const char* rhythm_words(char cls) {
  switch (cls) {
    case 'N': return "sinus rhythm";
    case 'A': return "atrial fibrillation";
    case 'O': return "other rhythm";
    default: return "too noisy to read: record again";
  }
}

void print_verdict(const RhythmVerdict& v, double fs, const std::optional<ClockTime>& start) {
  std::printf("rhythm            %s (%c, probability %.2f; lead %s, model %s)\n", rhythm_words(v.cls), v.cls,
              v.probability, v.lead_name.c_str(), v.model.c_str());
  if (v.blocks.size() < 2) return;
  std::string classes;
  for (const RhythmBlock& b : v.blocks) classes += b.cls;
  const double block_s = (v.blocks[0].end - v.blocks[0].start) / fs;
  std::printf("AF burden         %.1f %% of the readable time (%zu episode%s)\n", 100 * v.af_burden,
              v.af_episodes.size(), v.af_episodes.size() == 1 ? "" : "s");
  for (const AfEpisode& e : v.af_episodes) {
    std::printf("  AF episode      %s to %s (%s)", clock(e.start / fs).c_str(), clock(e.end / fs).c_str(),
                clock((e.end - e.start) / fs).c_str());
    if (start) std::printf(", clock %s to %s", clock_at(start, e.start / fs).c_str(), clock_at(start, e.end / fs).c_str());
    std::printf("\n");
  }
  if (classes.size() <= 240) std::printf("per %g s          %s\n", block_s, classes.c_str());
}

std::string rate(double bpm) {
  if (std::isnan(bpm)) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f", bpm);
  return buf;
}

std::string ms(double value, const char* unit = "ms") {
  if (std::isnan(value)) return "not enough data";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", value, unit);
  return buf;
}

void print_run(const char* name, const LongestRun& r, const std::optional<ClockTime>& start) {
  if (r.beats == 0) return (void)std::printf("%-18snone\n", name);
  std::printf("%-18s%lld beat%s at %s", name, (long long)r.beats, r.beats == 1 ? "" : "s", clock(r.start_s).c_str());
  if (start) std::printf(", clock %s", clock_at(start, r.start_s).c_str());
  if (r.beats >= 2) std::printf(" (%.1f s, %s bpm)", r.duration_s, rate(r.rate_bpm).c_str());
  std::printf("\n");
}

void print_holter(const HolterSummary& h) {
  std::printf("Holter summary    per hour from the start of the recording (heart rate: min and max of the minutes)\n");
  // The clock column only when the file gives a start time ("14:03:59", "01:03:59 (+1 d)").
  std::printf(h.start_time ? "  hour     start  clock           beats  min mean  max      S      V pauses  AF\n"
                           : "  hour     start   beats  min mean  max      S      V pauses  AF\n");
  for (std::size_t k = 0; k < h.hours.size(); ++k) {
    const HolterHour& r = h.hours[k];
    std::printf("  %4zu  %8s  ", k + 1, clock(r.start_s).c_str());
    if (h.start_time) std::printf("%-15s", clock_at(h.start_time, r.start_s).c_str());
    std::printf("%6lld %4s %4s %4s %6lld %6lld %6lld  %s%s\n",
                (long long)r.beats, rate(r.min_hr_bpm).c_str(), rate(r.mean_hr_bpm).c_str(), rate(r.max_hr_bpm).c_str(),
                (long long)r.s_beats, (long long)r.v_beats, (long long)r.pauses,
                std::isnan(r.af_s) ? "-" : clock(r.af_s).c_str(),
                r.partial ? ("   (partial hour: " + clock(r.duration_s) + ")").c_str() : "");
  }
  print_run("longest S run", h.longest_s_run, h.start_time);
  print_run("longest V run", h.longest_v_run, h.start_time);
  const HrvTimeDomain& v = h.hrv;
  std::printf("HRV (NN)          SDNN %s, SDANN %s (%lld 5-min segments), RMSSD %s, pNN50 %s\n", ms(v.sdnn_ms).c_str(),
              ms(v.sdann_ms).c_str(), (long long)v.sdann_segments, ms(v.rmssd_ms).c_str(),
              ms(v.pnn50_percent, "%").c_str());
  std::printf("                  %lld NN of %lld RR intervals (%s, 300-2000 ms)\n", (long long)v.nn_intervals,
              (long long)v.rr_intervals,
              v.nn_from_classes ? "both beats N" : "beats not classified: every beat taken as normal");
}

// "analysing: 37 % (9 of 24 h)" on stderr, rewritten in place after each block of a long record
// (only on a terminal: a log or a pipe gets no progress lines).
class ProgressLine {
 public:
  explicit ProgressLine(double duration_s) : duration_s_(duration_s) {}
  ~ProgressLine() { done(); }  // an error message then starts on its own line
  bool show(double fraction) {
    if (fraction >= 1 && !shown_) return true;  // one block: nothing worth a progress line
    const bool hours = duration_s_ >= 7200;
    const double total = duration_s_ / (hours ? 3600 : 60);
    std::fprintf(stderr, "\ranalysing: %3.0f %% (%.0f of %.0f %s)", 100 * fraction, fraction * total, total,
                 hours ? "h" : "min");
    std::fflush(stderr);
    shown_ = true;
    return true;
  }
  void done() {
    if (shown_) std::fprintf(stderr, "\n");
    shown_ = false;
  }

 private:
  double duration_s_;
  bool shown_ = false;
};

}  // namespace

int cmd_rhythm(int argc, char** argv, int first) {
  const Args args =
      parse_args(argc, argv, first, {"--json", "--beats", "--no-model", "--no-annotations", "--no-rhythm-model"},
                 with_record_options({"--model", "--trend", "--annotator", "--leads", "--rhythm-model", "--rhythm-lead",
                                      "--export-input", "--export-rr-summary", "--holter-csv"}));
  if (args.positional.size() != 1) throw UsageError("give one record");
  RhythmOptions options;
  options.trend_interval_s = args.get_double("--trend", options.trend_interval_s);
  if (!(options.trend_interval_s >= 1 && options.trend_interval_s <= 3600))
    throw UsageError("--trend expects an interval of 1 to 3600 seconds");
  if (args.has("--leads")) options.qrs.leads = parse_lead_list(args.get("--leads"));
  const std::string path = args.positional[0];
  // Read in blocks: a 24-hour or multi-day recording needs memory for one block, not the whole.
  const std::unique_ptr<RecordSource> source = RecordReader(args).open_source(path);
  const RecordInfo& info = source->info();
  if (args.has("--rhythm-lead")) {
    const std::vector<int> lead = parse_index_list("--rhythm-lead", args.get("--rhythm-lead"), 63, "a lead", "0");
    if (lead.size() != 1 || lead[0] >= static_cast<int>(info.lead_names.size()))
      throw UsageError("--rhythm-lead expects one lead number below " + std::to_string(info.lead_names.size()) +
                       " (the record's lead count), got '" + args.get("--rhythm-lead") + "'");
    options.rhythm_lead = lead[0];
  }

  const std::string model_path = find_beats_model(args, argv[0]);
  std::unique_ptr<Model> model;
  if (!model_path.empty()) model = std::make_unique<Model>(Model::from_file(model_path));
  const std::string rhythm_model_path = find_rhythm_model(args, argv[0]);
  std::unique_ptr<Model> rhythm_model;
  if (!rhythm_model_path.empty()) rhythm_model = std::make_unique<Model>(Model::from_file(rhythm_model_path));

  if (args.has("--export-input") || args.has("--export-rr-summary")) {
    // The model's input of the whole record at once (training): the record must fit in memory.
    const std::uint64_t samples = static_cast<std::uint64_t>(info.length) * info.lead_names.size();
    if (samples > default_limits().max_total_samples)
      throw Error(ErrorKind::limit, path + ": --export-input needs the whole record in memory, and its " +
                                        std::to_string(samples) + " samples exceed the limit of " +
                                        std::to_string(default_limits().max_total_samples) +
                                        " (export a shorter record, or leave --export-input out: the analysis "
                                        "itself reads the record in blocks)");
    const Record record = source->read(0, info.length);
    const RhythmInputSpec spec = rhythm_model ? rhythm_input_spec(rhythm_model->info()) : RhythmInputSpec{};
    const int lead = options.rhythm_lead >= 0 ? options.rhythm_lead : rhythm_lead(record);
    const std::vector<std::int64_t> beats = detect_qrs(record, options.qrs);
    if (args.has("--export-input")) {
      const std::vector<float> input = rhythm_signal(record, lead, beats, spec);
      write_npy_float32(args.get("--export-input"), input,
                        {1, spec.channels.size(), input.size() / spec.channels.size()});
    }
    if (args.has("--export-rr-summary")) {
      const std::vector<float> summary = rhythm_rr_summary(record, lead, beats);
      std::string json = "{";
      for (std::size_t k = 0; k < summary.size(); ++k) {
        char value[48];
        std::snprintf(value, sizeof value, "%.9g", double(summary[k]));
        json += (k ? ", \"" : "\"") + rhythm_rr_summary_names()[k] + "\": " + value;
      }
      json += "}\n";
      write_file(args.get("--export-rr-summary"), {{json.data(), json.size()}});
    }
  }

  // Reference annotations: --annotator, else RECORD.atr when it exists (WFDB records only).
  std::unique_ptr<AnnotationFile> annotations;
  if (!args.has("--no-annotations") && !is_csv_path(path)) {
    const std::string base = record_base(path);
    struct stat st;
    if (args.has("--annotator"))
      annotations = std::make_unique<AnnotationFile>(read_annotations_file(base, args.get("--annotator")));
    else if (::stat((base + ".atr").c_str(), &st) == 0) {
      // Found, not asked for: a damaged file only costs the reference rhythms, not the analysis.
      try {
        annotations = std::make_unique<AnnotationFile>(read_annotations_file(base, "atr"));
      } catch (const Error& e) {
        print_message("rhythm", std::string("warning: reference rhythms left out: ") + explain(e) +
                                    " (--no-annotations skips the file)");
      }
    }
  }

  StreamOptions stream;
  ProgressLine progress(info.duration_s());
  if (::isatty(2)) stream.progress = [&progress](double fraction) { return progress.show(fraction); };
  RhythmAnalysis a = analyze_rhythm(*source, model.get(), annotations ? &annotations->annotations : nullptr, options,
                                    rhythm_model.get(), stream);
  progress.done();
  if (annotations) a.warnings.insert(a.warnings.end(), annotations->warnings.begin(), annotations->warnings.end());
  if (args.has("--holter-csv")) {
    const std::string csv = holter_csv(a.holter);
    write_file(args.get("--holter-csv"), {{csv.data(), csv.size()}});
  }
  if (args.has("--json")) {
    write_output(to_json(a, args.has("--beats")));
    return 0;
  }
  const RhythmSummary& s = a.summary;
  std::printf("record            %s (%zu leads, %.6g Hz)\n", info.name.c_str(), info.lead_names.size(),
              s.sampling_rate_hz);
  std::printf("duration          %s (%.1f s)\n", clock(s.duration_s).c_str(), s.duration_s);
  if (a.holter.start_time) {
    std::string start = a.holter.start_time->iso();
    if (start.size() > 10 && start[10] == 'T') start[10] = ' ';
    std::printf("start time        %s (from the file; clock times below are this plus the elapsed time)\n", start.c_str());
  }
  if (a.has_verdict) print_verdict(a.verdict, info.sampling_rate_hz, a.holter.start_time);
  else if (!rhythm_model) std::printf("rhythm            no verdict (no rhythm model: pass --rhythm-model models/rhythm-int8.ecgm)\n");
  for (const std::string& w : a.warnings) std::printf("warning           %s\n", w.c_str());
  std::printf("beats             %lld\n", (long long)s.beats);
  std::printf("heart rate        mean %.0f bpm, min %.0f, max %.0f (over %g s intervals)\n", s.mean_hr_bpm,
              s.min_hr_bpm, s.max_hr_bpm, s.trend_interval_s);
  std::printf("pauses            %lld RR intervals >= %.1f s (longest RR %.2f s)\n", (long long)s.pauses,
              options.pause_s, s.longest_rr_s);
  if (s.signal_gaps > 0)
    std::printf("no signal         %s in %lld stretch%s (left out of heart rate, pauses and beat classes)\n",
                clock(s.signal_gap_s).c_str(), (long long)s.signal_gaps, s.signal_gaps == 1 ? "" : "es");
  if (s.classified) {
    std::printf("classes          ");
    for (const auto& [cls, count] : s.class_counts) std::printf(" %c %lld", cls, (long long)count);
    std::printf("   (model %s)\n", model->info().name.c_str());
    print_counts("supraventricular", s.supraventricular);
    print_counts("ventricular", s.ventricular);
  } else {
    std::printf("classes           not classified (%s)\n",
                model ? "no beats detected" : "no beat model: pass --model models/beats-int8.ecgm");
  }
  if (s.duration_s >= kHolterMinSeconds) print_holter(a.holter);
  std::printf("heart-rate trend  (bpm per %g s)\n", s.trend_interval_s);
  for (std::size_t k = 0; k < s.hr_trend_bpm.size(); ++k) {
    if (std::isnan(s.hr_trend_bpm[k])) std::printf("  %8s  -\n", clock(k * s.trend_interval_s).c_str());
    else std::printf("  %8s  %.0f\n", clock(k * s.trend_interval_s).c_str(), s.hr_trend_bpm[k]);
  }
  if (!s.reference_rhythms.empty()) {
    std::printf("reference rhythms (annotations), total time per rhythm:\n");
    for (const auto& [rhythm, seconds] : rhythm_durations(s.reference_rhythms))
      std::printf("  %-6s %s\n", rhythm.c_str(), clock(seconds).c_str());
    std::printf("reference rhythm episodes (start, rhythm, duration):\n");
    for (const RhythmEpisode& e : s.reference_rhythms)
      std::printf("  %8s  %-6s %s\n", clock(e.start_s).c_str(), e.rhythm.c_str(), clock(e.duration_s).c_str());
  }
  if (args.has("--beats")) {
    std::printf("beats (sample, class)\n");
    for (const Beat& b : a.beats) std::printf("  %lld\t%c\n", (long long)b.sample, b.cls);
  }
  return 0;
}

}  // namespace ecglite::cli
