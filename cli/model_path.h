// Locating and describing the model file for the commands that run a network.
#pragma once
#include <string>

#include "args.h"
#include "ecglite/model.h"

namespace ecglite::cli {

// --model, else $ECGLITE_MODEL, else models/student-int8.ecgm next to / above the executable.
// Throws Error listing the places it looked when none is found.
std::string find_model(const Args& args, const char* argv0);

// One line: name, precision, parameters, MACs per window, path.
std::string describe_model(const ModelInfo& model, const std::string& path);

}  // namespace ecglite::cli
