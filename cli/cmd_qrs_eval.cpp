// `ecglite qrs-eval DIR [--annotator atr] [--tolerance-ms 150] [--json] [--markdown]`: runs the QRS
// detector on every record of DIR (the records listed in DIR/RECORDS, else every .hea with an
// annotation file) and scores it beat by beat against the reference beat annotations: per record
// and gross sensitivity (Se) and positive predictivity (+P). Ventricular flutter episodes ('[' to
// ']') are left out, as ANSI/AAMI EC57 specifies; the gross result with them is printed too.
// --leads 0,1 restricts the detector to those leads; --resample HZ first resamples every record
// (reference times scaled to the new rate), to check the detector at other sampling rates.
// --nst-noisy-only scores only the segments to which the MIT-BIH Noise Stress Test adds noise
// (nst_noisy_segments: 2 minutes on, 2 off, from minute 5); the detector still sees the whole record.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "output.h"
#include "ecglite/annotations.h"
#include "ecglite/error.h"
#include "ecglite/json.h"
#include "ecglite/limits.h"
#include "ecglite/preprocess.h"
#include "ecglite/qrs.h"
#include "ecglite/qrs_eval.h"
#include "ecglite/wfdb.h"
#include "../core/src/common/text.h"

namespace ecglite::cli {

namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::vector<std::string> list_records(const std::string& dir, const std::string& annotator) {
  std::vector<std::string> records;
  std::ifstream list(dir + "/RECORDS");
  if (list) {
    std::string line;
    while (std::getline(list, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) records.push_back(line);
    }
    return records;
  }
  DIR* d = ::opendir(dir.c_str());
  if (!d) throw Error(dir + ": cannot open directory (give the directory holding the records)");
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".hea") == 0) {
      const std::string stem = name.substr(0, name.size() - 4);
      if (exists(dir + "/" + stem + "." + annotator)) records.push_back(stem);
    }
  }
  ::closedir(d);
  std::sort(records.begin(), records.end());
  return records;
}

struct Row {
  std::string record;
  QrsScore score;      // flutter episodes excluded
  QrsScore score_all;  // everything
  double seconds = 0;  // detection CPU time
  double duration_s = 0;
  SampleIntervals scored;  // with --nst-noisy-only: the scored segments
  double rate_hz = 0;
};

std::string pct(double v) {
  char s[16];
  std::snprintf(s, sizeof s, "%.2f", 100 * v);
  return s;
}

std::string score_json(const QrsScore& s) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"reference\": %lld, \"detected\": %lld, \"tp\": %lld, \"fn\": %lld, \"fp\": %lld, "
                "\"se\": %.6f, \"ppv\": %.6f}",
                (long long)s.reference_beats, (long long)s.detected_beats, (long long)s.true_positives,
                (long long)s.false_negatives, (long long)s.false_positives, s.sensitivity(),
                s.positive_predictivity());
  return buf;
}

}  // namespace

int cmd_qrs_eval(int argc, char** argv, int first) {
  const Args args = parse_args(argc, argv, first, {"--json", "--markdown", "--nst-noisy-only"},
                               {"--annotator", "--tolerance-ms", "--leads", "--resample"});
  if (args.positional.size() != 1) throw UsageError("give one directory of records");
  QrsOptions options;
  if (args.has("--leads")) options.leads = parse_lead_list(args.get("--leads"));
  const double resample_hz = args.get_double("--resample", 0);
  if (args.has("--resample") && !(resample_hz >= kQrsMinRateHz))
    throw UsageError("--resample expects a rate of at least 50 Hz");
  const std::string dir = args.positional[0];
  const std::string annotator = args.get("--annotator", "atr");
  const double tolerance_ms = args.get_double("--tolerance-ms", 150);
  if (!(tolerance_ms > 0 && tolerance_ms < 1000)) throw UsageError("--tolerance-ms expects 0 < ms < 1000");
  const std::vector<std::string> records = list_records(dir, annotator);
  if (records.empty())
    throw Error(dir + ": no records with ." + annotator + " annotations found (give e.g. the MIT-BIH directory)");

  std::vector<Row> rows;
  QrsScore gross, gross_all;
  double total_seconds = 0, total_duration = 0;
  std::vector<std::string> skipped;  // unreadable records: said on stderr, listed in the JSON
  for (const std::string& name : records) {
    const std::string path = dir + "/" + name;
    Record record;
    AnnotationFile ann;
    try {
      record = read_wfdb_file(path).to_record();
      ann = read_annotations_file(path, annotator);
    } catch (const Error& e) {
      print_message("qrs-eval", "warning: " + name + " left out: " + explain(e));
      skipped.push_back(name);
      continue;
    }
    if (resample_hz > 0) {
      const double ratio = resample_hz / record.sampling_rate_hz;
      // The limits hold for what is read; resampling up can multiply it, so they are checked again.
      const double samples = static_cast<double>(record.length()) * ratio * record.leads.size();
      if (samples > static_cast<double>(default_limits().max_total_samples))
        throw Error(name + ": resampled to " + text::format_number(resample_hz) + " Hz it would hold " +
                    std::to_string(static_cast<long long>(samples)) + " samples, more than the limit of " +
                    std::to_string(default_limits().max_total_samples) + " (choose a lower --resample rate)");
      for (Lead& lead : record.leads) lead.samples = resample(lead.samples, record.sampling_rate_hz, resample_hz);
      record.sampling_rate_hz = resample_hz;
      for (Annotation& a : ann.annotations) a.sample = std::llround(a.sample * ratio);
    }
    // CPU time of the (single-threaded) detection: meaningful on a loaded machine too.
    const std::clock_t t0 = std::clock();
    const std::vector<std::int64_t> detected = detect_qrs(record, options);
    const std::clock_t t1 = std::clock();
    Row row;
    row.record = name;
    row.seconds = double(t1 - t0) / CLOCKS_PER_SEC;
    row.duration_s = record.duration_s();
    const std::int64_t tolerance = std::llround(tolerance_ms / 1000 * record.sampling_rate_hz);
    const std::vector<std::int64_t> ref = reference_beats(ann.annotations);
    const auto length = static_cast<std::int64_t>(record.length());
    SampleIntervals left_out;  // outside the scored segments
    if (args.has("--nst-noisy-only")) {
      row.scored = nst_noisy_segments(record.sampling_rate_hz, length);
      left_out = complement(row.scored, length);
    }
    row.rate_hz = record.sampling_rate_hz;
    SampleIntervals left_out_flutter = flutter_episodes(ann.annotations, length);
    left_out_flutter.insert(left_out_flutter.end(), left_out.begin(), left_out.end());
    row.score = score_beats(ref, detected, tolerance, left_out_flutter);
    row.score_all = score_beats(ref, detected, tolerance, left_out);
    gross += row.score;
    gross_all += row.score_all;
    total_seconds += row.seconds;
    total_duration += row.duration_s;
    rows.push_back(row);
  }
  if (rows.empty()) throw Error(dir + ": none of its " + std::to_string(records.size()) + " records could be read");

  if (args.has("--json")) {
    std::string out = "{\n  \"directory\": " + json_quote(dir) + ",\n  \"annotator\": " +
                      json_quote(annotator) + ",\n  \"tolerance_ms\": " + std::to_string(tolerance_ms) +
                      ",\n  \"records\": [\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      char t[96];
      std::snprintf(t, sizeof t, ", \"detect_cpu_s\": %.4f, \"duration_s\": %.1f", rows[i].seconds,
                    rows[i].duration_s);
      std::string scored;
      if (args.has("--nst-noisy-only")) {
        scored = ", \"scored_s\": [";
        for (std::size_t k = 0; k < rows[i].scored.size(); ++k) {
          char seg[64];
          std::snprintf(seg, sizeof seg, "%s[%.3f, %.3f]", k ? ", " : "", rows[i].scored[k].first / rows[i].rate_hz,
                        (rows[i].scored[k].second + 1) / rows[i].rate_hz);
          scored += seg;
        }
        scored += "]";
      }
      out += "    {\"record\": " + json_quote(rows[i].record) + ", \"score\": " + score_json(rows[i].score) +
             ", \"score_with_flutter\": " + score_json(rows[i].score_all) + t + scored + "}" +
             (i + 1 < rows.size() ? ",\n" : "\n");
    }
    char t[64];
    std::snprintf(t, sizeof t, "%.3f", total_seconds);
    out += "  ],\n  \"skipped\": [";
    for (std::size_t i = 0; i < skipped.size(); ++i) out += (i ? ", " : "") + json_quote(skipped[i]);
    out += "],\n  \"gross\": " + score_json(gross) + ",\n  \"gross_with_flutter\": " +
           score_json(gross_all) + ",\n  \"detect_cpu_s\": " + t + "\n}\n";
    write_output(out);
    return 0;
  }
  const bool md = args.has("--markdown");
  if (md) {
    std::printf("| Record | Beats | TP | FN | FP | Se (%%) | +P (%%) |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (const Row& r : rows)
      std::printf("| %s | %lld | %lld | %lld | %lld | %s | %s |\n", r.record.c_str(),
                  (long long)r.score.reference_beats, (long long)r.score.true_positives,
                  (long long)r.score.false_negatives, (long long)r.score.false_positives,
                  pct(r.score.sensitivity()).c_str(), pct(r.score.positive_predictivity()).c_str());
    std::printf("| **Gross** | %lld | %lld | %lld | %lld | **%s** | **%s** |\n", (long long)gross.reference_beats,
                (long long)gross.true_positives, (long long)gross.false_negatives,
                (long long)gross.false_positives, pct(gross.sensitivity()).c_str(),
                pct(gross.positive_predictivity()).c_str());
    std::printf("| Gross, flutter episodes included | %lld | %lld | %lld | %lld | %s | %s |\n",
                (long long)gross_all.reference_beats, (long long)gross_all.true_positives,
                (long long)gross_all.false_negatives, (long long)gross_all.false_positives,
                pct(gross_all.sensitivity()).c_str(), pct(gross_all.positive_predictivity()).c_str());
    return 0;
  }
  std::printf("%-8s %7s %7s %6s %6s %8s %8s %8s\n", "record", "beats", "TP", "FN", "FP", "Se%", "+P%", "cpu ms");
  for (const Row& r : rows)
    std::printf("%-8s %7lld %7lld %6lld %6lld %8s %8s %8.1f\n", r.record.c_str(),
                (long long)r.score.reference_beats, (long long)r.score.true_positives,
                (long long)r.score.false_negatives, (long long)r.score.false_positives,
                pct(r.score.sensitivity()).c_str(), pct(r.score.positive_predictivity()).c_str(),
                1000 * r.seconds);
  std::printf("%-8s %7lld %7lld %6lld %6lld %8s %8s %8.1f\n", "gross", (long long)gross.reference_beats,
              (long long)gross.true_positives, (long long)gross.false_negatives,
              (long long)gross.false_positives, pct(gross.sensitivity()).c_str(),
              pct(gross.positive_predictivity()).c_str(), 1000 * total_seconds);
  std::printf("%-8s %7lld %7lld %6lld %6lld %8s %8s   (flutter episodes included)\n", "gross*",
              (long long)gross_all.reference_beats, (long long)gross_all.true_positives,
              (long long)gross_all.false_negatives, (long long)gross_all.false_positives,
              pct(gross_all.sensitivity()).c_str(), pct(gross_all.positive_predictivity()).c_str());
  std::printf("detection: %.2f s CPU for %.1f h of recordings (%zu record%s)\n", total_seconds,
              total_duration / 3600, rows.size(), rows.size() == 1 ? "" : "s");
  return 0;
}

}  // namespace ecglite::cli
