// `ecglite ann RECORD ANNOTATOR [--full]`: the annotations of RECORD.ANNOTATOR, one per line,
// tab-separated: sample, symbol, aux (empty when none). --full adds subtype, chan and num between
// symbol and aux, the columns of WFDB's rdann.
// `ecglite ann FILE.edf`: the annotations of an EDF+/BDF+ file (its "EDF Annotations" signals), one per
// line, tab-separated: onset in seconds from the start of the file, duration in seconds ("-" when the
// file gives none), text.
#include <cstdio>
#include <string>

#include "args.h"
#include "commands.h"
#include "output.h"
#include "record_input.h"
#include "ecglite/annotations.h"
#include "ecglite/edf.h"
#include "ecglite/error.h"

namespace ecglite::cli {

int cmd_ann(int argc, char** argv, int first) {
  const Args args = parse_args(argc, argv, first, {"--full"}, {});
  if (args.positional.size() == 1 && is_edf_path(args.positional[0])) {
    if (args.has("--full")) throw UsageError("--full applies to WFDB annotation files");
    const EdfRecord edf = read_edf_file(args.positional[0]);
    std::string out;
    char number[64];
    for (const EdfAnnotation& a : edf.annotations) {
      std::snprintf(number, sizeof number, "%.10g\t", a.onset_s);
      out += number;
      if (a.duration_s) std::snprintf(number, sizeof number, "%.10g\t", *a.duration_s);
      out += a.duration_s ? number : "-\t";
      out += a.text;
      out += '\n';
    }
    write_output(out);
    for (const auto& w : edf.warnings) print_message("ann", "warning: " + w);
    return 0;
  }
  if (args.positional.size() != 2)
    throw UsageError("give a record and an annotator (e.g. ecglite ann data/100 atr)");
  const AnnotationFile file = read_annotations_file(record_base(args.positional[0]), args.positional[1]);
  const bool full = args.has("--full");
  std::string out;
  char line[96];
  for (const Annotation& a : file.annotations) {
    if (full)
      std::snprintf(line, sizeof line, "%lld\t%s\t%d\t%d\t%d\t", static_cast<long long>(a.sample),
                    a.symbol.c_str(), a.subtype, a.chan, a.num);
    else
      std::snprintf(line, sizeof line, "%lld\t%s\t", static_cast<long long>(a.sample), a.symbol.c_str());
    out += line;
    out += a.aux;
    out += '\n';
    if (out.size() > (1 << 16)) {
      write_output(out);
      out.clear();
    }
  }
  write_output(out);
  for (const auto& w : file.warnings) print_message("ann", "warning: " + w);
  return 0;
}

}  // namespace ecglite::cli
