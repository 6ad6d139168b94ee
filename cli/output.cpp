#include "output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "../core/src/common/text.h"  // to_valid_utf8: the core's rule for text from outside
#include "ecglite/error.h"

namespace ecglite::cli {

namespace {

[[noreturn]] void output_failed(int error) {
  throw Error(std::string("cannot write the output (") + (error ? std::strerror(error) : "write error") +
              ": check where the output goes and that its disk has space)");
}

}  // namespace

void write_file(const std::string& path, std::initializer_list<std::pair<const void*, std::size_t>> parts) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) throw Error(path + ": cannot write (" + std::strerror(errno) + ")");
  for (const auto& [data, size] : parts)
    if (std::fwrite(data, 1, size, f.get()) != size) throw Error(path + ": write error (" + std::strerror(errno) + ")");
  if (std::fflush(f.get()) != 0) throw Error(path + ": write error (" + std::strerror(errno) + ")");
}

std::string explain(const Error& e) {
  // Only the kinds whose remedy is a flag: the core's message says the rest in words that fit
  // every front-end (wasm/ecglite.mjs adds the JS options for the same kinds).
  const char* advice = nullptr;
  switch (e.kind()) {
    case ErrorKind::needs_rate:
      advice = "give the sampling rate with --rate HZ";
      break;
    case ErrorKind::wrong_model:
      advice =
          "classify and eval take the 12-lead model and beats and rhythm a beat model, each with --model FILE; "
          "rhythm's verdict takes a rhythm model with --rhythm-model FILE";
      break;
    default:
      break;
  }
  return advice ? std::string(e.what()) + " (" + advice + ")" : std::string(e.what());
}

void write_output(const std::string& text) {
  errno = 0;
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) output_failed(errno);
}

void finish_output() {
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int error = errno;
  if (!flushed || std::ferror(stdout)) output_failed(flushed ? 0 : error);
}

void print_message(const std::string& command, const std::string& message) {
  std::string line = text::to_valid_utf8(message);
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::fflush(stdout);  // after what the command printed, when both go to one file
  std::fprintf(stderr, "ecglite%s%s: %s\n", command.empty() ? "" : " ", command.c_str(), line.c_str());
}

}  // namespace ecglite::cli
