// A WFDB record as a RecordSource: the header parsed once, signal files read in byte ranges.
// Single-segment records keep one SegmentReader (its format 8 checkpoints make reading front to back
// linear); multi-segment records map each range onto their segments through read_wfdb's own path.
// A range that is the whole record is read as read_wfdb reads it (checksums verified).
#include <memory>
#include <string>

#include "ecglite/error.h"
#include "ecglite/record_source.h"
#include "record_source_internal.h"
#include "wfdb_internal.h"

namespace ecglite {

namespace {

class WfdbSource : public RecordSource {
 public:
  WfdbSource(const std::string& header_text, const std::string& header_name, ByteRangeProvider files,
             const Limits& limits)
      : header_text_(header_text), header_name_(header_name), limits_(limits) {
    files_.ranged = std::make_shared<const ByteRangeProvider>(std::move(files));
    header_ = parse_wfdb_header(header_text, header_name.empty() ? "header" : header_name, limits);
    name_ = header_name.empty() ? header_.record_name + ".hea" : header_name;
    // The duration the header claims, before any signal file is touched.
    double frames = static_cast<double>(header_.length.value_or(0));
    if (header_.is_multi_segment()) {
      frames = 0;
      for (const WfdbSegmentSpec& s : header_.segments) frames += static_cast<double>(s.length);
    }
    source::check_duration(name_, frames, header_.sampling_rate_hz, limits);

    // An empty range: the lead names, units, comments and warnings of a whole-record read.
    WfdbReadOptions options;
    options.to = 0;
    options.limits = limits;
    const WfdbRecord empty = wfdb::read_wfdb_named(header_text_, header_name_, files_, options);
    info_ = source::info_of(empty.to_record());
    info_.length = empty.record_length;
    source::check_duration(name_, static_cast<double>(info_.length), header_.sampling_rate_hz, limits);
    if (!header_.is_multi_segment()) {
      reader_ = std::make_unique<wfdb::SegmentReader>(header_, name_, files_, limits, /*pad_skew=*/false);
      if (reader_->num_frames() != info_.length) throw Error("internal: WFDB source length disagrees");
    }
  }

  const RecordInfo& info() const override { return info_; }

  Record read(std::int64_t from, std::int64_t to) override {
    source::check_range(info_, from, to, limits_);
    if (from == 0 && to == info_.length) {
      // The whole record (a short one, analysed in one piece): read as read_wfdb reads it, checksums
      // verified, so a signal file of another record is refused as it always was.
      wfdb::SignalFiles whole;
      const std::shared_ptr<const ByteRangeProvider> ranged = files_.ranged;
      const Limits limits = limits_;
      whole.whole = [ranged, limits](const std::string& name) {
        wfdb::SignalFiles files;
        files.ranged = ranged;
        return files.file(name, limits);
      };
      WfdbReadOptions options;
      options.limits = limits_;
      return wfdb::read_wfdb_named(header_text_, header_name_, whole, options).to_record();
    }
    if (!reader_) {
      WfdbReadOptions options;
      options.from = from;
      options.to = to;
      options.limits = limits_;
      return wfdb::read_wfdb_named(header_text_, header_name_, files_, options).to_record();
    }
    WfdbRecord rec;
    rec.header = header_;
    rec.signals = header_.signals;
    rec.first_sample = from;
    rec.record_length = info_.length;
    rec.warnings = info_.warnings;
    const std::size_t n = header_.signals.size();
    std::vector<wfdb::SampleMap> maps(n);
    std::vector<int> spf(n);
    for (std::size_t s = 0; s < n; ++s) {
      maps[s].source = static_cast<int>(s);
      spf[s] = header_.signals[s].samples_per_frame;
    }
    rec.digital.assign(n, {});
    std::vector<std::string> warnings;  // none when ranged (no checksums)
    reader_->read(maps, spf, from, to, /*expand=*/false, rec.digital, rec.computed_checksums, warnings);
    Record out = rec.to_record();
    out.warnings = info_.warnings;
    return out;
  }

 private:
  std::string header_text_, header_name_, name_;
  Limits limits_;
  wfdb::SignalFiles files_;
  WfdbHeader header_;
  RecordInfo info_;
  std::unique_ptr<wfdb::SegmentReader> reader_;  // single-segment records
};

}  // namespace

std::unique_ptr<RecordSource> open_wfdb_source(const std::string& header_text, const std::string& header_name,
                                               ByteRangeProvider files, const Limits& limits) {
  return std::make_unique<WfdbSource>(header_text, header_name, std::move(files), limits);
}

}  // namespace ecglite
