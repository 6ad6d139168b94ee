#include "args.h"

#include <cstdlib>


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
    throw UsageError(name + " expects an integer, got '" + it->second + "'");
  return value;
}

double Args::get_double(const std::string& name, double fallback) const {
  auto it = options.find(name);
  if (it == options.end()) return fallback;
  char* end = nullptr;
  double value = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0')
    throw UsageError(name + " expects a number, got '" + it->second + "'");
  return value;
}

std::vector<int> parse_index_list(const std::string& option, const std::string& text, long max,
                                  const std::string& what, const std::string& example) {
  std::vector<int> list;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(pos, comma - pos);
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < 0 || v > max)
      throw UsageError(option + " expects " + what + " numbers separated by commas (e.g. " + example + "), got '" +
                  text + "'");
    list.push_back(static_cast<int>(v));
    pos = comma + 1;
  }
  return list;
}

std::vector<int> parse_lead_list(const std::string& text) {
  return parse_index_list("--leads", text, 63, "lead", "0 or 0,1");
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
          if (i + 1 >= argc) throw UsageError(arg + " needs a value");
          value = argv[++i];
        }
        args.options[arg] = value;
      } else {
        throw UsageError("unknown option " + arg);
      }
    } else {
      args.positional.push_back(arg);
    }
  }
  return args;
}

}  // namespace ecglite::cli
