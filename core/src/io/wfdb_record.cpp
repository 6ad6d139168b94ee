// Record assembly: the requested range and signals of a single-segment record, or of a multi-segment
// record stitched from its segments (fixed layout, or variable layout with a layout header, null
// "~" segments and signals missing from a segment read as invalid, values re-scaled to the layout's
// gain and baseline as the WFDB library does). Also physical values and the common Record model.
#include <cmath>
#include <limits>
#include <string>

#include "../common/text.h"
#include "ecglite/error.h"
#include "ecglite/wfdb.h"
#include "wfdb_internal.h"

namespace ecglite {

namespace {

using wfdb::SampleMap;
using wfdb::SegmentReader;

std::string text_of(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

// The signals to return: options.signals, or all of them.
std::vector<int> selected_signals(const WfdbReadOptions& options, int num_signals, const std::string& name) {
  std::vector<int> sel = options.signals;
  if (sel.empty())
    for (int s = 0; s < num_signals; ++s) sel.push_back(s);
  for (int s : sel)
    if (s < 0 || s >= num_signals)
      throw Error(ErrorKind::bad_argument, name + ": there is no signal " + std::to_string(s) + " (the record has " +
                                               std::to_string(num_signals) + " signals, numbered from 0)");
  return sel;
}

struct Range {
  std::int64_t from = 0, to = 0;
};

Range resolve_range(const WfdbReadOptions& options, std::int64_t length, const std::string& name) {
  Range r{options.from, options.to.value_or(length)};
  if (r.from < 0 || r.from > length || r.to < r.from || r.to > length)
    throw Error(ErrorKind::bad_argument, name + ": samples " + std::to_string(r.from) + " to " + std::to_string(r.to) +
                                             " are outside the record, which has " + std::to_string(length) +
                                             " samples (give 0 <= from <= to <= " + std::to_string(length) + ")");
  return r;
}

void check_output_limit(std::int64_t frames, const std::vector<WfdbSignalSpec>& specs,
                        const std::vector<int>& sel, bool expand, const Limits& limits, const std::string& name) {
  std::uint64_t per_frame = 0;
  for (int s : sel) per_frame += expand ? specs[s].samples_per_frame : 1;
  const std::uint64_t f = static_cast<std::uint64_t>(std::max<std::int64_t>(frames, 0));
  if (per_frame > 0 && f > limits.max_total_samples / per_frame)
    throw Error(ErrorKind::limit, name + ": " + std::to_string(f) + " samples x " + std::to_string(per_frame) +
                                      " signal values per sample exceeds the limit of " +
                                      std::to_string(limits.max_total_samples) +
                                      " samples (read a shorter range of samples, or split the record)");
}

void read_single(WfdbRecord& rec, const std::string& name, const wfdb::SignalFiles& files,
                 const WfdbReadOptions& options) {
  const WfdbHeader& h = rec.header;
  const std::vector<int> sel = selected_signals(options, static_cast<int>(h.signals.size()), name);
  if (h.length && *h.length > 0)  // reject a hostile length before any file is loaded
    check_output_limit(options.to.value_or(*h.length) - options.from, h.signals, sel, options.expand_frames,
                       options.limits, name);
  SegmentReader reader(h, name, files, options.limits, /*pad_skew=*/false);
  rec.record_length = reader.num_frames();
  const Range r = resolve_range(options, rec.record_length, name);
  check_output_limit(r.to - r.from, h.signals, sel, options.expand_frames, options.limits, name);

  std::vector<SampleMap> maps(sel.size());
  std::vector<int> spf(sel.size());
  for (std::size_t c = 0; c < sel.size(); ++c) {
    maps[c].source = sel[c];
    spf[c] = h.signals[sel[c]].samples_per_frame;
    rec.signals.push_back(h.signals[sel[c]]);
  }
  rec.digital.assign(sel.size(), {});
  reader.read(maps, spf, r.from, r.to, options.expand_frames, rec.digital, rec.computed_checksums, rec.warnings);
}

WfdbHeader read_segment_header(const WfdbSegmentSpec& seg, const wfdb::SignalFiles& files, const Limits& limits) {
  const std::string hea = seg.record_name + ".hea";
  WfdbHeader h = parse_wfdb_header(text_of(files.file(hea, limits)), hea, limits);
  if (h.is_multi_segment())
    throw Error(ErrorKind::bad_header, hea + ": a segment cannot itself be a multi-segment record");
  return h;
}

// How the signals of one segment feed the returned columns.
std::vector<SampleMap> segment_maps(const WfdbHeader& seg, const std::string& seg_name,
                                    const std::vector<WfdbSignalSpec>& layout, const std::vector<int>& sel,
                                    bool variable, std::vector<std::string>& warnings) {
  std::vector<SampleMap> maps(sel.size());
  for (std::size_t c = 0; c < sel.size(); ++c) {
    const WfdbSignalSpec& want = layout[sel[c]];
    SampleMap& m = maps[c];
    if (variable) {
      for (std::size_t s = 0; s < seg.signals.size() && m.source < 0; ++s)
        if (seg.signals[s].description == want.description) m.source = static_cast<int>(s);
    } else if (sel[c] < (int)seg.signals.size()) {
      m.source = sel[c];
    }
    if (m.source < 0) continue;
    const WfdbSignalSpec& have = seg.signals[m.source];
    if (have.samples_per_frame != want.samples_per_frame)
      throw Error(ErrorKind::bad_header, seg_name + ": " + wfdb::signal_label(have, m.source) + " has " +
                                             std::to_string(have.samples_per_frame) +
                                             " samples per frame but the record's first segment or layout says " +
                                             std::to_string(want.samples_per_frame) +
                                             " (inconsistent multi-segment record)");
    if (variable) {
      m.scale = want.gain / have.gain;
      m.offset = want.baseline - m.scale * have.baseline + 0.5;
      m.identity = m.scale == 1 && want.baseline == have.baseline;
    } else if (have.gain != want.gain || have.baseline != want.baseline) {
      warnings.push_back(seg_name + ": " + wfdb::signal_label(have, m.source) +
                         " has a different gain or baseline than the first segment; its physical values use "
                         "the first segment's, as rdsamp does");
    }
  }
  return maps;
}

void read_multi(WfdbRecord& rec, const std::string& name, const wfdb::SignalFiles& files,
                const WfdbReadOptions& options) {
  WfdbHeader& master = rec.header;
  const std::vector<WfdbSegmentSpec>& segs = master.segments;
  // A first segment of length 0 is the layout header of a variable-layout record.
  const bool variable = segs[0].length == 0 && segs[0].record_name != "~";
  std::int64_t total = 0;
  for (const auto& s : segs) {
    if (s.length > std::numeric_limits<std::int64_t>::max() / 2 - total)
      throw Error(ErrorKind::bad_header, name + ": the segment lengths add up to more than any record can hold");
    total += s.length;
  }
  if (master.length && *master.length != total && *master.length != 0)
    rec.warnings.push_back(name + ": the record line says " + std::to_string(*master.length) +
                           " samples but the segments add up to " + std::to_string(total) +
                           "; using the segments");
  rec.record_length = total;

  std::size_t first_real = 0;
  while (first_real < segs.size() && (segs[first_real].record_name == "~" || (!variable && segs[first_real].length == 0)))
    ++first_real;
  if (first_real == segs.size())
    throw Error(ErrorKind::bad_header,
                name + ": every segment is a null (~) segment; the record has no signal description");
  const WfdbHeader layout = read_segment_header(segs[variable ? 0 : first_real], files, options.limits);
  master.signals = layout.signals;
  const std::vector<int> sel = selected_signals(options, static_cast<int>(layout.signals.size()), name);
  const Range r = resolve_range(options, total, name);
  check_output_limit(r.to - r.from, layout.signals, sel, options.expand_frames, options.limits, name);

  std::vector<int> spf(sel.size());
  for (std::size_t c = 0; c < sel.size(); ++c) {
    spf[c] = layout.signals[sel[c]].samples_per_frame;
    rec.signals.push_back(layout.signals[sel[c]]);
  }
  rec.digital.assign(sel.size(), {});
  rec.computed_checksums.assign(layout.signals.size(), std::nullopt);

  std::int64_t start = 0;
  for (const WfdbSegmentSpec& seg : segs) {
    const std::int64_t end = start + seg.length;
    const std::int64_t a = std::max(r.from, start), b = std::min(r.to, end);
    if (a < b) {
      if (seg.record_name == "~") {
        for (std::size_t c = 0; c < sel.size(); ++c)
          rec.digital[c].resize(rec.digital[c].size() + (b - a) * (options.expand_frames ? spf[c] : 1),
                                kInvalidSample);
      } else {
        const std::string seg_name = seg.record_name + ".hea";
        WfdbHeader h = read_segment_header(seg, files, options.limits);
        if (h.sampling_rate_hz != master.sampling_rate_hz)
          rec.warnings.push_back(seg_name + ": sampling frequency " + std::to_string(h.sampling_rate_hz) +
                                 " differs from the record's " + std::to_string(master.sampling_rate_hz));
        if (h.length && *h.length != 0 && *h.length != seg.length)
          throw Error(ErrorKind::bad_header, seg_name + ": the segment has " + std::to_string(*h.length) +
                                                 " samples but " + name + " lists it with " +
                                                 std::to_string(seg.length) +
                                                 " (the headers disagree; the record is corrupt)");
        h.length = seg.length;
        const std::vector<SampleMap> maps = segment_maps(h, seg_name, layout.signals, sel, variable, rec.warnings);
        SegmentReader reader(h, seg_name, files, options.limits, /*pad_skew=*/true);
        std::vector<std::optional<std::uint16_t>> checksums;  // per segment; WFDB ignores them here
        reader.read(maps, spf, a - start, b - start, options.expand_frames, rec.digital, checksums, rec.warnings);
      }
    }
    start = end;
  }
}

}  // namespace

namespace wfdb {

WfdbRecord read_wfdb_named(const std::string& header_text, const std::string& header_name,
                           const FileProvider& files, const WfdbReadOptions& options) {
  SignalFiles whole;
  whole.whole = files;
  return read_wfdb_named(header_text, header_name, whole, options);
}

WfdbRecord read_wfdb_named(const std::string& header_text, const std::string& header_name,
                           const SignalFiles& files, const WfdbReadOptions& options) {
  if (options.from < 0 || (options.to && *options.to < options.from))
    throw Error(ErrorKind::bad_argument, (header_name.empty() ? std::string("record") : header_name) +
                                             ": sample range " + std::to_string(options.from) + " to " +
                                             (options.to ? std::to_string(*options.to) : "end") +
                                             " is not a range (give 0 <= from <= to)");
  WfdbRecord rec;
  const std::string parse_name = header_name.empty() ? "header" : header_name;
  rec.header = parse_wfdb_header(header_text, parse_name, options.limits);
  // From memory, the header's own name is the best name for messages (and for its warnings).
  const std::string name = header_name.empty() ? rec.header.record_name + ".hea" : header_name;
  for (const std::string& w : rec.header.warnings)
    rec.warnings.push_back(w.compare(0, parse_name.size() + 1, parse_name + ":") == 0 ? name + w.substr(parse_name.size())
                                                                                       : w);
  rec.first_sample = options.from;
  if (rec.header.is_multi_segment())
    read_multi(rec, name, files, options);
  else
    read_single(rec, name, files, options);
  return rec;
}

}  // namespace wfdb

WfdbRecord read_wfdb(const std::string& header_text, const FileProvider& files, const WfdbReadOptions& options) {
  return wfdb::read_wfdb_named(header_text, "", files, options);
}

double WfdbRecord::physical(int signal, std::int64_t sample) const {
  const std::int32_t d = digital[signal][sample];
  if (d == kInvalidSample) return std::numeric_limits<double>::quiet_NaN();
  const WfdbSignalSpec& s = signals[signal];
  return (static_cast<double>(d) - s.baseline) / s.gain + 0.0;  // + 0.0: no "-0"
}

Record WfdbRecord::to_record() const {
  // One signal off is a damaged file (a warning); every signal off is, in practice, another
  // record's or a corrupt signal file, and analysing it would give a confident wrong answer.
  // Headers whose checksums are all 0 come from writers that fill the field without computing it.
  int checked = 0, mismatched = 0, zero = 0;
  for (std::size_t s = 0; s < header.signals.size() && s < computed_checksums.size(); ++s) {
    const std::optional<int>& stated = header.signals[s].checksum;
    if (!stated || !computed_checksums[s]) continue;
    ++checked;
    zero += *stated == 0;
    if ((static_cast<std::uint32_t>(*stated) & 0xffff) != *computed_checksums[s]) ++mismatched;
  }
  if (checked > 0 && mismatched == checked && zero < checked)
    throw Error(ErrorKind::bad_data,
                header.record_name + ": the samples of " +
                    (checked == 1 ? "its signal" : "all " + std::to_string(checked) + " signals") +
                    " disagree with the checksums in the header: the signal file is corrupt or belongs to another "
                    "record (a header and its .dat/.mat must come from the same record)");
  Record r;
  r.name = header.record_name;
  r.sampling_rate_hz = header.sampling_rate_hz;
  r.comments = header.comments;
  r.warnings = warnings;
  if (header.start_time && header.sampling_rate_hz > 0)
    r.start_time = header.start_time->plus(static_cast<double>(first_sample) / header.sampling_rate_hz);
  for (std::size_t s = 0; s < digital.size(); ++s) {
    if (digital[s].size() != digital[0].size())
      throw Error(ErrorKind::bad_argument, header.record_name +
                                               ": signals have different numbers of samples (read with "
                                               "expand_frames); read the record with one sample per frame");
    Lead lead;
    lead.name = signals[s].description.empty() ? "signal " + std::to_string(s) : signals[s].description;
    lead.units = signals[s].units;
    lead.samples.resize(digital[s].size());
    for (std::size_t i = 0; i < digital[s].size(); ++i) {
      const double v = physical(static_cast<int>(s), static_cast<std::int64_t>(i));
      if (std::abs(v) > std::numeric_limits<float>::max())
        throw Error(ErrorKind::bad_header,
                    header.record_name + ": " + wfdb::signal_label(signals[s], static_cast<int>(s)) +
                        ": physical values beyond any ECG (" + text::format_number(v) + ") from a gain of " +
                        text::format_number(signals[s].gain) + " adu/" + signals[s].units + " (the header is corrupt)");
      lead.samples[i] = static_cast<float>(v);
    }
    r.leads.push_back(std::move(lead));
  }
  return r;
}

}  // namespace ecglite
