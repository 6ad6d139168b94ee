#include "args.h"

#include <cstdlib>

#include "ecglite/error.h"

namespace ecglite::cli {

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

long long Args::get_int(const std::string& name, long long fallback) const {
  auto it = options.find(name);
  if (it == options.end()) return fallback;
  char* end = nullptr;
  long long value = std::strtoll(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0')
    throw Error(name + " expects an integer, got '" + it->second + "'");
  return value;
}

double Args::get_double(const std::string& name, double fallback) const {
  auto it = options.find(name);
  if (it == options.end()) return fallback;
  char* end = nullptr;
  double value = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0')
    throw Error(name + " expects a number, got '" + it->second + "'");
  return value;
}

Args parse_args(int argc, char** argv, int first, const std::set<std::string>& flags,
                const std::set<std::string>& valued) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      std::string value;
      auto eq = arg.find('=');
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
      if (flags.count(arg)) {
        args.options[arg] = "";
      } else if (valued.count(arg)) {
        if (eq == std::string::npos) {
          if (i + 1 >= argc) throw Error(arg + " needs a value");
          value = argv[++i];
        }
        args.options[arg] = value;
      } else {
        std::string known;
        for (const auto& f : flags) known += " " + f;
        for (const auto& v : valued) known += " " + v;
        throw Error("unknown option " + arg + (known.empty() ? "" : " (options:" + known + ")"));
      }
    } else {
      args.positional.push_back(arg);
    }
  }
  return args;
}

}  // namespace ecglite::cli
