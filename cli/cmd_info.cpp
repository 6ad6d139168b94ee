// PLACEHOLDER: replaced by the real command (owner writes it); not part of any resolved issue.
#include "commands.h"
#include "ecglite/error.h"

namespace ecglite::cli {
int cmd_info(int, char**, int) { throw Error("'info' is not implemented yet"); }
}  // namespace ecglite::cli
