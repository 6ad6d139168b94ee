// `ecglite info RECORD [--rate HZ]`: what the header says, human-readable, plus what reading the samples found
// (checksums verified, length inferred, warnings). Exits non-zero, after printing the header, when the
// samples cannot be decoded (missing or truncated signal file, unsupported format).
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "args.h"
#include "commands.h"
#include "record_input.h"
#include "ecglite/csv.h"
#include "ecglite/edf.h"
#include "ecglite/error.h"
#include "ecglite/read.h"
#include "ecglite/wfdb.h"

namespace ecglite::cli {

namespace {

std::string number(double v) {
  char s[40];
  std::snprintf(s, sizeof s, "%.12g", v);
  return s;
}

std::string duration(std::int64_t samples, double fs) {
  if (!(fs > 0)) return "";
  const double seconds = samples / fs;
  const long long ms = std::llround(seconds * 1000);
  char s[96];
  std::snprintf(s, sizeof s, " (%.3f s = %lld:%02lld:%02lld.%03lld)", seconds, ms / 3600000, ms / 60000 % 60,
                ms / 1000 % 60, ms % 1000);
  return s;
}

const char* format_name(int format) {
  switch (format) {
    case 0: return "null signal, no samples stored";
    case 8: return "8-bit first differences";
    case 16: return "16-bit two's complement, little-endian";
    case 24: return "24-bit two's complement, little-endian";
    case 32: return "32-bit two's complement, little-endian";
    case 61: return "16-bit two's complement, big-endian";
    case 80: return "8-bit offset binary";
    case 160: return "16-bit offset binary";
    case 212: return "12-bit, 2 samples packed in 3 bytes";
    case 310: return "10-bit, 3 samples packed in 2 words";
    case 311: return "10-bit, 3 samples packed in a 32-bit word";
    case 508:
    case 516:
    case 524:
      if (!is_supported_wfdb_format(format)) return "FLAC-compressed, not supported by this build (no libFLAC)";
      return format == 508 ? "8-bit, FLAC-compressed" : format == 516 ? "16-bit, FLAC-compressed" : "24-bit, FLAC-compressed";
    default: return "unknown";
  }
}

void line(const char* key, const std::string& value) { std::printf("%-16s%s\n", key, value.c_str()); }
void field(const char* key, const std::string& value) { std::printf("  %-16s%s\n", key, value.c_str()); }

std::string checksum_text(const WfdbSignalSpec& s, const std::optional<std::uint16_t>& computed, bool multi) {
  if (!s.checksum) return "-";
  std::string text = std::to_string(*s.checksum);
  if (computed) {
    if ((static_cast<std::uint32_t>(*s.checksum) & 0xffff) == *computed) return text + " (verified)";
    return text + " (MISMATCH: the samples give " + std::to_string(static_cast<std::int16_t>(*computed)) + ")";
  }
  return text + (multi ? " (not verified: multi-segment record)" : " (not verified)");
}

void print_wfdb(const std::string& path, const WfdbHeader& h, const WfdbRecord* rec) {
  line("record", h.record_name);
  line("header", path);
  line("signals", std::to_string(rec ? rec->header.signals.size() : h.signals.size()));
  line("frequency", number(h.sampling_rate_hz) + " Hz (frames per second)");
  if (h.counter_frequency > 0)
    line("counter", number(h.counter_frequency) + " Hz, base counter " + number(h.base_counter));
  if (h.length && (*h.length > 0 || !rec)) {
    std::string text = std::to_string(*h.length) + " samples" + duration(*h.length, h.sampling_rate_hz);
    if (rec && rec->record_length != *h.length)
      text += "; " + std::to_string(rec->record_length) + " readable" +
              (h.is_multi_segment() ? " (the sum of the segments)" : " (skewed signals end earlier, as in rdsamp)");
    line("length", text);
  }
  else if (rec)
    line("length", std::to_string(rec->record_length) + " samples" + duration(rec->record_length, h.sampling_rate_hz) +
                       (h.length ? ", inferred from the file size (the header says 0: unknown)"
                                 : ", inferred from the file size (not in the header)"));
  else
    line("length", "not in the header");
  line("base time", h.base_time.empty() ? "-" : h.base_time);
  line("base date", h.base_date.empty() ? "-" : h.base_date);

  const std::vector<WfdbSignalSpec>& signals = rec ? rec->header.signals : h.signals;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    const WfdbSignalSpec& s = signals[i];
    std::printf("signal %-9zu%s\n", i, s.description.c_str());
    field("file", s.file_name);
    field("format", std::to_string(s.format) + " (" + format_name(s.format) + ")");
    field("samples/frame", std::to_string(s.samples_per_frame));
    field("skew", std::to_string(s.skew));
    field("byte offset", std::to_string(s.byte_offset));
    field("gain", number(s.gain) + " adu/" + s.units + (s.gain_given ? "" : " (default: no gain in the header)"));
    field("baseline", number(s.baseline));
    field("units", s.units);
    field("adc resolution", std::to_string(s.adc_resolution) + " bits");
    field("adc zero", std::to_string(s.adc_zero));
    field("initial value", std::to_string(s.initial_value));
    const std::optional<std::uint16_t> computed =
        rec && i < rec->computed_checksums.size() ? rec->computed_checksums[i] : std::nullopt;
    field("checksum", checksum_text(s, computed, h.is_multi_segment()));
    field("block size", std::to_string(s.block_size));
    field("description", s.description.empty() ? "-" : s.description);
  }
  if (h.is_multi_segment()) {
    const bool variable = h.segments[0].length == 0;
    line("segments", std::to_string(h.segments.size()) + (variable ? " (variable layout)" : " (fixed layout)"));
    std::int64_t start = 0;
    for (std::size_t k = 0; k < h.segments.size(); ++k) {
      const WfdbSegmentSpec& seg = h.segments[k];
      std::string what = seg.record_name == "~" ? " (null segment: no signals)"
                         : k == 0 && variable  ? " (layout header)"
                                               : "";
      std::printf("  %-4zu %-24s %lld samples from sample %lld%s\n", k, seg.record_name.c_str(),
                  (long long)seg.length, (long long)start, what.c_str());
      start += seg.length;
    }
  }
  if (!h.comments.empty()) {
    line("comments", std::to_string(h.comments.size()));
    for (const auto& c : h.comments) std::printf("  %s\n", c.c_str());
  }
  const std::vector<std::string>& warnings = rec ? rec->warnings : h.warnings;  // the record's include the header's
  if (!warnings.empty()) {
    line("warnings", std::to_string(warnings.size()));
    for (const auto& w : warnings) std::printf("  %s\n", w.c_str());
  }
}

void print_record(const std::string& path, const Record& r) {
  line("record", r.name);
  line("file", path);
  line("signals", std::to_string(r.leads.size()));
  line("frequency", number(r.sampling_rate_hz) + " Hz");
  line("length", std::to_string(r.length()) + " samples" + duration(r.length(), r.sampling_rate_hz));
  for (std::size_t i = 0; i < r.leads.size(); ++i)
    std::printf("signal %-9zu%s (%s)\n", i, r.leads[i].name.c_str(), r.leads[i].units.empty() ? "units unknown" : r.leads[i].units.c_str());
  if (!r.comments.empty()) {
    line("comments", std::to_string(r.comments.size()));
    for (const auto& c : r.comments) std::printf("  %s\n", c.c_str());
  }
  if (!r.warnings.empty()) {
    line("warnings", std::to_string(r.warnings.size()));
    for (const auto& w : r.warnings) std::printf("  %s\n", w.c_str());
  }
}

void print_edf(const std::string& path, const EdfRecord& e) {
  const EdfHeader& h = e.header;
  line("record", e.name);
  line("file", path);
  line("format", h.format_name() + (h.bdf ? " (24-bit samples)" : " (16-bit samples)"));
  line("patient", h.patient.empty() ? "-" : h.patient);
  line("recording", h.recording.empty() ? "-" : h.recording);
  line("start", h.start_date + " " + h.start_time);
  line("data records", std::to_string(e.num_records) + " of " + number(h.record_duration_s) + " s" +
                           (h.num_records < 0 ? " (the header says -1: unknown)" : ""));
  line("signals", std::to_string(h.signals.size()));
  for (std::size_t i = 0; i < h.signals.size(); ++i) {
    const EdfSignalSpec& s = h.signals[i];
    std::printf("signal %-9zu%s\n", i, s.label.c_str());
    if (s.annotations) {
      field("annotations", std::to_string(s.samples_per_record * h.bytes_per_sample()) + " bytes per data record");
      continue;
    }
    field("use", e.is_ecg_lead(i) ? "ECG lead" : "left out (not an ECG)");
    field("frequency", number(h.sampling_rate_hz(i)) + " Hz (" + std::to_string(s.samples_per_record) +
                           " samples per data record)");
    field("length", std::to_string(e.digital[i].size()) + " samples" + duration(e.digital[i].size(), h.sampling_rate_hz(i)));
    field("dimension", s.physical_dimension.empty() ? "-" : s.physical_dimension);
    field("physical", number(s.physical_min) + " to " + number(s.physical_max));
    field("digital", std::to_string(s.digital_min) + " to " + std::to_string(s.digital_max));
    field("transducer", s.transducer.empty() ? "-" : s.transducer);
    field("prefilter", s.prefilter.empty() ? "-" : s.prefilter);
  }
  if (h.plus) line("annotations", std::to_string(e.annotations.size()) + " (ecglite ann " + path + ")");
  if (!e.warnings.empty()) {
    line("warnings", std::to_string(e.warnings.size()));
    for (const auto& w : e.warnings) std::printf("  %s\n", w.c_str());
  }
}

}  // namespace

int cmd_info(int argc, char** argv, int first) {
  const Args args = parse_args(argc, argv, first, {}, with_record_options({}));
  if (args.positional.size() != 1) throw UsageError("give one record");
  const RecordReader reader(args);
  const std::string& path = args.positional[0];
  if (is_edf_path(path)) {
    print_edf(path, reader.read_edf(path));
    return 0;
  }
  if (is_csv_path(path)) {
    print_record(path, reader.read(path));
    return 0;
  }
  const WfdbHeader header = reader.read_wfdb_header(path);
  // Reading an empty range decodes every sample (for the checksums) without storing any.
  WfdbReadOptions options;
  options.to = 0;
  std::optional<WfdbRecord> rec;
  std::optional<Error> failure;  // reported after what the header says, with its kind
  try {
    rec = reader.read_wfdb(path, options);
  } catch (const Error& e) {
    failure = e;
  }
  print_wfdb(header_path(path), header, rec ? &*rec : nullptr);
  if (failure) throw *failure;
  return 0;
}

}  // namespace ecglite::cli
