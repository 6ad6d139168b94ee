// Minimal argument parsing shared by the subcommands: positionals plus --name value / --flag.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ecglite::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--from" -> "10"; flags map to ""

  bool has(const std::string& name) const { return options.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  long long get_int(const std::string& name, long long fallback) const;
  double get_double(const std::string& name, double fallback) const;
};

// `flags` are options that take no value; every other --option takes the next argument.
// Throws ecglite::Error for an unknown option (naming the allowed ones) or a missing value.
Args parse_args(int argc, char** argv, int first, const std::set<std::string>& flags,
                const std::set<std::string>& valued);

}  // namespace ecglite::cli
