// `ecglite rhythm RECORD [--json] [--beats] [--model FILE | --no-model] [--trend SECONDS]
//  [--annotator NAME | --no-annotations] [--leads i,j] [--rate HZ]`: long-record rhythm summary (duration,
// beats, mean/min/max heart rate and its trend, S and V beats with couplets and runs, pauses) and,
// when the record has reference annotations (RECORD.atr, or --annotator), their rhythm episodes.
// The beat model is found as for `ecglite beats`; without one, beats are not classified.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "args.h"
#include "commands.h"
#include "model_path.h"
#include "output.h"
#include "record_input.h"
#include "ecglite/annotations.h"
#include "ecglite/error.h"
#include "ecglite/read.h"
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

void print_counts(const char* name, const EctopicCounts& c) {
  std::printf("%-18s%lld beats: %lld isolated, %lld couplets, %lld runs of 3 or more (longest %lld)\n", name,
              (long long)c.beats, (long long)c.isolated, (long long)c.couplets, (long long)c.runs,
              (long long)c.longest_run);
}

}  // namespace

int cmd_rhythm(int argc, char** argv, int first) {
  const Args args = parse_args(argc, argv, first, {"--json", "--beats", "--no-model", "--no-annotations"},
                               with_record_options({"--model", "--trend", "--annotator", "--leads"}));
  if (args.positional.size() != 1) throw UsageError("give one record");
  RhythmOptions options;
  options.trend_interval_s = args.get_double("--trend", options.trend_interval_s);
  if (!(options.trend_interval_s >= 1 && options.trend_interval_s <= 3600))
    throw UsageError("--trend expects an interval of 1 to 3600 seconds");
  if (args.has("--leads")) options.qrs.leads = parse_lead_list(args.get("--leads"));
  const std::string path = args.positional[0];
  const Record record = RecordReader(args).read(path);

  const std::string model_path = find_beats_model(args, argv[0]);
  std::unique_ptr<Model> model;
  if (!model_path.empty()) model = std::make_unique<Model>(Model::from_file(model_path));

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

  RhythmAnalysis a = analyze_rhythm(record, model.get(), annotations ? &annotations->annotations : nullptr, options);
  if (annotations) a.warnings = annotations->warnings;
  if (args.has("--json")) {
    write_output(to_json(a, args.has("--beats")));
    return 0;
  }
  const RhythmSummary& s = a.summary;
  std::printf("record            %s (%zu leads, %.6g Hz)\n", record.name.c_str(), record.leads.size(),
              s.sampling_rate_hz);
  std::printf("duration          %s (%.1f s)\n", clock(s.duration_s).c_str(), s.duration_s);
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
