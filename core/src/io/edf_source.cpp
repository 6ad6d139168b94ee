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

class EdfSource : public RecordSource {
 public:
  EdfSource(const std::string& file_name, ByteRangeProvider files, const Limits& limits)
      : file_name_(file_name), files_(std::move(files)), limits_(limits) {
    size_ = files_.size(file_name);
    // The signal count (bytes 252-255) says how long the header is; a bad one is parse_edf_header's to report.
    Bytes head = read_bytes(0, std::min<std::uint64_t>(size_, 256));
    std::int64_t ns = 0;
    if (head.size() == 256) ns = std::strtoll(std::string(head.begin() + 252, head.end()).c_str(), nullptr, 10);
    if (ns >= 1 && static_cast<std::uint64_t>(ns) <= limits.max_signals)
      head = read_bytes(0, std::min<std::uint64_t>(size_, 256 * static_cast<std::uint64_t>(ns + 1)));
    header_ = parse_edf_header(head, file_name, limits);

    if (header_.discontinuous) {
      // EDF+D: where each data record lies on the timeline is in every record's annotations.
      if (size_ > limits.max_file_bytes)
        throw Error(ErrorKind::limit, file_name + ": " + std::to_string(size_) + " bytes exceed the limit of " +
                                          std::to_string(limits.max_file_bytes) +
                                          " bytes per file for a discontinuous (EDF+D) file, which is read whole");
      whole_ = memory_record_source(read_edf(read_bytes(0, size_), file_name, limits).to_record());
      info_ = whole_->info();
      return;
    }
    const int bps = header_.bytes_per_sample();
    for (const EdfSignalSpec& s : header_.signals) {
      signal_offset_.push_back(record_bytes_);
      record_bytes_ += s.samples_per_record * bps;
    }
    const std::int64_t available = static_cast<std::int64_t>(size_) - header_.header_bytes;
    num_records_ = header_.num_records;
    std::vector<std::string> warnings;
    if (num_records_ == -1) {
      num_records_ = std::max<std::int64_t>(0, available) / record_bytes_;
      warnings.push_back("the number of data records is not in the header (-1, a recording not closed): " +
                         std::to_string(num_records_) + " read, as many as the file holds");
    } else if (available / record_bytes_ < num_records_) {
      throw Error(ErrorKind::bad_data, file_name + ": the file ends in data record " +
                                           std::to_string(available / record_bytes_ + 1) + " of " +
                                           std::to_string(num_records_) + " (" +
                                           std::to_string(num_records_ * record_bytes_ - available) +
                                           " bytes missing: the file is truncated)");
    }
    // The ECG leads' fastest rate is the record's (EdfRecord::to_record); frames = records x its samples.
    EdfRecord probe;
    probe.header = header_;
    for (std::size_t s = 0; s < header_.signals.size(); ++s)
      if (probe.is_ecg_lead(s)) fast_spr_ = std::max(fast_spr_, header_.signals[s].samples_per_record);
    source::check_duration(file_name, static_cast<double>(num_records_) * static_cast<double>(fast_spr_),
                           fast_spr_ / header_.record_duration_s, limits);
    const Record first = decode(0, std::min<std::int64_t>(1, num_records_));
    info_ = source::info_of(first);
    info_.length = num_records_ * fast_spr_;
    info_.warnings.insert(info_.warnings.begin(), warnings.begin(), warnings.end());
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
    return out;
  }

 private:
  Bytes read_bytes(std::uint64_t offset, std::uint64_t length) const {
    Bytes b = files_.read(file_name_, offset, length);
    if (b.size() != length)
      throw Error(ErrorKind::bad_data, file_name_ + ": bytes " + std::to_string(offset) + " to " +
                                           std::to_string(offset + length) +
                                           " could not be read (the file is shorter than it was when opened)");
    return b;
  }

  // Data records [k0, k1) as a Record (to_record of an EdfRecord holding just them).
  Record decode(std::int64_t k0, std::int64_t k1) const {
    EdfRecord part;
    part.header = header_;
    part.name = stem_of(file_name_);
    part.num_records = k1 - k0;
    const Bytes bytes = read_bytes(static_cast<std::uint64_t>(header_.header_bytes + k0 * record_bytes_),
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
    for (std::int64_t k = k0; k < k1; ++k) part.record_onsets_s.push_back(k * header_.record_duration_s);
    return part.to_record();
  }

  std::string file_name_;
  ByteRangeProvider files_;
  Limits limits_;
  std::uint64_t size_ = 0;
  EdfHeader header_;
  std::vector<std::int64_t> signal_offset_;
  std::int64_t record_bytes_ = 0, num_records_ = 0, fast_spr_ = 0;
  RecordInfo info_;
  std::unique_ptr<RecordSource> whole_;  // EDF+D
};

}  // namespace

std::unique_ptr<RecordSource> open_edf_source(const std::string& file_name, ByteRangeProvider files,
                                              const Limits& limits) {
  return std::make_unique<EdfSource>(file_name, std::move(files), limits);
}

}  // namespace ecglite
