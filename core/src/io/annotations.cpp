// MIT-format annotation files, decoded as WFDB's getann does (annot.c): 16-bit little-endian words
// whose top 6 bits are the code and low 10 bits the time increment, codes 59..63 being the
// pseudo-annotations SKIP (a 32-bit interval follows, high half first), NUM, SUB, CHN and AUX (a
// length-prefixed text padded to an even length). Word 0 ends the file.
#include "ecglite/annotations.h"

#include "wfdb_internal.h"

#include <sys/stat.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "ecglite/error.h"

namespace ecglite {

namespace {

constexpr unsigned kSkip = 59, kNum = 60, kSub = 61, kChn = 62, kAux = 63;
constexpr unsigned kData = 0x3FF;

// A Holter day has ~100,000 beats; the cap keeps a corrupt or hostile file from allocating gigabytes.
constexpr std::size_t kMaxAnnotations = 1'000'000;

// annot.c's mnemonic and description tables (WFDB 10.x), indexed by code.
const char* const kSymbols[anncode::kMaxCode + 1] = {
    " ", "N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q", "~", "[15]", "|",
    "[17]", "s", "T", "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", "?", "!", "[", "]", "e",
    "n", "@", "x", "f", "(", ")", "r", "[42]", "[43]", "[44]", "[45]", "[46]", "[47]", "[48]",
    "[49]"};

const char* const kDescriptions[anncode::kMaxCode + 1] = {
    "",
    "Normal beat",
    "Left bundle branch block beat",
    "Right bundle branch block beat",
    "Aberrated atrial premature beat",
    "Premature ventricular contraction",
    "Fusion of ventricular and normal beat",
    "Nodal (junctional) premature beat",
    "Atrial premature beat",
    "Supraventricular premature or ectopic beat",
    "Ventricular escape beat",
    "Nodal (junctional) escape beat",
    "Paced beat",
    "Unclassifiable beat",
    "Change in signal quality",
    "",
    "Isolated QRS-like artifact",
    "",
    "ST segment change",
    "T-wave change",
    "Systole",
    "Diastole",
    "Comment annotation",
    "Measurement annotation",
    "P-wave peak",
    "Bundle branch block beat (unspecified)",
    "(Non-captured) pacemaker artifact",
    "T-wave peak",
    "Rhythm change",
    "U-wave peak",
    "Beat not classified during learning",
    "Ventricular flutter wave",
    "Start of ventricular flutter/fibrillation",
    "End of ventricular flutter/fibrillation",
    "Atrial escape beat",
    "Supraventricular escape beat",
    "Link to external data (aux contains URL)",
    "Non-conducted P-wave (blocked APC)",
    "Fusion of paced and normal beat",
    "Waveform onset",
    "Waveform end",
    "R-on-T premature ventricular contraction",
    "", "", "", "", "", "", "", ""};

bool starts_with(const std::string& s, const char* prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}

// One line of a definition table: "<code> <mnemonic> <description...>" (annot.c get_ann_table).
void apply_definition(const std::string& text, AnnotationFile& out) {
  const char* p = text.c_str();
  char* end = nullptr;
  const long code = std::strtol(p, &end, 10);
  if (end == p || code < 1 || code > anncode::kMaxCode) return;
  p = end;
  while (*p == ' ' || *p == '\t') ++p;
  const char* q = p;
  while (*q && *q != ' ' && *q != '\t') ++q;
  if (q == p) return;
  out.custom_symbols[static_cast<int>(code)] = std::string(p, q);
  if (*q) {
    ++q;
    std::string desc(q);
    while (!desc.empty() && (desc.back() == '\n' || desc.back() == '\r')) desc.pop_back();
    if (!desc.empty()) out.custom_descriptions[static_cast<int>(code)] = desc;
  }
}

}  // namespace

std::string annotation_symbol(int code) {
  if (code >= 0 && code <= anncode::kMaxCode) return kSymbols[code];
  return "[" + std::to_string(code) + "]";
}

std::string annotation_description(int code) {
  if (code >= 0 && code <= anncode::kMaxCode) return kDescriptions[code];
  return "";
}

bool is_beat_code(int code) { return aami_class(code) != 0; }

char aami_class(int code) {
  switch (code) {
    case 1: case 2: case 3: case 11: case 25: case 34: case 35:  // N L R j B e n
      return 'N';
    case 4: case 7: case 8: case 9:  // a J A S
      return 'S';
    case 5: case 10: case 41:  // V E r
      return 'V';
    case 6:  // F
      return 'F';
    case 12: case 13: case 30: case 38:  // / Q ? f
      return 'Q';
    default:
      return 0;
  }
}

AnnotationFile parse_annotations(const Bytes& bytes, const std::string& source_name,
                                 const Limits& limits) {
  if (bytes.size() > limits.max_file_bytes)
    throw Error(ErrorKind::limit, source_name + ": " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                                      std::to_string(limits.max_file_bytes) + " bytes per file");
  AnnotationFile out;
  const std::size_t n = bytes.size();
  std::size_t pos = 0;
  auto word_at = [&](std::size_t i) -> unsigned { return bytes[i] | (unsigned(bytes[i + 1]) << 8); };
  auto corrupt = [&](const std::string& what) {
    return Error(ErrorKind::bad_data, source_name + ": " + what + " at byte " + std::to_string(pos) +
                                          " (the file is truncated or not a WFDB annotation file in MIT format)");
  };

  std::int64_t time = 0;
  bool have_current = false;
  Annotation current;  // the annotation whose pseudo-annotations are being read
  int chan = 0, num = 0;  // carried from one annotation to the next, as in getann
  bool ended = false;

  auto flush = [&]() {
    if (!have_current) return;
    have_current = false;
    if (current.code == 0) return;  // NOTQRS placeholder
    // A SKIP backwards past the start leaves a negative time, where no record has a sample (and
    // consumers index by sample).
    if (current.sample < 0)
      throw Error(ErrorKind::bad_data, source_name + ": an annotation at sample " + std::to_string(current.sample) +
                                           ", before the start of the record (a SKIP interval is corrupt)");
    if (out.annotations.size() >= kMaxAnnotations)
      throw Error(ErrorKind::limit, source_name + ": more than " + std::to_string(kMaxAnnotations) +
                                        " annotations (split the record or its annotation file)");
    out.annotations.push_back(std::move(current));
  };

  while (pos + 1 < n) {
    const unsigned word = word_at(pos);
    pos += 2;
    if (word == 0) {
      ended = true;
      break;
    }
    const unsigned code = word >> 10, data = word & kData;
    switch (code) {
      case kSkip: {
        if (pos + 4 > n) throw corrupt("SKIP interval cut short");
        const std::uint32_t hi = word_at(pos), lo = word_at(pos + 2);
        pos += 4;
        time += static_cast<std::int32_t>((hi << 16) | lo);
        break;
      }
      case kNum:
        num = static_cast<signed char>(data & 0xFF);
        if (have_current) current.num = num;
        break;
      case kSub:
        if (have_current) current.subtype = static_cast<signed char>(data & 0xFF);
        break;
      case kChn:
        chan = static_cast<int>(data & 0xFF);
        if (have_current) current.chan = chan;
        break;
      case kAux: {
        const std::size_t len = word & 0xFF;
        if (pos + len > n) throw corrupt("auxiliary text cut short");
        if (have_current) {
          const char* text = reinterpret_cast<const char*>(bytes.data() + pos);
          current.aux = wfdb::clean_text_line(std::string(text, strnlen(text, len)));
        }
        pos += (len + 1) & ~std::size_t(1);
        break;
      }
      default:
        flush();
        time += data;
        current = Annotation();
        current.sample = time;
        current.code = static_cast<int>(code);
        current.chan = chan;
        current.num = num;
        have_current = true;
        break;
    }
  }
  flush();
  if (!ended)
    out.warnings.push_back(source_name + ": no end-of-file word (the file may be truncated)");
  // Data after the end word is ignored, as by WFDB, but not silently: a signal file given as
  // annotations ends at its first zero sample.
  if (ended && std::any_of(bytes.begin() + pos, bytes.end(), [](std::uint8_t b) { return b != 0; }))
    out.warnings.push_back(source_name + ": the end-of-file word at byte " + std::to_string(pos - 2) +
                           " is followed by " + std::to_string(n - pos) +
                           " more bytes, ignored (is this a WFDB annotation file?)");

  // The definition table at sample 0 (annot.c's put_ann_table) redefines mnemonics; WFDB consumes it.
  std::vector<Annotation> kept;
  kept.reserve(out.annotations.size());
  bool in_table = false;
  for (auto& a : out.annotations) {
    const bool meta_note = a.sample == 0 && a.code == anncode::kNote && a.subtype == 0;
    if (meta_note && starts_with(a.aux, "## annotation type definitions")) {
      in_table = true;
      continue;
    }
    if (meta_note && in_table) {
      if (starts_with(a.aux, "## end of definitions")) in_table = false;
      else if (!starts_with(a.aux, "#")) apply_definition(a.aux, out);
      continue;
    }
    if (meta_note && starts_with(a.aux, "## ")) continue;  // e.g. "## time resolution: 1000"
    in_table = false;
    kept.push_back(std::move(a));
  }
  out.annotations = std::move(kept);
  for (auto& a : out.annotations) {
    auto it = out.custom_symbols.find(a.code);
    a.symbol = it != out.custom_symbols.end() ? it->second : annotation_symbol(a.code);
  }
  return out;
}

AnnotationFile read_annotations_file(const std::string& record_path, const std::string& annotator,
                                     const Limits& limits) {
  if (annotator.empty() || annotator.find_first_of("/\\") != std::string::npos)
    throw Error(ErrorKind::bad_argument, "'" + annotator +
                                             "': not an annotator name (give the extension of the annotation "
                                             "file, e.g. atr for 100.atr)");
  std::string base = record_path;
  if (base.size() > 4 && base.compare(base.size() - 4, 4, ".hea") == 0) base.resize(base.size() - 4);
  const std::size_t slash = base.find_last_of('/');
  const std::string directory = slash == std::string::npos ? "." : base.substr(0, slash == 0 ? 1 : slash);
  const std::string record = slash == std::string::npos ? base : base.substr(slash + 1);
  if (record.empty())
    throw Error(ErrorKind::bad_argument, record_path + ": no record name (give e.g. data/100 or data/100.hea)");
  const std::string file = record + "." + annotator;
  const std::string shown = (directory == "." ? "" : directory + "/") + file;
  // The file layer's "cannot open" speaks of signal files; an annotator is a choice the user made.
  struct stat st;
  if (::stat((directory + "/" + file).c_str(), &st) != 0)
    throw Error(ErrorKind::missing_file,
                shown + ": no such annotation file (" + std::strerror(errno) + "; annotator '" + annotator +
                    "' names the file's extension: check which files the record has, e.g. " + record + ".atr)");
  return parse_annotations(make_directory_provider(directory, limits)(file), shown, limits);
}

}  // namespace ecglite
