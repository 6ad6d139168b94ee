// WFDB header (.hea) parsing: record line (incl. multi-segment "name/n" and "fs/cf(base)"), signal
// lines, segment lines and comments, following the WFDB library's readheader() where it is lenient
// (blank and comment lines anywhere, missing trailing fields) and refusing what it would misread.
// Two forms of the PhysioNet/CinC Challenge 2020/2021 headers are read with a warning (WfdbHeader::
// warnings): the base date first with a month name ("12-May-2020 12:33:59") and a record name with
// its signal file's extension ("E07520.mat").
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../common/text.h"
#include "ecglite/error.h"
#include "ecglite/wfdb.h"
#include "wfdb_internal.h"

namespace ecglite {

namespace {

using text::trim;

constexpr int kKnownFormats[] = {0, 8, 16, 24, 32, 61, 80, 160, 212, 310, 311, 508, 516, 524};
constexpr std::size_t kMaxSegments = 1'000'000;

using wfdb::is_flac_format;

bool is_known_format(int format) {
  return std::find(std::begin(kKnownFormats), std::end(kKnownFormats), format) != std::end(kKnownFormats);
}

// ADC resolution WFDB assumes when the field is absent.
int default_adc_resolution(int format) {
  switch (format) {
    case 80: return 8;
    case 160: return 16;
    case 212: return 12;
    case 310:
    case 311: return 10;
    default: return 12;  // WFDB_DEFRES
  }
}

struct Token {
  std::string text;
  std::size_t end = 0;  // position just past the token in the line
};

std::vector<Token> tokenize(const std::string& line) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) tokens.push_back({line.substr(start, i - start), i});
  }
  return tokens;
}

// Reports errors as "<source>: line N: <what> (<hint>)", of kind bad_header unless said otherwise.
class LineError {
 public:
  LineError(const std::string& source, int line) : prefix_(source + ": line " + std::to_string(line) + ": ") {}
  [[noreturn]] void fail(const std::string& what, ErrorKind kind = ErrorKind::bad_header) const {
    throw Error(kind, prefix_ + what);
  }
  // A form read although WFDB does not write it, as a warning naming the line.
  void note(const std::string& what, std::vector<std::string>& warnings) const { warnings.push_back(prefix_ + what); }

 private:
  std::string prefix_;
};

std::int64_t parse_integer(const std::string& text, const std::string& what, const LineError& err) {
  const char* s = text.c_str();
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s, &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE)
    err.fail(what + " " + wfdb::quoted(text) + " is not an integer (the header is malformed)");
  return v;
}

int parse_int32(const std::string& text, const std::string& what, const LineError& err) {
  std::int64_t v = parse_integer(text, what, err);
  if (v < INT32_MIN || v > INT32_MAX) err.fail(what + " " + wfdb::quoted(text) + " is out of range");
  return static_cast<int>(v);
}

double parse_number(const std::string& text, const std::string& what, const LineError& err) {
  const char* s = text.c_str();
  char* end = nullptr;
  double v = std::strtod(s, &end);
  if (text.empty() || *end != '\0' || !(v == v) || v > 1e300 || v < -1e300)
    err.fail(what + " " + wfdb::quoted(text) + " is not a number (the header is malformed)");
  return v;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// [[hh:]mm:]ss[.sss], as WFDB base times are written ("8:26:04", "31:51.982", "0:00").
bool is_time_text(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  for (std::size_t colon; (colon = s.find(':', pos)) != std::string::npos; pos = colon + 1)
    parts.push_back(s.substr(pos, colon - pos));
  parts.push_back(s.substr(pos));
  if (parts.size() > 3) return false;
  std::string& sec = parts.back();
  const std::size_t dot = sec.find('.');
  if (dot != std::string::npos && !all_digits(sec.substr(dot + 1))) return false;
  sec = sec.substr(0, dot);
  for (const auto& part : parts)
    if (!all_digits(part) || part.size() > 9) return false;
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (std::stoi(parts[i]) >= 60) return false;  // minutes and seconds below a higher field
  return true;
}

// dd/mm/yyyy
bool is_date_text(const std::string& s) {
  const std::size_t a = s.find('/'), b = s.find('/', a + 1);
  if (a == std::string::npos || b == std::string::npos || s.find('/', b + 1) != std::string::npos) return false;
  const std::string d = s.substr(0, a), m = s.substr(a + 1, b - a - 1), y = s.substr(b + 1);
  if (!all_digits(d) || !all_digits(m) || !all_digits(y) || d.size() > 2 || m.size() > 2 || y.size() > 6)
    return false;
  const int day = std::stoi(d), month = std::stoi(m);
  return day >= 1 && day <= 31 && month >= 1 && month <= 12;
}

// "12-May-2020", the date form of the PhysioNet/CinC Challenge 2020/2021 headers, as dd/mm/yyyy; ""
// when `s` is not a date of that form.
std::string month_name_date(const std::string& s) {
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  const std::size_t a = s.find('-'), b = s.find('-', a + 1);
  if (a == std::string::npos || b != a + 4 || s.find('-', b + 1) != std::string::npos) return "";
  const std::string month = text::lower(s.substr(a + 1, 3));
  for (int m = 0; m < 12; ++m) {
    if (month != kMonths[m]) continue;
    const std::string date = s.substr(0, a) + "/" + (m < 9 ? "0" : "") + std::to_string(m + 1) + "/" + s.substr(b + 1);
    return is_date_text(date) ? date : "";
  }
  return "";
}

// "fs[/cf[(base)]]"
void parse_frequency(const std::string& token, WfdbHeader& h, const LineError& err) {
  const std::size_t slash = token.find('/');
  h.sampling_rate_hz = parse_number(token.substr(0, slash), "sampling frequency", err);
  if (!(h.sampling_rate_hz > 0))
    err.fail("sampling frequency " + wfdb::quoted(token) + " must be positive");
  if (slash == std::string::npos) return;
  std::string rest = token.substr(slash + 1);
  const std::size_t paren = rest.find('(');
  h.counter_frequency = parse_number(rest.substr(0, paren), "counter frequency", err);
  if (paren != std::string::npos) {
    if (rest.back() != ')') err.fail("base counter value in " + wfdb::quoted(token) + " lacks a closing ')'");
    h.base_counter = parse_number(rest.substr(paren + 1, rest.size() - paren - 2), "base counter value", err);
  }
}

// The base time "[[hh:]mm:]ss[.sss]" (WFDB: fewer fields are the lower ones, "31:51.982" is 00:31:51.982)
// and date "dd/mm/yyyy", both already checked for their form, as a clock time. One that is no real
// time of day or date (hours 24 or more, 31/02) is left out with a warning: no clock time rather
// than a wrong one.
void set_start_time(WfdbHeader& h, const LineError& err) {
  if (h.base_time.empty()) {
    if (!h.base_date.empty())
      err.note("base date " + wfdb::quoted(h.base_date) + " without a base time: no clock times", h.warnings);
    return;
  }
  int field[3] = {0, 0, 0};  // hours, minutes, whole seconds
  std::vector<std::string> parts;
  std::size_t pos = 0;
  for (std::size_t colon; (colon = h.base_time.find(':', pos)) != std::string::npos; pos = colon + 1)
    parts.push_back(h.base_time.substr(pos, colon - pos));
  const std::string last = h.base_time.substr(pos);
  const double seconds = std::strtod(last.c_str(), nullptr);
  const std::size_t first = 3 - (parts.size() + 1);
  bool fits = seconds < 60;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    fits = fits && parts[i].size() <= 2;
    if (fits) field[first + i] = std::stoi(parts[i]);
  }
  int year = 0, month = 0, day = 0;
  if (!h.base_date.empty()) {
    const std::size_t a = h.base_date.find('/'), b = h.base_date.find('/', a + 1);
    const std::string y = h.base_date.substr(b + 1);
    day = std::stoi(h.base_date.substr(0, a));
    month = std::stoi(h.base_date.substr(a + 1, b - a - 1));
    year = y.size() <= 4 ? std::stoi(y) : -1;
  }
  const double whole = std::floor(seconds);
  h.start_time = fits ? make_clock_time(year, month, day, field[0], field[1], whole) : std::nullopt;
  if (h.start_time) {
    h.start_time = h.start_time->plus(seconds - whole);
    return;
  }
  // The time alone may still be a time of day: keep it when only the date is impossible.
  if (!h.base_date.empty() && fits) h.start_time = make_clock_time(0, 0, 0, field[0], field[1], whole);
  if (h.start_time) {
    h.start_time = h.start_time->plus(seconds - whole);
    err.note("base date " + wfdb::quoted(h.base_date) + " is not a date in the calendar: clock times without a date",
             h.warnings);
    return;
  }
  err.note("base time " + wfdb::quoted(h.base_time) + " is not a time of day: no clock times", h.warnings);
}

// "[time [date]]" after the record length. WFDB writes "hh:mm:ss dd/mm/yyyy"; the CinC Challenge
// 2020/2021 headers write "12-May-2020 12:33:59", read with a warning. Nothing else is guessed at.
void parse_base_time_and_date(const std::vector<Token>& t, WfdbHeader& h, const LineError& err) {
  bool month_name = false, date_first = false;
  for (std::size_t i = 4; i < t.size(); ++i) {
    const std::string& f = t[i].text;
    const bool is_date = f.find_first_of("/-") != std::string::npos && f.find(':') == std::string::npos;
    std::string& slot = is_date ? h.base_date : h.base_time;
    if (!slot.empty() || i > 5)
      err.fail("unexpected field " + wfdb::quoted(f) + " after the base time and date");
    if (!is_date && !is_time_text(f))
      err.fail("base time " + wfdb::quoted(f) + " is not a time of day (expected hh:mm:ss[.sss])");
    if (is_date) {
      const std::string named = month_name_date(f);
      if (named.empty() && !is_date_text(f))
        err.fail("base date " + wfdb::quoted(f) + " is not a date (expected dd/mm/yyyy or dd-Mon-yyyy)");
      month_name = !named.empty();
      date_first = h.base_time.empty() && i + 1 < t.size();
      slot = month_name ? named : f;
    } else {
      slot = f;
    }
  }
  set_start_time(h, err);
  if (month_name || date_first) {
    std::string as_written = t[4].text;
    for (std::size_t i = 5; i < t.size(); ++i) as_written += " " + t[i].text;
    err.note("base time and date written as " + wfdb::quoted(as_written) + " (" +
                 (date_first ? "date first" : "") + (date_first && month_name ? ", " : "") +
                 (month_name ? "month name, as in the PhysioNet/CinC Challenge 2020/2021 headers" : "") +
                 "): read as " + h.base_time + (h.base_time.empty() ? "" : " ") + h.base_date,
             h.warnings);
  }
}

// Returns the number of segments ("name/n"), 0 for a single-segment record.
int parse_record_line(const std::vector<Token>& t, WfdbHeader& h, const LineError& err) {
  std::string name = t[0].text;
  const std::size_t slash = name.find('/');
  int num_segments = 0;
  if (slash != std::string::npos) {
    std::int64_t n = parse_integer(name.substr(slash + 1), "number of segments", err);
    if (n < 1 || n > (std::int64_t)kMaxSegments)
      err.fail("number of segments " + std::to_string(n) + " must be between 1 and " +
               std::to_string(kMaxSegments));
    num_segments = static_cast<int>(n);
    name = name.substr(0, slash);
  }
  // Some CinC Challenge 2020 headers name the record after its signal file ("E07520.mat").
  for (const char* extension : {".mat", ".dat"}) {
    const std::size_t n = std::strlen(extension);
    if (name.size() > n && name.compare(name.size() - n, n, extension) == 0) {
      err.note("record name " + wfdb::quoted(name) + " ends in a file extension: read as " +
                   wfdb::quoted(name.substr(0, name.size() - n)),
               h.warnings);
      name.resize(name.size() - n);
      break;
    }
  }
  h.record_name = name;
  if (t.size() < 2)
    err.fail("the record line has no number of signals (obsolete or not a WFDB header)");
  std::int64_t nsig = parse_integer(t[1].text, "number of signals", err);
  if (nsig < 0) err.fail("number of signals " + wfdb::quoted(t[1].text) + " is negative");
  h.num_signals = static_cast<int>(std::min<std::int64_t>(nsig, INT32_MAX));
  if (t.size() > 2) parse_frequency(t[2].text, h, err);
  if (t.size() > 3) {
    std::int64_t length = parse_integer(t[3].text, "record length", err);
    if (length < 0) err.fail("record length " + wfdb::quoted(t[3].text) + " is negative");
    h.length = length;
  }
  parse_base_time_and_date(t, h, err);
  return num_segments;
}

// "fmt[xspf][:skew][+offset]"
void parse_format(const std::string& token, WfdbSignalSpec& s, const LineError& err) {
  std::size_t i = 0;
  while (i < token.size() && std::isdigit(static_cast<unsigned char>(token[i]))) ++i;
  if (i == 0) err.fail("signal format " + wfdb::quoted(token) + " does not start with a number");
  s.format = parse_int32(token.substr(0, i), "signal format", err);
  if (!is_known_format(s.format))
    err.fail("unknown signal format " + std::to_string(s.format) + " (supported: " + wfdb::format_list() + ")",
             ErrorKind::unsupported_format);
  while (i < token.size()) {
    const char kind = token[i++];
    std::size_t start = i;
    while (i < token.size() && (std::isdigit(static_cast<unsigned char>(token[i])) || token[i] == '-')) ++i;
    const std::string value = token.substr(start, i - start);
    if (kind == 'x') {
      std::int64_t spf = parse_integer(value, "samples per frame", err);
      if (spf < 1 || spf > 1'000'000)
        err.fail("samples per frame " + wfdb::quoted(value) + " must be between 1 and 1000000");
      s.samples_per_frame = static_cast<int>(spf);
    } else if (kind == ':') {
      std::int64_t skew = parse_integer(value, "skew", err);
      if (skew < 0 || skew > 1'000'000) err.fail("skew " + wfdb::quoted(value) + " must be between 0 and 1000000");
      s.skew = static_cast<int>(skew);
    } else if (kind == '+') {
      s.byte_offset = parse_integer(value, "byte offset", err);
      if (s.byte_offset < 0) err.fail("byte offset " + wfdb::quoted(value) + " is negative");
    } else {
      err.fail("unexpected " + wfdb::quoted(std::string(1, kind)) + " in signal format " + wfdb::quoted(token) +
               " (expected x<samples per frame>, :<skew> or +<byte offset>)");
    }
  }
}

// "gain[(baseline)][/units]"
bool parse_gain(const std::string& token, WfdbSignalSpec& s, const LineError& err) {
  const std::size_t end = token.find_first_of("(/");
  double gain = parse_number(token.substr(0, end), "gain", err);
  s.gain_given = gain != 0;
  s.gain = gain != 0 ? gain : 200;  // WFDB_DEFGAIN: an uncalibrated signal
  bool has_baseline = false;
  std::size_t i = end;
  if (i != std::string::npos && token[i] == '(') {
    const std::size_t close = token.find(')', i);
    if (close == std::string::npos) err.fail("baseline in " + wfdb::quoted(token) + " lacks a closing ')'");
    s.baseline = static_cast<double>(parse_integer(token.substr(i + 1, close - i - 1), "baseline", err));
    has_baseline = true;
    i = close + 1;
    if (i == token.size()) i = std::string::npos;
  }
  if (i != std::string::npos) {
    if (token[i] != '/') err.fail("unexpected text after the baseline in " + wfdb::quoted(token));
    if (i + 1 < token.size()) s.units = token.substr(i + 1);
  }
  return has_baseline;
}

WfdbSignalSpec parse_signal_line(const std::string& line, const std::vector<Token>& t, const LineError& err) {
  WfdbSignalSpec s;
  s.file_name = t[0].text;
  if (t.size() < 2) err.fail("signal line has no format (expected: file format gain ...)");
  parse_format(t[1].text, s, err);
  bool has_baseline = false;
  if (t.size() > 2) has_baseline = parse_gain(t[2].text, s, err);
  s.adc_resolution = t.size() > 3 ? parse_int32(t[3].text, "ADC resolution", err)
                                  : default_adc_resolution(s.format);
  s.adc_zero = t.size() > 4 ? parse_int32(t[4].text, "ADC zero", err) : 0;
  if (!has_baseline) s.baseline = s.adc_zero;
  s.initial_value = t.size() > 5 ? parse_integer(t[5].text, "initial value", err) : s.adc_zero;
  if (t.size() > 6) s.checksum = parse_int32(t[6].text, "checksum", err);
  if (t.size() > 7) s.block_size = parse_int32(t[7].text, "block size", err);
  if (t.size() > 8) s.description = trim(line.substr(t[7].end));
  return s;
}

WfdbSegmentSpec parse_segment_line(const std::vector<Token>& t, const LineError& err) {
  WfdbSegmentSpec seg;
  seg.record_name = t[0].text;
  if (seg.record_name[0] == '+') err.fail(wfdb::quoted(seg.record_name) + " is not a valid segment name");
  if (t.size() < 2)
    err.fail("segment " + wfdb::quoted(seg.record_name) + " has no length (expected: name length)");
  if (t.size() > 2) err.fail("unexpected field " + wfdb::quoted(t[2].text) + " after the segment length");
  seg.length = parse_integer(t[1].text, "segment length", err);
  if (seg.length < 0) err.fail("segment length " + wfdb::quoted(t[1].text) + " is negative");
  return seg;
}

std::string comment_text(const std::string& line) {
  std::size_t i = line.find('#');
  while (i < line.size() && line[i] == '#') ++i;
  return trim(line.substr(i));
}

}  // namespace

namespace wfdb {

// A header line as WFDB reads it, made safe to store and show: it ends at a NUL (fgets + strtok), bytes
// that are not UTF-8 are taken as Latin-1 (older headers write "µV", "°C" that way), and control
// characters other than tab and CR become '?'.
std::string clean_text_line(const std::string& raw) {
  std::string line = raw.substr(0, raw.find('\0'));
  std::string out;
  out.reserve(line.size());
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  const std::size_t n = line.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = p[i];
    if (c < 0x80) {
      out += (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f ? '?' : static_cast<char>(c);
      ++i;
      continue;
    }
    // A well-formed UTF-8 sequence is kept as is, unless it encodes a C1 control (U+0080-U+009F).
    const std::size_t len = text::utf8_sequence_length(p, i, n);
    const bool c1 = len == 2 && c == 0xC2 && p[i + 1] < 0xA0;
    if (len && !c1) {
      out.append(line, i, len);
      i += len;
    } else if (c >= 0xA0) {  // Latin-1
      text::append_latin1(out, static_cast<unsigned char>(c));
      ++i;
    } else {  // C1 control or stray byte
      out += '?';
      ++i;
    }
  }
  return out;
}


std::string short_text(const std::string& s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return s.substr(0, cut) + "...";
}

std::string quoted(const std::string& s) { return "'" + short_text(s) + "'"; }

std::string signal_label(const WfdbSignalSpec& s, int index) {
  return "signal " + std::to_string(index) + (s.description.empty() ? "" : " (" + short_text(s.description) + ")");
}

std::string format_list() {
  std::string s;
  for (int f : kKnownFormats) {
    if (f == 0 || (is_flac_format(f) && !flac_supported())) continue;
    if (!s.empty()) s += ", ";
    s += std::to_string(f);
  }
  return s;
}

bool is_flac_format(int format) { return format == 508 || format == 516 || format == 524; }

std::string unsupported_format_message(const std::string& what, int format) {
  return what + ": unsupported format " + std::to_string(format) +
         " (FLAC-compressed WFDB signals: this build of EcgLite has no FLAC decoder; build it with libFLAC, or "
         "convert the record to format 16 with WFDB `xform -O 16` or wfdb-python `wrsamp(..., fmt=['16', ...])`)";
}

}  // namespace wfdb

bool is_supported_wfdb_format(int format) {
  return is_known_format(format) && (!is_flac_format(format) || wfdb::flac_supported());
}

int WfdbHeader::max_samples_per_frame() const {
  int m = 1;
  for (const auto& s : signals) m = std::max(m, s.samples_per_frame);
  return m;
}

WfdbHeader parse_wfdb_header(const std::string& text, const std::string& source_name, const Limits& limits) {
  WfdbHeader h;
  enum class Expect { kRecord, kSignals, kSegments, kDone } expect = Expect::kRecord;
  int num_segments = 0;
  int line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = wfdb::clean_text_line(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_number;
    const std::vector<Token> tokens = tokenize(line);
    if (tokens.empty()) continue;
    if (tokens[0].text[0] == '#') {
      h.comments.push_back(comment_text(line));
      continue;
    }
    const LineError err(source_name, line_number);
    switch (expect) {
      case Expect::kRecord:
        num_segments = parse_record_line(tokens, h, err);
        if (num_segments > 0) {
          expect = Expect::kSegments;
        } else {
          if ((std::size_t)h.num_signals > limits.max_signals)
            err.fail("the record has " + std::to_string(h.num_signals) + " signals, more than the limit of " +
                         std::to_string(limits.max_signals),
                     ErrorKind::limit);
          expect = h.num_signals > 0 ? Expect::kSignals : Expect::kDone;
        }
        break;
      case Expect::kSignals:
        h.signals.push_back(parse_signal_line(line, tokens, err));
        if ((int)h.signals.size() == h.num_signals) expect = Expect::kDone;
        break;
      case Expect::kSegments:
        h.segments.push_back(parse_segment_line(tokens, err));
        if ((int)h.segments.size() == num_segments) expect = Expect::kDone;
        break;
      case Expect::kDone:
        err.fail("unexpected line " + wfdb::quoted(trim(line)) + " after the " +
                 (num_segments ? std::to_string(num_segments) + " segment lines"
                               : std::to_string(h.num_signals) + " signal lines") +
                 " the record line announces");
    }
  }
  switch (expect) {
    case Expect::kRecord:
      throw Error(ErrorKind::bad_header, source_name + ": no record line found (empty file or not a WFDB header)");
    case Expect::kSignals:
      throw Error(ErrorKind::bad_header, source_name + ": the record line announces " + std::to_string(h.num_signals) +
                                             " signals but the header has " + std::to_string(h.signals.size()) +
                                             " signal lines (the header is truncated or the count is wrong)");
    case Expect::kSegments:
      throw Error(ErrorKind::bad_header, source_name + ": the record line announces " + std::to_string(num_segments) +
                                             " segments but the header lists " + std::to_string(h.segments.size()) +
                                             " (the header is truncated or the count is wrong)");
    case Expect::kDone:
      break;
  }
  return h;
}

}  // namespace ecglite
