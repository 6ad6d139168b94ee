// EDF / EDF+ / BDF reader (https://www.edfplus.info/specs/): a 256-byte fixed header, 256 bytes per
// signal (fields stored column by column: every label, then every transducer, ...), then data
// records, each holding samples_per_record samples of every signal in turn (16-bit little-endian
// two's complement, 24-bit for BDF). EDF+ keeps annotations in "EDF Annotations" signals as
// time-stamped annotation lists (TALs): "+onset[\x15duration]\x14text\x14[text\x14...]\0"; the first
// TAL of each data record gives the record's start time (an empty text), which places the records of
// a discontinuous (EDF+D) file on the timeline.
#include "ecglite/edf.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "../common/text.h"
#include "../common/units.h"
#include "ecglite/error.h"
#include "ecglite/read.h"
#include "edf_internal.h"

namespace ecglite {

namespace {

constexpr std::size_t kFixedHeaderBytes = 256;
constexpr std::size_t kSignalHeaderBytes = 256;
// The bound of MIT annotation files (annotations.cpp): a Holter day has ~100,000 beats.
constexpr std::size_t kMaxAnnotations = 1'000'000;
constexpr char kTalOnsetEnd = '\x15', kTalTextEnd = '\x14';

std::string stem_of(const std::string& path) {
  const std::size_t slash = path.find_last_of("/\\");
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

// Header text is ASCII by the specification; writers put Latin-1 in it ("µV", "°" in dimensions).
std::string latin1_text(const std::uint8_t* p, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] < 0x80) out += static_cast<char>(p[i]);
    else text::append_latin1(out, p[i]);
  }
  return text::trim(out);
}

// Annotation texts are UTF-8 by the specification; a text that is not is read as Latin-1.
std::string annotation_text(const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n;) {
    const std::size_t len = text::utf8_sequence_length(p, i, n);
    if (len == 0) return latin1_text(p, n);
    i += len;
  }
  return std::string(reinterpret_cast<const char*>(p), n);
}

// One header field: where it is and what it is called in messages.
class HeaderFields {
 public:
  HeaderFields(const Bytes& bytes, const std::string& source) : bytes_(bytes), source_(source) {}

  std::string text(std::size_t offset, std::size_t size) const { return latin1_text(&bytes_[offset], size); }

  [[noreturn]] void fail(const std::string& what) const { throw Error(ErrorKind::bad_header, source_ + ": " + what); }

  double number(std::size_t offset, std::size_t size, const std::string& what) const {
    const std::string t = text(offset, size);
    char* end = nullptr;
    const double v = t.empty() ? 0 : std::strtod(t.c_str(), &end);
    if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v) || t.find_first_of("xXpPnN") != std::string::npos)
      fail(what + " '" + t + "' is not a number");
    return v;
  }

  std::int64_t integer(std::size_t offset, std::size_t size, const std::string& what) const {
    const std::string t = text(offset, size);
    bool digits = !t.empty();
    for (std::size_t i = 0; i < t.size(); ++i)
      digits = digits && (std::isdigit(static_cast<unsigned char>(t[i])) || (i == 0 && t.size() > 1 && (t[0] == '-' || t[0] == '+')));
    if (!digits) fail(what + " '" + t + "' is not a whole number");
    return std::strtoll(t.c_str(), nullptr, 10);  // at most 8 characters: no overflow
  }

 private:
  const Bytes& bytes_;
  const std::string& source_;
};

std::string signal_name(const EdfSignalSpec& s, std::size_t index) {
  return "signal " + std::to_string(index) + (s.label.empty() ? "" : " (" + s.label + ")");
}

// The EDF+ signal types (the first word of a label) that are not an ECG.
bool has_non_ecg_type(const std::string& label) {
  const std::string word = text::lower(label.substr(0, label.find_first_of(" -_:")));
  // The types of the EDF+ specification, and the usual polysomnography channels besides them.
  static const char* const kTypes[] = {"eeg",  "eog",   "emg",   "erg",   "meg",   "mcg",  "ep",    "resp",
                                       "sao2", "spo2",  "temp",  "light", "sound", "event", "pleth", "snore",
                                       "flow", "thor",  "abdo"};
  for (const char* t : kTypes)
    if (word == t) return true;
  return false;
}

// --- annotations: time-stamped annotation lists --------------------------------------------------

struct TalContext {
  const std::string& source;
  std::int64_t record;
  std::size_t signal;
};

[[noreturn]] void bad_tal(const TalContext& c, std::size_t byte, const std::string& what) {
  throw Error(ErrorKind::bad_data, c.source + ": data record " + std::to_string(c.record) + ", annotation signal " +
                                       std::to_string(c.signal) + ", byte " + std::to_string(byte) + ": " + what);
}

// "+12.5" / "-0.1" (onset) or "30" (duration): seconds, validated character by character.
double tal_seconds(const TalContext& c, const std::uint8_t* p, std::size_t from, std::size_t to, bool signed_onset) {
  std::string s(reinterpret_cast<const char*>(p) + from, to - from);
  std::size_t i = 0;
  if (signed_onset) {
    if (s.empty() || (s[0] != '+' && s[0] != '-'))
      bad_tal(c, from, "an annotation onset must start with '+' or '-' (found '" + annotation_text(p + from, std::min<std::size_t>(to - from, 20)) + "')");
    i = 1;
  }
  bool digit = false, dot = false;
  for (; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) digit = true;
    else if (s[i] == '.' && !dot) dot = true;
    else digit = false, i = s.size() + 1;
  }
  if (!digit || s.size() > 40)
    bad_tal(c, from, std::string(signed_onset ? "onset" : "duration") + " '" +
                         annotation_text(p + from, std::min<std::size_t>(s.size(), 40)) + "' is not a number of seconds");
  return std::strtod(s.c_str(), nullptr);
}

// Parses the TALs of one annotation signal in one data record. Returns the onset of its first TAL
// (the record's time-keeping annotation), if any.
std::optional<double> parse_tals(const TalContext& c, const std::uint8_t* p, std::size_t n,
                                 std::vector<EdfAnnotation>& out) {
  std::optional<double> first_onset;
  std::size_t i = 0;
  while (true) {
    while (i < n && p[i] == 0) ++i;  // unused bytes are zero-filled
    if (i >= n) break;
    const std::size_t start = i;
    while (i < n && p[i] != kTalOnsetEnd && p[i] != kTalTextEnd && p[i] != 0) ++i;
    if (i >= n || p[i] == 0) bad_tal(c, start, "an annotation list (TAL) is not terminated by 0x14");
    const double onset = tal_seconds(c, p, start, i, true);
    std::optional<double> duration;
    if (p[i] == kTalOnsetEnd) {
      const std::size_t d = ++i;
      while (i < n && p[i] != kTalTextEnd && p[i] != 0) ++i;
      if (i >= n || p[i] == 0) bad_tal(c, d, "an annotation duration is not terminated by 0x14");
      duration = tal_seconds(c, p, d, i, false);
    }
    ++i;  // the 0x14 after onset/duration
    if (!first_onset) first_onset = onset;
    while (i < n && p[i] != 0) {
      const std::size_t t = i;
      while (i < n && p[i] != kTalTextEnd && p[i] != 0) ++i;
      if (i >= n || p[i] == 0) bad_tal(c, t, "an annotation text is not terminated by 0x14");
      // An empty text (the time-keeping TAL's, which marks a record's start) is not an annotation.
      if (i > t) {
        if (out.size() >= kMaxAnnotations)
          throw Error(ErrorKind::limit, c.source + ": more than " + std::to_string(kMaxAnnotations) +
                                            " annotations (the file is corrupt or not an ECG recording)");
        out.push_back({onset, duration, annotation_text(p + t, i - t)});
      }
      ++i;
    }
    if (i >= n) bad_tal(c, start, "an annotation list (TAL) is not terminated by a 0 byte");
  }
  return first_onset;
}

}  // namespace

std::int32_t edf::decode_sample(const std::uint8_t* p, bool bdf) {
  if (!bdf) return static_cast<std::int16_t>(static_cast<std::uint16_t>(p[0] | (p[1] << 8)));
  const std::uint32_t u = p[0] | (p[1] << 8) | (static_cast<std::uint32_t>(p[2]) << 16);
  return static_cast<std::int32_t>(u << 8) >> 8;  // sign-extend 24 bits
}

std::optional<double> edf::record_annotations(const EdfHeader& h, const std::uint8_t* record,
                                              const std::vector<std::int64_t>& signal_offset, std::int64_t k,
                                              const std::string& source, std::vector<EdfAnnotation>& out) {
  std::optional<double> keeping;
  bool first_signal = true;
  for (std::size_t s = 0; s < h.signals.size(); ++s) {
    if (!h.signals[s].annotations) continue;
    const std::optional<double> onset =
        parse_tals({source, k, s}, record + signal_offset[s],
                   static_cast<std::size_t>(h.signals[s].samples_per_record * h.bytes_per_sample()), out);
    if (first_signal) keeping = onset;
    first_signal = false;
  }
  return keeping;
}

void edf::place_records(EdfRecord& rec, const std::vector<std::optional<double>>& keeping, const std::string& source) {
  const EdfHeader& h = rec.header;
  rec.record_onsets_s.resize(keeping.size());
  const double dur = h.record_duration_s;
  bool warned_continuity = false;
  for (std::size_t i = 0; i < keeping.size(); ++i) {
    const std::int64_t k = static_cast<std::int64_t>(i);
    const double continuous = (keeping[0] ? *keeping[0] : 0) + k * dur;
    if (!h.discontinuous) {
      rec.record_onsets_s[i] = continuous;
      if (h.plus && keeping[i] && std::abs(*keeping[i] - continuous) > 1e-6 * std::max(1.0, dur) &&
          !warned_continuity) {
        warned_continuity = true;
        rec.warnings.push_back("an " + h.format_name() + " (continuous) file whose data record " + std::to_string(k) +
                                 " starts at " + text::format_number(*keeping[i]) + " s, not " +
                                 text::format_number(continuous) + " s: read as continuous");
      }
      continue;
    }
    if (!keeping[i])
      throw Error(ErrorKind::bad_data, source + ": data record " + std::to_string(k) +
                                           " has no time-keeping annotation (each data record of an EDF+D file "
                                           "starts with one)");
    rec.record_onsets_s[i] = *keeping[i];
    if (k > 0 && *keeping[i] < rec.record_onsets_s[i - 1] + dur - 1e-9 * std::max(1.0, *keeping[i]))
      throw Error(ErrorKind::bad_data, source + ": data record " + std::to_string(k) + " starts at " +
                                           text::format_number(*keeping[i]) + " s, before data record " +
                                           std::to_string(k - 1) + " ends (" +
                                           text::format_number(rec.record_onsets_s[i - 1] + dur) + " s)");
  }
}

std::string EdfHeader::format_name() const {
  std::string name = bdf ? "BDF" : "EDF";
  if (plus) name += discontinuous ? "+D" : "+C";
  return name;
}

namespace {

// Two digits at `at` of `s`, or -1.
int two_digits(const std::string& s, std::size_t at) {
  if (at + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[at])) || !std::isdigit(static_cast<unsigned char>(s[at + 1])))
    return -1;
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

// "dd.mm.yy" / "hh.mm.ss": the three numbers, or false. `yy_ok`: the year may be the letters "yy".
bool dotted_fields(const std::string& s, int out[3], bool yy_ok) {
  if (s.size() != 8 || s[2] != '.' || s[5] != '.') return false;
  out[0] = two_digits(s, 0);
  out[1] = two_digits(s, 3);
  out[2] = yy_ok && s.compare(6, 2, "yy") == 0 ? -2 : two_digits(s, 6);
  return out[0] >= 0 && out[1] >= 0 && out[2] != -1;
}

// The EDF+ recording field's "Startdate dd-MMM-yyyy": day, month, year; {0,0,0} for "Startdate X";
// false when the field does not start so.
bool edf_plus_startdate(const std::string& recording, int out[3]) {
  if (recording.compare(0, 10, "Startdate ") != 0) return false;
  const std::string date = recording.substr(10, recording.find(' ', 10) - 10);
  if (date == "X") return out[0] = out[1] = out[2] = 0, true;
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (date.size() != 11 || date[2] != '-' || date[6] != '-') return false;
  out[0] = two_digits(date, 0);
  out[1] = 0;
  for (int m = 0; m < 12; ++m)
    if (text::lower(date.substr(3, 3)) == kMonths[m]) out[1] = m + 1;
  const int hi = two_digits(date, 7), lo = two_digits(date, 9);
  out[2] = hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
  return out[0] > 0 && out[1] > 0 && out[2] > 0;
}

}  // namespace

std::optional<ClockTime> EdfHeader::start_clock_time(std::vector<std::string>* warnings) const {
  auto warn = [&](const std::string& what) {
    if (warnings) warnings->push_back(what);
  };
  int time[3];
  if (!dotted_fields(start_time, time, false) || !make_clock_time(0, 0, 0, time[0], time[1], time[2])) {
    warn("start time '" + start_time + "' is not a time of day (hh.mm.ss): no clock times");
    return std::nullopt;
  }
  const std::optional<ClockTime> of_day = make_clock_time(0, 0, 0, time[0], time[1], time[2]);
  int date[3], plus_date[3];
  const bool header_date = dotted_fields(start_date, date, plus);
  const bool has_plus_date = plus && edf_plus_startdate(recording, plus_date);
  if (has_plus_date && plus_date[0] == 0) return of_day;  // "Startdate X": the date is not known
  int year = 0;
  if (has_plus_date) {
    if (header_date && (date[0] != plus_date[0] || date[1] != plus_date[1] || (date[2] >= 0 && date[2] != plus_date[2] % 100))) {
      warn("start date '" + start_date + "' disagrees with the recording field's '" + recording.substr(0, 21) +
           "': clock times without a date");
      return of_day;
    }
    std::copy(plus_date, plus_date + 3, date);
    year = plus_date[2];
  } else if (header_date && date[2] >= 0) {
    year = date[2] >= 85 ? 1900 + date[2] : 2000 + date[2];  // the EDF rule for the 2-digit year
  }
  const std::optional<ClockTime> t = year ? make_clock_time(year, date[1], date[0], time[0], time[1], time[2]) : std::nullopt;
  if (t) return t;
  warn("start date '" + start_date + "' is not a date (dd.mm.yy): clock times without a date");
  return of_day;
}

double EdfHeader::sampling_rate_hz(std::size_t signal) const {
  return record_duration_s > 0 ? signals.at(signal).samples_per_record / record_duration_s : 0;
}

EdfHeader parse_edf_header(const Bytes& bytes, const std::string& source, const Limits& limits) {
  if (bytes.size() > limits.max_file_bytes)
    throw Error(ErrorKind::limit, source + ": " + std::to_string(bytes.size()) + " bytes exceed the limit of " +
                                      std::to_string(limits.max_file_bytes) + " bytes per file");
  EdfHeader h;
  const bool bdf_magic = bytes.size() >= 8 && bytes[0] == 0xFF && std::equal(bytes.begin() + 1, bytes.begin() + 8,
                                                                            reinterpret_cast<const std::uint8_t*>("BIOSEMI"));
  const bool edf_magic = bytes.size() >= 8 && bytes[0] == '0' &&
                         std::all_of(bytes.begin() + 1, bytes.begin() + 8, [](std::uint8_t b) { return b == ' '; });
  if (!bdf_magic && !edf_magic)
    throw Error(ErrorKind::unsupported_format,
                source + ": not an EDF or BDF file (it does not start with the version '0' of EDF or 0xFF 'BIOSEMI' of BDF)");
  if (bytes.size() < kFixedHeaderBytes)
    throw Error(ErrorKind::bad_header, source + ": the file ends inside its header (" + std::to_string(bytes.size()) +
                                           " bytes, an EDF header has at least 256)");
  h.bdf = bdf_magic;
  const HeaderFields f(bytes, source);
  h.patient = f.text(8, 80);
  h.recording = f.text(88, 80);
  h.start_date = f.text(168, 8);
  h.start_time = f.text(176, 8);
  h.header_bytes = f.integer(184, 8, "header size");
  const std::string reserved = f.text(192, 44);
  const std::string kind = reserved.substr(0, 5);
  h.plus = kind == "EDF+C" || kind == "EDF+D" || kind == "BDF+C" || kind == "BDF+D";
  h.discontinuous = h.plus && kind[4] == 'D';
  h.num_records = f.integer(236, 8, "number of data records");
  if (h.num_records < -1) f.fail("number of data records " + std::to_string(h.num_records) + " is negative");
  h.record_duration_s = f.number(244, 8, "data record duration");
  if (h.record_duration_s < 0) f.fail("data record duration " + text::format_number(h.record_duration_s) + " s is negative");
  const std::int64_t ns = f.integer(252, 4, "number of signals");
  if (ns < 1) f.fail("number of signals " + std::to_string(ns) + " (a file needs at least one signal)");
  if (static_cast<std::uint64_t>(ns) > limits.max_signals)
    throw Error(ErrorKind::limit, source + ": the file has " + std::to_string(ns) + " signals, more than the limit of " +
                                      std::to_string(limits.max_signals));
  const std::int64_t expected = static_cast<std::int64_t>(kFixedHeaderBytes + ns * kSignalHeaderBytes);
  if (h.header_bytes != expected)
    f.fail("header size " + std::to_string(h.header_bytes) + " does not match its " + std::to_string(ns) +
           " signals (256 + 256 per signal = " + std::to_string(expected) + " bytes)");
  if (bytes.size() < static_cast<std::size_t>(expected))
    f.fail("the file ends inside its header (" + std::to_string(bytes.size()) + " bytes, the header has " +
           std::to_string(expected) + ")");

  const std::size_t n = static_cast<std::size_t>(ns);
  // Each field is stored for every signal before the next field: field k of signal i is at
  // 256 + n * (width of the fields before k) + i * (its width).
  auto at = [n](std::size_t before, std::size_t width, std::size_t i) { return kFixedHeaderBytes + n * before + i * width; };
  const std::int32_t format_min = h.bdf ? -8388608 : -32768, format_max = h.bdf ? 8388607 : 32767;
  bool has_annotations = false;
  h.signals.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    EdfSignalSpec& s = h.signals[i];
    s.label = f.text(at(0, 16, i), 16);
    const std::string name = signal_name(s, i);
    s.transducer = f.text(at(16, 80, i), 80);
    s.physical_dimension = f.text(at(96, 8, i), 8);
    s.physical_min = f.number(at(104, 8, i), 8, name + ": physical minimum");
    s.physical_max = f.number(at(112, 8, i), 8, name + ": physical maximum");
    const std::int64_t dmin = f.integer(at(120, 8, i), 8, name + ": digital minimum");
    const std::int64_t dmax = f.integer(at(128, 8, i), 8, name + ": digital maximum");
    s.prefilter = f.text(at(136, 80, i), 80);
    s.samples_per_record = f.integer(at(216, 8, i), 8, name + ": samples per data record");
    s.annotations = h.plus && (s.label == "EDF Annotations" || s.label == "BDF Annotations");
    has_annotations = has_annotations || s.annotations;
    if (s.samples_per_record < 1)
      f.fail(name + ": " + std::to_string(s.samples_per_record) + " samples per data record (at least 1)");
    if (dmin < format_min || dmax > format_max)
      f.fail(name + ": digital range " + std::to_string(dmin) + " to " + std::to_string(dmax) + " exceeds the " +
             std::to_string(h.bdf ? 24 : 16) + "-bit samples of " + (h.bdf ? "BDF" : "EDF"));
    s.digital_min = static_cast<std::int32_t>(dmin);
    s.digital_max = static_cast<std::int32_t>(dmax);
    if (s.annotations) continue;  // their scaling is unused
    if (dmin >= dmax)
      f.fail(name + ": digital minimum " + std::to_string(dmin) + (dmin == dmax ? " equals" : " exceeds") +
             " the digital maximum " + std::to_string(dmax) + " (no scaling to physical values)");
    if (s.physical_min == s.physical_max)
      f.fail(name + ": physical minimum equals the physical maximum (" + text::format_number(s.physical_min) +
             "): no scaling to physical values");
  }
  if (h.plus && !has_annotations)
    f.fail("an " + kind.substr(0, 4) + " file without an 'EDF Annotations' signal (EDF+ requires one)");
  const bool only_annotations =
      std::all_of(h.signals.begin(), h.signals.end(), [](const EdfSignalSpec& s) { return s.annotations; });
  if (h.record_duration_s == 0 && !only_annotations)
    f.fail("data record duration 0 s in a file with signals (no sampling rate)");
  return h;
}

EdfRecord read_edf(const Bytes& bytes, const std::string& source, const Limits& limits) {
  EdfRecord rec;
  rec.header = parse_edf_header(bytes, source, limits);
  rec.name = stem_of(source);
  const EdfHeader& h = rec.header;
  const std::size_t n = h.signals.size();
  const int bps = h.bytes_per_sample();

  // Where each signal starts inside a data record, and the record size.
  std::vector<std::int64_t> signal_offset(n);
  std::int64_t record_bytes = 0;
  for (std::size_t s = 0; s < n; ++s) {
    signal_offset[s] = record_bytes;
    record_bytes += h.signals[s].samples_per_record * bps;  // <= 64 x 10^8 x 3: no overflow
  }
  const std::int64_t available = static_cast<std::int64_t>(bytes.size()) - h.header_bytes;
  rec.num_records = h.num_records;
  if (h.num_records == -1) {
    rec.num_records = available / record_bytes;
    rec.warnings.push_back("the number of data records is not in the header (-1, a recording not closed): " +
                           std::to_string(rec.num_records) + " read, as many as the file holds");
  } else if (available / record_bytes < h.num_records) {
    throw Error(ErrorKind::bad_data, source + ": the file ends in data record " +
                                         std::to_string(available / record_bytes + 1) + " of " +
                                         std::to_string(h.num_records) + " (" +
                                         std::to_string(h.num_records * record_bytes - available) +
                                         " bytes missing: the file is truncated)");
  }
  const std::int64_t extra = available - rec.num_records * record_bytes;
  if (extra > 0)
    rec.warnings.push_back(std::to_string(extra) + " bytes after the last data record ignored");
  const std::uint8_t* data = bytes.data() + h.header_bytes;

  // Annotations first: in EDF+ they say where each data record starts.
  std::vector<std::optional<double>> keeping(static_cast<std::size_t>(rec.num_records));
  for (std::int64_t k = 0; k < rec.num_records; ++k)
    keeping[static_cast<std::size_t>(k)] = edf::record_annotations(h, data + k * record_bytes, signal_offset, k, source, rec.annotations);
  edf::place_records(rec, keeping, source);
  const double dur = h.record_duration_s;

  // Where each data record's samples go on each signal's timeline (EDF+D: after a gap), checked
  // against the sample limit before anything is allocated.
  std::vector<std::vector<std::int64_t>> record_start(n);
  double total = 0;
  for (std::size_t s = 0; s < n; ++s) {
    if (h.signals[s].annotations || rec.num_records == 0) continue;
    const double spr = static_cast<double>(h.signals[s].samples_per_record);
    const double last = (rec.record_onsets_s.back() - rec.record_onsets_s[0]) / dur * spr;
    total += last + spr;
  }
  if (!(total <= static_cast<double>(limits.max_total_samples)))
    throw Error(ErrorKind::limit, source + ": " + text::format_number(total) +
                                      " samples summed over its signals" + (h.discontinuous ? " (gaps included)" : "") +
                                      " exceed the limit of " + std::to_string(limits.max_total_samples) + " samples");
  rec.digital.resize(n);
  for (std::size_t s = 0; s < n; ++s) {
    if (h.signals[s].annotations || rec.num_records == 0) continue;
    const std::int64_t spr = h.signals[s].samples_per_record;
    std::vector<std::int64_t>& start = record_start[s];
    start.resize(static_cast<std::size_t>(rec.num_records));
    for (std::size_t k = 0; k < start.size(); ++k) {
      const std::int64_t at = std::llround((rec.record_onsets_s[k] - rec.record_onsets_s[0]) / dur * spr);
      start[k] = k == 0 ? 0 : std::max(at, start[k - 1] + spr);  // rounding never overlaps records
    }
    std::vector<std::int32_t>& out = rec.digital[s];
    out.assign(static_cast<std::size_t>(start.back() + spr), kInvalidSample);
    for (std::size_t k = 0; k < start.size(); ++k) {
      const std::uint8_t* p = data + static_cast<std::int64_t>(k) * record_bytes + signal_offset[s];
      std::int32_t* o = out.data() + start[k];
      for (std::int64_t j = 0; j < spr; ++j, p += bps) o[j] = edf::decode_sample(p, h.bdf);
    }
  }
  if (h.discontinuous) {
    std::int64_t gaps = 0;
    for (std::size_t k = 1; k < rec.record_onsets_s.size(); ++k)
      gaps += rec.record_onsets_s[k] > rec.record_onsets_s[k - 1] + dur * (1 + 1e-9);
    if (gaps > 0)
      rec.warnings.push_back(std::to_string(gaps) + " gap" + (gaps == 1 ? "" : "s") +
                             " between data records (EDF+D) read as invalid samples");
  }
  return rec;
}

double EdfRecord::physical(std::size_t signal, std::int64_t sample) const {
  const std::int32_t d = digital.at(signal).at(static_cast<std::size_t>(sample));
  if (d == kInvalidSample) return std::numeric_limits<double>::quiet_NaN();
  // EDFlib's arithmetic, so that the values agree to the last bit.
  const EdfSignalSpec& s = header.signals[signal];
  const double bit = (s.physical_max - s.physical_min) / (static_cast<double>(s.digital_max) - s.digital_min);
  const double offset = s.physical_max / bit - s.digital_max;
  return bit * (offset + d);
}

bool EdfRecord::is_ecg_lead(std::size_t signal) const {
  const EdfSignalSpec& s = header.signals.at(signal);
  if (s.annotations || has_non_ecg_type(s.label)) return false;
  return s.physical_dimension.empty() || units::millivolts_per(s.physical_dimension) > 0;
}

Record EdfRecord::to_record() const {
  const EdfHeader& h = header;
  std::vector<std::size_t> leads, others;
  std::size_t fastest = 0;
  for (std::size_t s = 0; s < h.signals.size(); ++s) {
    if (h.signals[s].annotations) continue;
    (is_ecg_lead(s) ? leads : others).push_back(s);
    if (is_ecg_lead(s) && (leads.size() == 1 || h.signals[s].samples_per_record > h.signals[fastest].samples_per_record))
      fastest = s;
  }
  auto describe = [&](std::size_t s) {
    const EdfSignalSpec& spec = h.signals[s];
    return (spec.label.empty() ? "signal " + std::to_string(s) : spec.label) +
           (spec.physical_dimension.empty() ? "" : " (" + spec.physical_dimension + ")");
  };
  if (leads.empty()) {
    if (others.empty())
      throw Error(ErrorKind::no_signal, name + ": no signals, only annotations (" +
                                            std::to_string(annotations.size()) + " of them)");
    std::string list;
    for (std::size_t s : others) list += (list.empty() ? "" : ", ") + describe(s);
    throw Error(ErrorKind::missing_leads, name + ": no ECG signal among its " + std::to_string(others.size()) +
                                              " signals (" + list + ")");
  }
  Record r;
  r.name = name;
  r.sampling_rate_hz = h.sampling_rate_hz(fastest);
  r.warnings = warnings;
  if (!h.patient.empty()) r.comments.push_back("patient: " + h.patient);
  if (!h.recording.empty()) r.comments.push_back("recording: " + h.recording);
  r.comments.push_back("start: " + h.start_date + " " + h.start_time + " (" + h.format_name() + ")");
  // Sample 0 lies at the first data record's onset (EDF+: its time-keeping annotation, e.g. +0.25 s).
  if (const std::optional<ClockTime> start = h.start_clock_time(&r.warnings))
    r.start_time = start->plus(record_onsets_s.empty() ? 0 : record_onsets_s[0]);
  if (!others.empty()) {
    std::string list;
    for (std::size_t s : others) list += (list.empty() ? "" : ", ") + describe(s);
    r.warnings.push_back("signals that are not ECG left out: " + list);
  }
  const std::int64_t fast_spr = h.signals[fastest].samples_per_record;
  const std::size_t length = digital[fastest].size();
  std::string interpolated;
  for (std::size_t s : leads) {
    const EdfSignalSpec& spec = h.signals[s];
    Lead lead;
    lead.name = spec.label.empty() ? "signal " + std::to_string(s) : spec.label;
    const double mv = units::millivolts_per(spec.physical_dimension);
    lead.units = mv == 1 ? "mV" : mv == 1e-3 ? "uV" : mv == 1e3 ? "V" : spec.physical_dimension;
    std::vector<double> values(digital[s].size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = physical(s, static_cast<std::int64_t>(i));
      if (std::abs(values[i]) > std::numeric_limits<float>::max())
        throw Error(ErrorKind::bad_header, name + ": " + signal_name(spec, s) + ": physical values beyond any ECG (" +
                                              text::format_number(values[i]) + ") from its physical range");
    }
    lead.samples.resize(length);
    const std::int64_t spr = spec.samples_per_record;
    if (spr == fast_spr) {
      std::copy(values.begin(), values.end(), lead.samples.begin());
    } else {
      // Linear interpolation onto the fastest lead's samples; NaN where a neighbour is invalid.
      interpolated += (interpolated.empty() ? "" : ", ") + lead.name + " (" +
                      text::format_number(h.sampling_rate_hz(s)) + " Hz)";
      for (std::size_t i = 0; i < length; ++i) {
        const std::int64_t num = static_cast<std::int64_t>(i) * spr;
        const std::size_t j = static_cast<std::size_t>(num / fast_spr);
        const double frac = static_cast<double>(num % fast_spr) / static_cast<double>(fast_spr);
        const double a = values[std::min(j, values.size() - 1)];
        const double b = j + 1 < values.size() ? values[j + 1] : a;
        lead.samples[i] = static_cast<float>(frac == 0 ? a : a + (b - a) * frac);
      }
    }
    r.leads.push_back(std::move(lead));
  }
  if (!interpolated.empty())
    r.warnings.push_back("leads sampled more slowly than " + text::format_number(r.sampling_rate_hz) +
                         " Hz interpolated to it: " + interpolated);
  return r;
}

std::vector<Annotation> EdfRecord::wfdb_annotations(double sampling_rate_hz) const {
  const double start = record_onsets_s.empty() ? 0 : record_onsets_s[0];
  std::vector<Annotation> out;
  out.reserve(annotations.size());
  for (const EdfAnnotation& a : annotations) {
    Annotation w;
    const double at = std::round((a.onset_s - start) * sampling_rate_hz);
    w.sample = std::abs(at) < 9e18 ? static_cast<std::int64_t>(at) : 0;
    w.code = anncode::kNote;
    w.symbol = annotation_symbol(anncode::kNote);
    w.aux = a.text;
    out.push_back(std::move(w));
  }
  return out;
}

EdfRecord read_edf_file(const std::string& path, const Limits& limits) {
  return read_edf(read_file(path, limits), path, limits);
}

bool is_edf_path(const std::string& path) {
  const std::size_t slash = path.find_last_of("/\\"), dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return false;
  const std::string ext = text::lower(path.substr(dot + 1));
  return ext == "edf" || ext == "bdf";
}

}  // namespace ecglite
