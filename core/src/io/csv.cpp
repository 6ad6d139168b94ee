// ECG CSV exports. The layout is found, not assumed, and read in the order the format is written:
//   1. layout: the delimiter and the number of fields, from the data rows at the end of the file;
//   2. header: column names (and a row of units) just above the first data row; above them a
//      preamble of "# ..." comments and key-value lines such as "Sample Rate,512 hertz";
//   3. column typing by name: leads, time stamps, row indices;
//   4. data rows: one sample per row;
//   5. column typing by values: an unnamed 0, 1, 2, ... column is a row index, a column of
//      increasing clock values is time;
//   6. leads: the numeric columns that remain, in their stated units;
//   7. sampling rate: given, else stated in the preamble, else from the time stamps.
// Decisions (documented in csv.h): values stay in their stated units (Lead::units says which;
// preprocessing z-scores each lead anyway); empty, NaN and infinite cells become NaN samples with a
// warning; text columns (annotations) are ignored with a warning; a row of only empty cells is
// skipped like a blank line; a time stamp is never a lead.
#include "../common/text.h"
#include "../common/units.h"
#include "ecglite/csv.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <deque>
#include <map>

#include "ecglite/error.h"
#include "ecglite/preprocess.h"
#include "ecglite/read.h"

namespace ecglite {
namespace {

struct Line {
  std::size_t begin, end;  // byte range in the text, without the line break
  std::size_t number;      // 1-based, for messages
};

using text::lower;
using text::trim;

std::string file_stem(const std::string& path) {
  std::string base = path.substr(path.find_last_of("/\\") == std::string::npos ? 0 : path.find_last_of("/\\") + 1);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// `v` with at most `decimals` decimals, trailing zeros dropped: time stamps and steps as written.
std::string format_fixed(double v, int decimals) {
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals, 12), v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// Rejects binary data. Returns the text as UTF-8: `bytes` itself (no copy of a large file) or, for
// a Latin-1 file (some European exports with "µV"; its non-ASCII bytes are printable 0xA0-0xFF),
// `converted`. `start` skips a byte-order mark.
const std::string& checked_text(const std::string& bytes, const std::string& source,
                                std::string& converted, std::size_t& start) {
  const std::string what = source + ": not a CSV text file";
  start = 0;
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) start = 3;  // UTF-8 BOM
  if (bytes.size() >= 2 && (((unsigned char)bytes[0] == 0xFF && (unsigned char)bytes[1] == 0xFE) ||
                            ((unsigned char)bytes[0] == 0xFE && (unsigned char)bytes[1] == 0xFF)))
    throw Error(ErrorKind::unsupported_format, what + " (it is UTF-16 encoded: save it as UTF-8 or ASCII text)");
  bool utf8 = true;
  for (std::size_t i = start; i < bytes.size();) {
    const unsigned char c = bytes[i];
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v')
      throw Error(ErrorKind::unsupported_format,
                  what + " (binary data at byte " + std::to_string(i) +
                      "; export the ECG as CSV text, or open the WFDB .hea file instead)");
    if (c < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len =
        text::utf8_sequence_length(reinterpret_cast<const unsigned char*>(bytes.data()), i, bytes.size());
    if (!len) {
      utf8 = false;
      if (c < 0xA0)
        throw Error(ErrorKind::unsupported_format, what + " (byte " + std::to_string(i) +
                                                       " is neither UTF-8 nor Latin-1 text; save the file as UTF-8)");
      ++i;
    } else {
      i += len;
    }
  }
  if (utf8) return bytes;
  std::string& out = converted;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (std::size_t i = start; i < bytes.size(); ++i) {
    const unsigned char c = bytes[i];
    if (c < 0x80) out += static_cast<char>(c);
    else text::append_latin1(out, c);
  }
  start = 0;
  return out;
}

// Walks the lines of the text ("\n", "\r\n" or "\r" ends) without indexing them all: a file of
// 20 million short rows must not cost a 500 MB line table.
class LineCursor {
 public:
  // From byte `start`, which begins the line after line `lines_before`.
  LineCursor(const std::string& text, std::size_t start, std::size_t lines_before = 0)
      : text_(&text), pos_(start), number_(lines_before) {}
  std::size_t position() const { return pos_; }  // where the next line begins
  bool next(Line& line) {
    const std::string& t = *text_;
    if (pos_ > t.size()) return false;
    std::size_t end = pos_;
    while (end < t.size() && t[end] != '\n' && t[end] != '\r') ++end;
    line = {pos_, end, ++number_};
    pos_ = end + 1;
    if (end < t.size() && t[end] == '\r' && pos_ < t.size() && t[pos_] == '\n') ++pos_;
    return true;
  }

 private:
  const std::string* text_;
  std::size_t pos_;
  std::size_t number_;
};

bool is_blank(const std::string& text, const Line& l) {
  for (std::size_t i = l.begin; i < l.end; ++i)
    if (!std::isspace(static_cast<unsigned char>(text[i]))) return false;
  return true;
}

bool is_blank(const std::string& s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

bool is_comment(const std::string& text, const Line& l) {
  std::size_t i = l.begin;
  while (i < l.end && (text[i] == ' ' || text[i] == '\t')) ++i;
  return i < l.end && text[i] == '#';
}

// Splits one line at `delim` outside double quotes; quotes are removed ("" is a literal quote).
// Reuses the strings of `fields` (no allocation per cell in the data loop); returns the count.
std::size_t split_fields(const std::string& text, const Line& l, char delim,
                         std::vector<std::string>& fields, const std::string& source) {
  std::size_t count = 0;
  auto next = [&]() -> std::string& {
    if (fields.size() <= count) fields.emplace_back();
    std::string& f = fields[count++];
    f.clear();
    return f;
  };
  std::string* field = &next();
  bool quoted = false;
  for (std::size_t i = l.begin; i < l.end; ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < l.end && text[i + 1] == '"') *field += '"', ++i;
      else if (c == '"') quoted = false;
      else *field += c;
    } else if (c == '"' && is_blank(*field)) {  // quotes open only at the start of a field
      quoted = true;
    } else if (c == delim) {
      field = &next();
    } else {
      *field += c;
    }
  }
  if (quoted) {
    std::string where = text.substr(l.begin, std::min<std::size_t>(l.end - l.begin, 40));
    throw Error(ErrorKind::bad_data, source + ": line " + std::to_string(l.number) + " has an unterminated quote (" +
                                         where + "): close the quote or remove it");
  }
  // PhysioNet's rdsamp -c writes 'single-quoted' names and times.
  for (std::size_t i = 0; i < count; ++i) {
    std::string& f = fields[i];
    if (f.size() >= 2 && f.front() == '\'' && f.back() == '\'') f = f.substr(1, f.size() - 2);
  }
  return count;
}

std::size_t count_delimiter(const std::string& text, const Line& l, char delim) {
  std::size_t n = 0;
  bool quoted = false, field_start = true;
  for (std::size_t i = l.begin; i < l.end; ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < l.end && text[i + 1] == '"') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"' && field_start) {
      quoted = true;
    } else if (c == delim) {
      ++n;
      field_start = true;
      continue;
    }
    if (c != ' ') field_start = false;
  }
  return n;
}

enum class Cell { kEmpty, kNumber, kMissing, kInfinite, kText };

// Parses a numeric cell. Accepts a decimal comma ("0,125") when the cell has no '.', a Unicode
// minus, NaN/NA/null markers (kMissing), inf (kInfinite). `decimals` receives the digits after the
// decimal separator (the resolution of a time column).
Cell parse_cell(const std::string& raw, double& value, int* decimals = nullptr) {
  std::size_t b = 0, e = raw.size();
  while (b < e && std::isspace(static_cast<unsigned char>(raw[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(raw[e - 1]))) --e;
  if (b == e) return Cell::kEmpty;
  char buf[64];
  std::size_t n = 0;
  bool has_dot = false, has_comma = false, has_digit = false;
  for (std::size_t i = b; i < e; ++i) {
    char c = raw[i];
    if (c == '\xE2' && i + 2 < e && raw[i + 1] == '\x88' && raw[i + 2] == '\x92') {  // U+2212 minus
      c = '-';
      i += 2;
    }
    if (n + 1 >= sizeof buf) return Cell::kText;
    if (c >= '0' && c <= '9') has_digit = true;
    else if (c == '.') has_dot = true;
    else if (c == ',') has_comma = true, c = '.';
    else if (c != '+' && c != '-' && c != 'e' && c != 'E') {
      const std::string word = lower(raw.substr(b, e - b));
      if (word == "nan" || word == "na" || word == "n/a" || word == "null" || word == "none" ||
          word == "-" || word == "-nan" || word == "?")
        return Cell::kMissing;
      if (word == "inf" || word == "+inf" || word == "-inf" || word == "infinity" ||
          word == "-infinity" || word == "+infinity")
        return Cell::kInfinite;
      return Cell::kText;
    }
    buf[n++] = c;
  }
  if (!has_digit || (has_dot && has_comma)) return n == 1 && buf[0] == '-' ? Cell::kMissing : Cell::kText;
  buf[n] = '\0';
  char* end = nullptr;
  value = std::strtod(buf, &end);
  if (end != buf + n) return Cell::kText;
  if (!std::isfinite(value)) return Cell::kInfinite;
  if (decimals) {
    *decimals = 0;
    const char* dot = std::strchr(buf, '.');
    if (dot)
      for (const char* p = dot + 1; *p >= '0' && *p <= '9'; ++p) ++*decimals;
  }
  return Cell::kNumber;
}


// Days from 1970-01-01 to the date "yyyy-mm-dd" (proleptic Gregorian); false when `s` is not one.
bool parse_iso_date(const std::string& s, long long& days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  long long y = std::stoll(s.substr(0, 4));
  const int m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  // Civil date to days (H. Hinnant's algorithm).
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  days = era * 146097 + doe - 719468;
  return true;
}

// "12:03:04.512", "03:04.5", "2021-05-01 12:03:04.512", "2024-03-01T10:15:02.123": seconds (since
// midnight, or since 1970 when an ISO date comes first, so that a recording may pass midnight).
bool parse_clock(const std::string& raw, double& seconds, int& decimals) {
  std::string s = trim(raw);
  long long days = 0;
  const auto space = s.find_last_of(" T");
  if (space != std::string::npos) {
    if (!parse_iso_date(trim(s.substr(0, space)), days)) days = 0;
    s = s.substr(space + 1);
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == ':') parts.push_back(s.substr(start, i - start)), start = i + 1;
  if (parts.size() < 2 || parts.size() > 3) return false;
  double total = 0;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    double v;
    int d = 0;
    if (parts[k].empty() || parse_cell(parts[k], v, &d) != Cell::kNumber || v < 0) return false;
    if (k + 1 < parts.size() && d != 0) return false;
    total = total * 60 + v;
    decimals = d;
  }
  seconds = static_cast<double>(days) * 86400 + total;
  return true;
}

// Unit spellings -> "mV", "uV", "V"; "" when `s` is not a voltage unit.
std::string voltage_unit(const std::string& s) {
  const double mv = units::millivolts_per(s);
  return mv == 1.0 ? "mV" : mv == 1e-3 ? "uV" : mv == 1e3 ? "V" : "";
}

std::string compact_lower(const std::string& s) {
  std::string out;
  for (char c : lower(s))
    if (c != ' ' && c != '_' && c != '-' && c != '.') out += c;
  return out;
}

// Time units: seconds per unit (1 for s, 1e-3 for ms, 1e-6 for µs, 1e-9 for ns), 0 when not a time unit.
double time_unit_scale(const std::string& unit) {
  const std::string u = compact_lower(unit);
  if (u == "s" || u == "sec" || u == "secs" || u == "second" || u == "seconds") return 1;
  if (u == "ms" || u == "msec" || u == "millis" || u == "millisecond" || u == "milliseconds") return 1e-3;
  if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs" || u == "usec" || u == "microsecond" || u == "microseconds")
    return 1e-6;
  if (u == "ns" || u == "nsec" || u == "nanosecond" || u == "nanoseconds") return 1e-9;
  return 0;
}

// A column name split into the name proper and a unit in brackets or after '_' / ' ':
// "II (mV)" -> {"II", "mV"}, "I [uV]" -> {"I", "uV"}, "V1_mV" -> {"V1", "mV"}, "Time (s)" -> {"Time", "s"},
// "sensor timestamp [ns]" -> {"sensor timestamp", "ns"}.
struct ColumnName {
  std::string name, unit;
};

ColumnName split_unit(const std::string& raw) {
  std::string s = trim(raw);
  const auto open = s.find_first_of("([");
  if (open != std::string::npos) {
    const auto close = s.find_first_of(")]", open);
    std::string unit = trim(s.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1));
    if (!voltage_unit(unit).empty() || time_unit_scale(unit) > 0) return {trim(s.substr(0, open)), unit};
    return {s, ""};
  }
  const auto sep = s.find_last_of("_ ");
  if (sep != std::string::npos && sep > 0) {
    const std::string unit = s.substr(sep + 1);
    if (voltage_unit(unit) == "mV" || voltage_unit(unit) == "uV") return {trim(s.substr(0, sep)), unit};
  }
  return {s, ""};
}

// The words of a name, in lower case: "Phone timestamp" -> {"phone", "timestamp"}.
std::vector<std::string> words_of(const std::string& name) {
  std::vector<std::string> words(1);
  for (char c : lower(name)) {
    if (std::isalnum(static_cast<unsigned char>(c))) words.back() += c;
    else if (!words.back().empty()) words.emplace_back();
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

// Time columns, by name: "time", "t", "Time (s)", "time_ms", "seconds", "ms", "timestamp",
// "Phone timestamp", "Elapsed time", or any name with a time unit ("sensor timestamp [ns]",
// "Zeit [s]"). Returns true and the unit scale (0 = not stated) for a time column.
bool is_time_column(const ColumnName& column, double& scale) {
  const std::string base = compact_lower(column.name);
  scale = time_unit_scale(column.unit);
  if (scale > 0) return true;
  for (const char* word : {"time", "t", "timestamp", "elapsedtime", "elapsed"}) {
    if (base == word) return true;
    const std::string w = word;
    if (base.size() > w.size() && base.compare(0, w.size(), w) == 0) {
      const double s = time_unit_scale(base.substr(w.size()));
      if (s > 0) {
        scale = s;
        return true;
      }
    }
  }
  for (const std::string& word : words_of(column.name))
    if (word == "time" || word == "timestamp" || word == "datetime") return true;
  scale = time_unit_scale(base);
  return scale > 0;
}

bool is_index_column(const std::string& name) {
  const std::string base = compact_lower(name);
  for (const char* word : {"sample", "samples", "sampleindex", "samplenumber", "sampleno", "samplenr",
                           "sample#", "index", "idx", "n", "#", "no", "nr", "row"})
    if (base == word) return true;
  return false;
}

// Key-value preamble line: "Sample Rate,512 hertz", "Sampling rate: 500 Hz", "Unit,µV", "Lead,Lead I".
bool split_key_value(const std::string& line, std::string& key, std::string& value) {
  std::string s = trim(line);
  if (!s.empty() && s[0] == '#') s = trim(s.substr(1));
  const auto pos = s.find_first_of(",;\t:=");
  if (pos == std::string::npos) return false;
  key = compact_lower(s.substr(0, pos));
  value = trim(s.substr(pos + 1));
  // Strip quotes and trailing delimiters ("Unit,µV,,,").
  value.erase(std::remove(value.begin(), value.end(), '"'), value.end());
  while (!value.empty() && (value.back() == ',' || value.back() == ';' || value.back() == '\t'))
    value.pop_back();
  value = trim(value);
  return !key.empty();
}

// "512 hertz", "500Hz", "1 kHz", "250,0": Hz, or 0 when not a usable rate (also "0 hertz", "-500").
double parse_rate_value(const std::string& value) {
  std::size_t i = 0;
  while (i < value.size() && (std::isdigit(static_cast<unsigned char>(value[i])) || value[i] == '.' ||
                              value[i] == ',' || value[i] == '-' || value[i] == '+' || value[i] == 'e' ||
                              value[i] == 'E'))
    ++i;
  double rate;
  if (i == 0 || parse_cell(value.substr(0, i), rate) != Cell::kNumber || !(rate > 0)) return 0;
  const std::string unit = compact_lower(value.substr(i));
  if (unit.empty() || unit == "hz" || unit == "hertz" || unit == "sps" || unit == "samples/s" ||
      unit == "samplespersecond" || unit == "/s")
    return rate;
  if (unit == "khz" || unit == "kilohertz") return rate * 1000;
  return 0;
}

bool is_rate_key(const std::string& key) {
  return key == "samplerate" || key == "samplingrate" || key == "samplingfrequency" ||
         key == "samplefrequency" || key == "samplingfreq" || key == "fs" || key == "frequency" ||
         key == "samplerate(hz)" || key == "samplingrate(hz)" || key == "sr" || key == "rate";
}

// The rate implied by the mean step of a time column, snapped to a usual ECG rate or else the
// simplest decimal within the column's resolution (integer-millisecond stamps at 360 Hz give 360,
// not 360.007; 20 rows stamped to the millisecond cannot tell 358 from 360, so 360 it is).
double snap_rate(double rate, double relative_uncertainty) {
  const double tolerance = rate * relative_uncertainty + 1e-9 * rate;
  double best = 0;
  for (double usual : {50.0, 100.0, 120.0, 125.0, 128.0, 130.0 /* Polar H10 */, 200.0, 250.0, 256.0, 257.0,
                       300.0, 360.0, 400.0, 500.0, 512.0, 1000.0, 1024.0, 2000.0, 2048.0, 4000.0, 8000.0})
    if (std::fabs(usual - rate) <= tolerance && (best == 0 || std::fabs(usual - rate) < std::fabs(best - rate)))
      best = usual;
  if (best > 0) return best;
  for (int d = 0; d <= 6; ++d) {
    const double step = std::pow(10.0, -d);
    const double candidate = std::round(rate / step) * step;
    if (std::fabs(candidate - rate) <= tolerance) return candidate;
  }
  return rate;
}

// The stamps of a column, summarised as they are read (20 million stamps are not kept): whether and
// how evenly they increase, and the span they cover.
struct ClockStats {
  std::size_t count = 0;
  double first = 0, last = 0;
  int decimals = 0;  // digits after the decimal separator: the stamps' resolution
  bool increasing = true;
  std::size_t backwards_row = 0;        // first data row (1-based) whose stamp does not increase
  std::string backwards_from, backwards_to;  // those two stamps, as written
  std::string previous;                  // the last stamp as written
  std::string unreadable;                // a cell that is no time, and its line, when one is
  double min_step = std::numeric_limits<double>::infinity(), max_step = 0;
  std::size_t min_step_row = 0, max_step_row = 0;

  // `written`: the cell, for messages (time columns; a lead column's values are only watched).
  void add(double v, int d, const std::string* written = nullptr) {
    ++count;
    decimals = std::max(decimals, d);
    if (count == 1) {
      first = v;
    } else {
      const double step = v - last;
      if (!(step > 0) && increasing) {
        increasing = false;
        backwards_row = count;
        backwards_from = written ? "'" + trim(previous) + "'" : format_fixed(last, decimals);
        backwards_to = written ? "'" + trim(*written) + "'" : format_fixed(v, decimals);
      }
      if (step < min_step) min_step = step, min_step_row = count;
      if (step > max_step) max_step = step, max_step_row = count;
    }
    last = v;
    if (written) previous = *written;
  }
  bool steps_of_one() const { return count > 1 && min_step == 1 && max_step == 1; }
};

struct Column {
  std::string header;  // as written
  ColumnName split;
  enum Kind { kLead, kTime, kIndex } kind = kLead;
  double time_scale = 0;  // kTime: seconds per unit, 0 = not stated
  bool first_time = false;  // the first time column by name: its cells must all be times
  std::vector<float> samples;  // kLead
  ClockStats clock;            // kTime; for a kLead column, while its values increase
  std::size_t numbers = 0, texts = 0, invalid = 0;
  std::size_t first_text_line = 0;
  std::string first_text;
};

// The header as written, or "column N" for an unnamed column.
const std::string& shown_name(const Column& col) { return col.header.empty() ? col.split.name : col.header; }

// Splits lines of the text into fields at its delimiter, reusing one set of strings.
class FieldSplitter {
 public:
  FieldSplitter(const std::string& text, char delim, const std::string& source)
      : text_(text), delim_(delim), source_(source) {}
  std::size_t split(const Line& l) { return split_fields(text_, l, delim_, fields_, source_); }
  const std::string& operator[](std::size_t i) const { return fields_[i]; }
  std::vector<std::string>& fields() { return fields_; }
  char delim() const { return delim_; }

 private:
  const std::string& text_;
  char delim_;
  const std::string& source_;
  std::vector<std::string> fields_;
};

// --- 1. Layout ---

struct Layout {
  char delim = ',';
  std::size_t fields = 1;  // per row
  Line data_start{};       // the first data row
  std::size_t data_start_offset = 0;  // where the line after it begins
  std::vector<Line> above; // the (up to) two content lines just above the data, nearest first
};

bool is_content(const std::string& text, const Line& l) { return !is_blank(text, l) && !is_comment(text, l); }

// The data section's shape, from its last (up to 200) content lines: the delimiter that splits
// (nearly) all of them alike, preferring tab, then ';', then ',' (a ';' or tab file may use decimal
// commas), and the usual field count. Ragged rows are reported later, by line number.
void sniff_delimiter(const std::string& text, std::size_t start, const std::string& src, const Limits& limits,
                     Layout& layout) {
  std::deque<Line> tail;
  LineCursor cursor(text, start);
  for (Line l; cursor.next(l);) {
    if (!is_content(text, l)) continue;
    tail.push_back(l);
    if (tail.size() > 200) tail.pop_front();
  }
  if (tail.empty()) throw Error(ErrorKind::bad_data, src + ": empty file (no data rows)");
  std::size_t best_votes = 0;
  for (char candidate : {'\t', ';', ','}) {
    std::map<std::size_t, std::size_t> histogram;
    for (const Line& l : tail) ++histogram[count_delimiter(text, l, candidate)];
    std::size_t mode = 0, votes = 0;
    for (const auto& [count, n] : histogram)
      if (n > votes) mode = count, votes = n;
    if (mode == 0) continue;
    if (votes * 10 >= tail.size() * 9) {
      layout.delim = candidate, layout.fields = mode + 1;
      break;
    }
    if (votes > best_votes) layout.delim = candidate, layout.fields = mode + 1, best_votes = votes;
  }
  if (layout.fields > limits.max_signals + 4)
    throw Error(ErrorKind::limit, src + ": " + std::to_string(layout.fields) + " columns, more than the limit of " +
                                      std::to_string(limits.max_signals) + " signals");
}

// The first data row: `fields` fields, at least one a number, followed by a row holding a number
// (so that a preamble line like "Samples,5000" just above the header is not taken for data, while a
// ragged second row is still reported as ragged).
void find_data_start(const std::string& text, std::size_t start, const std::string& src, Layout& layout) {
  FieldSplitter row(text, layout.delim, src);
  auto has_number = [&](const Line& l) {
    const std::size_t n = row.split(l);
    for (std::size_t i = 0; i < n; ++i) {
      double v;
      if (parse_cell(row[i], v) == Cell::kNumber) return true;
    }
    return false;
  };
  LineCursor cursor(text, start);
  for (Line l; cursor.next(l);) {
    if (!is_content(text, l)) continue;
    if (row.split(l) == layout.fields && has_number(l)) {
      LineCursor ahead = cursor;
      Line next;
      bool more = false;
      while (!more && ahead.next(next)) more = is_content(text, next);
      if (!more || has_number(next)) {
        layout.data_start = l;
        layout.data_start_offset = cursor.position();
        return;
      }
    }
    layout.above.insert(layout.above.begin(), l);
    if (layout.above.size() > 2) layout.above.pop_back();
  }
  throw Error(ErrorKind::bad_data,
              src + ": no data rows (expected rows of numbers, one sample per row, one column per lead)");
}

Layout sniff_layout(const std::string& text, std::size_t start, const std::string& src, const Limits& limits) {
  Layout layout;
  sniff_delimiter(text, start, src, limits, layout);
  find_data_start(text, start, src, layout);
  return layout;
}

// --- 2. Header, units and preamble ---

struct ColumnHeader {
  std::vector<std::string> names, units;  // empty when absent
  std::size_t preamble_end = 0;           // first line number that is not preamble
};

bool is_unit_text(const std::string& u) {
  return !voltage_unit(u).empty() || time_unit_scale(u) > 0 || lower(u).find("hh:mm") != std::string::npos ||
         lower(u).find("mm:ss") != std::string::npos;
}

// Column names (and an optional units row) just above the data; everything before is preamble.
ColumnHeader find_column_header(const std::string& text, const Layout& layout, const std::string& src) {
  const std::size_t k = layout.fields;
  FieldSplitter row(text, layout.delim, src);
  // A row of k names; a trailing delimiter more or less than the data rows is tolerated.
  auto columns_row = [&](const Line& line, std::vector<std::string>& out) {
    std::size_t n = row.split(line);
    while (n > k && is_blank(row[n - 1])) --n;
    if (n != k && !(n + 1 == k && k > 1)) return false;
    out.assign(row.fields().begin(), row.fields().begin() + n);
    out.resize(k);
    bool named = false;  // a row of names has at least one that is not a number
    for (auto& f : out) {
      f = trim(f);
      double v;
      named = named || parse_cell(f, v) == Cell::kText;
    }
    return named;
  };
  ColumnHeader header;
  header.preamble_end = layout.data_start.number;
  const std::vector<Line>& above = layout.above;
  std::vector<std::string> nearest;
  if (above.empty() || !columns_row(above[0], nearest)) return header;
  bool all_units = true, any_unit = false;
  for (const auto& u : nearest) {
    if (u.empty()) continue;
    all_units = all_units && is_unit_text(u);
    any_unit = any_unit || is_unit_text(u);
  }
  if (all_units && any_unit && above.size() > 1 && columns_row(above[1], header.names)) {
    header.units = nearest;
    header.preamble_end = above[1].number;
    return header;
  }
  std::string key, value;
  // In a single-column file a "key: value" line above the data is preamble, not a name.
  if (!(k == 1 && split_key_value(nearest[0], key, value))) {
    header.names = nearest;
    header.preamble_end = above[0].number;
  }
  return header;
}

struct Preamble {
  double rate = 0;            // Hz, 0 when not stated
  std::string bad_rate_line;  // a rate line whose value is no rate ("Sample Rate,0 hertz")
  std::string units, lead;    // "Unit,µV", "Lead,Lead I"
};

// Preamble lines and '#' comments above the data become Record::comments; key-value lines among
// them may give the rate, the units and (single-column files) the lead name.
Preamble read_preamble(const std::string& text, std::size_t start, const Layout& layout, std::size_t preamble_end,
                       std::vector<std::string>& comments) {
  Preamble p;
  LineCursor cursor(text, start);
  for (Line l; cursor.next(l) && l.number < layout.data_start.number;) {
    if (is_blank(text, l)) continue;
    const bool comment = is_comment(text, l);
    if (!comment && l.number >= preamble_end) continue;  // header, units row
    std::string content = trim(text.substr(l.begin, l.end - l.begin));
    if (comment) content = trim(content.substr(1));
    comments.push_back(content);
    std::string key, value;
    if (!split_key_value(content, key, value)) continue;
    if (is_rate_key(key) && p.rate == 0) {
      p.rate = parse_rate_value(value);
      if (p.rate == 0 && p.bad_rate_line.empty()) p.bad_rate_line = content;
    } else if ((key == "unit" || key == "units") && p.units.empty()) {
      p.units = value;
    } else if (key == "lead" && p.lead.empty()) {
      p.lead = value;
    }
  }
  return p;
}

// --- 3. Column typing by name ---

std::vector<Column> columns_by_name(const ColumnHeader& header, const Preamble& preamble, std::size_t k) {
  std::vector<Column> columns(k);
  for (std::size_t c = 0; c < k; ++c) {
    Column& col = columns[c];
    col.header = c < header.names.size() ? header.names[c] : "";
    col.split = split_unit(col.header);
    if (c < header.units.size() && !header.units[c].empty()) col.split.unit = header.units[c];
    double scale = 0;
    if (!col.header.empty() && is_time_column(col.split, scale)) {
      col.kind = Column::kTime;
      col.time_scale = scale;
    } else if (!col.header.empty() && is_index_column(col.split.name)) {
      col.kind = Column::kIndex;
    } else if (col.header.empty()) {
      col.split.name = k == 1 && !preamble.lead.empty() ? preamble.lead : "column " + std::to_string(c + 1);
    }
  }
  for (auto& col : columns)
    if (col.kind == Column::kTime) {
      col.first_time = true;
      break;
    }
  return columns;
}

// Columns and rows x columns against the limits, before any sample array is allocated.
void reserve_within_limits(const std::string& text, const Layout& layout, std::vector<Column>& columns,
                           const Limits& limits, const std::string& src) {
  std::size_t lead_columns = 0;
  for (const auto& col : columns) lead_columns += col.kind == Column::kLead;
  if (lead_columns > limits.max_signals)
    throw Error(ErrorKind::limit, src + ": " + std::to_string(lead_columns) + " columns, more than the limit of " +
                                      std::to_string(limits.max_signals) + " signals");
  std::size_t max_rows = 1;  // data_start itself, plus the content lines after it
  LineCursor cursor(text, layout.data_start_offset, layout.data_start.number);
  for (Line l; cursor.next(l);) max_rows += is_content(text, l);
  if (static_cast<std::uint64_t>(max_rows) * std::max<std::size_t>(lead_columns, 1) > limits.max_total_samples)
    throw Error(ErrorKind::limit, src + ": " + std::to_string(max_rows) + " rows x " + std::to_string(lead_columns) +
                                      " columns exceed the limit of " + std::to_string(limits.max_total_samples) +
                                      " samples (split the recording into shorter files)");
  for (auto& col : columns)
    if (col.kind == Column::kLead) col.samples.reserve(max_rows);
}

// --- 4. Data rows ---

struct InvalidCells {
  std::size_t first_line = 0;
  std::string first_column;
};

void read_time_cell(Column& col, const std::string& cell_text, const Line& l, const std::string& src) {
  double v = 0;
  int decimals = 0;
  if (!col.clock.unreadable.empty()) return;
  if (parse_cell(cell_text, v, &decimals) != Cell::kNumber) {
    if (!parse_clock(cell_text, v, decimals)) {
      const std::string what = "line " + std::to_string(l.number) + ": time '" + trim(cell_text) + "' in column '" +
                               col.header + "' is not a number";
      if (col.first_time)
        throw Error(ErrorKind::bad_data, src + ": " + what +
                                             " (fix the cell, or remove the time column and give the sampling rate "
                                             "instead)");
      col.clock.unreadable = what;  // another clock may give the rate
      return;
    }
    if (col.time_scale == 0) col.time_scale = 1;
  }
  col.clock.add(v, decimals, &cell_text);
}

void read_lead_cell(Column& col, const std::string& cell_text, const Line& l, InvalidCells& invalid) {
  double v = 0;
  int decimals = 0;
  Cell cell = parse_cell(cell_text, v, &decimals);
  // Beyond float range (1e39) a sample would become infinite: invalid like "inf".
  if (cell == Cell::kNumber && std::fabs(v) > std::numeric_limits<float>::max()) cell = Cell::kInfinite;
  if (cell == Cell::kNumber) {
    col.samples.push_back(static_cast<float>(v));
    ++col.numbers;
    if (col.clock.increasing) col.clock.add(v, decimals);  // a clock in disguise? (step 5)
    return;
  }
  col.samples.push_back(std::nanf(""));
  col.clock.increasing = false;
  if (cell == Cell::kText) {
    if (col.texts++ == 0) col.first_text_line = l.number, col.first_text = trim(cell_text);
  } else {
    ++col.invalid;
    if (invalid.first_line == 0) invalid.first_line = l.number, invalid.first_column = col.split.name;
  }
}

InvalidCells read_rows(const std::string& text, const Layout& layout, std::vector<Column>& columns,
                       std::vector<std::string>& comments, const std::string& src) {
  const std::size_t k = layout.fields;
  FieldSplitter row(text, layout.delim, src);
  InvalidCells invalid;
  auto add_row = [&](const Line& l) {
    std::size_t n = row.split(l);
    bool all_empty = true;
    for (std::size_t f = 0; f < n && all_empty; ++f) all_empty = is_blank(row[f]);
    if (all_empty) return;  // a row of empty cells counts as blank
    while (n > k && is_blank(row[n - 1])) --n;  // trailing delimiters
    if (n != k)
      throw Error(ErrorKind::bad_data, src + ": line " + std::to_string(l.number) + " has " + std::to_string(n) +
                                           " fields, the header and the rows before have " + std::to_string(k) +
                                           " (check the delimiter '" +
                                           std::string(row.delim() == '\t' ? "tab" : std::string(1, row.delim())) +
                                           "' and that every row has every column)");
    for (std::size_t c = 0; c < k; ++c) {
      Column& col = columns[c];
      if (col.kind == Column::kTime) read_time_cell(col, row[c], l, src);
      else if (col.kind == Column::kLead) read_lead_cell(col, row[c], l, invalid);
    }
  };
  LineCursor cursor(text, layout.data_start_offset, layout.data_start.number);
  for (Line l = layout.data_start;;) {
    if (is_comment(text, l)) comments.push_back(trim(text.substr(l.begin + 1, l.end - l.begin - 1)));
    else if (!is_blank(text, l)) add_row(l);
    if (!cursor.next(l)) break;
  }
  return invalid;
}

// --- 5. Column typing by values ---

// Rows a column must increase over to be taken for a clock: an ECG lead rises for a QRS upstroke
// (some 20-50 ms, up to 50 samples at 1000 Hz), never for longer.
constexpr std::size_t kMinClockRows = 64;

void columns_by_values(std::vector<Column>& columns, std::vector<std::string>& warnings) {
  // A first column without a name holding 0, 1, 2, ... (or 1, 2, 3, ...) is a row index.
  Column& first = columns[0];
  if (columns.size() > 1 && first.kind == Column::kLead && first.header.empty() && first.invalid == 0 &&
      first.texts == 0 && !first.samples.empty()) {
    const std::vector<float>& v = first.samples;
    bool index = v[0] == 0 || v[0] == 1;
    for (std::size_t i = 1; i < v.size() && index; ++i) index = v[i] == v[i - 1] + 1;
    if (index) first.kind = Column::kIndex;
  }
  // A column of clock values (epoch milliseconds, device nanoseconds) under a name that does not
  // say so is time, never a lead: no ECG lead increases over a whole recording. A standard lead
  // name or a voltage unit is believed, and a lead must remain.
  std::size_t leads = 0;
  for (const auto& col : columns) leads += col.kind == Column::kLead;
  for (auto& col : columns) {
    if (col.kind != Column::kLead || leads < 2 || !col.clock.increasing || col.clock.count < kMinClockRows ||
        col.numbers != col.clock.count || !canonical_lead_name(col.split.name).empty() ||
        !voltage_unit(col.split.unit).empty())
      continue;
    --leads;
    if (col.clock.steps_of_one()) {
      col.kind = Column::kIndex;
      warnings.push_back("column '" + shown_name(col) + "' counts 1, 2, 3, ...: taken as a row index, not a lead");
      continue;
    }
    col.kind = Column::kTime;
    col.time_scale = time_unit_scale(col.split.unit);
    std::vector<float>().swap(col.samples);
    warnings.push_back("column '" + shown_name(col) + "' increases on every row like a clock: taken as time, not a lead");
  }
}

// --- 6. Leads ---

// Lead columns: text columns (annotations) are dropped; a number column with a stray word fails.
void collect_leads(std::vector<Column>& columns, const CsvOptions& options, const Preamble& preamble,
                   const InvalidCells& invalid, const std::string& src, Record& record) {
  const std::string units_default = options.units.empty() ? "" : voltage_unit(options.units);
  if (!options.units.empty() && units_default.empty())
    throw Error(ErrorKind::bad_argument, src + ": unknown units '" + options.units + "' (use mV or uV)");
  const std::string preamble_voltage = voltage_unit(preamble.units);
  std::size_t invalid_total = 0;
  for (auto& col : columns) {
    if (col.kind != Column::kLead) continue;
    if (col.numbers == 0) {
      if (col.texts > 0) {
        record.warnings.push_back("column '" + shown_name(col) + "' holds text, not samples: ignored");
        continue;
      }
      // Unnamed and empty: a trailing delimiter's column. Named and empty: a lead without a valid
      // sample (an electrode off), kept as invalid samples like a WFDB signal, so that it is
      // reported as such rather than as missing.
      if (col.header.empty()) continue;
    }
    if (col.texts > 0)
      throw Error(ErrorKind::bad_data, src + ": line " + std::to_string(col.first_text_line) + ": '" + col.first_text +
                                           "' in column '" + col.split.name + "' is not a number");
    Lead lead;
    lead.name = col.split.name;
    const std::string header_unit = voltage_unit(col.split.unit);
    lead.units = !units_default.empty()      ? units_default
                 : !header_unit.empty()      ? header_unit
                 : !preamble_voltage.empty() ? preamble_voltage
                                             : "mV";
    lead.samples = std::move(col.samples);
    invalid_total += col.invalid;
    record.leads.push_back(std::move(lead));
  }
  if (record.leads.empty())
    throw Error(ErrorKind::bad_data,
                src + ": no numeric lead columns (expected columns such as I, II, V1 with one sample per row)");
  if (invalid_total > 0)
    record.warnings.push_back(std::to_string(invalid_total) +
                              " empty, NaN or infinite cells read as invalid samples (first at line " +
                              std::to_string(invalid.first_line) + ", column " + invalid.first_column + ")");
}

// --- 7. Sampling rate ---

struct ClockRate {
  double hz = 0;          // 0 when the column gives no rate
  std::string problem;    // why not
  std::size_t rows_in_order = 0;  // how far its stamps increase: the column closest to a clock
  std::string unit_note;  // the unit was not stated and was inferred
};

// The rate a time column implies: its stamps must increase, evenly within their resolution (1 ms
// stamps at 360 Hz are fine), and a unit not stated is the largest of s, ms, µs, ns in which the
// steps mean an ECG rate (at least 10 Hz): 0.004 is s, 4 ms, 7692 µs, 7692308 ns.
ClockRate rate_from_clock(const Column& col) {
  const ClockStats& c = col.clock;
  const std::string what = "the time column '" + shown_name(col) + "'";
  if (!c.unreadable.empty()) return {0, c.unreadable, 0, ""};
  if (c.count < 2) return {0, what + " has a single row, which gives no rate", 0, ""};
  if (!c.increasing)
    return {0, what + " does not increase (" + c.backwards_from + " then " + c.backwards_to + " at row " +
                   std::to_string(c.backwards_row) + " of the data)", c.backwards_row - 1, ""};
  const double span = c.last - c.first;
  const double dt = span / (c.count - 1);
  // The written resolution, or the double's where the stamps are larger than 2^53 units (epoch ns).
  const double magnitude = std::max(std::fabs(c.first), std::fabs(c.last));
  const double resolution =
      std::max(std::pow(10.0, -c.decimals), std::nextafter(magnitude, HUGE_VAL) - magnitude);
  const double above = c.max_step - dt, below = dt - c.min_step;  // the worst step; the first of a tie
  const bool max_worse = above > below || (above == below && c.max_step_row < c.min_step_row);
  const double worst = max_worse ? c.max_step : c.min_step;
  if (std::fabs(worst - dt) > resolution + 0.01 * dt)
    return {0, what + " is not evenly spaced (step " + format_fixed(worst, c.decimals) + " at row " +
                   std::to_string(max_worse ? c.max_step_row : c.min_step_row) + " of the data, average step " +
                   format_fixed(dt, c.decimals + 3) + ")", c.count, ""};
  double scale = col.time_scale;
  std::string note;
  if (scale == 0) {
    static const struct {
      double scale;
      const char* name;
    } kUnits[] = {{1, "seconds"}, {1e-3, "milliseconds"}, {1e-6, "microseconds"}, {1e-9, "nanoseconds"}};
    for (const auto& u : kUnits) {
      scale = u.scale;
      if (1.0 / (dt * scale) >= 10) {
        if (u.scale != 1) note = "time column '" + shown_name(col) + "' has no unit: read as " + u.name;
        break;
      }
    }
  }
  return {snap_rate(1.0 / (dt * scale), resolution / span), "", c.count, note};
}

// The option, else a preamble line, else the first time column whose stamps give a rate. When none
// does, the problem told is that of the column whose stamps stay in order longest (a phone's arrival
// times repeat within a Bluetooth packet; the sensor's clock is the one to talk about).
double sampling_rate(const std::vector<Column>& columns, const CsvOptions& options, const Preamble& preamble,
                     const std::string& src, std::vector<std::string>& warnings) {
  ClockRate time, failed;
  std::string time_column;
  for (const auto& col : columns) {
    if (col.kind != Column::kTime) continue;
    ClockRate r = rate_from_clock(col);
    if (r.hz == 0) {
      if (failed.problem.empty() || r.rows_in_order > failed.rows_in_order) failed = r;
    } else if (time.hz == 0) {
      time = r;
      time_column = shown_name(col);
    } else if (std::fabs(r.hz - time.hz) > 0.01 * time.hz) {
      warnings.push_back("the time columns '" + time_column + "' and '" + shown_name(col) + "' imply " +
                         format_double(time.hz) + " Hz and " + format_double(r.hz) + " Hz: using " +
                         format_double(time.hz) + " Hz");
    }
  }
  const bool time_used = options.sampling_rate_hz <= 0 && preamble.rate <= 0 && time.hz > 0;
  if (time_used && !time.unit_note.empty()) warnings.push_back(time.unit_note);
  if (options.sampling_rate_hz > 0) {
    const double other = preamble.rate > 0 ? preamble.rate : time.hz;
    if (other > 0 && std::fabs(other - options.sampling_rate_hz) > 0.01 * options.sampling_rate_hz)
      warnings.push_back("the file says " + format_double(other) + " Hz; using the given " +
                         format_double(options.sampling_rate_hz) + " Hz");
    return options.sampling_rate_hz;
  }
  if (preamble.rate > 0) {
    if (time.hz > 0 && std::fabs(time.hz - preamble.rate) > 0.01 * preamble.rate)
      warnings.push_back("the time column implies " + format_double(time.hz) + " Hz, the preamble says " +
                         format_double(preamble.rate) + " Hz: using " + format_double(preamble.rate) + " Hz");
    return preamble.rate;
  }
  if (time.hz > 0) return time.hz;
  // How to give the rate is the front-end's to say (a flag, an option): these end without it.
  if (!preamble.bad_rate_line.empty())
    throw Error(ErrorKind::needs_rate, src + ": the line '" + preamble.bad_rate_line +
                                           "' does not give a usable sampling rate, a positive number of Hz");
  if (!failed.problem.empty())
    throw Error(ErrorKind::needs_rate, src + ": " + failed.problem + ", so the sampling rate is unknown");
  throw Error(ErrorKind::needs_rate, src + ": cannot tell the sampling rate: no time column and no 'Sample Rate' line");
}

}  // namespace

Record read_csv(const std::string& bytes, const CsvOptions& options, const std::string& source_name) {
  const std::string& src = source_name;
  if (bytes.size() > options.limits.max_file_bytes)
    throw Error(ErrorKind::limit, src + ": " + std::to_string(bytes.size()) + " bytes, more than the limit of " +
                                      std::to_string(options.limits.max_file_bytes) + " bytes");
  std::string converted;
  std::size_t start = 0;
  const std::string& text = checked_text(bytes, src, converted, start);

  Record record;
  record.name = file_stem(src);
  const Layout layout = sniff_layout(text, start, src, options.limits);
  const ColumnHeader header = find_column_header(text, layout, src);
  const Preamble preamble = read_preamble(text, start, layout, header.preamble_end, record.comments);
  std::vector<Column> columns = columns_by_name(header, preamble, layout.fields);
  reserve_within_limits(text, layout, columns, options.limits, src);
  const InvalidCells invalid = read_rows(text, layout, columns, record.comments, src);
  columns_by_values(columns, record.warnings);
  collect_leads(columns, options, preamble, invalid, src, record);
  record.sampling_rate_hz = sampling_rate(columns, options, preamble, src, record.warnings);
  return record;
}

Record read_csv_file(const std::string& path, const CsvOptions& options) {
  FileWords words;
  words.missing = "no such file (check the path)";
  words.over_limit = ", more than the limit of";
  return read_csv(read_text_file(path, options.limits, words), options, path);
}

}  // namespace ecglite
