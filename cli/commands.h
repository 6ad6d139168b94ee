// The subcommands of `ecglite`; each lives in its own cmd_*.cpp, a thin shell over the core.
#pragma once

namespace ecglite::cli {

// argv[first] is the first argument after the subcommand name. Return the exit status; throw
// UsageError (args.h) when the command is called wrongly (main adds the synopsis and exits 2) and
// ecglite::Error when an input cannot be used (main prints "ecglite <command>: <message>", exit 1).
// Results go to stdout; main checks that they could be written (output.h).
int cmd_info(int argc, char** argv, int first);
int cmd_dump(int argc, char** argv, int first);
int cmd_preprocess(int argc, char** argv, int first);
int cmd_classify(int argc, char** argv, int first);
int cmd_eval(int argc, char** argv, int first);
int cmd_ann(int argc, char** argv, int first);
int cmd_beats(int argc, char** argv, int first);
int cmd_qrs_eval(int argc, char** argv, int first);
int cmd_rhythm(int argc, char** argv, int first);

}  // namespace ecglite::cli
