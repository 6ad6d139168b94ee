// WFDB annotation files in MIT format (.atr, .qrs, ...): reference beat labels, rhythm changes and
// notes, read as the WFDB `rdann` tool shows them. From memory (the browser) or from disk (the CLI).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ecglite/limits.h"
#include "ecglite/wfdb.h"

namespace ecglite {

// A few annotation codes of WFDB's <wfdb/ecgcodes.h> that callers test for by name.
namespace anncode {
constexpr int kNormal = 1;
constexpr int kNote = 22;
constexpr int kRhythm = 28;       // rhythm change; aux holds the new rhythm, e.g. "(AFIB"
constexpr int kVfOnset = 32;      // '[' start of ventricular flutter/fibrillation
constexpr int kVfOffset = 33;     // ']' end of ventricular flutter/fibrillation
constexpr int kMaxCode = 49;      // ACMAX
}  // namespace anncode

// One annotation, with the fields of WFDB's WFDB_Annotation.
struct Annotation {
  std::int64_t sample = 0;  // time, in samples from the beginning of the record
  int code = 0;             // annotation type 1..49 (anntyp)
  int subtype = 0;          // -128..127 (a signed char in WFDB)
  int chan = 0;             // 0..255 (an unsigned char in WFDB)
  int num = 0;              // -128..127 (a signed char in WFDB)
  std::string aux;          // auxiliary text up to its first NUL, as rdann prints it; "" when none
  std::string symbol;       // mnemonic as rdann prints it ("N", "V", "+", "["), custom ones applied
};

struct AnnotationFile {
  std::vector<Annotation> annotations;   // in file order (time order for well-formed files)
  // Mnemonics and descriptions redefined by the file's "## annotation type definitions" table
  // (NOTE annotations at sample 0, which WFDB consumes and does not return).
  std::map<int, std::string> custom_symbols;
  std::map<int, std::string> custom_descriptions;
  std::vector<std::string> warnings;     // non-fatal findings, e.g. a missing end-of-file word
};

// Parses MIT-format annotation bytes: annotation words (code, time increment), and the pseudo-
// annotations SKIP (long interval, also negative), NUM, SUB, CHN and AUX. Code 0 (NOTQRS) is a
// placeholder WFDB writes only to carry a time and is not returned, as in rdann. Throws Error naming
// `source_name` for a truncated or corrupt file; more than limits.max_file_bytes is refused.
AnnotationFile parse_annotations(const Bytes& bytes, const std::string& source_name = "annotations",
                                 const Limits& limits = default_limits());

// Reads the annotation file `<record>.<annotator>` ("data/100" + "atr" -> data/100.atr). `record_path`
// is a record path without extension or its .hea file, as for read_wfdb_file.
AnnotationFile read_annotations_file(const std::string& record_path, const std::string& annotator,
                                     const Limits& limits = default_limits());

// The standard mnemonic of a code, as WFDB's annstr ("N" for 1, "+" for 28, "[15]" when undefined).
std::string annotation_symbol(int code);
// The standard description of a code ("Normal beat"); "" when undefined.
std::string annotation_description(int code);

// True for beat annotations (WFDB's isqrs): N L R a V F J A S E j / Q e n f r B ?
bool is_beat_code(int code);

// The AAMI EC57 class of a beat code: 'N' (N L R e j n B), 'S' (A a J S), 'V' (V E r), 'F' (F),
// 'Q' (/ f Q ?), or 0 for an annotation that is not a beat.
char aami_class(int code);

}  // namespace ecglite
