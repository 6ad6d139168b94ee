// ECG CSV exports. The layout is found, not assumed:
//   [preamble: "# ..." comments and key-value lines such as "Sample Rate,512 hertz"]
//   [header: column names, optionally followed by a row of units]
//   data rows: one sample per row, one column per lead (plus optional time / index columns)
// Decisions (documented in csv.h): values stay in their stated units (Lead::units says which;
// preprocessing z-scores each lead anyway); empty, NaN and infinite cells become NaN samples with a
// warning; text columns (annotations) are ignored with a warning; a row of only empty cells is
// skipped like a blank line.
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
  LineCursor(const std::string& text, std::size_t start) : text_(&text), pos_(start) {}
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
  std::size_t number_ = 0;
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

// "12:03:04.512", "03:04.5", "2021-05-01 12:03:04.512": seconds since midnight (a time column
// written as a clock).
bool parse_clock(const std::string& raw, double& seconds, int& decimals) {
  std::string s = trim(raw);
  const auto space = s.find_last_of(" T");
  if (space != std::string::npos) s = s.substr(space + 1);
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
  seconds = total;
  return true;
}

// Unit spellings -> "mV", "uV", "V"; "" when `s` is not a voltage unit.
std::string voltage_unit(const std::string& s) {
  const double mv = units::millivolts_per(s);
  return mv == 1.0 ? "mV" : mv == 1e-3 ? "uV" : mv == 1e3 ? "V" : "";
}

// A column name split into the name proper and a unit in brackets or after '_' / ' ':
// "II (mV)" -> {"II", "mV"}, "I [uV]" -> {"I", "uV"}, "V1_mV" -> {"V1", "mV"}, "Time (s)" -> {"Time", "s"}.
struct ColumnName {
  std::string name, unit;
};

ColumnName split_unit(const std::string& raw) {
  std::string s = trim(raw);
  const auto open = s.find_first_of("([");
  if (open != std::string::npos) {
    const auto close = s.find_first_of(")]", open);
    std::string unit = trim(s.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1));
    const std::string lu = lower(unit);
    if (!voltage_unit(unit).empty() || lu == "s" || lu == "ms" || lu == "sec" || lu == "seconds" ||
        lu == "msec" || lu == "milliseconds")
      return {trim(s.substr(0, open)), unit};
    return {s, ""};
  }
  const auto sep = s.find_last_of("_ ");
  if (sep != std::string::npos && sep > 0) {
    const std::string unit = s.substr(sep + 1);
    if (voltage_unit(unit) == "mV" || voltage_unit(unit) == "uV") return {trim(s.substr(0, sep)), unit};
  }
  return {s, ""};
}

std::string compact_lower(const std::string& s) {
  std::string out;
  for (char c : lower(s))
    if (c != ' ' && c != '_' && c != '-' && c != '.') out += c;
  return out;
}

// Time units: 1 for seconds, 1e-3 for milliseconds, 0 when not a time unit.
double time_unit_scale(const std::string& unit) {
  const std::string u = compact_lower(unit);
  if (u == "s" || u == "sec" || u == "secs" || u == "second" || u == "seconds") return 1;
  if (u == "ms" || u == "msec" || u == "millis" || u == "millisecond" || u == "milliseconds") return 1e-3;
  return 0;
}

// Time column names: "time", "t", "Time (s)", "time_ms", "seconds", "ms", "timestamp", ...
// Returns true and the unit scale (0 = not stated) for a time column.
bool is_time_column(const ColumnName& column, double& scale) {
  const std::string base = compact_lower(column.name);
  scale = time_unit_scale(column.unit);
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
  const double s = time_unit_scale(base);
  if (s > 0) {
    scale = s;
    return true;
  }
  return false;
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
  for (double usual : {50.0, 100.0, 120.0, 125.0, 128.0, 200.0, 250.0, 256.0, 257.0, 300.0, 360.0,
                       400.0, 500.0, 512.0, 1000.0, 1024.0, 2000.0, 2048.0, 4000.0, 8000.0})
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

struct Column {
  std::string header;  // as written
  ColumnName split;
  enum Kind { kLead, kTime, kIndex } kind = kLead;
  double time_scale = 0;  // kTime: seconds per unit, 0 = not stated
  std::vector<float> samples;   // kLead
  std::vector<double> times;    // kTime
  int time_decimals = 0;
  std::size_t numbers = 0, texts = 0, invalid = 0;
  std::size_t first_text_line = 0;
  std::string first_text;
};

}  // namespace

Record read_csv(const std::string& bytes, const CsvOptions& options, const std::string& source_name) {
  const std::string& src = source_name;
  if (bytes.size() > options.limits.max_file_bytes)
    throw Error(ErrorKind::limit, src + ": " + std::to_string(bytes.size()) + " bytes, more than the limit of " +
                                      std::to_string(options.limits.max_file_bytes) + " bytes");
  std::string converted;
  std::size_t start = 0;
  const std::string& text = checked_text(bytes, src, converted, start);
  auto content_line = [&](const Line& l) { return !is_blank(text, l) && !is_comment(text, l); };

  // The data section's shape, from its last (up to 200) content lines: the delimiter that splits
  // (nearly) all of them alike, preferring tab, then ';', then ',' (a ';' or tab file may use
  // decimal commas), and the usual field count k. Ragged rows are reported below by line number.
  std::deque<Line> tail;
  {
    LineCursor cursor(text, start);
    Line l;
    while (cursor.next(l)) {
      if (!content_line(l)) continue;
      tail.push_back(l);
      if (tail.size() > 200) tail.pop_front();
    }
  }
  if (tail.empty()) throw Error(ErrorKind::bad_data, src + ": empty file (no data rows)");
  char delim = ',';
  std::size_t k = 1, best_votes = 0;
  for (char candidate : {'\t', ';', ','}) {
    std::map<std::size_t, std::size_t> histogram;
    for (const Line& l : tail) ++histogram[count_delimiter(text, l, candidate)];
    std::size_t mode = 0, votes = 0;
    for (const auto& [count, n] : histogram)
      if (n > votes) mode = count, votes = n;
    if (mode == 0) continue;
    if (votes * 10 >= tail.size() * 9) {
      delim = candidate, k = mode + 1;
      break;
    }
    if (votes > best_votes) delim = candidate, k = mode + 1, best_votes = votes;
  }
  if (k > options.limits.max_signals + 4)
    throw Error(ErrorKind::limit, src + ": " + std::to_string(k) + " columns, more than the limit of " +
                                      std::to_string(options.limits.max_signals) + " signals");
  std::vector<std::string> fields;

  // A row of data: k fields, at least one a number. The data start is the first such row followed
  // by a row holding a number (so that a preamble line like "Samples,5000" just above the header
  // is not taken for data, while a ragged second row is still reported as ragged).
  auto has_number = [&](const Line& l) {
    const std::size_t n = split_fields(text, l, delim, fields, src);
    for (std::size_t i = 0; i < n; ++i) {
      double v;
      if (parse_cell(fields[i], v) == Cell::kNumber) return true;
    }
    return false;
  };
  auto data_like = [&](const Line& l) {
    return split_fields(text, l, delim, fields, src) == k && has_number(l);
  };
  Line data_start{};
  bool have_data = false;
  std::vector<Line> above;  // the (up to) two content lines just above the data, nearest first
  LineCursor data_cursor(text, start);  // positioned after data_start once found
  {
    LineCursor cursor(text, start);
    Line l;
    while (!have_data && cursor.next(l)) {
      if (!content_line(l)) continue;
      if (data_like(l)) {
        LineCursor ahead = cursor;
        Line next;
        bool more = false;
        while (ahead.next(next))
          if (content_line(next)) {
            more = true;
            break;
          }
        if (!more || has_number(next)) {
          data_start = l;
          have_data = true;
          data_cursor = cursor;
          break;
        }
      }
      above.insert(above.begin(), l);
      if (above.size() > 2) above.pop_back();
    }
  }
  if (!have_data)
    throw Error(ErrorKind::bad_data, src +
                                         ": no data rows (expected rows of numbers, one sample per row, one column "
                                         "per lead)");

  // Header (and an optional units row) just above the data; everything before is preamble.
  Record record;
  record.name = file_stem(src);
  std::vector<std::string> header, unit_row;
  std::size_t preamble_end = data_start.number;  // first line number that is not preamble
  {
    // A row of k names; a trailing delimiter more or less than the data rows is tolerated.
    auto columns_row = [&](const Line& line, std::vector<std::string>& out) {
      std::size_t n = split_fields(text, line, delim, fields, src);
      while (n > k && is_blank(fields[n - 1])) --n;
      if (n != k && !(n + 1 == k && k > 1)) return false;
      out.assign(fields.begin(), fields.begin() + n);
      out.resize(k);
      bool named = false;  // a row of names has at least one that is not a number
      for (auto& f : out) {
        f = trim(f);
        double v;
        named = named || parse_cell(f, v) == Cell::kText;
      }
      return named;
    };
    if (!above.empty() && columns_row(above[0], unit_row)) {
      bool all_units = true, any_unit = false;
      for (const auto& u : unit_row) {
        if (u.empty()) continue;
        const bool unit = !voltage_unit(u).empty() || time_unit_scale(u) > 0 ||
                          lower(u).find("hh:mm") != std::string::npos ||
                          lower(u).find("mm:ss") != std::string::npos;
        all_units = all_units && unit;
        any_unit = any_unit || unit;
      }
      if (all_units && any_unit && above.size() > 1 && columns_row(above[1], header)) {
        preamble_end = above[1].number;
      } else {
        std::string key, value;
        // In a single-column file a "key: value" line above the data is preamble, not a name.
        if (!(k == 1 && split_key_value(unit_row[0], key, value))) {
          header = unit_row;
          preamble_end = above[0].number;
        }
        unit_row.clear();
      }
    }
  }
  std::string preamble_units, preamble_lead;
  double preamble_rate = 0;
  std::string bad_rate_line;  // a rate line whose value is no rate ("Sample Rate,0 hertz")
  // Preamble lines and '#' comments become Record::comments; key-value lines among them may give
  // the rate, the units and (single-column files) the lead name.
  {
    LineCursor cursor(text, start);
    Line l;
    while (cursor.next(l) && l.number < data_start.number) {
      if (is_blank(text, l)) continue;
      const bool comment = is_comment(text, l);
      if (!comment && l.number >= preamble_end) continue;  // header, units row
      std::string content = trim(text.substr(l.begin, l.end - l.begin));
      if (comment) content = trim(content.substr(1));
      record.comments.push_back(content);
      std::string key, value;
      if (!split_key_value(content, key, value)) continue;
      if (is_rate_key(key) && preamble_rate == 0) {
        preamble_rate = parse_rate_value(value);
        if (preamble_rate == 0 && bad_rate_line.empty()) bad_rate_line = content;
      }
      else if ((key == "unit" || key == "units") && preamble_units.empty()) preamble_units = value;
      else if (key == "lead" && preamble_lead.empty()) preamble_lead = value;
    }
  }

  // Columns.
  std::vector<Column> columns(k);
  for (std::size_t c = 0; c < k; ++c) {
    Column& col = columns[c];
    col.header = c < header.size() ? header[c] : "";
    col.split = split_unit(col.header);
    if (c < unit_row.size() && !unit_row[c].empty()) col.split.unit = unit_row[c];
    double scale = 0;
    if (!col.header.empty() && is_time_column(col.split, scale)) {
      col.kind = Column::kTime;
      col.time_scale = scale;
    } else if (!col.header.empty() && is_index_column(col.split.name)) {
      col.kind = Column::kIndex;
    } else if (col.header.empty()) {
      col.split.name = k == 1 && !preamble_lead.empty() ? preamble_lead : "column " + std::to_string(c + 1);
    }
  }
  // Only the first time column gives the rate; others are ignored like index columns.
  bool have_time = false;
  for (auto& col : columns) {
    if (col.kind != Column::kTime) continue;
    if (have_time) col.kind = Column::kIndex;
    have_time = true;
  }
  std::size_t lead_columns = 0;
  for (const auto& col : columns) lead_columns += col.kind == Column::kLead;
  if (lead_columns > options.limits.max_signals)
    throw Error(ErrorKind::limit, src + ": " + std::to_string(lead_columns) + " columns, more than the limit of " +
                                      std::to_string(options.limits.max_signals) + " signals");
  std::size_t max_rows = 1;  // data_start itself, plus the content lines after it
  {
    LineCursor cursor = data_cursor;
    Line l;
    while (cursor.next(l)) max_rows += content_line(l);
  }
  if (static_cast<std::uint64_t>(max_rows) * std::max<std::size_t>(lead_columns, 1) >
      options.limits.max_total_samples)
    throw Error(ErrorKind::limit, src + ": " + std::to_string(max_rows) + " rows x " + std::to_string(lead_columns) +
                                      " columns exceed the limit of " +
                                      std::to_string(options.limits.max_total_samples) +
                                      " samples (split the recording into shorter files)");
  for (auto& col : columns) {
    if (col.kind == Column::kLead) col.samples.reserve(max_rows);
    if (col.kind == Column::kTime) col.times.reserve(max_rows);
  }

  // Data rows.
  std::size_t first_invalid_line = 0;
  std::string first_invalid_column;
  auto add_row = [&](const Line& l) {
    std::size_t n = split_fields(text, l, delim, fields, src);
    bool all_empty = true;
    for (std::size_t f = 0; f < n && all_empty; ++f) all_empty = is_blank(fields[f]);
    if (all_empty) return;  // a row of empty cells counts as blank
    while (n > k && is_blank(fields[n - 1])) --n;  // trailing delimiters
    if (n != k)
      throw Error(ErrorKind::bad_data, src + ": line " + std::to_string(l.number) + " has " + std::to_string(n) +
                                           " fields, the header and the rows before have " + std::to_string(k) +
                                           " (check the delimiter '" +
                                           std::string(delim == '\t' ? "tab" : std::string(1, delim)) +
                                           "' and that every row has every column)");
    for (std::size_t c = 0; c < k; ++c) {
      Column& col = columns[c];
      if (col.kind == Column::kIndex) continue;
      double v = 0;
      int decimals = 0;
      Cell cell = parse_cell(fields[c], v, &decimals);
      if (col.kind == Column::kTime) {
        if (cell != Cell::kNumber) {
          if (parse_clock(fields[c], v, decimals)) {
            if (col.time_scale == 0) col.time_scale = 1;
          } else {
            throw Error(ErrorKind::bad_data, src + ": line " + std::to_string(l.number) + ": time '" + trim(fields[c]) +
                                                 "' in column '" + col.header +
                                                 "' is not a number (fix the "
                                                 "cell, or remove the time column and give the sampling rate instead)");
          }
        }
        col.times.push_back(v);
        col.time_decimals = std::max(col.time_decimals, decimals);
        continue;
      }
      // Beyond float range (1e39) a sample would become infinite: invalid like "inf".
      if (cell == Cell::kNumber && std::fabs(v) > std::numeric_limits<float>::max()) cell = Cell::kInfinite;
      if (cell == Cell::kNumber) {
        col.samples.push_back(static_cast<float>(v));
        ++col.numbers;
      } else {
        col.samples.push_back(std::nanf(""));
        if (cell == Cell::kText) {
          if (col.texts++ == 0) col.first_text_line = l.number, col.first_text = trim(fields[c]);
        } else {
          ++col.invalid;
          if (first_invalid_line == 0) first_invalid_line = l.number, first_invalid_column = col.split.name;
        }
      }
    }
  };
  LineCursor cursor = data_cursor;
  for (Line l = data_start; ; ) {
    if (is_comment(text, l)) {
      record.comments.push_back(trim(text.substr(l.begin + 1, l.end - l.begin - 1)));
    } else if (!is_blank(text, l)) {
      add_row(l);
    }
    if (!cursor.next(l)) break;
  }


  // A first column without a name holding 0, 1, 2, ... (or 1, 2, 3, ...) is a row index.
  if (k > 1 && columns[0].kind == Column::kLead && columns[0].header.empty() &&
      columns[0].invalid == 0 && columns[0].texts == 0 && !columns[0].samples.empty()) {
    const std::vector<float>& v = columns[0].samples;
    bool index = v[0] == 0 || v[0] == 1;
    for (std::size_t i = 1; i < v.size() && index; ++i) index = v[i] == v[i - 1] + 1;
    if (index) columns[0].kind = Column::kIndex;
  }

  // Lead columns: text columns (annotations) are dropped; a number column with a stray word fails.
  std::string units_default = options.units.empty() ? "" : voltage_unit(options.units);
  if (!options.units.empty() && units_default.empty())
    throw Error(ErrorKind::bad_argument, src + ": unknown units '" + options.units + "' (use mV or uV)");
  const std::string preamble_voltage = voltage_unit(preamble_units);
  std::size_t invalid_total = 0;
  for (auto& col : columns) {
    if (col.kind != Column::kLead) continue;
    if (col.numbers == 0) {
      if (col.texts > 0) {
        record.warnings.push_back("column '" + col.header + "' holds text, not samples: ignored");
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
    lead.units = !units_default.empty() ? units_default
                 : !header_unit.empty()  ? header_unit
                 : !preamble_voltage.empty() ? preamble_voltage
                                             : "mV";
    lead.samples = std::move(col.samples);
    invalid_total += col.invalid;
    record.leads.push_back(std::move(lead));
  }
  if (record.leads.empty())
    throw Error(ErrorKind::bad_data, src +
                                         ": no numeric lead columns (expected columns such as I, II, V1 with one "
                                         "sample per row)");
  if (invalid_total > 0)
    record.warnings.push_back(std::to_string(invalid_total) +
                              " empty, NaN or infinite cells read as invalid samples (first at "
                              "line " + std::to_string(first_invalid_line) + ", column " +
                              first_invalid_column + ")");

  // Sampling rate: the option, else a preamble line, else the time column.
  const Column* time = nullptr;
  for (const auto& col : columns)
    if (col.kind == Column::kTime) time = &col;
  double time_rate = 0;
  std::string time_problem;
  if (time && time->times.size() == 1)
    time_problem = "the time column '" + time->header + "' has a single row, which gives no rate";
  if (time && time->times.size() >= 2) {
    const std::vector<double>& t = time->times;
    const double span = t.back() - t.front();
    const double dt = span / (t.size() - 1);
    const double resolution = std::pow(10.0, -time->time_decimals);
    for (std::size_t i = 1; i < t.size() && time_problem.empty(); ++i) {
      const double step = t[i] - t[i - 1];
      if (!(step > 0))
        time_problem = "the time column '" + time->header + "' does not increase (" +
                       format_double(t[i - 1]) + " then " + format_double(t[i]) + " at row " +
                       std::to_string(i + 1) + " of the data)";
      else if (std::fabs(step - dt) > resolution + 0.01 * dt)
        time_problem = "the time column '" + time->header + "' is not evenly spaced (step " +
                       format_double(step) + " at row " + std::to_string(i + 1) +
                       " of the data, average step " + format_double(dt) + ")";
    }
    if (time_problem.empty()) {
      double scale = time->time_scale;
      if (scale == 0) {
        // No unit stated: seconds, unless that would mean an implausibly slow ECG.
        scale = 1.0 / dt < 10 ? 1e-3 : 1;
        if (scale == 1e-3) record.warnings.push_back("time column '" + time->header + "' has no unit: read as milliseconds");
      }
      time_rate = snap_rate(1.0 / (dt * scale), resolution / span);
    }
  }
  if (options.sampling_rate_hz > 0) {
    record.sampling_rate_hz = options.sampling_rate_hz;
    const double other = preamble_rate > 0 ? preamble_rate : time_rate;
    if (other > 0 && std::fabs(other - options.sampling_rate_hz) > 0.01 * options.sampling_rate_hz)
      record.warnings.push_back("the file says " + format_double(other) + " Hz; using the given " +
                                format_double(options.sampling_rate_hz) + " Hz");
  } else if (preamble_rate > 0) {
    record.sampling_rate_hz = preamble_rate;
    if (time_rate > 0 && std::fabs(time_rate - preamble_rate) > 0.01 * preamble_rate)
      record.warnings.push_back("the time column implies " + format_double(time_rate) +
                                " Hz, the preamble says " + format_double(preamble_rate) +
                                " Hz: using " + format_double(preamble_rate) + " Hz");
  } else if (time_rate > 0) {
    record.sampling_rate_hz = time_rate;
  } else {
    // How to give the rate is the front-end's to say (a flag, an option): these end without it.
    if (!bad_rate_line.empty())
      throw Error(ErrorKind::needs_rate, src + ": the line '" + bad_rate_line +
                                             "' does not give a usable sampling rate, a positive number of Hz");
    if (!time_problem.empty())
      throw Error(ErrorKind::needs_rate, src + ": " + time_problem + ", so the sampling rate is unknown");
    throw Error(ErrorKind::needs_rate,
                src + ": cannot tell the sampling rate: no time column and no 'Sample Rate' line");
  }
  return record;
}

Record read_csv_file(const std::string& path, const CsvOptions& options) {
  FileWords words;
  words.missing = "no such file (check the path)";
  words.over_limit = ", more than the limit of";
  return read_csv(read_text_file(path, options.limits, words), options, path);
}

}  // namespace ecglite
