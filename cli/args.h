// Minimal argument parsing shared by the subcommands: positionals plus --name value / --flag.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ecglite/error.h"

namespace ecglite::cli {

// The command was called wrongly: an argument missing or too many, an unknown option, an option
// without its value or with a value it cannot take. main adds the command's synopsis and exits 2,
// which scripts can tell from a record that could not be used (1).
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ErrorKind::bad_argument, message) {}
};

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--from" -> "10"; flags map to ""

  bool has(const std::string& name) const { return options.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  // The value as a number; UsageError when it is not one.
  long long get_int(const std::string& name, long long fallback) const;
  double get_double(const std::string& name, double fallback) const;
};

// "0,2,5" -> {0, 2, 5}: the value of `option` as non-negative integers up to `max`. The UsageError
// names the option, what the numbers are (`what`: "signal", "lead") and an example.
std::vector<int> parse_index_list(const std::string& option, const std::string& text, long max,
                                  const std::string& what, const std::string& example);

// --leads of the beat and rhythm commands: lead numbers 0-63.
std::vector<int> parse_lead_list(const std::string& text);

// `flags` are options that take no value; every other --option takes the next argument.
// Throws UsageError for an unknown option or a missing value.
Args parse_args(int argc, char** argv, int first, const std::set<std::string>& flags,
                const std::set<std::string>& valued);

}  // namespace ecglite::cli
