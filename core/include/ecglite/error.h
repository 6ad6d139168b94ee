// The one error type of EcgLite. Every failure a user can cause (bad file, missing lead, unsupported
// format, resource limit) is reported as an ecglite::Error: a kind, for programs to act on, and a
// message that names the input and says what is wrong, in words that fit every front-end. What to
// do that depends on the front-end (a command-line flag, a JS option) is added by the front-end,
// chosen by the kind: the CLI prints the result on one line, the wasm module throws it as a JS Error
// whose `kind` is kind_name(kind()).
#pragma once
#include <stdexcept>
#include <string>

namespace ecglite {

enum class ErrorKind {
  other,               // none of the kinds below (and internal inconsistencies)
  bad_argument,        // a value given to a function or command it cannot take (index, range, option)
  missing_file,        // a file that is absent, cannot be opened or read, or was not provided
  unsupported_format,  // a file in a format EcgLite does not read (UTF-16, binary, an .edf that is not EDF; FLAC without libFLAC)
  bad_header,          // a WFDB header that is malformed or inconsistent
  bad_data,            // a signal, CSV or annotation file that is truncated, corrupt or malformed
  needs_rate,          // a record whose sampling rate is unknown: the caller must give it
  limit,               // a resource limit (file size, signals, samples) or a floor (duration, rate)
  bad_model,           // a model file that is damaged or of an unsupported version
  wrong_model,         // a valid model of the other task (a beat model where a 12-lead model belongs)
  missing_leads,       // the record lacks leads the analysis needs
  no_signal,           // the record has no usable signal (every lead flat, invalid or missing)
  cancelled,           // the caller stopped a long analysis (its progress callback returned false)
};

// "needs_rate", "missing_file", ...: the enumerator's name, as the JS Error's `kind` carries it.
inline const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::bad_argument:
      return "bad_argument";
    case ErrorKind::missing_file:
      return "missing_file";
    case ErrorKind::unsupported_format:
      return "unsupported_format";
    case ErrorKind::bad_header:
      return "bad_header";
    case ErrorKind::bad_data:
      return "bad_data";
    case ErrorKind::needs_rate:
      return "needs_rate";
    case ErrorKind::limit:
      return "limit";
    case ErrorKind::bad_model:
      return "bad_model";
    case ErrorKind::wrong_model:
      return "wrong_model";
    case ErrorKind::missing_leads:
      return "missing_leads";
    case ErrorKind::no_signal:
      return "no_signal";
    case ErrorKind::cancelled:
      return "cancelled";
    case ErrorKind::other:
      break;
  }
  return "other";
}

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  // An error of kind `other`. Prefer the constructor above: a front-end can only help with a kind.
  explicit Error(const std::string& message) : Error(ErrorKind::other, message) {}

  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace ecglite
