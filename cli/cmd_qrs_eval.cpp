// PLACEHOLDER: replaced by the real command (owner writes it); not part of any resolved issue.
#include "commands.h"
#include "ecglite/error.h"

namespace ecglite::cli {
int cmd_qrs_eval(int, char**, int) { throw Error("'qrs_eval' is not implemented yet"); }
}  // namespace ecglite::cli
