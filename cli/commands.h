// The subcommands of `ecglite`; each lives in its own cmd_*.cpp, a thin shell over the core.
#pragma once

namespace ecglite::cli {

// argv[first] is the first argument after the subcommand name. Return the exit status; throw
// ecglite::Error for user errors (main prints "ecglite: <message>" and exits 1).
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
