// Where the commands' results and messages go. A result that cannot be written (disk full, stdout
// closed) fails the command with exit 1 and one line, instead of leaving a truncated file and exit 0.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <string>
#include <utility>

#include "ecglite/error.h"

namespace ecglite::cli {

// Writes `text` to stdout; throws Error "cannot write the output (...)" when that fails, so a long
// output stops at the first failed write.
void write_output(const std::string& text);

// Writes `parts` one after another to the file `path` (created or replaced); throws Error naming the
// file when it cannot be opened or written. The one way the commands write a file of their own.
void write_file(const std::string& path, std::initializer_list<std::pair<const void*, std::size_t>> parts);

// Flushes stdout; throws Error as write_output when this or any earlier write to stdout failed
// (printf included). main calls it after every command.
void finish_output();

// The message of `e` as the command line says it: the core's words, plus what to do here (the flag
// to give) when the error's kind calls for it, as "<message> (<what to do>)".
std::string explain(const Error& e);

// "ecglite <command>: <message>" ("ecglite: <message>" without a command) on one line of stderr, in
// valid UTF-8 (a path a user typed can hold any bytes).
void print_message(const std::string& command, const std::string& message);

}  // namespace ecglite::cli
