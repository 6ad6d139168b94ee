// The one error type of EcgLite. Every failure a user can cause (bad file, missing lead, unsupported
// format, resource limit) is reported as an ecglite::Error whose message names the input and says
// what to do; the CLI prints it on one line, the wasm module rethrows it as a JS Error.
#pragma once
#include <stdexcept>
#include <string>

namespace ecglite {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace ecglite
