#include "model_path.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "ecglite/error.h"

namespace ecglite::cli {

namespace {

bool is_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string executable_dir(const char* argv0) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string exe = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string(argv0 ? argv0 : "");
  auto slash = exe.find_last_of('/');
  return slash == std::string::npos ? "." : exe.substr(0, slash);
}

// The path in environment variable `name`, "" when unset. A path that is not a file fails here, where
// the message can say where it came from (the model reader only knows the path).
std::string model_from_environment(const char* name, const char* flag = "--model") {
  const char* env = std::getenv(name);
  if (!env || !*env) return "";
  if (!is_file(env))
    throw Error(ErrorKind::missing_file, std::string(name) + "=" + env + ": no such model file (correct or unset " +
                                             name + ", or pass " + flag + " FILE)");
  return env;
}

}  // namespace

std::string find_shipped_model(const std::string& file_name, const char* argv0, std::vector<std::string>* tried) {
  const std::string dir = executable_dir(argv0);
  for (const char* rel : {"/models/", "/../models/", "/../../models/", "/../share/ecglite/models/"}) {
    const std::string path = dir + rel + file_name;
    if (is_file(path)) return path;
    if (tried) tried->push_back(path);
  }
  return "";
}

std::string find_model(const Args& args, const char* argv0) {
  if (args.has("--model")) return args.get("--model");
  if (std::string env = model_from_environment("ECGLITE_MODEL"); !env.empty()) return env;
  std::vector<std::string> tried;
  if (std::string path = find_shipped_model("student-int8.ecgm", argv0, &tried); !path.empty()) return path;
  std::string list;
  for (const auto& t : tried) list += (list.empty() ? "" : ", ") + t;
  throw Error(ErrorKind::missing_file,
              "no model found: pass --model FILE (e.g. --model models/student-int8.ecgm) or set "
              "ECGLITE_MODEL (looked for the default model at " +
                  list + ")");
}

std::string find_beats_model(const Args& args, const char* argv0) {
  if (args.has("--no-model")) return "";
  if (args.has("--model")) return args.get("--model");
  if (std::string env = model_from_environment("ECGLITE_BEATS_MODEL"); !env.empty()) return env;
  return find_shipped_model("beats-int8.ecgm", argv0, nullptr);
}

std::string find_rhythm_model(const Args& args, const char* argv0) {
  if (args.has("--no-rhythm-model")) return "";
  if (args.has("--rhythm-model")) return args.get("--rhythm-model");
  if (std::string env = model_from_environment("ECGLITE_RHYTHM_MODEL", "--rhythm-model"); !env.empty()) return env;
  return find_shipped_model("rhythm-int8.ecgm", argv0, nullptr);
}

std::string describe_model(const ModelInfo& m, const std::string& path) {
  char buf[160];
  std::snprintf(buf, sizeof buf, " (%s, %lld parameters, %.1fM MACs per %.2g s window)", m.precision.c_str(),
                static_cast<long long>(m.parameters), m.macs_per_window / 1e6, m.input_length / m.sampling_rate_hz);
  return m.name + buf + " from " + path;
}

}  // namespace ecglite::cli
