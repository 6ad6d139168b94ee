// PLACEHOLDER: replaced by the real command (owner writes it); not part of any resolved issue.
#include "commands.h"
#include "ecglite/error.h"

namespace ecglite::cli {
int cmd_classify(int, char**, int) { throw Error("'classify' is not implemented yet"); }
}  // namespace ecglite::cli
