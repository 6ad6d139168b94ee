// `ecglite dump RECORD [--digital] [--from N] [--to N] [--signals i,j,...] [--rate HZ]`: decoded
// samples, one line per sample, tab-separated, no time column. Physical values by default: 10
// significant digits (CSV records hold floats: the shortest text of the float), "-" for an invalid
// sample, as rdsamp -P. Digital values with --digital: -32768 for an invalid sample, as rdsamp. N are
// 0-based sample indices, --to exclusive; --signals picks and orders signals.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "output.h"
#include "record_input.h"
#include "ecglite/csv.h"
#include "ecglite/edf.h"
#include "ecglite/error.h"
#include "ecglite/read.h"
#include "ecglite/wfdb.h"

namespace ecglite::cli {

namespace {

// Collects output and writes it in large blocks (records have millions of samples). finish() writes
// the rest; a failed write throws, so it is not left to a destructor.
class Output {
 public:
  void value(double v) {
    separate();
    if (std::isnan(v)) {
      buf_ += '-';
      return;
    }
    char s[32];
    std::snprintf(s, sizeof s, "%.10g", v);
    buf_ += s;
  }
  // Record leads hold floats: the shortest text that reads back as the same float (at most 9
  // digits), so 0.15 prints as 0.15, not as its float neighbour 0.150000006.
  void value(float v) {
    separate();
    if (std::isnan(v)) {
      buf_ += '-';
      return;
    }
    char s[32];
    for (int digits = 6; digits <= 9; ++digits) {
      std::snprintf(s, sizeof s, "%.*g", digits, static_cast<double>(v));
      if (std::strtof(s, nullptr) == v) break;
    }
    buf_ += s;
  }
  void value(std::int32_t v) {
    separate();
    buf_ += std::to_string(v);
  }
  void end_line() {
    buf_ += '\n';
    first_ = true;
    if (buf_.size() > (1 << 16)) flush();
  }
  void finish() { flush(); }

 private:
  void flush() {
    write_output(buf_);
    buf_.clear();
  }
  void separate() {
    if (!first_) buf_ += '\t';
    first_ = false;
  }
  std::string buf_;
  bool first_ = true;
};

void dump_wfdb(const std::string& path, const Args& args, const RecordReader& reader,
               const std::vector<int>& signals) {
  WfdbReadOptions options;
  options.from = args.get_int("--from", 0);
  if (args.has("--to")) options.to = args.get_int("--to", 0);
  options.signals = signals;
  const WfdbRecord rec = reader.read_wfdb(path, options);
  const bool digital = args.has("--digital");
  Output out;
  for (std::int64_t i = 0; i < rec.num_samples(); ++i) {
    for (std::size_t s = 0; s < rec.digital.size(); ++s) {
      if (digital) {
        const std::int32_t d = rec.digital[s][i];
        out.value(d == kInvalidSample ? kWfdbInvalidPrinted : d);
      } else {
        out.value(rec.physical(static_cast<int>(s), i));
      }
    }
    out.end_line();
  }
  out.finish();
}

void dump_record(const std::string& path, const Args& args, const RecordReader& reader,
                 std::vector<int> signals) {
  if (args.has("--digital"))
    throw Error(ErrorKind::bad_argument,
                path + (is_edf_path(path) ? ": --digital needs a WFDB record (EDF/BDF files are dumped as physical values)"
                                          : ": --digital needs a WFDB record (a CSV file holds physical values only)"));
  const Record rec = reader.read(path);
  const std::int64_t length = static_cast<std::int64_t>(rec.length());
  const std::int64_t from = args.get_int("--from", 0), to = args.get_int("--to", length);
  if (from < 0 || from > to || to > length)
    throw Error(ErrorKind::bad_argument, path + ": samples " + std::to_string(from) + " to " + std::to_string(to) +
                                             " are outside the record, which has " + std::to_string(length) +
                                             " samples");
  if (signals.empty())
    for (std::size_t s = 0; s < rec.leads.size(); ++s) signals.push_back(static_cast<int>(s));
  for (int s : signals)
    if (s >= (int)rec.leads.size())
      throw Error(ErrorKind::bad_argument, path + ": there is no signal " + std::to_string(s) + " (the record has " +
                                               std::to_string(rec.leads.size()) + " leads, numbered from 0)");
  Output out;
  for (std::int64_t i = from; i < to; ++i) {
    for (int s : signals) out.value(rec.leads[s].samples[i]);
    out.end_line();
  }
  out.finish();
}

}  // namespace

int cmd_dump(int argc, char** argv, int first) {
  const Args args =
      parse_args(argc, argv, first, {"--digital"}, with_record_options({"--from", "--to", "--signals"}));
  if (args.positional.size() != 1) throw UsageError("give one record");
  const RecordReader reader(args);
  const std::string& path = args.positional[0];
  const long long from = args.get_int("--from", 0);
  if (from < 0 || (args.has("--to") && args.get_int("--to", 0) < from))
    throw UsageError("--from and --to expect sample numbers with 0 <= from <= to");
  const std::vector<int> signals = args.has("--signals") ? parse_index_list("--signals", args.get("--signals"), 1'000'000, "signal", "0,2") : std::vector<int>{};
  if (is_csv_path(path) || is_edf_path(path))
    dump_record(path, args, reader, signals);
  else
    dump_wfdb(path, args, reader, signals);
  return 0;
}

}  // namespace ecglite::cli
