// ecglite: the native command-line front-end. Each subcommand is a thin shell over the core library.
// Exit status: 0 done, 1 an input could not be used (or the output not written), 2 a usage error,
// 3 an internal error (a bug).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "args.h"
#include "commands.h"
#include "output.h"
#include "ecglite/error.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**, int);
  const char* synopsis;  // every option, as in the README
  const char* summary;
  const char* options;   // one line per option, for `ecglite COMMAND --help`
};

#define RATE_OPTION \
  "  --rate HZ              sampling rate of a CSV file without a time column or rate line (an error\n" \
  "                         with a WFDB record or EDF file: its header states the rate)\n"

const Command kCommands[] = {
    {"info", ecglite::cli::cmd_info, "info RECORD [--rate HZ]",
     "what the header says (signals, gains, checksums, comments) and what reading the samples found",
     RATE_OPTION},
    {"dump", ecglite::cli::cmd_dump, "dump RECORD [--digital] [--from N] [--to N] [--signals i,j,...] [--rate HZ]",
     "decoded samples, one line per sample, tab-separated (physical values; '-' for an invalid sample)",
     "  --digital              ADC values as rdsamp prints them (-32768 for an invalid sample); WFDB only\n"
     "  --from N               first sample, counted from 0 (default 0)\n"
     "  --to N                 end sample, not included (default: the end of the record)\n"
     "  --signals i,j,...      these signals, in this order, counted from 0 (default: all)\n" RATE_OPTION},
    {"preprocess", ecglite::cli::cmd_preprocess,
     "preprocess RECORD... [--list FILE] --out FILE.npy [--skipped FILE] [--rate HZ]",
     "the model input of each record, one N x 12 x 1000 float32 array (12 leads, 10 s at 100 Hz) for training",
     "  --list FILE            more records, one path per line\n"
     "  --out FILE.npy         where to write the array (required)\n"
     "  --skipped FILE         a record that cannot be used gets a row of zeros and a line in FILE\n"
     "                         (index, path, message) instead of failing the command\n" RATE_OPTION},
    {"classify", ecglite::cli::cmd_classify,
     "classify RECORD... [--model FILE] [--json] [--explain] [--occlude MASKS] [--rate HZ]",
     "NORM/MI/STTC/CD/HYP probabilities, labels, and how the input was adapted",
     "  --model FILE           the 12-lead model (default: $ECGLITE_MODEL, else models/student-int8.ecgm\n"
     "                         next to or above the executable)\n"
     "  --json                 one JSON object with every record and the model\n"
     "  --explain              where each class comes from: the fall of its probability when each 0.5 s of\n"
     "                         each lead is set to 0 mV (occlusion); in words for the positive classes\n"
     "                         (\"mostly V1-V3, 2.0-4.5 s\"), with --json every class's lead x time matrix.\n"
     "                         Records up to 5 min\n"
     "  --occlude MASKS        the probabilities again with stretches of leads set to 0 mV: LEAD:FROM-TO\n"
     "                         in seconds, comma-separated; several masks separated by ';'\n"
     "                         (e.g. \"V1:2-2.5,V2:2-2.5;II:0-10\")\n" RATE_OPTION},
    {"eval", ecglite::cli::cmd_eval, "eval --ptbxl DIR --folds LIST [--model FILE] [--json] [--threads N]",
     "per-class and macro ROC AUC of the whole C++ pipeline on PTB-XL folds",
     "  --ptbxl DIR            the PTB-XL directory (ptbxl_database.csv and records100/)\n"
     "  --folds LIST           the folds to evaluate, e.g. 9, 1-8 or 1,2,9\n"
     "  --model FILE           as for classify\n"
     "  --json                 the result as JSON\n"
     "  --threads N            worker threads (default 0: all cores)\n"},
    {"ann", ecglite::cli::cmd_ann, "ann RECORD ANNOTATOR [--full]",
     "the annotations of RECORD.ANNOTATOR, one per line: sample, symbol, aux (an EDF+ file: ann FILE.edf,\n"
     "      its own annotations: onset s, duration s or '-', text)",
     "  --full                 subtype, chan and num too, the columns of rdann\n"},
    {"beats", ecglite::cli::cmd_beats,
     "beats RECORD [--json] [--model FILE | --no-model] [--leads i,j] [--reference ANNOTATOR] "
     "[--export-windows FILE.npy] [--rate HZ]",
     "detected beats with their AAMI class (N, S, V, F, Q; '?' without a beat model)",
     "  --json                 the beats as JSON\n"
     "  --model FILE           the beat model (default: $ECGLITE_BEATS_MODEL, else models/beats-int8.ecgm\n"
     "                         next to or above the executable)\n"
     "  --no-model             detect beats without classifying them\n"
     "  --leads i,j            detect on these leads only, counted from 0 (default: all)\n"
     "  --reference ANNOTATOR  add the matching reference annotation of each beat (e.g. atr)\n"
     "  --export-windows FILE.npy  the classifier input of every beat, for training\n" RATE_OPTION},
    {"rhythm", ecglite::cli::cmd_rhythm,
     "rhythm RECORD [--json] [--beats] [--model FILE | --no-model] [--rhythm-model FILE | --no-rhythm-model] "
     "[--rhythm-lead N] [--trend SECONDS] [--annotator NAME | --no-annotations] [--leads i,j] "
     "[--export-input FILE.npy] [--export-rr-summary FILE.json] [--holter-csv FILE] [--rate HZ]",
     "rhythm verdict (sinus, atrial fibrillation, other, too noisy) with AF episodes and burden; heart rate and "
     "its trend, S/V beats, couplets and runs, pauses, reference rhythms; from 10 min on a Holter summary "
     "(hourly table, longest runs, HRV). Long recordings (up to 30 days) are read in blocks of 30 minutes, "
     "with progress on stderr when it is a terminal",
     "  --json                 the summary as JSON\n"
     "  --beats                list every beat too (in JSON: columns samples, classes, probabilities)\n"
     "  --model FILE           the beat model, as for beats\n"
     "  --no-model             do not classify the beats\n"
     "  --rhythm-model FILE    the rhythm model (default: $ECGLITE_RHYTHM_MODEL, else models/rhythm-int8.ecgm\n"
     "                         next to or above the executable)\n"
     "  --no-rhythm-model      no rhythm verdict\n"
     "  --rhythm-lead N        the lead the rhythm model reads, counted from 0 (default: lead I, else the first)\n"
     "  --export-input FILE.npy  the rhythm model's input over the whole record, for training (records up to\n"
     "                         40 M samples: it is held whole)\n"
     "  --export-rr-summary FILE.json  the summaries of the record's RR intervals a rhythm model's head reads,\n"
     "                         for training\n"
     "  --holter-csv FILE      write the Holter summary's hourly table as CSV\n"
     "  --trend SECONDS        heart-rate trend interval, 1 to 3600 (default 10)\n"
     "  --annotator NAME       reference annotations RECORD.NAME (default: RECORD.atr when present)\n"
     "  --no-annotations       do not read reference annotations\n"
     "  --leads i,j            detect beats on these leads only, counted from 0 (default: all)\n" RATE_OPTION},
    {"qrs-eval", ecglite::cli::cmd_qrs_eval,
     "qrs-eval DIR [--annotator NAME] [--tolerance-ms MS] [--leads i,j] [--resample HZ] [--nst-noisy-only]"
     " [--json] [--markdown]",
     "QRS detector vs reference annotations (e.g. MIT-BIH), per record and gross Se and +P",
     "  --annotator NAME       reference annotations (default atr)\n"
     "  --tolerance-ms MS      a detection matches a reference beat within MS (default 150)\n"
     "  --leads i,j            detect on these leads only, counted from 0 (default: all)\n"
     "  --resample HZ          resample every record first (at least 50 Hz)\n"
     "  --nst-noisy-only       score only the segments the MIT-BIH Noise Stress Test adds noise to\n"
     "                         (2 min on, 2 min off from minute 5); the detector sees the whole record\n"
     "  --json                 the result as JSON\n"
     "  --markdown             the per-record table as Markdown (docs/QRS.md)\n"},
};

void print_usage(FILE* out) {
  std::fprintf(out, "usage: ecglite COMMAND [ARGS]\n\n"
                    "RECORD is a WFDB record path without extension, a .hea file, a .csv file or an .edf/.bdf file.\n\n"
                    "commands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  ecglite %s\n      %s\n", c.synopsis, c.summary);
  std::fprintf(out, "  ecglite --version\n\n"
                    "`ecglite COMMAND --help` explains the options of a command.\n"
                    "Exit status: 0 done, 1 an input could not be used or the output not written, 2 a usage\n"
                    "error, 3 an internal error.\n");
}

void print_command_usage(const Command& c) {
  std::printf("usage: ecglite %s\n\n%s\n\n", c.synopsis, c.summary);
  if (std::strstr(c.synopsis, "RECORD"))
    std::printf("RECORD is a WFDB record path without extension, a .hea file, a .csv file or an .edf/.bdf file.\n\n");
  std::printf("options:\n%s", c.options);
}

bool asks_for_help(int argc, char** argv) {
  for (int i = 2; i < argc; ++i)
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) return true;
  return false;
}

// The exit status of a command that printed what it had to: 1 when stdout could not be written.
int finished(const char* command, int status) {
  try {
    ecglite::cli::finish_output();
  } catch (const ecglite::Error& e) {
    ecglite::cli::print_message(command, e.what());
    return 1;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  using ecglite::cli::print_message;
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    if (argc < 2) {
      print_usage(stderr);
      return 2;
    }
    print_usage(stdout);
    return finished("", 0);
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("ecglite %s\n", ECGLITE_VERSION);
    return finished("", 0);
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(argv[1], c.name) != 0) continue;
    if (asks_for_help(argc, argv)) {
      print_command_usage(c);
      return finished(c.name, 0);
    }
    try {
      return finished(c.name, c.run(argc, argv, 2));
    } catch (const ecglite::cli::UsageError& e) {
      print_message(c.name, std::string(e.what()) + " (usage: ecglite " + c.synopsis + "; ecglite " + c.name +
                                " --help explains the options)");
      return 2;
    } catch (const ecglite::Error& e) {
      print_message(c.name, ecglite::cli::explain(e));
      return 1;
    } catch (const std::bad_alloc&) {
      print_message(c.name, "out of memory");
      return 1;
    } catch (const std::exception& e) {
      print_message(c.name, std::string("internal error: ") + e.what());
      return 3;
    }
  }
  print_message("", std::string("unknown command '") + argv[1] + "'");
  std::fputc('\n', stderr);
  print_usage(stderr);
  return 2;
}
