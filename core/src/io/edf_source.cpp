// An EDF/BDF file as a RecordSource: the header read once, then for each range only the data records
// it needs (plus one on each side, so that slower leads are interpolated exactly as in a whole read),
// decoded into a partial EdfRecord whose to_record() is the one conversion to the Record model.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

#include "ecglite/edf.h"
#include "ecglite/error.h"
#include "ecglite/record_source.h"
#include "edf_internal.h"
#include "record_source_internal.h"

namespace ecglite {

namespace {

std::string stem_of(const std::string& path) {
  const std::size_t slash = path.find_last_of("/\\");
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

// What both ranged readers need of a file before reading data records: its header, size, the layout
// of a data record and how many there are (a count of -1, a recording not closed: as many as fit).
struct Layout {
  std::uint64_t size = 0;
  EdfHeader header;
  std::vector<std::int64_t> signal_offset;  // where each signal starts in a data record
  std::int64_t record_bytes = 0, num_records = 0;
  std::vector<std::string> warnings;
};

Bytes read_bytes(const ByteRangeProvider& files, const std::string& file_name, std::uint64_t offset, std::uint64_t length) {
  Bytes b = files.read(file_name, offset, length);
  if (b.size() != length)
    throw Error(ErrorKind::bad_data, file_name + ": bytes " + std::to_string(offset) + " to " +
                                         std::to_string(offset + length) +
                                         " could not be read (the file is shorter than it was when opened)");
  return b;
}

Layout read_layout(const ByteRangeProvider& files, const std::string& file_name, const Limits& limits) {
  Layout l;
  l.size = files.size(file_name);
  // The signal count (bytes 252-255) says how long the header is; a bad one is parse_edf_header's to report.
  Bytes head = read_bytes(files, file_name, 0, std::min<std::uint64_t>(l.size, 256));
  std::int64_t ns = 0;
  if (head.size() == 256) ns = std::strtoll(std::string(head.begin() + 252, head.end()).c_str(), nullptr, 10);
  if (ns >= 1 && static_cast<std::uint64_t>(ns) <= limits.max_signals)
    head = read_bytes(files, file_name, 0, std::min<std::uint64_t>(l.size, 256 * static_cast<std::uint64_t>(ns + 1)));
  l.header = parse_edf_header(head, file_name, limits);
  if (l.header.discontinuous) return l;  // read whole by its readers
  const int bps = l.header.bytes_per_sample();
  for (const EdfSignalSpec& s : l.header.signals) {
    l.signal_offset.push_back(l.record_bytes);
    l.record_bytes += s.samples_per_record * bps;
  }
  const std::int64_t available = static_cast<std::int64_t>(l.size) - l.header.header_bytes;
  l.num_records = l.header.num_records;
  if (l.num_records == -1) {
    l.num_records = std::max<std::int64_t>(0, available) / l.record_bytes;
    l.warnings.push_back("the number of data records is not in the header (-1, a recording not closed): " +
                         std::to_string(l.num_records) + " read, as many as the file holds");
  } else if (available / l.record_bytes < l.num_records) {
    throw Error(ErrorKind::bad_data, file_name + ": the file ends in data record " +
                                         std::to_string(available / l.record_bytes + 1) + " of " +
                                         std::to_string(l.num_records) + " (" +
                                         std::to_string(l.num_records * l.record_bytes - available) +
                                         " bytes missing: the file is truncated)");
  }
  return l;
}

// An EDF+D file is read whole once (its timeline needs every data record's time-keeping annotation).
EdfRecord read_discontinuous(const ByteRangeProvider& files, const std::string& file_name, const Layout& l,
                             const Limits& limits) {
  if (l.size > limits.max_file_bytes)
    throw Error(ErrorKind::limit, file_name + ": " + std::to_string(l.size) + " bytes exceed the limit of " +
                                      std::to_string(limits.max_file_bytes) +
                                      " bytes per file for a discontinuous (EDF+D) file, which is read whole");
  return read_edf(read_bytes(files, file_name, 0, l.size), file_name, limits);
}

class EdfSource : public RecordSource {
 public:
  EdfSource(const std::string& file_name, ByteRangeProvider files, const Limits& limits)
      : file_name_(file_name), files_(std::move(files)), limits_(limits) {
    Layout l = read_layout(files_, file_name, limits);
    header_ = l.header;
    if (header_.discontinuous) {
      whole_ = memory_record_source(read_discontinuous(files_, file_name, l, limits).to_record());
      info_ = whole_->info();
      return;
    }
    signal_offset_ = l.signal_offset;
    record_bytes_ = l.record_bytes;
    num_records_ = l.num_records;
    // The ECG leads' fastest rate is the record's (EdfRecord::to_record); frames = records x its samples.
    EdfRecord probe;
    probe.header = header_;
    for (std::size_t s = 0; s < header_.signals.size(); ++s)
      if (probe.is_ecg_lead(s)) fast_spr_ = std::max(fast_spr_, header_.signals[s].samples_per_record);
    source::check_duration(file_name, static_cast<double>(num_records_) * static_cast<double>(fast_spr_),
                           fast_spr_ / header_.record_duration_s, limits);
    if (header_.plus && num_records_ > 0) {
      // Sample 0 lies at data record 0's time-keeping onset ("+0.25": a start within the header's
      // second), which the clock time needs; the other annotations are read_edf_annotations()'s.
      const Bytes first = read_bytes(files_, file_name_, static_cast<std::uint64_t>(header_.header_bytes),
                                     static_cast<std::uint64_t>(record_bytes_));
      std::vector<EdfAnnotation> ignored;
      try {
        first_onset_ = edf::record_annotations(header_, first.data(), signal_offset_, 0, file_name, ignored).value_or(0);
      } catch (const Error&) {
        onset_unknown_ = true;
        l.warnings.push_back("the first data record's time-keeping annotation cannot be read: no clock times");
      }
    }
    const Record first = decode(0, std::min<std::int64_t>(1, num_records_));
    info_ = source::info_of(first);
    info_.length = num_records_ * fast_spr_;
    info_.warnings.insert(info_.warnings.begin(), l.warnings.begin(), l.warnings.end());
    if (onset_unknown_) info_.start_time.reset();
  }

  const RecordInfo& info() const override { return info_; }

  Record read(std::int64_t from, std::int64_t to) override {
    if (whole_) return whole_->read(from, to);
    source::check_range(info_, from, to, limits_);
    // One data record more on each side: interpolated slower leads see the same neighbours.
    const std::int64_t k0 = std::max<std::int64_t>(0, from / fast_spr_ - 1);
    const std::int64_t k1 = std::min<std::int64_t>(num_records_, (to + fast_spr_ - 1) / fast_spr_ + 1);
    const Record part = decode(k0, std::max(k0, k1));
    Record out = source::slice(part, from - k0 * fast_spr_, to - k0 * fast_spr_);
    out.warnings = info_.warnings;
    if (onset_unknown_) out.start_time.reset();
    return out;
  }

 private:

  // Data records [k0, k1) as a Record (to_record of an EdfRecord holding just them).
  Record decode(std::int64_t k0, std::int64_t k1) const {
    EdfRecord part;
    part.header = header_;
    part.name = stem_of(file_name_);
    part.num_records = k1 - k0;
    const Bytes bytes = read_bytes(files_, file_name_, static_cast<std::uint64_t>(header_.header_bytes + k0 * record_bytes_),
                                   static_cast<std::uint64_t>((k1 - k0) * record_bytes_));
    const int bps = header_.bytes_per_sample();
    part.digital.resize(header_.signals.size());
    for (std::size_t s = 0; s < header_.signals.size(); ++s) {
      if (header_.signals[s].annotations) continue;
      const std::int64_t spr = header_.signals[s].samples_per_record;
      std::vector<std::int32_t>& out = part.digital[s];
      out.resize(static_cast<std::size_t>((k1 - k0) * spr));
      for (std::int64_t k = 0; k < k1 - k0; ++k) {
        const std::uint8_t* p = bytes.data() + k * record_bytes_ + signal_offset_[s];
        for (std::int64_t j = 0; j < spr; ++j, p += bps) out[static_cast<std::size_t>(k * spr + j)] = edf::decode_sample(p, header_.bdf);
      }
    }
    for (std::int64_t k = k0; k < k1; ++k) part.record_onsets_s.push_back(first_onset_ + k * header_.record_duration_s);
    return part.to_record();
  }

  std::string file_name_;
  ByteRangeProvider files_;
  Limits limits_;
  EdfHeader header_;
  std::vector<std::int64_t> signal_offset_;
  std::int64_t record_bytes_ = 0, num_records_ = 0, fast_spr_ = 0;
  double first_onset_ = 0;     // EDF+: data record 0's time-keeping onset
  bool onset_unknown_ = false;  // ... which could not be read: no clock time
  RecordInfo info_;
  std::unique_ptr<RecordSource> whole_;  // EDF+D
};

}  // namespace

EdfRecord read_edf_annotations(const std::string& file_name, ByteRangeProvider files, const Limits& limits) {
  const Layout l = read_layout(files, file_name, limits);
  if (l.header.discontinuous) {
    EdfRecord whole = read_discontinuous(files, file_name, l, limits);
    whole.digital.clear();
    return whole;
  }
  EdfRecord rec;
  rec.header = l.header;
  rec.name = stem_of(file_name);
  rec.num_records = l.num_records;
  rec.warnings = l.warnings;
  const bool any = std::any_of(l.header.signals.begin(), l.header.signals.end(), [](const EdfSignalSpec& s) { return s.annotations; });
  std::vector<std::optional<double>> keeping(static_cast<std::size_t>(any ? l.num_records : 0));
  // Data records a few MB at a time: a 24-hour file passes through, never held whole.
  constexpr std::int64_t kChunkBytes = 4 << 20;
  const std::int64_t per_chunk = std::max<std::int64_t>(1, kChunkBytes / l.record_bytes);
  for (std::int64_t k0 = 0; any && k0 < l.num_records; k0 += per_chunk) {
    const std::int64_t k1 = std::min(l.num_records, k0 + per_chunk);
    const Bytes bytes = read_bytes(files, file_name, static_cast<std::uint64_t>(l.header.header_bytes + k0 * l.record_bytes),
                                   static_cast<std::uint64_t>((k1 - k0) * l.record_bytes));
    for (std::int64_t k = k0; k < k1; ++k)
      keeping[static_cast<std::size_t>(k)] =
          edf::record_annotations(l.header, bytes.data() + (k - k0) * l.record_bytes, l.signal_offset, k, file_name, rec.annotations);
  }
  if (any) edf::place_records(rec, keeping, file_name);
  else rec.record_onsets_s.assign(1, 0.0);
  return rec;
}

std::unique_ptr<RecordSource> open_edf_source(const std::string& file_name, ByteRangeProvider files,
                                              const Limits& limits) {
  return std::make_unique<EdfSource>(file_name, std::move(files), limits);
}

}  // namespace ecglite
