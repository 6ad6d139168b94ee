// RecordSource in memory, the CLI's choice of source by path, byte ranges from a directory on disk,
// and the checks every source applies (range, samples held at once, duration).
#include "ecglite/record_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "../common/text.h"
#include "ecglite/edf.h"
#include "ecglite/error.h"
#include "ecglite/read.h"
#include "record_source_internal.h"
#include "wfdb_internal.h"

namespace ecglite {

namespace source {

void check_duration(const std::string& name, double frames, double sampling_rate_hz, const Limits& limits) {
  if (!(sampling_rate_hz > 0)) return;  // the readers refuse such a header themselves
  const double seconds = frames / sampling_rate_hz;
  if (seconds <= limits.max_duration_s) return;
  throw Error(ErrorKind::limit, name + ": the header says the recording lasts " + text::format_number(seconds / 86400) +
                                    " days (" + text::format_number(frames) + " samples at " +
                                    text::format_number(sampling_rate_hz) + " Hz), more than the limit of " +
                                    text::format_number(limits.max_duration_s / 86400) +
                                    " days (check the length and sampling frequency in the header, or split the "
                                    "recording into shorter records)");
}

void check_range(const RecordInfo& info, std::int64_t from, std::int64_t to, const Limits& limits) {
  if (from < 0 || to < from || to > info.length)
    throw Error(ErrorKind::bad_argument, info.name + ": samples " + std::to_string(from) + " to " +
                                             std::to_string(to) + " are outside the record, which has " +
                                             std::to_string(info.length) + " samples (give 0 <= from <= to <= " +
                                             std::to_string(info.length) + ")");
  const std::uint64_t leads = std::max<std::uint64_t>(1, info.lead_names.size());
  if (static_cast<std::uint64_t>(to - from) > limits.max_total_samples / leads)
    throw Error(ErrorKind::limit, info.name + ": " + std::to_string(to - from) + " samples x " +
                                      std::to_string(leads) + " leads read at once exceed the limit of " +
                                      std::to_string(limits.max_total_samples) +
                                      " samples (read a shorter range of samples)");
}

RecordInfo info_of(const Record& record) {
  RecordInfo info;
  info.name = record.name;
  info.sampling_rate_hz = record.sampling_rate_hz;
  for (const Lead& lead : record.leads) {
    info.lead_names.push_back(lead.name);
    info.lead_units.push_back(lead.units);
  }
  info.length = static_cast<std::int64_t>(record.length());
  info.comments = record.comments;
  info.warnings = record.warnings;
  info.start_time = record.start_time;
  return info;
}

Record slice(const Record& record, std::int64_t from, std::int64_t to) {
  Record out;
  out.name = record.name;
  out.sampling_rate_hz = record.sampling_rate_hz;
  out.comments = record.comments;
  out.warnings = record.warnings;
  if (record.start_time && record.sampling_rate_hz > 0) out.start_time = record.start_time->plus(from / record.sampling_rate_hz);
  for (const Lead& lead : record.leads) {
    Lead l;
    l.name = lead.name;
    l.units = lead.units;
    l.samples.assign(lead.samples.begin() + from, lead.samples.begin() + to);
    out.leads.push_back(std::move(l));
  }
  return out;
}

}  // namespace source

namespace {

class MemorySource : public RecordSource {
 public:
  explicit MemorySource(Record record) : record_(std::move(record)), info_(source::info_of(record_)) {}
  const RecordInfo& info() const override { return info_; }
  Record read(std::int64_t from, std::int64_t to) override {
    source::check_range(info_, from, to, default_limits());
    if (from == 0 && to == info_.length) return record_;
    return source::slice(record_, from, to);
  }

 private:
  Record record_;
  RecordInfo info_;
};

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

std::string file_name_of(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }


}  // namespace

std::unique_ptr<RecordSource> memory_record_source(Record record) {
  return std::make_unique<MemorySource>(std::move(record));
}

ByteRangeProvider make_directory_range_provider(const std::string& directory) {
  auto path_of = [directory](const std::string& name) {
    wfdb::check_plain_name(name);
    return directory + "/" + name;
  };
  auto cannot_open = [](const std::string& path, int err) {
    return Error(ErrorKind::missing_file, path + ": cannot open (" + std::strerror(err) +
                                              "; a record needs all its files side by side)");
  };
  ByteRangeProvider p;
  p.size = [path_of, cannot_open](const std::string& name) -> std::uint64_t {
    const std::string path = path_of(name);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) throw cannot_open(path, errno);
    if (!S_ISREG(st.st_mode)) throw Error(ErrorKind::missing_file, path + ": not a regular file");
    return static_cast<std::uint64_t>(st.st_size);
  };
  p.read = [path_of, cannot_open](const std::string& name, std::uint64_t offset, std::uint64_t length) -> Bytes {
    const std::string path = path_of(name);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw cannot_open(path, errno);
    Bytes out(static_cast<std::size_t>(length));
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        throw Error(ErrorKind::missing_file, path + ": read error (" + std::strerror(err) + ")");
      }
      if (n == 0) break;  // end of file: the caller sees a short read
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    out.resize(done);
    return out;
  };
  return p;
}

std::unique_ptr<RecordSource> open_record_source(const std::string& path, const CsvOptions& csv_options,
                                                 const Limits& limits) {
  if (is_csv_path(path)) return memory_record_source(read_csv_file(path, csv_options));
  const std::string dir = directory_of(path);
  if (is_edf_path(path)) return open_edf_source(file_name_of(path), make_directory_range_provider(dir), limits);
  const WfdbHeader header = read_wfdb_header_file(path, limits);  // the path conventions and their errors
  (void)header;
  const std::string hea = path.size() >= 4 && path.compare(path.size() - 4, 4, ".hea") == 0 ? path : path + ".hea";
  return open_wfdb_source(read_text_file(hea, limits), hea, make_directory_range_provider(directory_of(hea)), limits);
}

}  // namespace ecglite
