// ecglite: the native command-line front-end. Each subcommand is a thin shell over the core library.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"
#include "ecglite/error.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**, int);
  const char* usage;
};

const Command kCommands[] = {
    {"info", ecglite::cli::cmd_info, "info RECORD                      what the header says"},
    {"dump", ecglite::cli::cmd_dump,
     "dump RECORD [--digital] [--from N] [--to N] [--signals i,j,...]   decoded samples"},
    {"preprocess", ecglite::cli::cmd_preprocess,
     "preprocess RECORD... --out FILE.npy [--list FILE]   model input (12 x N @ 100 Hz)"},
    {"classify", ecglite::cli::cmd_classify,
     "classify RECORD... [--model FILE] [--json]   NORM/MI/STTC/CD/HYP probabilities"},
    {"eval", ecglite::cli::cmd_eval,
     "eval --ptbxl DIR --folds LIST [--model FILE] [--json]   ROC AUC on PTB-XL folds"},
    {"ann", ecglite::cli::cmd_ann, "ann RECORD ANNOTATOR             annotations, one per line"},
    {"beats", ecglite::cli::cmd_beats, "beats RECORD [--json]            detected beats and classes"},
    {"qrs-eval", ecglite::cli::cmd_qrs_eval,
     "qrs-eval DIR [--json]            QRS detector vs reference annotations (MIT-BIH)"},
    {"rhythm", ecglite::cli::cmd_rhythm, "rhythm RECORD [--json]           long-record rhythm summary"},
};

void print_usage(FILE* out) {
  std::fprintf(out, "usage: ecglite COMMAND [ARGS]\n\n"
                    "RECORD is a WFDB record path without extension, a .hea file or a .csv file.\n\n"
                    "commands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  ecglite %s\n", c.usage);
  std::fprintf(out, "  ecglite --version\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    print_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("ecglite %s\n", ECGLITE_VERSION);
    return 0;
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(argv[1], c.name) != 0) continue;
    try {
      return c.run(argc, argv, 2);
    } catch (const ecglite::Error& e) {
      std::fprintf(stderr, "ecglite %s: %s\n", c.name, e.what());
      return 1;
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "ecglite %s: out of memory\n", c.name);
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ecglite %s: internal error: %s\n", c.name, e.what());
      return 3;
    }
  }
  std::fprintf(stderr, "ecglite: unknown command '%s'\n\n", argv[1]);
  print_usage(stderr);
  return 2;
}
